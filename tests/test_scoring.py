"""Tests of xinfang.scoring: framework validation, one test per rule, scorecard, grade."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from xinfang.indicators import BUDGET_KEYS
from xinfang.errors import ParameterError
from xinfang.result import Indicator
from xinfang.scoring import (
    grade,
    load_framework,
    parse_framework,
    score,
)

DATA = Path(__file__).parent / "data" / "scoring"
DEFAULT = Path(__file__).parents[1] / "params" / "scoring" / "default.yaml"

# The indicator catalogue keys of docs/architecture.md §4 (the lead passes the catalogue's own keys).
CATALOGUE_KEYS = [
    "national.volume", "national.letters", "national.visits", "national.online",
    "national.share", "total.registrations", "national.first_demand",
    "handling.timely_acceptance", "handling.on_time_reply", "handling.participation",
    "handling.satisfaction", "resolution.demand_first", "resolution.national_online_first",
    "resolution.national_letters_first", "repeat.national_letters",
    "visits.city_group_batches", "visits.city_group_persons",
    "visits.city_individual_batches", "visits.city_individual_persons",
    "campaign.b12.assigned", "campaign.b12.reported", "campaign.b12.resolved",
    "campaign.b12.repeated", "campaign.b3.assigned", "campaign.b3.reported",
    "campaign.b3.resolved", "campaign.b3.repeated", "beijing.persons", "beijing.registered",
    "overdue.acceptance", "overdue.reply", "due_soon.reply",
]


def rate(key: str, value, numerator=None, denominator=None) -> Indicator:
    return Indicator(key=key, name=key, value=value, numerator=numerator,
                     denominator=denominator, unit="%", caliber=f"{key} 口径")


def count(key: str, value, previous=None) -> Indicator:
    yoy = None if previous in (None, 0) or value is None else (value - previous) / previous
    return Indicator(key=key, name=key, value=value, unit="件人次", previous=previous, yoy=yoy)


@pytest.fixture(scope="module")
def small():
    return load_framework(DATA / "small.yaml", CATALOGUE_KEYS)


def leaf(card, name):
    (found,) = [s for s in card.leaves if s.level3 == name]
    return found


# ------------------------------------------------------------------------------------------------
# loading


def test_small_framework_loads(small):
    assert small.name == "测试指标体系"
    assert small.file == "small.yaml"
    assert [g.name for g in small.groups] == ["产出", "决策"]
    assert small.total_weight == 100
    assert len(small.leaves) == 10
    assert small.leaf("goal").path == ("决策", "目标设定", "目标合理性")
    assert small.leaf("产出/质量指标/参评率").target == Decimal("0.95")  # "95%" → 0.95
    assert small.leaf("产出/质量指标/按期答复率").per == Decimal("0.01")  # 1% → 0.01


@pytest.mark.parametrize(("name", "where", "words"), [
    ("bad_weights.yaml", "产出", ["二级指标权重之和 50 不等于 60"]),
    ("bad_leaf_weights.yaml", "产出/质量指标", ["三级指标权重之和 11 不等于 100"]),
    ("bad_total.yaml", "(一级指标)", ["一级指标权重之和 90 不等于 100"]),
    ("unknown_key.yaml", "产出/质量指标/及时受理率",
     ["handling.timly_acceptance", "handling.timely_acceptance"]),
    ("bad_target.yaml", "产出/质量指标/参评率", ["九成五", "target"]),
    ("manual_above.yaml", "决策/目标设定/目标合理性", ["人工评分 12 超过权重 10"]),
    ("unknown_rule.yaml", "产出/质量指标/及时受理率", ["linear", "ratio"]),
    ("missing_field.yaml", "产出/质量指标/及时受理率", ["缺少字段 target"]),
])
def test_invalid_framework_names_file_and_node(name, where, words):
    with pytest.raises(ParameterError) as info:
        load_framework(DATA / name, CATALOGUE_KEYS)
    message = str(info.value)
    assert message.startswith(f"{name}: {where}: ")
    for word in words:
        assert word in message


def _one_leaf(**fields) -> dict:
    node = {"name": "及时受理率", "weight": 100, "indicator": "handling.timely_acceptance",
            "rule": "ratio", "target": 1} | fields
    node = {k: v for k, v in node.items() if v is not None}
    return {"indicators": [{"name": "产出", "weight": 100, "children": [
        {"name": "质量指标", "weight": 100, "children": [node]}]}]}


@pytest.mark.parametrize(("target", "expected"), [
    (0.9, Decimal("0.9")), (1, Decimal(1)), ("90%", Decimal("0.9")),
    ("95.5%", Decimal("0.955")), ("100％", Decimal(1)),
])
def test_target_numbers_and_percent_strings(target, expected):
    framework = parse_framework(_one_leaf(target=target), CATALOGUE_KEYS, file="t.yaml")
    assert framework.leaves[0].target == expected


# "0.9" as text is not accepted either: numbers, or percentages written with a % sign
@pytest.mark.parametrize("target", ["九成", "0.9", "90 percent", True, [0.9], {"v": 1}, "abc%"])
def test_wrong_target_type(target):
    with pytest.raises(ParameterError, match=r"^t\.yaml: 产出/质量指标/及时受理率: 目标值"):
        parse_framework(_one_leaf(target=target), CATALOGUE_KEYS, file="t.yaml")


def test_unknown_field_and_field_value():
    with pytest.raises(ParameterError, match="未知字段 taget"):
        parse_framework(_one_leaf(taget=1), CATALOGUE_KEYS, file="t.yaml")
    with pytest.raises(ParameterError, match="field"):
        parse_framework(_one_leaf(field="mom"), CATALOGUE_KEYS, file="t.yaml")


def test_budget_keys_are_always_known():
    framework = parse_framework(_one_leaf(indicator="budget.procurement_rate"), [], file="t.yaml")
    assert framework.leaves[0].indicator == "budget.procurement_rate"
    with pytest.raises(ParameterError, match="national.volume"):
        parse_framework(_one_leaf(indicator="national.volume"), [], file="t.yaml")


def test_invalid_yaml_names_file(tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("indicators: [\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"^broken\.yaml: "):
        load_framework(bad, CATALOGUE_KEYS)


# ------------------------------------------------------------------------------------------------
# one test per rule (hand-computed)


def test_ratio(small):
    key = "handling.timely_acceptance"  # weight 10, target 0.9
    # 10 × 0.72 / 0.9 = 8
    assert leaf(score(small, {key: rate(key, 0.72)}), "及时受理率").score == 8.0
    # 10 × 0.8 / 0.9 = 8.888… → 8.89
    assert leaf(score(small, {key: rate(key, 0.8)}), "及时受理率").score == 8.89
    # 10 × 0.10125 / 0.9 = 1.125 → 1.13 (ROUND_HALF_UP; round() would give 1.12)
    assert leaf(score(small, {key: rate(key, 0.10125)}), "及时受理率").score == 1.13


def test_ratio_is_capped(small):
    key = "handling.timely_acceptance"
    # 10 × 0.99 / 0.9 = 11 → capped at the weight 10
    s = leaf(score(small, {key: rate(key, 0.99, 99, 100)}), "及时受理率")
    assert s.score == 10.0
    assert (s.target_text, s.actual_text, s.evidence) == ("90.00%", "99.00%", "99/100")


def test_threshold(small):
    key = "handling.participation"  # weight 10, target 95%, no floor
    assert leaf(score(small, {key: rate(key, 0.95)}), "参评率").score == 10.0
    assert leaf(score(small, {key: rate(key, 0.9944)}), "参评率").score == 10.0
    # 10 × 0.76 / 0.95 = 8
    assert leaf(score(small, {key: rate(key, 0.76)}), "参评率").score == 8.0


def test_threshold_with_floor(small):
    key = "handling.satisfaction"  # weight 10, target 0.95, floor 0.75
    # 10 × (0.85 − 0.75) / (0.95 − 0.75) = 5
    assert leaf(score(small, {key: rate(key, 0.85)}), "满意率").score == 5.0
    assert leaf(score(small, {key: rate(key, 0.70)}), "满意率").score == 0.0
    assert leaf(score(small, {key: rate(key, 0.96)}), "满意率").score == 10.0


def test_deduction(small):
    key = "handling.on_time_reply"  # weight 10, target 100%, 2 points per 1 percentage point
    assert leaf(score(small, {key: rate(key, 1.0)}), "按期答复率").score == 10.0
    # 3 points short: 10 − 2 × 3 = 4
    assert leaf(score(small, {key: rate(key, 0.97)}), "按期答复率").score == 4.0
    # 0.25 point short, pro rata: 10 − 2 × 0.25 = 9.5
    assert leaf(score(small, {key: rate(key, 0.9975)}), "按期答复率").score == 9.5


def test_deduction_reaches_the_floor(small):
    key = "handling.on_time_reply"
    # 10 points short: 10 − 2 × 10 = −10 → floor 0
    s = leaf(score(small, {key: rate(key, 0.90)}), "按期答复率")
    assert s.score == 0.0
    assert s.rule_text == "每低于目标值1个百分点扣2分（按比例），扣完为止"


def test_reversed_level(small):
    key = "repeat.national_letters"  # weight 10, target 50%, lower is better
    assert leaf(score(small, {key: rate(key, 0.4)}), "来信重复率").score == 10.0
    # 10 × 0.5 / 2.0 = 2.5
    assert leaf(score(small, {key: rate(key, 2.0)}), "来信重复率").score == 2.5
    # 45/14 = 321.43 %: 10 × 0.5 × 14 / 45 = 1.5555… → 1.56
    s = leaf(score(small, {key: rate(key, 45 / 14, 45, 14)}), "来信重复率")
    assert (s.score, s.actual_text, s.target_text) == (1.56, "321.43%", "≤50.00%")


def test_reversed_growth_with_base_zero(small):
    key = "national.volume"  # weight 10, field yoy, target 0
    # growth 25 %: 10 × (1 − 0.25) = 7.5
    s = leaf(score(small, {key: count(key, 125, 100)}), "信访量变化率")
    assert (s.score, s.actual_text, s.evidence) == (7.5, "25.00%", "本期 125，上年同期 100")
    # a decrease is below the target 0: full marks
    assert leaf(score(small, {key: count(key, 70, 100)}), "信访量变化率").score == 10.0
    # growth 150 %: 10 × max(0, 1 − 1.5) = 0
    assert leaf(score(small, {key: count(key, 250, 100)}), "信访量变化率").score == 0.0
    # previous 0, value 0: growth 0 (持平), full marks
    s = leaf(score(small, {key: count(key, 0, 0)}), "信访量变化率")
    assert (s.score, s.actual_text) == (10.0, "0%")  # exactly 0% is written whole
    # previous 0, value 12: growth from zero is unbounded, 0 points
    s = leaf(score(small, {key: count(key, 12, 0)}), "信访量变化率")
    assert (s.score, s.actual_text) == (0.0, "上年同期为0")


def test_reversed_rate_change_on_value(small):
    key = "budget.three_public_change"  # weight 8, target 0
    assert leaf(score(small, {key: rate(key, -0.2)}), "三公经费变动率").score == 8.0
    # +10 %: 8 × (1 − 0.1) = 7.2
    assert leaf(score(small, {key: rate(key, 0.1)}), "三公经费变动率").score == 7.2


def test_manual_from_params(small):
    card = score(small, {}, {"goal": {"score": 7.5, "evidence": "目标与三定方案一致",
                                      "reason": "个别目标未细化到季度"}},
                 manual_source="2023.yaml")
    s = leaf(card, "目标合理性")
    assert (s.score, s.evidence, s.note) == (7.5, "目标与三定方案一致", "")
    assert (s.reason, s.lost, s.scored) == ("个别目标未细化到季度", 2.5, True)
    assert s.rule_text == "人工评分：目标与职责相符"
    # the framework's default score is used where params give none
    assert leaf(card, "指标明确性").score == 8.0
    assert leaf(card, "指标明确性").evidence == "框架默认"
    assert leaf(card, "指标明确性").reason == "两项指标未量化"
    # a path works as well as an id, and a bare number (full marks) as well as a mapping
    card = score(small, {}, {"决策/目标设定/指标明确性": 10})
    assert leaf(card, "指标明确性").score == 10.0
    # no manual score at all: unscored (behaviour change: it used to score 0)
    s = leaf(card, "目标合理性")
    assert (s.score, s.scored, s.unscored_reason, s.note) == (None, False, "未提供人工评分", "未提供人工评分")


@pytest.mark.parametrize(("manual", "words"), [
    ({"goal": {"score": 10.5, "evidence": "x"}}, ["决策/目标设定/目标合理性", "超过权重 10"]),
    ({"goal": {"score": -1}}, ["决策/目标设定/目标合理性", "不能为负"]),
    ({"goal": {"score": "满分"}}, ["决策/目标设定/目标合理性", "满分"]),
    ({"goal": {"points": 5}}, ["决策/目标设定/目标合理性", "points"]),
    ({"nosuch": 5}, ["nosuch", "goal"]),
    ({"产出/质量指标/参评率": 5}, ["产出/质量指标/参评率", "threshold"]),
])
def test_manual_errors_name_file_and_node(small, manual, words):
    with pytest.raises(ParameterError) as info:
        score(small, {}, manual, manual_source="2023.yaml")
    assert str(info.value).startswith("2023.yaml: ")
    for word in words:
        assert word in str(info.value)


def test_zero_denominator_is_not_applicable_not_zero(small):
    # the data exist but there is nothing to measure: 不适用, out of the 满分, not 0 points
    key = "budget.execution_rate"
    s = leaf(score(small, {key: rate(key, None, 0, 0)}), "预算执行率")
    assert (s.score, s.scored, s.status, s.shown_score, s.actual_text) == (
        None, False, "not_applicable", "不适用", "不适用")
    assert s.unscored_reason == "不适用：统计期内无计算该比率的信访件（分母为0），不计入满分"
    # not computed at all (no 预算执行表): unscored, not 0
    s = leaf(score(small, {}), "预算执行率")
    assert (s.score, s.scored, s.status, s.unscored_reason, s.actual_text) == (
        None, False, "missing", "未提供预算执行表", "未提供预算执行表")
    # a yoy leaf whose comparison period lies before the data: no comparison data, unscored
    old = Indicator("national.volume", "到国家信访局信访量（件人次）", 50, None, None, "件人次", comparable=False)
    s = leaf(score(small, {"national.volume": old}), "信访量变化率")
    assert (s.score, s.status, s.shown_score, s.actual_text) == (None, "no_comparison", "未评分", "无可比数据")


def test_a_change_on_a_small_base_is_not_scored_as_a_rate(small):
    key = "national.volume"  # weight 10, field yoy, target 0: 0 → 1 is not a rise of ∞
    s = leaf(score(small, {key: count(key, 1, 0)}, min_base=10), "信访量变化率")
    assert (s.status, s.shown_score) == ("not_applicable", "不适用")
    assert s.unscored_reason == "不适用：上年同期0，基数小于10，不按变动率评分，不计入满分"
    s = leaf(score(small, {key: count(key, 17, 3)}, min_base=10), "信访量变化率")
    assert s.status == "not_applicable"
    # on a base of 10 it is a rate again: +50 % → 10 × (1 − 0.5) = 5
    s = leaf(score(small, {key: count(key, 15, 10)}, min_base=10), "信访量变化率")
    assert (s.status, s.score) == ("measured", 5.0)


def test_not_applicable_leaves_leave_the_full_marks_and_keep_the_grade(small):
    values = _full_values()
    values["repeat.national_letters"] = rate("repeat.national_letters", None, 0, 0)  # weight 10 → 不适用
    card = score(small, values, MANUAL)
    # 73.95 − 1.56 (the repeat leaf's points) = 72.39 of 100 − 10 = 90 → 百分制 80.43 (72.39 ÷ 90 × 100):
    # 良, where counting the leaf as 0 of 10 would have given 72.39 and 中
    assert (card.total, card.scored_weight, card.hundred, card.grade) == (72.39, 90.0, 80.43, "良")
    assert [s.level3 for s in card.not_applicable] == ["来信重复率"]
    assert card.unscored == () and card.complete
    total = card.to_frame().iloc[-1]["评分规则"]
    assert total.startswith("1项不适用，不计入满分；适用部分满分90分，折合百分制80.43分，评价等级：良")


def test_params_targets_replace_the_framework_target_of_the_same_indicator(small):
    key = "handling.participation"  # threshold, framework target 95 %
    values = {key: rate(key, 0.76)}
    assert leaf(score(small, values), "参评率").target_text == "≥95.00%"
    s = leaf(score(small, values, targets={key: 0.8}), "参评率")
    assert (s.target_text, s.target) == ("≥80.00%", 0.8)


# ------------------------------------------------------------------------------------------------
# scorecard


def _full_values() -> dict[str, Indicator]:
    return {
        "handling.timely_acceptance": rate("handling.timely_acceptance", 0.8),   # 8.888… → 8.89
        "handling.participation": rate("handling.participation", 0.76),          # 8.00
        "handling.on_time_reply": rate("handling.on_time_reply", 0.9975),        # 9.50
        "handling.satisfaction": rate("handling.satisfaction", 0.85),            # 5.00
        "national.volume": count("national.volume", 125, 100),                   # 7.50
        "repeat.national_letters": rate("repeat.national_letters", 45 / 14),     # 1.5555… → 1.56
        "budget.execution_rate": rate("budget.execution_rate", 0.9),             # 12 × 0.9 = 10.80
        "budget.three_public_change": rate("budget.three_public_change", 0.1),   # 7.20
    }


MANUAL = {"goal": {"score": 7.5, "evidence": "e", "reason": "r"}}


def test_scorecard_totals_add_up(small):
    card = score(small, _full_values(), MANUAL)  # 7.50, 8.00
    assert card.level2 == {
        ("产出", "质量指标"): 31.39,   # 8.89 + 8 + 9.5 + 5
        ("产出", "数量指标"): 9.06,    # 7.5 + 1.56
        ("决策", "目标设定"): 15.5,    # 7.5 + 8
        ("决策", "资金管理"): 18.0,    # 10.8 + 7.2
    }
    assert card.level1 == {"产出": 40.45, "决策": 33.5}
    # sum of the rounded leaf scores (the unrounded sum 73.944… would round to 73.94)
    assert card.total == 73.95
    assert card.grade == "中"


def test_scorecard_frame(small):
    card = score(small, _full_values(), MANUAL)
    frame = card.to_frame()
    assert list(frame.columns) == ["一级指标", "二级指标", "三级指标", "权重", "目标值", "实际值",
                                   "得分", "评分规则"]
    assert len(frame) == 11
    first = frame.iloc[0].to_dict()
    assert first == {"一级指标": "产出", "二级指标": "质量指标", "三级指标": "及时受理率",
                     "权重": 10.0, "目标值": "90.00%", "实际值": "80.00%", "得分": 8.89,
                     "评分规则": "实际值÷目标值×权重，最高得满分"}
    assert frame.iloc[1]["目标值"] == "≥95.00%"
    last = frame.iloc[-1]
    assert (last["一级指标"], last["权重"], last["得分"]) == ("合计", 100.0, 73.95)
    assert "评价等级：中" in last["评分规则"]
    assert round(frame["得分"].iloc[:-1].sum(), 2) == 73.95
    wide = card.to_frame(detail=True, percent="％")
    assert wide.iloc[0]["实际值"] == "80.00％"
    assert {"指标", "依据", "说明", "口径"} <= set(wide.columns)
    assert wide.iloc[4]["指标"] == "national.volume (yoy)"


@pytest.mark.parametrize(("total", "expected"), [
    (100, "优"), (90, "优"), (89.99, "良"), (80, "良"), (79.99, "中"), (60, "中"),
    (59.99, "差"), (0, "差"), (Decimal("90.00"), "优"),
])
def test_grade_boundaries(total, expected):
    assert grade(total) == expected


# ------------------------------------------------------------------------------------------------
# the default framework


def test_default_framework_loads_and_sums_to_100():
    framework = load_framework(DEFAULT, CATALOGUE_KEYS)
    assert framework.total_weight == 100
    assert [(g.name, g.weight) for g in framework.groups] == [
        ("决策", 15), ("过程", 25), ("产出", 40), ("效益", 20)]
    for group in framework.groups:
        assert sum(s.weight for s in group.children) == group.weight
        for sub in group.children:
            assert sum(leaf.weight for leaf in sub.children) == sub.weight
    read = {leaf.indicator for leaf in framework.leaves if leaf.indicator}
    assert read <= set(CATALOGUE_KEYS) | set(BUDGET_KEYS)
    assert {"budget.execution_rate", "handling.timely_acceptance", "beijing.registered"} <= read
    assert framework.leaf("产出/质量指标/及时受理率").rule == "deduction"


def test_default_framework_full_marks():
    framework = load_framework(DEFAULT, CATALOGUE_KEYS)
    values = {key: rate(key, 1.0) for key in CATALOGUE_KEYS + list(BUDGET_KEYS)}
    values["budget.carryover_rate"] = rate("budget.carryover_rate", 0.0)
    values["budget.three_public_change"] = rate("budget.three_public_change", -0.1)
    values["repeat.national_letters"] = rate("repeat.national_letters", 0.2)
    values["national.volume"] = count("national.volume", 90, 100)
    values["beijing.registered"] = count("beijing.registered", 0, 3)
    manual = {leaf.id: {"score": float(leaf.weight), "evidence": "满分"}
              for leaf in framework.leaves if leaf.rule == "manual"}
    card = score(framework, values, manual)
    assert card.total == 100.0
    assert card.grade == "优"
    assert card.level1 == {"决策": 15.0, "过程": 25.0, "产出": 40.0, "效益": 20.0}


def test_default_framework_loads_with_the_real_catalogue():
    from xinfang.indicators import KEYS

    assert set(KEYS) == set(CATALOGUE_KEYS)  # the list above is docs/architecture.md §4
    assert load_framework(DEFAULT, KEYS).total_weight == 100


# ------------------------------------------------------------------------------------------------
# missing inputs: unscored leaves, total out of the weight scored, grade withheld


def _no_budget() -> dict[str, Indicator]:
    return {k: v for k, v in _full_values().items() if not k.startswith("budget.")}


def test_missing_budget_leaves_are_unscored_and_the_grade_withheld(small):
    card = score(small, _no_budget(), MANUAL)
    assert [s.level3 for s in card.unscored] == ["预算执行率", "三公经费变动率"]
    assert {s.unscored_reason for s in card.unscored} == {"未提供预算执行表"}
    # 产出 as before: 31.39 + 9.06 = 40.45 of 60; 决策: 7.5 + 8 = 15.5 of 20 scored (40 in all)
    assert card.level1 == {"产出": 40.45, "决策": 15.5}
    assert card.scored_weights1 == {"产出": 60.0, "决策": 20.0}
    assert card.level2[("决策", "资金管理")] == 0.0
    assert card.total == 55.95                       # 40.45 + 15.5, out of 80
    assert (card.scored_weight, card.total_weight) == (80.0, 100.0)
    assert card.grade is None and not card.complete
    assert card.grade_text == "暂不定级：2项未评分"


def test_every_leaf_scored_gives_the_grade(small):
    card = score(small, _full_values(), MANUAL)
    assert card.complete and card.unscored == ()
    assert (card.total, card.scored_weight, card.grade, card.grade_text) == (73.95, 100.0, "中", "中")


def test_unscored_leaves_in_the_frame(small):
    card = score(small, _no_budget(), MANUAL)
    frame = card.to_frame(percent="％")
    row = frame[frame["三级指标"] == "预算执行率"].iloc[0]
    assert (row["得分"], row["实际值"], row["目标值"]) == ("未评分", "未提供预算执行表", "100％")
    goal = frame[frame["三级指标"] == "目标合理性"].iloc[0]
    assert goal["评分规则"] == "人工评分：目标与职责相符；扣分理由：r"
    last = frame.iloc[-1]
    assert (last["得分"], last["权重"]) == (55.95, 100.0)
    assert last["评分规则"].startswith("已评分部分满分80分；暂不定级：2项未评分")
    # the scored rows add up to the total
    assert round(sum(v for v in frame["得分"].iloc[:-1] if v != "未评分"), 2) == 55.95


def test_no_manual_scores_at_all(small):
    card = score(small, _full_values())
    (s,) = card.unscored                               # 指标明确性 has a default score in the file
    assert (s.level3, s.score, s.unscored_reason) == ("目标合理性", None, "未提供人工评分")
    assert card.total == 66.45 and card.scored_weight == 90.0   # 73.95 − 7.5, 100 − 10


def test_absent_optional_table_is_unscored_but_zero_denominator_is_not_applicable(small):
    key = "handling.participation"
    # every field None: the table it comes from was not provided
    absent = Indicator(key, "参评率", None, None, None, "%")
    s = leaf(score(small, {key: absent}), "参评率")
    assert (s.scored, s.score, s.status) == (False, None, "missing")
    # 0 of 0: the data exist, nothing to measure: 不适用
    s = leaf(score(small, {key: rate(key, None, 0, 0)}), "参评率")
    assert (s.scored, s.score, s.status) == (False, None, "not_applicable")


def test_level1_groups_give_the_lost_points(small):
    card = score(small, _no_budget(), MANUAL)
    output, decision = card.groups()
    assert (output.name, output.weight, output.score, output.scored_weight) == ("产出", 60.0, 40.45, 60.0)
    assert output.lost_total == 19.55
    assert [(s.level3, s.lost) for s in output.lost] == [
        ("及时受理率", 1.11), ("参评率", 2.0), ("按期答复率", 0.5), ("满意率", 5.0),
        ("信访量变化率", 2.5), ("来信重复率", 8.44)]
    first = output.lost[0]
    assert (first.actual_text, first.target_text, first.rule_text) == (
        "80.00%", "90.00%", "实际值÷目标值×权重，最高得满分")
    assert (decision.score, decision.scored_weight, decision.weight) == (15.5, 20.0, 40.0)
    assert [(s.level3, s.lost, s.reason) for s in decision.lost] == [
        ("目标合理性", 2.5, "r"), ("指标明确性", 2.0, "两项指标未量化")]
    assert [s.level3 for s in decision.unscored] == ["预算执行率", "三公经费变动率"]


def test_full_marks_lose_nothing(small):
    card = score(small, {}, {"goal": 10})
    s = leaf(card, "目标合理性")
    assert (s.score, s.lost, s.lost_points, s.reason) == (10.0, 0.0, False, "")


@pytest.mark.parametrize("entry", [
    {"score": 3.5, "evidence": "制度总体执行到位"},
    {"score": 3.5, "evidence": "制度总体执行到位", "reason": "  "},
    {"score": 3.5, "evidence": "制度总体执行到位", "reason": None},
    3.5,
])
def test_manual_below_full_marks_needs_a_reason(small, entry):
    with pytest.raises(ParameterError) as info:
        score(small, {}, {"goal": entry}, manual_source="2023.yaml")
    message = str(info.value)
    assert message.startswith("2023.yaml: 决策/目标设定/目标合理性: ")
    assert "goal" in message and "扣分理由" in message and "reason" in message


def test_framework_default_below_full_marks_needs_a_reason():
    node = {"name": "指标明确性", "weight": 100, "rule": "manual", "score": 80, "evidence": "e"}
    data = {"indicators": [{"name": "决策", "weight": 100, "children": [
        {"name": "目标设定", "weight": 100, "children": [node]}]}]}
    with pytest.raises(ParameterError, match=r"^f\.yaml: 决策/目标设定/指标明确性: .*扣分理由"):
        parse_framework(data, [], file="f.yaml")
    node["reason"] = "部分指标未量化"
    assert parse_framework(data, [], file="f.yaml").leaves[0].reason == "部分指标未量化"


def test_the_2023_params_give_every_deduction_a_reason():
    import yaml

    params = yaml.safe_load((Path(__file__).parents[1] / "params" / "2023.yaml").read_text(encoding="utf-8"))
    framework = load_framework(DEFAULT, CATALOGUE_KEYS)
    manual = params["manual_scores"]
    assert {leaf.id for leaf in framework.leaves if leaf.rule == "manual"} == set(manual)
    card = score(framework, {}, manual, manual_source="2023.yaml")   # raises without reasons
    for s in card.leaves:
        if s.rule == "manual":
            assert s.scored and (s.reason != "") == (s.score < s.weight), s.id
    assert leaf(card, "制度执行有效性").reason.endswith("扣0.5分")
