"""The score of one 三级 leaf (:class:`LeafScore`), with the texts a reader needs to audit it.

Scoring policy: what a leaf's status is, and what it does to the total
---------------------------------------------------------------------
A leaf has one of four statuses (``LeafScore.status``), kept apart as scikit-learn keeps
``zero_division`` apart from missing data:

* **measured** (``MEASURED``): the rule's formula on the measured value, 0 to the weight.
* **not applicable** (不适用, ``NOT_APPLICABLE``): there is nothing to measure for this entity: a
  rate whose denominator is 0 (no 治重化积 case, no 到国家信访局来信 to repeat), or a change on a
  base below ``findings.min_base`` (上年同期 3 件 says nothing as a rate). Nothing went wrong, so
  nothing is lost: the leaf is left out of the entity's 满分, and the 百分制 is over what applies
  (:class:`~xinfang.scoring.Scorecard`). The grade is given.
* **no comparison data** (无可比数据, ``NO_COMPARISON``): a ``field: yoy`` leaf whose comparison
  period lies before the data begin (:func:`xinfang.indicators.compute.covers`). Unscored
  (未评分), like a missing input: the change is unknown, not zero.
* **input missing** (``MISSING``): the input the leaf needs was not provided: a manual leaf with
  no score (``未提供人工评分``), or an indicator from an optional table not given
  (``未提供预算执行表`` …). Unscored.

An unscored leaf (no comparison data, input missing) counts neither in the total nor in the
weight scored, and the grade is withheld (暂不定级) until it is scored. A 财政局 evaluator can
accept a score over what applies, but not a grade over what was never measured.

For ``field: yoy`` on a base of at least ``min_base``: previous = 0 cannot happen (0 is below
any base); without ``min_base`` (the library called alone) previous = 0 and value = 0 is 持平,
previous = 0 and value > 0 is +∞ (``reversed`` gives 0).

Rounding: every leaf score is rounded to 2 decimals with ROUND_HALF_UP; rates are shown with two
decimals, except exactly 100% and 0% (as office documents write them).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..indicators.catalogue import BUDGET_KEYS, SPECS
from ..result import Indicator
from .framework import _INF, Leaf, _to_decimal
from .manual import ManualScore
from .rules import deduction_score, ratio_score, reversed_score, threshold_score

__all__ = ["MEASURED", "MISSING", "NOTE_NO_MANUAL", "NOTE_UNDEFINED", "NOT_APPLICABLE", "NOT_APPLICABLE_TEXT",
           "NO_COMPARISON", "UNSCORED", "LeafScore", "missing_reason"]

MEASURED = "measured"
NOT_APPLICABLE = "not_applicable"
NO_COMPARISON = "no_comparison"
MISSING = "missing"
NOT_APPLICABLE_TEXT = "不适用"
"""How a not-applicable leaf's score is shown."""

NOTE_UNDEFINED = "数据缺失/分母为0"
"""Note of a scored leaf whose indicator is undefined (data exist, value cannot be computed);
such a leaf scores 0."""
NOTE_NO_MANUAL = "未提供人工评分"
"""Reason of a manual leaf left unscored."""
UNSCORED = "未评分"
"""How an unscored leaf's score is shown."""

_CENT = Decimal("0.01")
#: prefix of an indicator key → the input table it is computed from (optional tables only)
_TABLES = {"budget": "预算执行表", "campaign": "治重化积交办件", "beijing": "进京上访台账"}


@dataclass(frozen=True)
class LeafScore:
    """The score of one leaf with everything a reader needs to audit it.

    ``target`` / ``actual`` are floats (fractions for rates, ``inf`` for growth from 0, ``None``
    when undefined); ``target_text`` / ``actual_text`` are formatted for reading (``%`` sign).
    ``score`` is rounded to 2 decimals (ROUND_HALF_UP), ``None`` when the leaf is unscored
    (``scored=False``, ``unscored_reason`` says why, e.g. ``未提供预算执行表``). ``evidence`` is the
    评分依据; ``reason`` the 扣分理由 of a manual score below full marks (empty otherwise).
    """

    level1: str
    level2: str
    level3: str
    id: str
    weight: float
    rule: str
    rule_text: str
    indicator: str | None
    field: str
    target: float | None
    actual: float | None
    target_text: str
    actual_text: str
    score: float | None
    note: str
    evidence: str
    caliber: str
    is_rate: bool
    scored: bool = True
    unscored_reason: str = ""
    reason: str = ""
    status: str = MEASURED

    @property
    def applies(self) -> bool:
        """The leaf applies to the entity (everything but 不适用)."""
        return self.status != NOT_APPLICABLE

    @property
    def shown_score(self) -> float | str:
        """The 得分 cell: the score, 不适用 or 未评分."""
        if self.scored:
            return self.score
        return NOT_APPLICABLE_TEXT if self.status == NOT_APPLICABLE else UNSCORED

    @property
    def lost(self) -> float | None:
        """Points lost (weight − score, 2 decimals); ``None`` when unscored."""
        if not self.scored:
            return None
        return float(Decimal(repr(self.weight)) - Decimal(repr(self.score)))

    @property
    def lost_points(self) -> bool:
        """Scored below full marks."""
        return self.scored and self.score < self.weight


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _fmt_number(value: Decimal) -> str:
    """Integers as such, else at most 2 decimals (ROUND_HALF_UP), trailing zeros dropped."""
    if value == value.to_integral_value():
        return f"{value.to_integral_value():f}"
    return f"{_quantize(value).normalize():f}"


