"""表扬 in the 通报: the best units of the 月度考核, named with their scores, only where they stand out."""
from __future__ import annotations

from types import SimpleNamespace

from conftest import ROOT

from xinfang.report.bulletin import load_bulletin_context
from xinfang.report.sections.bulletin import praise, praised
from xinfang.result import Indicator
from xinfang.scoring.assessment import assess, parse_assessment

UNITS = "甲乙丙丁戊己庚辛"
ONE_ITEM = parse_assessment({"items": [{"name": "进京登记", "indicator": "beijing.registered", "rule": "deduction",
                                        "better": "lower", "target": 0, "per": 1, "points": 5, "weight": 30}]})


def ctx_of(beijing, registrations=None, share=0.5):
    """A 通报 of eight units: each unit's 进京登记 costs 5 points per 人次 (100, 95, 90, …)."""
    registrations = registrations or [3] * len(beijing)
    per_unit = {u: {"beijing.registered": Indicator("beijing.registered", "进京登记", n),
                    "total.registrations": Indicator("total.registrations", "登记件次", r)}
                for u, n, r in zip(UNITS, beijing, registrations)}
    return SimpleNamespace(assessment=assess(ONE_ITEM, per_unit), per_unit=per_unit,
                           volumes={"本月": {"件次": sum(registrations)}},
                           settings=SimpleNamespace(praise_share=share), overdue_count=lambda r: 0,
                           sign="％")


def text(ctx) -> str:
    parts = praise(ctx)
    return parts[0].markdown if parts else ""


def test_the_first_three_places_are_praised_with_their_scores():
    ctx = ctx_of([0, 1, 2, 3, 4, 5, 6, 6])      # 100, 95, 90, 85, 80, 75, 70, 70
    assert text(ctx) == ("根据本月考核结果，甲（100分，第1名），乙（95分，第2名），丙（90分，第3名）考核得分位列全区前三，"
                         "予以通报表扬。希望受到表扬的单位保持成绩，其他单位对照查找差距。")


def test_a_tie_is_praised_whole_and_full_marks_are_said_as_such():
    ctx = ctx_of([0, 0, 1, 2, 2, 3, 4, 5])      # 甲 乙 100 (并列第1), 丙 95 (第3): 3 of 8 units
    assert list(praised(ctx)["单位"]) == ["甲", "乙", "丙"]
    assert text(ctx).startswith("根据本月考核结果，甲、乙（100分，并列第1名），丙（95分，第3名）考核得分位列全区前三，")
    ctx = ctx_of([0, 0, 0, 1, 1, 2, 3, 4])      # three at 100, none lost a point
    assert text(ctx).startswith("根据本月考核结果，甲、乙、丙（100分，并列第1名）各项考核均未扣分，予以通报表扬。")


def test_no_praise_for_a_tie_of_most_units_everyone_or_a_month_without_registrations():
    # 4 of 8 share the first place: not fewer than half; the part says so instead of praising
    assert praised(ctx_of([0, 0, 0, 0, 1, 1, 2, 3])).empty
    assert text(ctx_of([0, 0, 0, 0, 1, 1, 2, 3])) == "本月考核得分位列前三（含并列）的单位有4个，占参加考核单位（8个）的50.00％，不单独通报表扬。"
    assert text(ctx_of([0] * 8)) == "本月参加考核的8个单位考核得分相同，不单独通报表扬。"   # everyone 100
    assert praise(ctx_of([0, 1, 2, 3, 4, 5, 6, 6], registrations=[0] * 8)) == []       # nothing to judge
    # a share of 0.6 lets four of eight (4 < 4.8) be praised
    assert list(praised(ctx_of([0, 0, 0, 0, 1, 1, 2, 3], share=0.6))["单位"]) == ["甲", "乙", "丙", "丁"]


def test_a_unit_with_nothing_to_judge_is_not_praised_for_its_full_score():
    ctx = ctx_of([0, 1, 2, 3, 4, 5, 6, 6], registrations=[0, 3, 3, 3, 3, 3, 3, 3])   # 甲: no registration
    assert list(praised(ctx)["单位"]) == ["乙", "丙"]


def test_praise_on_the_sample_names_only_a_minority_and_every_name_is_marked_in_the_ranking():
    shown = 0
    for month in range(1, 13):
        ctx = load_bulletin_context(2023, month, ROOT / "params")
        best, a = praised(ctx), ctx.assessment
        assert len(best) < 0.5 * len(a)
        assert set(best["单位"]) <= set(a.loc[a["标记"] == "前三名", "单位"])
        shown += bool(len(best))
    assert shown   # some month of the sample has a 表扬


def test_every_sample_month_has_its_praise_part_praising_or_saying_why_not():
    for month in range(1, 13):
        (part,) = praise(load_bulletin_context(2023, month, ROOT / "params"))
        assert part.markdown.startswith(("根据本月考核结果，", "本月考核得分位列前三（含并列）的单位有")), (month, part.markdown)
