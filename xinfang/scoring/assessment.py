"""月度考核 (扣分制): every unit's score and rank for a month, from ``params/assessment/<name>.yaml``.

A unit starts from ``base`` (100) and loses points item by item; each item reads one catalogue
key and scores it with a rule of the framework (:mod:`xinfang.scoring.rules`), and its deduction
is ``weight − item score`` (so it never exceeds the item's weight). The rule ``scaled`` is the
assessment's own: its deduction grows with every further case and never reaches the weight (see
:meth:`AssessmentItem.deduction`), so that many cases still tell units apart. Scores are rounded to two
decimals (ROUND_HALF_UP) per item; ties share a rank (并列); the top and bottom three are marked.

File format
-----------
.. code-block:: yaml

    name: 月度信访工作考核
    base: 100
    items:
      - name: 进京登记
        indicator: beijing.registered
        rule: deduction          # deduction | threshold | ratio | reversed
        better: lower            # lower: each ``per`` above the target costs ``points``
        target: 0                #   higher: each ``per`` below the target costs ``points``
        per: 1
        points: 5
        weight: 30               # the most this item can cost
      - name: 超期未受理
        indicator: overdue.acceptance
        rule: scaled             # weight × n ÷ (n + half): grows with every case, never the weight
        better: lower
        target: 0
        half: 20                 # the count that costs half the weight
        weight: 40

An undefined value (a rate with no denominator) or a missing table costs nothing: there was
nothing to judge. Every deduction is listed with its reason (扣分说明).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Mapping

import pandas as pd

from ..errors import ParameterError
from ..result import Indicator
from .framework import _parse_number
from .rules import deduction_score, ratio_score, reversed_score, threshold_score

__all__ = ["Assessment", "AssessmentItem", "load_assessment", "parse_assessment", "assess", "MARK_TOP", "MARK_BOTTOM"]

RULES = ("deduction", "scaled", "threshold", "ratio", "reversed")
MARK_TOP, MARK_BOTTOM = "前三名", "后三名"
_CENT = Decimal("0.01")
_ITEM_FIELDS = {"name", "indicator", "rule", "better", "target", "per", "points", "weight", "half"}


@dataclass(frozen=True)
class AssessmentItem:
    """One 考核 item: which key it reads and how it deducts."""

    name: str
    indicator: str
    rule: str
    weight: Decimal
    target: Decimal
    better: str = "higher"              # higher | lower
    per: Decimal = Decimal(1)
    points: Decimal = Decimal(1)
    percent: bool = False               # the target was written as "95%"
    half: Decimal | None = None         # scaled: the count (in ``per``) that costs half the weight

    def deduction(self, ind: Indicator | None) -> Decimal | None:
        """Points lost on ``ind`` (None: nothing to judge, no deduction).

        Notes
        -----
        ``scaled``: with n = the excess over the target in units of ``per`` (below it for
        ``better: higher``), the deduction is ``weight × n ÷ (n + half)``: 0 at n = 0, half the
        weight at n = half, strictly more for every further case and never the whole weight. A
        capped per-case deduction stops telling units apart once every unit is past the cap (a
        district with many overdue cases); this one does not, and for a few cases it costs about
        what ``weight ÷ half × 2`` per case would (weight 40, half 20: 1.90 for one case, 8 for five).

        >>> item = AssessmentItem("超期未受理", "overdue.acceptance", "scaled", Decimal(40), Decimal(0),
        ...                       "lower", half=Decimal(20))
        >>> [str(item.deduction(Indicator("overdue.acceptance", "超期未受理", n))) for n in (0, 1, 20, 72)]
        ['0.00', '1.90', '20.00', '31.30']
        """
        actual = _actual(ind)
        if actual is None:
            return None
        if self.rule == "scaled":
            gap = actual - self.target if self.better == "lower" else self.target - actual
            n = max(gap, Decimal(0)) / self.per
            return (self.weight * n / (n + self.half)).quantize(_CENT, ROUND_HALF_UP)
        if self.rule == "deduction":
            if self.better == "lower":
                score = deduction_score(-actual, -self.target, self.weight, self.per, self.points)
            else:
                score = deduction_score(actual, self.target, self.weight, self.per, self.points)
        elif self.rule == "threshold":
            score = threshold_score(actual, self.target, self.weight)
        elif self.rule == "ratio":
            score = ratio_score(actual, self.target, self.weight)
        else:
            score = reversed_score(actual, self.target, self.weight)
        return (self.weight - score).quantize(_CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class Assessment:
    name: str
    base: Decimal
    items: tuple[AssessmentItem, ...]


def _actual(ind: Indicator | None) -> Decimal | None:
    """The exact value of ``ind``: numerator ÷ denominator for a rate, the count otherwise."""
    if ind is None or ind.value is None or ind.value != ind.value:
        return None
    if ind.numerator is not None and ind.denominator:
        return Decimal(int(ind.numerator)) / Decimal(int(ind.denominator))
    return Decimal(repr(ind.value)) if isinstance(ind.value, float) else Decimal(int(ind.value))


def parse_assessment(doc: Mapping, file: str = "assessment", keys: tuple[str, ...] | None = None) -> Assessment:
    """An :class:`Assessment` from the parsed YAML; every mistake is a :class:`ParameterError`."""
    if keys is None:
        from ..indicators import KEYS as keys
    if not isinstance(doc, Mapping) or not isinstance(doc.get("items"), list) or not doc["items"]:
        raise ParameterError(f"{file}: 须有 items 列表 / needs a list of items")
    base, _ = _parse_number(doc.get("base", 100), file, "base", "基础分", percent=False)
    items = []
    for i, raw in enumerate(doc["items"], start=1):
        where = f"items[{i}]"
        if not isinstance(raw, Mapping):
            raise ParameterError(f"{file}: {where} 须为键值映射 / must be a mapping")
        unknown = set(raw) - _ITEM_FIELDS
        if unknown:
            raise ParameterError(f"{file}: {where}: 未知字段 / unknown field {'、'.join(sorted(map(str, unknown)))}"
                                 f"（可用 / valid: {'、'.join(sorted(_ITEM_FIELDS))}）")
        rule, better = raw.get("rule", "deduction"), raw.get("better", "higher")
        if rule not in RULES:
            raise ParameterError(f"{file}: {where}: rule「{rule}」须为 / must be one of {', '.join(RULES)}")
        if better not in ("higher", "lower"):
            raise ParameterError(f"{file}: {where}: better 须为 higher 或 lower / must be higher or lower")
        key = raw.get("indicator")
        if key not in keys:
            raise ParameterError(f"{file}: {where}: 未知的指标 / unknown indicator「{key}」")
        target, pct = _parse_number(raw.get("target"), file, where, "target")
        weight, _ = _parse_number(raw.get("weight"), file, where, "weight", percent=False)
        per, _ = _parse_number(raw.get("per", 1), file, where, "per")
        points, _ = _parse_number(raw.get("points", 1), file, where, "points", percent=False)
        if weight <= 0 or per <= 0 or points < 0:
            raise ParameterError(f"{file}: {where}: weight、per 须为正数，points 不能为负 / weight and per must be "
                                 "positive, points not negative")
        half = None
        if rule == "scaled" or "half" in raw:
            if rule != "scaled":
                raise ParameterError(f"{file}: {where}: half 只用于 rule: scaled / half is for rule scaled only")
            half, _ = _parse_number(raw.get("half"), file, where, "half", percent=False)
            if half <= 0:
                raise ParameterError(f"{file}: {where}: half 须为正数 / half must be positive")
        items.append(AssessmentItem(str(raw.get("name") or key), key, rule, weight, target, better, per, points, pct,
                                    half))
    return Assessment(str(doc.get("name") or "月度考核"), base, tuple(items))


def load_assessment(path: str | Path) -> Assessment:
    """Read and check an assessment YAML (``params/assessment/default.yaml``)."""
    from ..params_yaml import load_yaml

    path = Path(path)
    return parse_assessment(load_yaml(path), path.name)


def assess(assessment: Assessment, per_unit: Mapping[str, Mapping[str, Indicator]]) -> pd.DataFrame:
    """Every unit's 考核 score, rank and mark, best first.

    Returns a frame with columns 名次 (ties share the best rank), 并列 (bool), 单位, 得分 (float,
    two decimals), 扣分 (total), one column per item (its deduction, 0 when none), 扣分说明
    (e.g. "进京登记扣10分") and 标记 (前三名 / 后三名 / empty). The bottom three are marked only
    below the best score, and a unit is never both.

    Examples
    --------
    >>> from xinfang.result import Indicator
    >>> a = parse_assessment({"items": [{"name": "进京登记", "indicator": "beijing.registered",
    ...     "rule": "deduction", "better": "lower", "target": 0, "per": 1, "points": 5, "weight": 30}]})
    >>> units = {u: {"beijing.registered": Indicator("beijing.registered", "进京", n)} for u, n in
    ...          (("甲", 0), ("乙", 2), ("丙", 0))}
    >>> assess(a, units)[["名次", "单位", "得分"]].values.tolist()
    [[1, '甲', 100.0], [1, '丙', 100.0], [3, '乙', 90.0]]
    """
    rows = []
    for unit, results in per_unit.items():
        lost, notes, total = {}, [], Decimal(0)
        for item in assessment.items:
            d = item.deduction(results.get(item.indicator))
            lost[item.name] = float(d or 0)
            if d:
                total += d
                notes.append(f"{item.name}扣{_points(d)}分")
        score = max(assessment.base - total, Decimal(0))
        rows.append({"单位": unit, "得分": float(score), "扣分": float(total), **lost, "扣分说明": "；".join(notes)})
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame["名次"] = frame["得分"].rank(method="min", ascending=False).astype(int)
    frame["并列"] = frame.duplicated("得分", keep=False)
    from_bottom = frame["得分"].rank(method="min", ascending=True)
    best = frame["得分"].max()
    frame["标记"] = ""
    frame.loc[frame["名次"] <= 3, "标记"] = MARK_TOP
    frame.loc[(from_bottom <= 3) & (frame["得分"] < best) & (frame["名次"] > 3), "标记"] = MARK_BOTTOM
    order = {u: i for i, u in enumerate(per_unit)}
    frame["_o"] = frame["单位"].map(order)
    frame = frame.sort_values(["名次", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)
    return frame[["名次", "并列", "单位", "得分", "扣分", *[i.name for i in assessment.items], "扣分说明", "标记"]]


def _points(d: Decimal) -> str:
    """Points as written: 10, 2.5, 0.25 (no trailing zeros)."""
    text = f"{d:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
