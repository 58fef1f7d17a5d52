"""The 月度考核's deduction for overdue cases grows with their number (rule ``scaled``), so a
district with many overdue cases still ranks its units apart."""
from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import ROOT

from xinfang.errors import ParameterError
from xinfang.result import Indicator
from xinfang.scoring.assessment import assess, load_assessment, parse_assessment

OLD_OVERDUE = {"rule": "deduction", "better": "lower", "target": 0, "per": 1, "points": 2, "weight": 10}


def units(*rows):
    """(超期未受理, 及时受理 of 20) per unit: 甲, 乙, 丙, …"""
    out = {}
    for name, (overdue, timely) in zip("甲乙丙丁戊己", rows):
        out[name] = {"overdue.acceptance": Indicator("overdue.acceptance", "超期未受理", overdue),
                     "overdue.reply": Indicator("overdue.reply", "超期未答复", 0),
                     "handling.timely_acceptance": Indicator("handling.timely_acceptance", "及时受理率",
                                                             timely / 20, timely, 20, "%")}
    return out


# a district with many overdue cases: the units with the most (72) accept everything else in time
MANY = units((72, 20), (72, 20), (40, 19), (20, 18), (10, 16), (6, 10))


def test_with_the_old_capped_rule_the_units_with_the_most_overdue_cases_tie_for_first():
    doc = {"items": [{"name": "超期未受理", "indicator": "overdue.acceptance", **OLD_OVERDUE},
                     {"name": "及时受理率", "indicator": "handling.timely_acceptance", "rule": "deduction",
                      "better": "higher", "target": "100%", "per": "1%", "points": 0.5, "weight": 10}]}
    f = assess(parse_assessment(doc), MANY)
    # every unit loses the whole 10 for overdue; 及时受理率 decides: 甲 乙 90, 丙 87.5, 丁 85, 戊 己 80
    assert f[["单位", "得分", "名次"]].values.tolist()[:2] == [["甲", 90.0, 1], ["乙", 90.0, 1]]


def test_with_the_shipped_rules_the_first_ranked_unit_is_not_tied_for_the_most_overdue():
    f = assess(load_assessment(ROOT / "params" / "assessment" / "default.yaml"), MANY).set_index("单位")
    # overdue: 40 × n ÷ (n + 20); 及时受理率: 0.5 per point below 100％, at most 10
    #   甲 乙 72 → 31.30 (100 − 31.30 = 68.70); 丙 40 → 26.67 + 2.5 → 70.83; 丁 20 → 20 + 5 → 75;
    #   戊 10 → 13.33 + 10 → 76.67; 己 6 → 9.23 + 10 → 80.77
    assert f["得分"].to_dict() == {"己": 80.77, "戊": 76.67, "丁": 75.0, "丙": 70.83, "甲": 68.7, "乙": 68.7}
    assert f.loc["己", "名次"] == 1 and f.loc["甲", "名次"] == f.loc["乙", "名次"] == 5
    assert f.loc["甲", "扣分说明"] == "超期未受理扣31.3分"


def test_the_shipped_rules_tell_every_count_apart_and_cost_about_two_points_for_one_case():
    item = next(i for i in load_assessment(ROOT / "params" / "assessment" / "default.yaml").items
                if i.indicator == "overdue.reply")
    lost = [item.deduction(Indicator("overdue.reply", "超期未答复", n)) for n in range(0, 279)]
    assert lost[:3] == [Decimal("0.00"), Decimal("1.90"), Decimal("3.64")]      # 40 ÷ 21, 80 ÷ 22
    assert lost[20] == Decimal("20.00") and all(d < 40 for d in lost)
    assert all(a < b for a, b in zip(lost, lost[1:]))                          # 0 … 278 cases, all distinct


def test_scaled_needs_a_positive_half_and_half_belongs_to_scaled_only():
    base = {"name": "超期", "indicator": "overdue.reply", "better": "lower", "target": 0, "weight": 40}
    with pytest.raises(ParameterError, match="half"):
        parse_assessment({"items": [{**base, "rule": "scaled"}]})
    with pytest.raises(ParameterError, match="half"):
        parse_assessment({"items": [{**base, "rule": "scaled", "half": 0}]})
    with pytest.raises(ParameterError, match="half"):
        parse_assessment({"items": [{**base, "rule": "deduction", "half": 20}]})