def _fmt(value: Decimal, is_rate: bool) -> str:
    """A rate as a percentage with 2 decimals (exactly 100% and 0% whole), else a number."""
    if is_rate:
        shown = _quantize(value * 100)
        if abs(shown) in (0, 100):
            return f"{int(shown)}%"
        return f"{shown:f}%"
    return _fmt_number(value)


def _plain(value: object) -> str:
    number = _to_decimal(value)
    return "—" if number is None else _fmt_number(number)


def missing_reason(key: str, ind: Indicator | None) -> str | None:
    """Why a leaf reading ``key`` is unscored, or ``None`` when its input was provided.

    The input is absent when the indicator is missing from the values, or when value, numerator,
    denominator and previous are all ``None`` (the table it comes from was not provided). A rate
    with a zero denominator has numbers in it and is *not* absent.

    >>> missing_reason("budget.execution_rate", None)
    '未提供预算执行表'
    >>> missing_reason("budget.execution_rate", Indicator("k", "预算执行率", None, 0, 0, "%")) is None
    True
    """
    if ind is not None and any(v is not None for v in
                               (ind.value, ind.numerator, ind.denominator, ind.previous)):
        return None
    table = _TABLES.get(key.split(".", 1)[0])
    if table == "预算执行表" and ind is not None:
        return f"预算执行表中无{ind.name}所需数据"
    return f"未提供{table}" if table else f"未提供{ind.name if ind else key}数据"


def _is_rate(leaf: Leaf, ind: Indicator | None) -> bool:
    """Whether the leaf's indicator is a rate: from its result, else from the catalogue."""
    if ind is not None:
        return ind.is_rate
    if leaf.indicator in BUDGET_KEYS:
        return True
    spec = SPECS.get(leaf.indicator)
    return spec.unit == "%" if spec is not None else leaf.target_is_percent


def _actual(leaf: Leaf, ind: Indicator) -> tuple[Decimal | None, str, str]:
    """(actual, note, display override) of a leaf with data; actual None = undefined."""
    value = _to_decimal(ind.value)
    if leaf.field == "value":
        return (value, "", "") if value is not None else (None, NOTE_UNDEFINED, "")
    yoy = _to_decimal(ind.yoy)
    if yoy is not None:
        return yoy, "", ""
    previous = _to_decimal(ind.previous)
    if value is None:
        return None, NOTE_UNDEFINED, ""
    if previous is None:
        return None, f"{NOTE_UNDEFINED}：无上年数据", "无上年数据"
    if previous == 0 and value == 0:
        return Decimal(0), "上年同期为0、本期为0，按持平（增长0）计", ""
    if previous == 0 and value > 0:
        return _INF, "上年同期为0，按增长无穷大计", "上年同期为0"
    return None, NOTE_UNDEFINED, ""


def _rule_text(leaf: Leaf, is_rate: bool) -> str:
    if leaf.rule == "manual":
        text = "人工评分"
        return f"{text}：{leaf.standard}" if leaf.standard else text
    if leaf.rule == "ratio":
        text = "实际值÷目标值×权重，最高得满分"
    elif leaf.rule == "threshold":
        if leaf.floor == 0:
            text = "达到目标值得满分，否则按实际值÷目标值×权重"
        else:
            f = _fmt(leaf.floor, is_rate)
            text = f"达到目标值得满分；不高于{f}得0分，其间按（实际值−{f}）÷（目标值−{f}）×权重"
    elif leaf.rule == "deduction":
        if is_rate:
            pp = _fmt_number(leaf.per * 100)
            unit = f"{pp}个百分点"
        else:
            unit = _fmt_number(leaf.per)
        text = f"每低于目标值{unit}扣{_fmt_number(leaf.points)}分（按比例），扣完为止"
    elif leaf.target > 0:
        text = "不高于目标值得满分，否则按权重×目标值÷实际值"
    else:
        text = "不高于目标值得满分，否则每高出1个百分点扣权重的1%，扣完为止"
    if leaf.field == "yoy":
        text = "按同比变动率计；" + text
    return f"{text}；{leaf.standard}" if leaf.standard else text


