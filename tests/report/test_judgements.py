"""Judgements that follow from the figures, on a hand-made district (测试区, not 大祥区).

测试区 has three units (城南街道, 城北街道 乡镇街道; 区住房和城乡建设局 区直部门). Each test builds
its own register; every expected figure below is counted by hand from those rows.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT, UNITS_YAML, row, write_csv

from xinfang.report import load_report
from xinfang.report.findings import findings, rank_among_nonzero
from xinfang.report.sections import findings as district_findings
from xinfang.report.sections.figures import share_clause
from xinfang.report.sections.unit import problems_found


def make_params(tmp_path: Path, rows: list[dict], *, year_layer: str = "", unit_layer: str = "") -> Path:
    """A params folder for 测试区 with the default scoring framework and the given register."""
    d = tmp_path / "params"
    d.mkdir()
    (d / "units.yaml").write_text(UNITS_YAML, encoding="utf-8")
    shutil.copytree(ROOT / "params" / "scoring", d / "scoring")
    register = write_csv(tmp_path / "登记表.csv", rows)
    (d / "defaults.yaml").write_text(
        "district: 测试区\nbureau: 测试区信访局\nunits: units.yaml\n"
        f"data: {{register: {register}, campaign: null, beijing: null, budget: null}}\n"
        "targets: {handling.timely_acceptance: 1.0, handling.on_time_reply: 1.0, handling.satisfaction: 0.9}\n"
        "framework: scoring/default.yaml\n"
        f"output: {tmp_path / 'output'}\n", encoding="utf-8")
    if year_layer:
        (d / "2023.yaml").write_text(year_layer, encoding="utf-8")
    if unit_layer:
        (d / "2023").mkdir()
        (d / "2023" / "城南街道.yaml").write_text(unit_layer, encoding="utf-8")
    return d


def national(n: int, start: int, date: str, unit: str, **kw) -> list[dict]:
    """``n`` national online registrations, replied the same day and satisfied."""
    return [row(f"C{start + i:04d}", f"M{start + i:04d}", date, level="国家", channel="网上信访", unit=unit,
                replied=date, evaluation="满意", **kw) for i in range(n)]


# ----------------------------------------------------------------------------------------------
# a register that starts on 1 January of the report year: no comparison data, never "由0"

def first_year(tmp_path: Path) -> Path:
    rows = national(12, 0, "2023-01-05", "城南街道") + national(5, 100, "2023-02-01", "城北街道")
    rows += [row(f"V{i}", f"V{i}", "2023-03-01", level="市", channel="来访", persons="6", unit="城南街道",
                 replied="2023-03-02", evaluation="满意") for i in range(3)]
    return make_params(tmp_path, rows)


def test_a_first_year_has_no_comparison_no_rise_from_zero_and_unscored_change_leaves(tmp_path):
    report = load_report(2023, first_year(tmp_path))
    ctx = report.context
    volume = ctx.results["national.volume"]
    assert (volume.value, volume.previous, volume.comparable) == (17, None, False)
    text = "\n".join(district_findings(ctx))
    assert "由0" not in text and "上年同期为0" not in text and "到市集访" not in text
    assert not [f for f in findings(ctx) if f.kind in ("high_growth", "city_group")]
    changes = [s for s in ctx.scorecard.leaves if s.field == "yoy" and not s.indicator.startswith("beijing.")]
    assert changes and all((s.status, s.shown_score) == ("no_comparison", "未评分") for s in changes)
    assert ctx.scorecard.grade is None  # the change leaves are unscored: the grade waits for them
    assert "无可比数据" in ctx.yoy("national.volume")


# ----------------------------------------------------------------------------------------------
# overdue cases at the period end: the district and the unit say them, as a problem

def with_overdue(tmp_path: Path) -> Path:
    rows = national(12, 0, "2022-05-05", "城南街道") + national(12, 100, "2023-05-05", "城南街道")
    rows += national(3, 200, "2023-06-01", "城北街道") + national(3, 300, "2022-06-01", "城北街道")
    # no acceptance decision 46 days after registration: 超期未受理
    rows.append(row("OD1", "OD1", "2023-11-15", unit="城南街道", decision=""))
    # accepted 2023-09-01, due 2023-10-31, no reply by 2023-12-31: 超期未答复
    rows.append(row("OD2", "OD2", "2023-09-01", unit="城南街道"))
    rows.append(row("OD3", "OD3", "2023-09-02", unit="城南街道"))
    return make_params(tmp_path, rows)


def test_overdue_cases_are_the_first_problem_of_the_district_and_of_their_unit(tmp_path):
    pdir = with_overdue(tmp_path)
    ctx = load_report(2023, pdir).context
    assert (ctx.results["overdue.acceptance"].value, ctx.results["overdue.reply"].value) == (1, 2)
    assert district_findings(ctx)[0] == "存在超期未办信访件。截至2023年12月31日，全区超期未受理1件、超期未答复2件，须逐件限期办结。"
    unit = load_report(2023, pdir, "城南街道").context
    key, text = problems_found(unit)[0]
    assert (key, text) == ("overdue.reply", "存在超期未办信访件。截至2023年12月31日，本单位超期未受理1件、超期未答复2件，"
                                            "须逐件限期办结")
    north = load_report(2023, pdir, "城北街道").context
    assert not [k for k, _ in problems_found(north) if k.startswith("overdue")]
    # and in the body, beside the figures
    from xinfang.report.sections.figures import overdue_sentence

    assert overdue_sentence(ctx) == "截至2023年12月31日，全区尚有超期未受理1件、超期未答复2件。"
    assert overdue_sentence(unit) == "截至2023年12月31日，本单位尚有超期未受理1件、超期未答复2件。"
    assert overdue_sentence(north) == ""


# ----------------------------------------------------------------------------------------------
# not applicable: no national letters to repeat is not a lost 6 points

def test_a_unit_with_nothing_to_repeat_is_not_scored_down_for_it(tmp_path):
    rows = national(12, 0, "2022-05-05", "城南街道") + national(12, 100, "2023-05-05", "城南街道")
    rows += national(12, 200, "2022-05-05", "城北街道") + national(12, 300, "2023-05-05", "城北街道")
    # 城北街道: one national letter (初件) and its repeat: 重复率 100％ against ≤50％
    rows.append(row("L1", "L1", "2023-03-01", level="国家", channel="来信", unit="城北街道", replied="2023-03-05",
                    evaluation="满意"))
    rows.append(row("L2", "L1", "2023-06-01", level="国家", channel="来信", unit="城北街道", kind="重件",
                    decision="不再受理"))
    pdir = make_params(tmp_path, rows)
    south = load_report(2023, pdir, "城南街道").context
    (repeat,) = [s for s in south.scorecard.leaves if s.indicator == "repeat.national_letters"]
    assert (repeat.status, repeat.shown_score) == ("not_applicable", "不适用")
    score, full = south.petition_score("城南街道")
    # 60 petition points, less 8 (治重化积: no table) and 6 (进京: no table), both unscored, and the
    # 6 of the repeat rate that do not apply: 40, all of them earned
    assert (score, full) == (40.0, 40.0)
    assert not [f for f in findings(south) if f.key == "repeat.national_letters"]
    # 城北街道 lost 3 of the 6 points: a problem, and never "every target met"
    north = load_report(2023, pdir, "城北街道").context
    texts = [t for k, t in problems_found(north) if k == "repeat.national_letters"]
    assert texts == ["到国家信访局来信重复率100％，目标值≤50.00％，评分失3分（满分6分）"]


# ----------------------------------------------------------------------------------------------
# a rise of at least findings.high_growth on a base of at least findings.min_base, whatever the peers

def test_a_high_rise_is_a_problem_even_below_the_peers_median(tmp_path):
    rows = national(10, 0, "2022-05-05", "城南街道") + national(13, 100, "2023-05-05", "城南街道")
    rows += national(40, 200, "2022-05-05", "城北街道") + national(40, 300, "2023-05-05", "城北街道")
    pdir = make_params(tmp_path, rows)
    south = load_report(2023, pdir, "城南街道").context
    # 13 against 10: +30.00％ ≥ 20％ on a base of 10: 明显上升; the change leaf (8 points, target ≤0)
    # scores 8 × (1 − 0.30) = 5.6: the 2.4 points lost are said in the same sentence
    assert ("national.volume", "到国家信访局信访量明显上升。到国家信访局信访量13件人次，同比上升30.00％，"
                               "评分失2.4分（满分8分）") in problems_found(south)


def test_a_change_on_a_small_base_is_neither_a_problem_nor_scored_as_a_rate(tmp_path):
    rows = national(3, 0, "2022-05-05", "城南街道") + national(17, 100, "2023-05-05", "城南街道")
    rows += national(12, 200, "2022-05-05", "城北街道") + national(12, 300, "2023-05-05", "城北街道")
    south = load_report(2023, make_params(tmp_path, rows), "城南街道").context
    assert not [f for f in findings(south) if f.kind == "high_growth"]
    (change,) = [s for s in south.scorecard.leaves if s.indicator == "national.volume" and s.field == "yoy"]
    assert (change.status, change.shown_score) == ("not_applicable", "不适用")
    assert south.yoy("national.volume") == "同比由3件人次增至17件人次"


# ----------------------------------------------------------------------------------------------
# ranks: the fewest is never a problem's rank

def test_a_rank_stated_as_a_problem_is_never_the_fewest(tmp_path):
    rows = national(12, 0, "2023-05-05", "城南街道") + national(3, 100, "2023-05-05", "城北街道")
    pdir = make_params(tmp_path, rows)
    south = load_report(2023, pdir, "城南街道").context
    north = load_report(2023, pdir, "城北街道").context
    assert rank_among_nonzero(south, "national.volume") == "第1位"
    assert rank_among_nonzero(north, "national.volume") is None


# ----------------------------------------------------------------------------------------------
# one target, one value; a partial override keeps the others

def test_a_partial_targets_override_changes_one_target_everywhere_and_keeps_the_rest(tmp_path):
    rows = national(12, 0, "2022-05-05", "城南街道") + national(12, 100, "2023-05-05", "城南街道")
    pdir = make_params(tmp_path, rows, year_layer="targets: {handling.on_time_reply: 0.9}\n")
    ctx = load_report(2023, pdir).context
    # the params' three (one changed by the year), then the framework's for the other rates it scores
    # (参评率 95％, 一次性化解率 90％; 治重化积化解率 has no table here and no target)
    assert ctx.targets == {"handling.timely_acceptance": 1.0, "handling.on_time_reply": 0.9,
                           "handling.satisfaction": 0.9, "handling.participation": 0.95,
                           "resolution.demand_first": 0.9}
    (leaf,) = [s for s in ctx.scorecard.leaves if s.indicator == "handling.on_time_reply"]
    assert leaf.target == 0.9  # the 评分表 scores against the params' target, not the framework's 100％


# ----------------------------------------------------------------------------------------------
# a share stands beside the count it is computed from

def test_a_share_of_registrations_names_its_registrations_when_visits_have_many_persons(tmp_path):
    rows = national(2, 0, "2023-05-05", "城南街道")
    rows += [row(f"B{i}", f"B{i}", "2023-06-01", level="国家", channel="来访", persons="3", unit="城南街道",
                 replied="2023-06-02", evaluation="满意") for i in range(2)]
    rows += [row(f"D{i}", f"D{i}", "2023-07-01", unit="城北街道", replied="2023-07-02", evaluation="满意")
             for i in range(4)]
    ctx = load_report(2023, make_params(tmp_path, rows)).context
    # volume 2 + 2 × 3 = 8 件人次; 4 national registrations of 8 in all = 50％ (of 件次, not 8 ÷ 8)
    assert ctx.results["national.volume"].value == 8
    assert share_clause(ctx) == "；到国家信访局登记4件次，占全区信访总量（8件次）的50.00％"


# ----------------------------------------------------------------------------------------------
# the bulletin's ranking: 前三名 is three units, or the tied set said as such

def test_the_first_three_are_three_or_a_tie_said_as_one():
    from xinfang.report.sections.bulletin import ranking_sentence
    from xinfang.result import Indicator
    from xinfang.scoring.assessment import assess, parse_assessment

    a = parse_assessment({"items": [{"name": "进京登记", "indicator": "beijing.registered", "rule": "deduction",
                                     "better": "lower", "target": 0, "per": 1, "points": 5, "weight": 30}]})

    def units(counts):
        return {u: {"beijing.registered": Indicator("beijing.registered", "进京", n)} for u, n in counts}

    # 甲 乙 丙 丁 with no 进京 tie at 100: four units are 前三 together, 戊 (2 → −10) is last
    text = ranking_sentence(assess(a, units((("甲", 0), ("乙", 0), ("丙", 0), ("丁", 0), ("戊", 2)))))
    assert text == ("按照月度考核办法，本月各单位考核得分及排名见{表:排名}。得分位列前三（含并列）的4个单位是"
                    "甲、乙、丙、丁（100分，并列第1名）；后三名的是戊（90分，第5名），扣分原因为戊（进京登记扣10分）。")
    text = ranking_sentence(assess(a, units((("甲", 0), ("乙", 1), ("丙", 2), ("丁", 3)))))
    assert text.startswith("按照月度考核办法，本月各单位考核得分及排名见{表:排名}。得分前三名的是甲（100分，第1名），"
                           "乙（95分，第2名），丙（90分，第3名）；后三名的是丁（85分，第4名）")


def test_a_channel_that_rose_is_a_problem_when_the_volume_did_not_rise_as_much(tmp_path):
    def letters(n, start, date, unit):
        return [row(f"L{start + i:04d}", f"L{start + i:04d}", date, level="国家", channel="来信", unit=unit,
                    replied=date, evaluation="满意") for i in range(n)]

    rows = letters(10, 0, "2022-05-05", "城南街道") + national(40, 100, "2022-05-05", "城南街道")
    rows += letters(15, 200, "2023-05-05", "城南街道") + national(40, 300, "2023-05-05", "城南街道")
    south = load_report(2023, make_params(tmp_path, rows), "城南街道").context
    # volume 55 against 50 (+10％, not a finding); letters 15 against 10 (+50％ on a base of 10)
    assert ("national.letters", "到国家信访局来信大幅上升。到国家信访局来信15件次，同比上升50.00％") in problems_found(south)
    assert not [f for f in findings(south) if f.key == "national.volume" and f.kind == "high_growth"]
    # the change leaf still lost 8 × 10％ = 0.8 points: said as such
    assert ("national.volume", "到国家信访局信访量变化率10.00％，目标值≤0％，评分失0.8分（满分8分）") in problems_found(south)


def test_a_unit_report_says_what_is_left_out_of_its_score(tmp_path):
    from xinfang.report.sections.unit import overall

    rows = national(12, 0, "2023-05-05", "城南街道") + national(3, 100, "2023-05-05", "城北街道")
    south = load_report(2023, make_params(tmp_path, rows), "城南街道").context
    (text,) = overall(south)
    # a first year without the optional tables: the repeat rate does not apply (no letters), the
    # campaign and 进京 leaves have no table, the change has no comparison data: no grade yet
    assert text.markdown.startswith(
        "按绩效评价指标体系中由信访数据计算的指标评分，本单位得32分（满分32分，1项指标本单位不适用，不计入满分），"
        "折合百分制100分；治重化积化解率（未提供治重化积交办件）、到国家信访局信访量变化率（无可比数据）、"
        "进京登记人次变化率（未提供进京上访台账）未评分，评价等级暂不确定，得分在全区2个乡镇街道中")
