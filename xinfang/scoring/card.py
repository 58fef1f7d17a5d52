"""The scorecard: :func:`score` a framework, subtotals, total out of the weight scored, grade.

Notes
-----
* Subtotals by 一级 and 二级 and the total are sums of the *rounded* scores of the scored leaves,
  so the printed table adds up exactly. Scores are computed in :class:`~decimal.Decimal` from
  the shortest repr of each float, so they match a hand calculation.
* Leaves that do not apply (不适用) and unscored leaves (未评分: no comparison data, input
  missing; :mod:`xinfang.scoring.leaf` states the policy) are left out of the total and of the
  weight scored (``scored_weight``): the total is "X 分（满分 Y 分）", never X out of 100, and
  :attr:`Scorecard.hundred` gives it in 百分制 (X ÷ Y × 100).
* The grade (优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差) is given on the 百分制 when no leaf is unscored
  (leaves that do not apply withhold nothing); otherwise it is withheld (``grade is None``;
  :attr:`Scorecard.grade_text` = ``暂不定级：N项未评分``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

import pandas as pd

from ..result import Indicator
from .framework import Framework
from .leaf import NO_COMPARISON, NOT_APPLICABLE, LeafScore, score_leaf
from .manual import parse_manual_scores

__all__ = ["GRADES", "Level1Score", "Scorecard", "grade", "score", "to_hundred", "unscored_text"]

GRADES: tuple[tuple[int, str], ...] = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))
"""Lower bounds of the grades: 优 ≥ 90, 良 80–89, 中 60–79, 差 < 60."""
GRADE_RULE = "优≥90，良80–89，中60–79，差<60"


def grade(total: float | Decimal) -> str:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差.

    >>> [grade(x) for x in (90, 89.99, 80, 60, 59.99)]
    ['优', '良', '良', '中', '差']
    """
    for bound, name in GRADES:
        if total >= bound:
            return name
    return GRADES[-1][1]