def _manual_leaf(leaf: Leaf, base: dict, manual: Mapping[str, ManualScore]) -> LeafScore:
    common = dict(rule_text=_rule_text(leaf, False), target=None, actual=None, target_text="—",
                  caliber=leaf.standard, is_rate=False)
    if leaf.id in manual:
        given, note = manual[leaf.id], ""
    elif leaf.score is not None:
        given = ManualScore(leaf.score, leaf.evidence, leaf.reason)
        note = "指标体系文件中的默认人工评分"
    else:
        return LeafScore(**base, **common, actual_text=NOTE_NO_MANUAL, score=None,
                         note=NOTE_NO_MANUAL, evidence=leaf.evidence, scored=False,
                         unscored_reason=NOTE_NO_MANUAL, status=MISSING)
    points = _quantize(given.score)
    return LeafScore(**base, **common, actual_text="人工评定", score=float(points), note=note,
                     evidence=given.evidence,
                     reason=given.reason if points < leaf.weight else "")


def _not_scored(leaf: Leaf, ind: Indicator, min_base: int | None) -> tuple[str, str] | None:
    """(status, reason) of a leaf with data that is not scored, or None when it is measured."""
    if leaf.field == "value":
        if _to_decimal(ind.value) is None:
            return NOT_APPLICABLE, "不适用：统计期内无计算该比率的信访件（分母为0），不计入满分"
        return None
    if not ind.comparable:
        return NO_COMPARISON, "无可比数据：上年同期早于数据起始日期，未评分"
    previous = _to_decimal(ind.previous)
    if previous is None or _to_decimal(ind.value) is None:
        return NO_COMPARISON, "无可比数据：缺少本期或上年同期数值，未评分"
    if min_base is not None and previous < min_base:
        return (NOT_APPLICABLE, f"不适用：上年同期{_plain(ind.previous)}，基数小于{min_base}，"
                                "不按变动率评分，不计入满分")
    return None


def _evidence(leaf: Leaf, ind: Indicator) -> str:
    if leaf.field == "yoy":
        return f"本期 {_plain(ind.value)}，上年同期 {_plain(ind.previous)}"
    if ind.is_rate and ind.denominator is not None:
        return f"{_plain(ind.numerator)}/{_plain(ind.denominator)}"
    return _plain(ind.value)


def score_leaf(leaf: Leaf, values: Mapping[str, Indicator],
               manual: Mapping[str, ManualScore], min_base: int | None = None) -> LeafScore:
    """Score one leaf (see the module docstring for the statuses and what they do).

    ``min_base``: a ``field: yoy`` leaf whose 上年同期 is below it is 不适用 (params
    ``findings.min_base``); None applies no such rule."""
    base = dict(level1=leaf.path[0], level2=leaf.path[1], level3=leaf.path[2], id=leaf.id,
                weight=float(leaf.weight), rule=leaf.rule, indicator=leaf.indicator,
                field=leaf.field)
    if leaf.rule == "manual":
        return _manual_leaf(leaf, base, manual)

    ind = values.get(leaf.indicator)
    is_rate = leaf.field == "yoy" or _is_rate(leaf, ind)
    prefix = {"threshold": "≥", "reversed": "≤"}.get(leaf.rule, "")
    target_text = prefix + _fmt(leaf.target, is_rate)
    absent = missing_reason(leaf.indicator, ind)
    if absent is not None:
        return LeafScore(**base, rule_text=_rule_text(leaf, is_rate), target=float(leaf.target),
                         actual=None, target_text=target_text, actual_text=absent, score=None,
                         note=absent, evidence="", caliber=ind.caliber if ind else "",
                         is_rate=is_rate, scored=False, unscored_reason=absent, status=MISSING)
    unscored = _not_scored(leaf, ind, min_base)
    if unscored is not None:
        status, why = unscored
        actual_text = NOT_APPLICABLE_TEXT if status == NOT_APPLICABLE else "无可比数据"
        return LeafScore(**base, rule_text=_rule_text(leaf, is_rate), target=float(leaf.target),
                         actual=None, target_text=target_text, actual_text=actual_text, score=None,
                         note=why, evidence=_evidence(leaf, ind), caliber=ind.caliber, is_rate=is_rate,
                         scored=False, unscored_reason=why, status=status)

    actual, note, shown = _actual(leaf, ind)
    if actual is None:
        raw = Decimal(0)
    elif leaf.rule == "ratio":
        raw = ratio_score(actual, leaf.target, leaf.weight)
    elif leaf.rule == "threshold":
        raw = threshold_score(actual, leaf.target, leaf.weight, leaf.floor)
    elif leaf.rule == "deduction":
        raw = deduction_score(actual, leaf.target, leaf.weight, leaf.per, leaf.points)
    else:
        raw = reversed_score(actual, leaf.target, leaf.weight)

    if shown:
        actual_text = shown
    elif actual is None:
        actual_text = "—"
    else:
        actual_text = _fmt(actual, is_rate)
    evidence = _evidence(leaf, ind)
    caliber = ind.caliber
    if leaf.field == "yoy":
        caliber = "；".join(filter(None, ["同比 = (本期 − 上年同期) ÷ 上年同期", ind.caliber]))
    return LeafScore(**base, rule_text=_rule_text(leaf, is_rate),
                     target=float(leaf.target), actual=None if actual is None else float(actual),
                     target_text=target_text, actual_text=actual_text,
                     score=float(_quantize(raw)), note=note, evidence=evidence, caliber=caliber,
                     is_rate=is_rate)
