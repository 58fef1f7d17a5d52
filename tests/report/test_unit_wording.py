"""Unit reports read naturally for a 街道 leader: no half a person, no "由1人次减至0人次", a rank
column that says which end is which, and the 口径 annex short or left to the district report."""
from __future__ import annotations

from types import SimpleNamespace

import yaml
from conftest import ROOT, copy_params

from xinfang import narrative as nv
from xinfang.report import load_report
from xinfang.report.findings import median_text
from xinfang.report.sections.annex import calibers, scoring
from xinfang.report.sections.unit import RANK_HEADER, UNIT_KEYS, figures, overall

YEAR = 2023


def peers(*values):
    units = [f"单位{i}" for i in range(len(values))]
    return SimpleNamespace(unit_values=lambda key: dict(zip(units, values)), peers=lambda: units)


def test_a_median_between_two_units_is_said_by_those_two_never_as_a_half():
    assert median_text(peers(45, 10, 32, 31), "national.volume", "件人次") == (
        "中位水平（居中的两个单位为31件人次、32件人次）")                    # (31 + 32) ÷ 2 = 31.5
    assert median_text(peers(45, 10, 31), "national.volume", "件人次") == "中位数31件人次"
    assert median_text(peers(45, 10, 30, 32), "national.volume", "件人次") == "中位数31件人次"   # (30 + 32) ÷ 2


def test_a_zero_on_either_side_is_said_as_the_change():
    assert nv.change(0, 1, unit="人次", min_base=10) == "同比减少1人次"
    assert nv.change(3, 0, unit="件", min_base=10) == "同比增加3件"
    assert nv.change(3, 8, unit="人次", min_base=10) == "同比由8人次减至3人次"   # both non-zero: as before
    assert nv.change(0, 0, unit="件", min_base=10) == "同比持平"


def test_the_rank_column_and_the_score_rank_say_which_end_is_first():
    ctx = load_report(YEAR, ROOT / "params", "城南街道").context
    table = next(p for p in figures(ctx) if hasattr(p, "frame"))
    assert list(table.frame.columns)[-1] == RANK_HEADER == "同类单位中的位次（第1位为最多）"
    text = overall(ctx)[0].markdown
    assert "得分在全区14个乡镇街道中" in text and "位（第1位得分最高）" in text


def test_the_short_caliber_annex_lists_only_what_the_report_shows(tmp_path):
    ctx = load_report(YEAR, ROOT / "params", "城南街道").context
    assert ctx.params.unit_calibers == "short"
    table = calibers(ctx)[1].frame
    assert list(table.columns) == ["指标", "口径"]
    assert set(table["指标"]) <= {ctx.label(k) for k in (*UNIT_KEYS, "overdue.acceptance", "overdue.reply",
                                                         "due_soon.reply")}
    # 城南街道 has a value for each of the 17 figures of its report and the 3 cut-off counts: 20 rows,
    # where the district's table has one per indicator of the catalogue
    assert len(UNIT_KEYS) == 17 and len(table) == 20 < len(ctx.results)
    assert "{附件:口径说明}" in scoring(ctx)[0].markdown


def test_unit_calibers_none_leaves_the_annex_to_the_district_report(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "output")
    doc = yaml.safe_load((params / "defaults.yaml").read_text(encoding="utf-8"))
    doc["unit_calibers"] = "none"
    (params / "defaults.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    report = load_report(YEAR, params, "城南街道")
    assert calibers(report.context) == []
    assert "其口径见全区绩效评价报告的指标口径说明。" in scoring(report.context)[0].markdown
    district = load_report(YEAR, params).context            # the district report keeps its full table
    assert len(calibers(district)[1].frame) == len(district.results)


def test_a_finding_never_states_the_same_change_twice():
    # 火车南站街道: 到国家信访局信访量 above the median and rising (37 against 32: +15.63％) is also the
    # leaf of the score table that lost points; the change is said once, then the points
    from xinfang.report.findings import findings

    ctx = load_report(YEAR, ROOT / "params", "火车南站街道").context
    text = next(f.sentence for f in findings(ctx) if f.key == "national.volume")
    assert text == ("到国家信访局信访量37件人次，高于乡镇街道中位水平（居中的两个单位为30件人次、33件人次），"
                    "同比上升15.63％，评分失1.25分（满分8分）")


def test_a_unit_with_one_domain_is_not_told_it_is_100_percent_of_itself():
    from xinfang.report.sections.unit import _domains_sentence

    # 区教育局: every one of its 69 registrations of 2023 is about 教育就学
    ctx = load_report(YEAR, ROOT / "params", "区教育局").context
    assert _domains_sentence(ctx) == "统计期内本单位登记的69件次均属教育就学领域（见{图:单位领域}）。"
    assert ctx.results["total.registrations"].value == 69