def to_hundred(score: float, full: float) -> float:
    """A score in 百分制: score ÷ full × 100, 2 decimals ROUND_HALF_UP (0 when full is 0).

    >>> to_hundred(40.6, 54), to_hundred(57, 60), to_hundred(1, 8)
    (75.19, 95.0, 12.5)
    """
    if not full:
        return 0.0
    value = Decimal(repr(float(score))) / Decimal(repr(float(full))) * 100
    return float(value.quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"))


def unscored_text(leaves) -> str:
    """The unscored (or not applicable) leaves named once, grouped by their reason:
    "绩效目标合理性、绩效指标明确性（未提供人工评分）；预算执行率（未提供预算执行表）"."""
    groups: dict[str, list[str]] = {}
    for s in leaves:
        groups.setdefault(s.unscored_reason, []).append(s.level3)
    return "；".join(f"{'、'.join(names)}（{reason}）" for reason, names in groups.items())


def _sum(values) -> float:
    """Exact sum of 2-decimal floats."""
    return float(sum((Decimal(repr(v)) for v in values), Decimal(0)))


class _Statuses:
    """The leaves of a scorecard or of one 一级指标 by status (:mod:`xinfang.scoring.leaf`)."""

    leaves: tuple[LeafScore, ...]

    @property
    def unscored(self) -> tuple[LeafScore, ...]:
        """The leaves left unscored (no comparison data, input missing), each with its
        ``unscored_reason``; leaves that do not apply are not among them."""
        return tuple(s for s in self.leaves if not s.scored and s.applies)

    @property
    def not_applicable(self) -> tuple[LeafScore, ...]:
        """The leaves that do not apply to this entity (不适用), left out of its 满分."""
        return tuple(s for s in self.leaves if not s.applies)


@dataclass(frozen=True)
class Level1Score(_Statuses):
    """One 一级指标 (决策 / 过程 / 产出 / 效益) for the 绩效指标分析.

    ``score`` is the sum of its scored leaves, out of ``scored_weight`` (= ``weight`` when every
    leaf is scored). ``lost`` are the scored leaves below full marks, in framework order; each
    carries its measured value and target (``actual_text``, ``target_text``, ``rule_text``) or,
    for a manual leaf, its 扣分理由 (``reason``) and 评分依据 (``evidence``); ``LeafScore.lost`` is
    the points lost. ``unscored`` are the leaves left unscored, with ``unscored_reason``.
    """

    name: str
    weight: float
    score: float
    scored_weight: float
    leaves: tuple[LeafScore, ...]

    @property
    def lost(self) -> tuple[LeafScore, ...]:
        return tuple(s for s in self.leaves if s.lost_points)

    @property
    def lost_total(self) -> float:
        """Points lost on the scored leaves (scored_weight − score)."""
        return _sum([self.scored_weight, -self.score])


@dataclass(frozen=True)
class Scorecard(_Statuses):
    """Scores of all leaves, subtotals by 一级 and (一级, 二级), total and grade.

    ``level1`` / ``level2`` / ``total`` sum the scored leaves; ``weights1`` are the framework's
    一级 weights, ``scored_weights1`` / ``scored_weight`` the weights of the scored leaves only.
    ``grade`` is ``None`` (withheld) unless every leaf is scored.
    """

    name: str
    file: str
    leaves: tuple[LeafScore, ...]
    level1: dict[str, float]
    level2: dict[tuple[str, str], float]
    weights1: dict[str, float]
    total: float
    grade: str | None
    scored_weight: float = 100.0
    scored_weights1: dict[str, float] | None = None

    @property
    def total_weight(self) -> float:
        return _sum(self.weights1.values())


    @property
    def hundred(self) -> float:
        """The total in 百分制: total ÷ weight scored × 100 (2 decimals, ROUND_HALF_UP)."""
        return to_hundred(self.total, self.scored_weight)

    @property
    def complete(self) -> bool:
        """Every leaf is scored (so the grade is given)."""
        return not self.unscored

    @property
    def grade_text(self) -> str:
        """The grade, or ``暂不定级：N项未评分`` when it is withheld."""
        if self.grade is None:
            return f"暂不定级：{len(self.unscored)}项未评分"
        return self.grade

    def groups(self) -> tuple[Level1Score, ...]:
        """Per 一级: score vs weight, the leaves that lost points and the unscored ones."""
        scored = self.scored_weights1 or self.weights1
        return tuple(
            Level1Score(name, self.weights1[name], self.level1.get(name, 0.0), scored.get(name, 0.0),
                        tuple(s for s in self.leaves if s.level1 == name))
            for name in self.weights1)

    def petition_rows(self) -> tuple[LeafScore, ...]:
        """Every leaf computed from petition data, scored or not (不适用 and 未评分 with their
        reasons): the rows of a unit's score table."""
        return tuple(s for s in self.leaves
                     if s.rule != "manual" and s.indicator and not s.indicator.startswith("budget."))

    def petition_leaves(self) -> tuple[LeafScore, ...]:
        """The *scored* leaves computed from petition data (catalogue keys, not budget or manual):
        the part of the score that a unit's report shows and that ranks units. A leaf left
        unscored (its optional table not provided) is not among them."""
        return tuple(s for s in self.leaves
                     if s.scored and s.rule != "manual" and s.indicator
                     and not s.indicator.startswith("budget."))

    def to_frame(self, detail: bool = False, percent: str = "%") -> pd.DataFrame:
        """The 绩效评价指标评分表, one row per leaf plus a 合计 row.

        Columns 一级指标, 二级指标, 三级指标, 权重, 目标值, 实际值, 得分, 评分规则; with
        ``detail=True`` also 指标, 依据, 说明, 口径. Rates are shown as percentages with two
        decimals (ROUND_HALF_UP; 100% and 0% whole); ``percent`` is the sign used (e.g. the
        full-width ``"％"``). An unscored leaf shows ``未评分`` as its 得分 and the reason as its
        实际值; a manual leaf below full marks has its 扣分理由 after the rule. The 合计 row
        gives the total, and the grade or ``暂不定级`` with the weight scored.
        """
        rows = []
        for s in self.leaves:
            rule = s.rule_text
            if s.reason:
                rule += f"；扣分理由：{s.reason}"
            if s.status in (NOT_APPLICABLE, NO_COMPARISON):
                rule += f"；{s.unscored_reason}"
            row = {"一级指标": s.level1, "二级指标": s.level2, "三级指标": s.level3,
                   "权重": s.weight, "目标值": s.target_text.replace("%", percent),
                   "实际值": s.actual_text.replace("%", percent),
                   "得分": s.shown_score,
                   "评分规则": rule.replace("%", percent)}
            if detail:
                key = s.indicator or ""
                if key and s.field != "value":
                    key += f" ({s.field})"
                row |= {"指标": key, "依据": s.evidence, "说明": s.note, "口径": s.caliber}
            rows.append(row)
        if self.complete and self.not_applicable:
            verdict = (f"{len(self.not_applicable)}项不适用，不计入满分；适用部分满分{self.scored_weight:g}分，"
                       f"折合百分制{self.hundred:g}分，评价等级：{self.grade}（{GRADE_RULE}）")
        elif self.complete:
            verdict = f"评价等级：{self.grade}（{GRADE_RULE}）"
        else:
            verdict = (f"已评分部分满分{self.scored_weight:g}分；{self.grade_text}"
                       f"（全部指标评分后按{GRADE_RULE}定级）")
        total = {"一级指标": "合计", "二级指标": "", "三级指标": "",
                 "权重": self.total_weight, "目标值": "", "实际值": "",
                 "得分": self.total, "评分规则": verdict}
        if detail:
            total |= {"指标": "", "依据": "", "口径": "",
                      "说明": "得分为已评分的各三级指标得分（保留两位小数）之和"}
        rows.append(total)
        return pd.DataFrame(rows)


def score(framework: Framework, values: Mapping[str, Indicator],
          manual: Mapping[str, object] | None = None, *,
          manual_source: str = "params", min_base: int | None = None,
          targets: Mapping[str, float] | None = None) -> Scorecard:
    """Score ``framework`` on indicator results and manual scores.

    ``values`` maps indicator keys to :class:`Indicator` results (catalogue and budget keys); a
    key left out means its input was not provided, and its leaves are unscored.
    ``manual`` maps a manual leaf's id or path to ``{"score", "evidence", "reason"}`` (or a bare
    number at full marks); ``manual_source`` names the params file in error messages.
    ``min_base`` (params ``findings.min_base``) makes a change on a smaller base 不适用;
    ``targets`` (params ``targets``, indicator key → fraction) replace the framework's target of
    every leaf that scores that indicator's value, so one target shows everywhere. See
    :func:`~xinfang.scoring.manual.parse_manual_scores` for the :class:`ParameterError` raised.

    Notes
    -----
    Leaf score = the rule's formula (:mod:`xinfang.scoring.rules`) clipped to [0, weight],
    rounded to 2 decimals with ROUND_HALF_UP. A leaf with nothing to measure (a zero
    denominator) is 不适用 and left out of the 满分; no comparison data or a missing input (no
    manual score, no 预算执行表) leaves it unscored (:mod:`xinfang.scoring.leaf`). Subtotals and
    the total are sums of the rounded scores of the scored leaves; grade = :func:`grade` of the
    百分制 when no leaf is unscored, else ``None``.

    Examples
    --------
    >>> from xinfang.scoring import parse_framework
    >>> fw = parse_framework({"indicators": [{"name": "决策", "weight": 100, "children": [
    ...     {"name": "目标设定", "weight": 100, "children": [
    ...         {"name": "目标合理性", "id": "a", "weight": 60, "rule": "manual"},
    ...         {"name": "指标明确性", "id": "b", "weight": 40, "rule": "manual"}]}]}]}, [])
    >>> card = score(fw, {}, {"a": {"score": 50, "evidence": "基本一致", "reason": "个别目标未量化"}})
    >>> card.total, card.scored_weight, card.grade, card.grade_text
    (50.0, 60.0, None, '暂不定级：1项未评分')
    """
    entries = parse_manual_scores(framework, manual, manual_source)
    targets = dict(targets or {})
    leaves = tuple(score_leaf(_with_target(leaf, targets), values, entries, min_base) for leaf in framework.leaves)
    scored = [s for s in leaves if s.scored]
    unscored = [s for s in leaves if not s.scored and s.applies]
    by1 = {g.name: _sum(s.score for s in scored if s.level1 == g.name) for g in framework.groups}
    by2 = {(g.name, n.name): _sum(s.score for s in scored if (s.level1, s.level2) == (g.name, n.name))
           for g in framework.groups for n in g.children}
    w1 = {g.name: _sum(s.weight for s in scored if s.level1 == g.name) for g in framework.groups}
    total = _sum(by1.values())
    card = Scorecard(
        name=framework.name, file=framework.file, leaves=leaves, level1=by1, level2=by2,
        weights1={g.name: float(g.weight) for g in framework.groups},
        total=total, grade=None, scored_weight=_sum(w1.values()), scored_weights1=w1,
    )
    if unscored or not scored:
        return card
    return replace(card, grade=grade(card.hundred))


def _with_target(leaf, targets: Mapping[str, float]):
    """The leaf with the params' target of its indicator, when it scores that indicator's value."""
    if leaf.rule == "manual" or leaf.field != "value" or leaf.indicator not in targets:
        return leaf
    return replace(leaf, target=Decimal(repr(float(targets[leaf.indicator]))))
