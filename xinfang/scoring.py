"""绩效评价指标体系: framework files, scoring rules, scorecard and grade.

A framework (``params/scoring/<name>.yaml``) is a tree of 一级 / 二级 / 三级 indicators. Every 三级
indicator (a *leaf*) has a weight, a scoring rule and, unless it is scored by hand, the indicator it
reads and a target. :func:`load_framework` validates the file; :func:`score` turns indicator results
(:class:`~xinfang.result.Indicator`) and manual scores into a :class:`Scorecard`.

File format
-----------
.. code-block:: yaml

    name: 信访局整体支出绩效评价指标体系
    indicators:                      # 一级指标, weights sum to 100
      - name: 产出
        weight: 40
        children:                    # 二级指标, weights sum to the parent's weight
          - name: 质量指标
            weight: 24
            children:                # 三级指标 (leaves), weights sum to the parent's weight
              - name: 及时受理率
                weight: 6
                indicator: handling.timely_acceptance
                target: 100%         # a number (rates as fractions: 0.9) or a "90%" string
                rule: deduction
                per: 1%              # per 1 percentage point of shortfall …
                points: 0.5          # … deduct 0.5 points, floor 0

Leaf fields: ``name``, ``weight``, ``rule`` (always); ``id`` (optional, a short name for manual
scores; default the path ``一级/二级/三级``); ``standard`` (optional 评分标准 text shown with the rule);
``indicator`` (a catalogue key of DESIGN.md §5 or a budget key of :data:`xinfang.indicators.BUDGET_KEYS`),
``field`` (``value``, default, or ``yoy`` to score the year-on-year change) and ``target`` for every
rule except ``manual``; ``floor`` (threshold, optional); ``per`` and ``points`` (deduction);
``score`` and ``evidence`` (manual, optional defaults). Any other field is an error.

Rules (``a`` = actual, ``t`` = target, ``w`` = weight; every score is clipped to [0, w])
--------------------------------------------------------------------------------------
``ratio``       w × a ÷ t, at most w (t > 0).
``threshold``   w when a ≥ t; else w × (a − floor) ÷ (t − floor), 0 at or below ``floor``
                (``floor`` defaults to 0, giving w × a ÷ t).
``deduction``   w − points × max(t − a, 0) ÷ per, floor 0; the shortfall counts pro rata
                (half a percentage point short costs half of ``points``).
``reversed``    lower is better. w when a ≤ t. Otherwise
                t > 0 (a level such as 重复率):   w × t ÷ a;
                t ≤ 0 (a growth rate, target 0 or a cut): w × max(0, 1 − (a − t)), i.e. each
                percentage point above the target costs 1 % of the weight, +100 pp → 0.
                A negative growth (decrease) is ≤ a target of 0 and gets full marks.
``manual``      the score given in params (``manual`` argument of :func:`score`) or in the
                framework's ``score``, 0 ≤ score ≤ w, with its evidence text.

Undefined values (policy)
-------------------------
A leaf whose indicator is missing from ``values`` or whose value is ``None`` (a rate with a zero
denominator) scores 0 with a note starting ``数据缺失/分母为0``. For ``field: yoy``: no previous
value → undefined (note ``…无上年数据``); previous = 0 and value = 0 → growth 0 (持平); previous = 0 and
value > 0 → growth +∞ (shown 上年同期为0): ``reversed`` gives 0, ``ratio``/``threshold``/``deduction``
full marks. A manual leaf without a score scores 0 with the note ``未提供人工评分``.

Rounding: every leaf score is rounded to 2 decimals with ROUND_HALF_UP; subtotals and the total are
sums of the *rounded* leaf scores, so the printed table adds up exactly. Scores are computed in
:class:`~decimal.Decimal` from the shortest repr of each float, so they match a hand calculation.
"""
from __future__ import annotations

import difflib
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import yaml

from xinfang.indicators.catalogue import BUDGET_KEYS
from xinfang.errors import ParameterError
from xinfang.result import Indicator

__all__ = [
    "FIELDS",
    "GRADES",
    "NOTE_UNDEFINED",
    "RULES",
    "Framework",
    "Leaf",
    "LeafScore",
    "Node",
    "Scorecard",
    "deduction_score",
    "grade",
    "load_framework",
    "parse_framework",
    "ratio_score",
    "reversed_score",
    "score",
    "threshold_score",
]

RULES: tuple[str, ...] = ("ratio", "threshold", "deduction", "reversed", "manual")
"""Scoring rules a leaf may use."""
FIELDS: tuple[str, ...] = ("value", "yoy")
"""What a leaf reads from its indicator: the value, or the year-on-year change."""
GRADES: tuple[tuple[int, str], ...] = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))
"""Lower bounds of the grades: 优 ≥ 90, 良 80–89, 中 60–79, 差 < 60."""
NOTE_UNDEFINED = "数据缺失/分母为0"
"""Note of a leaf whose indicator is undefined; such a leaf scores 0."""
NOTE_NO_MANUAL = "未提供人工评分"
TOTAL_WEIGHT = Decimal(100)

_CENT = Decimal("0.01")
_INF = Decimal("Infinity")
_TOP_FIELDS = {"name", "description", "indicators"}
_NODE_FIELDS = {"name", "weight", "children"}
_COMMON_LEAF = {"name", "id", "weight", "rule", "standard"}
_RULE_FIELDS = {
    "ratio": {"indicator", "field", "target"},
    "threshold": {"indicator", "field", "target", "floor"},
    "deduction": {"indicator", "field", "target", "per", "points"},
    "reversed": {"indicator", "field", "target"},
    "manual": {"score", "evidence"},
}
_RULE_REQUIRED = {
    "ratio": ("indicator", "target"),
    "threshold": ("indicator", "target"),
    "deduction": ("indicator", "target", "per", "points"),
    "reversed": ("indicator", "target"),
    "manual": (),
}
_PERCENT = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*[%％]$")


# ---------------------------------------------------------------------------------------------
# the framework


@dataclass(frozen=True)
class Leaf:
    """A 三级指标 with its rule. Numbers are Decimal; rates as fractions."""

    path: tuple[str, str, str]
    id: str
    weight: Decimal
    rule: str
    indicator: str | None = None
    field: str = "value"
    target: Decimal | None = None
    floor: Decimal = Decimal(0)
    per: Decimal | None = None
    points: Decimal | None = None
    score: Decimal | None = None
    evidence: str = ""
    standard: str = ""
    target_is_percent: bool = False

    @property
    def label(self) -> str:
        """``一级/二级/三级``, as used in messages."""
        return "/".join(self.path)


@dataclass(frozen=True)
class Node:
    """A 一级 or 二级 indicator: a name, a weight and its children."""

    name: str
    weight: Decimal
    children: tuple  # tuple[Node, ...] for 一级, tuple[Leaf, ...] for 二级


@dataclass(frozen=True)
class Framework:
    """A validated 指标体系. ``file`` is the file name used in messages."""

    name: str
    file: str
    groups: tuple[Node, ...]
    description: str = ""

    @property
    def leaves(self) -> tuple[Leaf, ...]:
        """All 三级 leaves in file order."""
        return tuple(leaf for g in self.groups for s in g.children for leaf in s.children)

    @property
    def total_weight(self) -> Decimal:
        return sum((g.weight for g in self.groups), Decimal(0))

    def leaf(self, key: str) -> Leaf:
        """The leaf with this id or path (``一级/二级/三级``); KeyError otherwise."""
        for leaf in self.leaves:
            if key in (leaf.id, leaf.label):
                return leaf
        raise KeyError(key)


def _fail(file: str, where: str, zh: str, en: str) -> ParameterError:
    return ParameterError(f"{file}: {where}: {zh} / {en}")


def _to_decimal(value: object) -> Decimal | None:
    """A plain number (not bool) → Decimal via its shortest repr; None otherwise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    if isinstance(value, numbers.Integral):
        return Decimal(int(value))
    f = float(value)
    if math.isnan(f):
        return None
    if math.isinf(f):
        return _INF if f > 0 else -_INF
    return Decimal(repr(f))


def _parse_number(value: object, file: str, where: str, what: str,
                  percent: bool = True) -> tuple[Decimal, bool]:
    """Number or (if ``percent``) a ``"90%"`` string → (Decimal, written as percent?)."""
    number = _to_decimal(value)
    if number is not None and number.is_finite():
        return number, False
    if percent and isinstance(value, str):
        m = _PERCENT.match(value.strip())
        if m:
            return Decimal(m.group(1)) / 100, True
    allowed = "数字（比率写作 0.9 或 \"90%\"）" if percent else "数字"
    raise _fail(file, where, f"{what}「{value}」应为{allowed}", f"{what} must be a number")


def _text(value: object, file: str, where: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(file, where, f"{what}应为非空文字", f"{what} must be non-empty text")
    return value.strip()


def _check_fields(node: Mapping, allowed: set[str], required: Iterable[str], file: str,
                  where: str) -> None:
    unknown = sorted(set(node) - allowed, key=str)
    if unknown:
        raise _fail(file, where, f"未知字段 {', '.join(map(str, unknown))}（允许：{', '.join(sorted(allowed))}）",
                    "unknown field")
    for key in required:
        if key not in node or node[key] is None:
            raise _fail(file, where, f"缺少字段 {key}", f"missing field '{key}'")


def _check_sum(children: Iterable, weight: Decimal, file: str, where: str, level: str) -> None:
    total = sum((c.weight for c in children), Decimal(0))
    if total != weight:
        raise _fail(file, where, f"{level}权重之和 {total:f} 不等于 {weight:f}",
                    f"weights sum to {total:f}, not {weight:f}")


def _node_name(node: object, file: str, parent: str, index: int) -> str:
    where = f"{parent}/#{index + 1}" if parent else f"#{index + 1}"
    if not isinstance(node, Mapping):
        raise _fail(file, where, "应为带 name、weight 的映射", "node must be a mapping")
    if "name" not in node:
        raise _fail(file, where, "缺少字段 name", "missing field 'name'")
    return _text(node["name"], file, where, "name")


def _children(node: Mapping, file: str, where: str) -> list:
    children = node.get("children")
    if not isinstance(children, list) or not children:
        raise _fail(file, where, "children 应为非空列表（指标体系为一级/二级/三级）",
                    "children must be a non-empty list")
    return children


def _weight(node: Mapping, file: str, where: str) -> Decimal:
    weight, _ = _parse_number(node["weight"], file, where, "权重 weight", percent=False)
    if weight <= 0:
        raise _fail(file, where, f"权重 {weight:f} 应大于 0", "weight must be > 0")
    return weight


def _parse_leaf(node: Mapping, path: tuple[str, str, str], file: str,
                known: set[str]) -> Leaf:
    where = "/".join(path)
    if "children" in node:
        raise _fail(file, where, "三级指标不能再有下级 children", "a leaf has no children")
    if "rule" not in node:
        raise _fail(file, where, "缺少字段 rule", "missing field 'rule'")
    rule = node["rule"]
    if rule not in RULES:
        raise _fail(file, where, f"未知的评分规则「{rule}」（可用：{', '.join(RULES)}）",
                    f"unknown rule {rule!r}")
    _check_fields(node, _COMMON_LEAF | _RULE_FIELDS[rule], ("weight", *_RULE_REQUIRED[rule]),
                  file, where)
    weight = _weight(node, file, where)
    leaf_id = _text(node["id"], file, where, "id") if "id" in node else where
    standard = _text(node["standard"], file, where, "standard") if "standard" in node else ""
    if rule == "manual":
        default = None
        if node.get("score") is not None:
            default, _ = _parse_number(node["score"], file, where, "人工评分 score", percent=False)
            _check_manual(default, weight, file, where)
        evidence = _text(node["evidence"], file, where, "evidence") if "evidence" in node else ""
        return Leaf(path, leaf_id, weight, rule, score=default, evidence=evidence,
                    standard=standard)

    key = node["indicator"]
    if not isinstance(key, str) or key not in known:
        close = difflib.get_close_matches(str(key), sorted(known), n=3)
        hint = f"，是否为 {' / '.join(close)}？" if close else ""
        raise _fail(file, where, f"未知的指标 key「{key}」{hint}", f"unknown indicator key {key!r}")
    field = node.get("field", "value")
    if field not in FIELDS:
        raise _fail(file, where, f"field「{field}」应为 {' / '.join(FIELDS)}",
                    f"field must be one of {FIELDS}")
    target, target_pct = _parse_number(node["target"], file, where, "目标值 target")
    extra: dict[str, Decimal] = {}
    for name in ("floor", "per", "points"):
        if node.get(name) is not None:
            extra[name], _ = _parse_number(node[name], file, where, name)
    if rule == "ratio" and target <= 0:
        raise _fail(file, where, "ratio 规则的目标值应大于 0", "ratio target must be > 0")
    if rule == "threshold" and target <= extra.get("floor", Decimal(0)):
        raise _fail(file, where, "threshold 规则的目标值应大于 floor", "target must be > floor")
    if rule == "deduction" and (extra["per"] <= 0 or extra["points"] <= 0):
        raise _fail(file, where, "deduction 规则的 per 与 points 应大于 0",
                    "per and points must be > 0")
    return Leaf(path, leaf_id, weight, rule, indicator=key, field=field, target=target,
                floor=extra.get("floor", Decimal(0)), per=extra.get("per"),
                points=extra.get("points"), standard=standard, target_is_percent=target_pct)


def _check_manual(value: Decimal, weight: Decimal, file: str, where: str) -> None:
    if value < 0:
        raise _fail(file, where, f"人工评分 {value:f} 不能为负", "manual score must be ≥ 0")
    if value > weight:
        raise _fail(file, where, f"人工评分 {value:f} 超过权重 {weight:f}",
                    f"manual score {value:f} above weight {weight:f}")


def parse_framework(data: object, known_keys: Iterable[str], file: str = "<framework>") -> Framework:
    """Validate a framework already loaded from YAML; see :func:`load_framework`."""
    known = set(known_keys) | set(BUDGET_KEYS)
    if not isinstance(data, Mapping):
        raise _fail(file, "(文件)", "应为带 indicators 的映射", "top level must be a mapping")
    _check_fields(data, _TOP_FIELDS, ("indicators",), file, "(文件)")
    tops = data["indicators"]
    if not isinstance(tops, list) or not tops:
        raise _fail(file, "indicators", "应为非空的一级指标列表", "indicators must be a non-empty list")
    groups = []
    seen_paths: set[str] = set()
    ids: dict[str, str] = {}
    for i, top in enumerate(tops):
        n1 = _node_name(top, file, "", i)
        _check_fields(top, _NODE_FIELDS, ("weight", "children"), file, n1)
        subs = []
        for j, sub in enumerate(_children(top, file, n1)):
            n2 = _node_name(sub, file, n1, j)
            w2 = f"{n1}/{n2}"
            _check_fields(sub, _NODE_FIELDS, ("weight", "children"), file, w2)
            leaves = []
            for k, leaf_node in enumerate(_children(sub, file, w2)):
                n3 = _node_name(leaf_node, file, w2, k)
                leaf = _parse_leaf(leaf_node, (n1, n2, n3), file, known)
                for where in {leaf.label, leaf.id}:
                    if where in seen_paths or where in ids:
                        raise _fail(file, leaf.label, f"指标名称或 id「{where}」重复",
                                    "duplicate leaf path or id")
                seen_paths.add(leaf.label)
                ids[leaf.id] = leaf.label
                leaves.append(leaf)
            node2 = Node(n2, _weight(sub, file, w2), tuple(leaves))
            _check_sum(leaves, node2.weight, file, w2, "三级指标")
            subs.append(node2)
        node1 = Node(n1, _weight(top, file, n1), tuple(subs))
        _check_sum(subs, node1.weight, file, n1, "二级指标")
        groups.append(node1)
    if len({g.name for g in groups}) != len(groups):
        raise _fail(file, "indicators", "一级指标名称重复", "duplicate 一级 name")
    _check_sum(groups, TOTAL_WEIGHT, file, "(一级指标)", "一级指标")
    name = data.get("name") or "绩效评价指标体系"
    description = data.get("description") or ""
    return Framework(str(name), file, tuple(groups), str(description))


def load_framework(path: str | Path, known_keys: Iterable[str]) -> Framework:
    """Load and validate a framework file (YAML, ``safe_load``).

    ``known_keys`` are the indicator catalogue's keys (DESIGN.md §5); the budget keys of
    :data:`xinfang.indicators.BUDGET_KEYS` are always known. Raises :class:`ParameterError` whose
    message starts with the file name and the node path, e.g.
    ``default.yaml: 产出/质量指标/及时受理率: 未知的指标 key …``, for: children weights that do
    not sum to the parent's weight (一级 to 100), an unknown indicator key, a target that is not a
    number or ``"90%"`` string, a manual score above the weight, an unknown rule, a missing or
    unknown field.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ParameterError(f"{path.name}: 无法读取指标体系文件 / cannot read framework: {exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path.name}: YAML 格式错误 / invalid YAML: {exc}") from exc
    return parse_framework(data, known_keys, file=path.name)


# ---------------------------------------------------------------------------------------------
# rules (pure, Decimal in and out, not rounded)


def _dec(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    number = _to_decimal(value)
    if number is None:
        raise TypeError(f"not a number: {value!r}")
    return number


def _clip(value: Decimal, weight: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), weight)


def ratio_score(actual, target, weight) -> Decimal:
    """w × a ÷ t, capped at w, at least 0.

    >>> ratio_score(0.45, 0.9, 10)
    Decimal('5.0')
    >>> ratio_score(1, 0.9, 10)
    Decimal('10')
    """
    a, t, w = _dec(actual), _dec(target), _dec(weight)
    return _clip(w * a / t, w)


def threshold_score(actual, target, weight, floor=0) -> Decimal:
    """w if a ≥ t, else w × (a − floor) ÷ (t − floor), 0 at or below floor.

    >>> threshold_score(0.95, 0.95, 5)
    Decimal('5')
    >>> threshold_score(0.9, 1, 5, floor=0.8)
    Decimal('2.5')
    """
    a, t, w, f = _dec(actual), _dec(target), _dec(weight), _dec(floor)
    if a >= t:
        return w
    return _clip(w * (a - f) / (t - f), w)


def deduction_score(actual, target, weight, per, points) -> Decimal:
    """w − points × max(t − a, 0) ÷ per, floor 0 (pro rata per unit of shortfall).

    >>> deduction_score(0.97, 1, 6, per=0.01, points=0.5)
    Decimal('4.5')
    """
    a, t, w = _dec(actual), _dec(target), _dec(weight)
    shortfall = max(t - a, Decimal(0))
    return _clip(w - _dec(points) * shortfall / _dec(per), w)


def reversed_score(actual, target, weight) -> Decimal:
    """Lower is better: w if a ≤ t; else w × t ÷ a (t > 0) or w × max(0, 1 − (a − t)) (t ≤ 0).

    >>> reversed_score(0.6, 0.3, 6)
    Decimal('3')
    >>> reversed_score(0.25, 0, 8)
    Decimal('6.00')
    >>> reversed_score(-0.1, 0, 8)
    Decimal('8')
    """
    a, t, w = _dec(actual), _dec(target), _dec(weight)
    if a <= t:
        return w
    if t > 0:
        return _clip(w * t / a, w)
    return _clip(w * (1 - (a - t)), w)


# ---------------------------------------------------------------------------------------------
# scorecard


@dataclass(frozen=True)
class LeafScore:
    """The score of one leaf with everything a reader needs to audit it.

    ``target`` / ``actual`` are floats (fractions for rates, ``inf`` for growth from 0, ``None``
    when undefined); ``target_text`` / ``actual_text`` are formatted for reading. ``score`` is
    rounded to 2 decimals (ROUND_HALF_UP).
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
    score: float
    note: str
    evidence: str
    caliber: str
    is_rate: bool


@dataclass(frozen=True)
class Scorecard:
    """Scores of all leaves, subtotals by 一级 and (一级, 二级), total and grade.

    Subtotals and ``total`` are sums of the rounded leaf scores, so the table adds up exactly.
    """

    name: str
    file: str
    leaves: tuple[LeafScore, ...]
    level1: dict[str, float]
    level2: dict[tuple[str, str], float]
    weights1: dict[str, float]
    total: float
    grade: str

    def petition_leaves(self) -> tuple[LeafScore, ...]:
        """The leaves scored from petition data (catalogue keys, not budget or manual): the part
        of the score that a unit's report shows and that ranks units."""
        return tuple(s for s in self.leaves
                     if s.rule != "manual" and s.indicator and not s.indicator.startswith("budget."))

    def to_frame(self, detail: bool = False, percent: str = "%") -> pd.DataFrame:
        """The 绩效评价指标评分表, one row per leaf plus a 合计 row.

        Columns 一级指标, 二级指标, 三级指标, 权重, 目标值, 实际值, 得分, 评分规则; with
        ``detail=True`` also 指标, 依据, 说明, 口径. Rates are shown as percentages with two
        decimals (ROUND_HALF_UP); ``percent`` is the sign used (e.g. the full-width ``"％"``).
        """
        rows = []
        for s in self.leaves:
            row = {"一级指标": s.level1, "二级指标": s.level2, "三级指标": s.level3,
                   "权重": s.weight, "目标值": s.target_text.replace("%", percent),
                   "实际值": s.actual_text.replace("%", percent), "得分": s.score,
                   "评分规则": s.rule_text.replace("%", percent)}
            if detail:
                key = s.indicator or ""
                if key and s.field != "value":
                    key += f" ({s.field})"
                row |= {"指标": key, "依据": s.evidence, "说明": s.note, "口径": s.caliber}
            rows.append(row)
        total = {"一级指标": "合计", "二级指标": "", "三级指标": "",
                 "权重": float(sum(self.weights1.values())), "目标值": "", "实际值": "",
                 "得分": self.total, "评分规则": f"评价等级：{self.grade}（优≥90，良80–89，中60–79，差<60）"}
        if detail:
            total |= {"指标": "", "依据": "", "说明": "得分为各三级指标得分（保留两位小数）之和", "口径": ""}
        rows.append(total)
        return pd.DataFrame(rows)


def grade(total: float | Decimal) -> str:
    """优 ≥ 90, 良 ≥ 80, 中 ≥ 60, else 差.

    >>> [grade(x) for x in (90, 89.99, 80, 60, 59.99)]
    ['优', '良', '良', '中', '差']
    """
    for bound, name in GRADES:
        if total >= bound:
            return name
    return GRADES[-1][1]


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _fmt_number(value: Decimal) -> str:
    """Integers as such, else at most 2 decimals (ROUND_HALF_UP), trailing zeros dropped."""
    if value == value.to_integral_value():
        return f"{value.to_integral_value():f}"
    return f"{_quantize(value).normalize():f}"


def _fmt(value: Decimal, is_rate: bool) -> str:
    if is_rate:
        return f"{_quantize(value * 100):f}%"
    return _fmt_number(value)


def _plain(value: object) -> str:
    number = _to_decimal(value)
    return "—" if number is None else _fmt_number(number)


def _actual(leaf: Leaf, ind: Indicator | None) -> tuple[Decimal | None, str, str]:
    """(actual, note, display override) of a leaf; actual None = undefined."""
    if ind is None:
        return None, f"{NOTE_UNDEFINED}：未提供指标 {leaf.indicator}", ""
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
            text = "达到目标值得满分，否则按 实际值÷目标值×权重"
        else:
            f = _fmt(leaf.floor, is_rate)
            text = f"达到目标值得满分；不高于{f}得0分，其间按 (实际值−{f})÷(目标值−{f})×权重"
    elif leaf.rule == "deduction":
        if is_rate:
            pp = _fmt_number(leaf.per * 100)
            unit = f"{pp}个百分点"
        else:
            unit = _fmt_number(leaf.per)
        text = f"每低于目标值{unit}扣{_fmt_number(leaf.points)}分（按比例），扣完为止"
    elif leaf.target > 0:
        text = "不高于目标值得满分，否则按 权重×目标值÷实际值"
    else:
        text = "不高于目标值得满分，否则每高出1个百分点扣权重的1%，扣完为止"
    if leaf.field == "yoy":
        text = "按同比变动率计；" + text
    return f"{text}；{leaf.standard}" if leaf.standard else text


def _manual_entries(framework: Framework, manual: Mapping[str, object] | None,
                    source: str) -> dict[str, tuple[Decimal, str]]:
    entries: dict[str, tuple[Decimal, str]] = {}
    if not manual:
        return entries
    manual_ids = [leaf.id for leaf in framework.leaves if leaf.rule == "manual"]
    for key, entry in manual.items():
        try:
            leaf = framework.leaf(str(key))
        except KeyError:
            raise _fail(source, str(key), f"不是指标体系「{framework.file}」的三级指标（人工评分项："
                        f"{'、'.join(manual_ids)}）", "unknown leaf") from None
        where = leaf.label
        if leaf.rule != "manual":
            raise _fail(source, where, f"该指标按 {leaf.rule} 规则计算，不能人工评分",
                        "not a manual leaf")
        if isinstance(entry, Mapping):
            _check_fields(entry, {"score", "evidence"}, ("score",), source, where)
            raw, evidence = entry["score"], entry.get("evidence") or ""
            if not isinstance(evidence, str):
                raise _fail(source, where, "evidence 应为文字", "evidence must be text")
        else:
            raw, evidence = entry, ""
        value, _ = _parse_number(raw, source, where, "人工评分 score", percent=False)
        _check_manual(value, leaf.weight, source, where)
        if leaf.id in entries:
            raise _fail(source, where, "人工评分重复给出", "manual score given twice")
        entries[leaf.id] = (value, evidence.strip())
    return entries


def _score_leaf(leaf: Leaf, values: Mapping[str, Indicator],
                manual: dict[str, tuple[Decimal, str]]) -> LeafScore:
    base = dict(level1=leaf.path[0], level2=leaf.path[1], level3=leaf.path[2], id=leaf.id,
                weight=float(leaf.weight), rule=leaf.rule, indicator=leaf.indicator,
                field=leaf.field)
    if leaf.rule == "manual":
        if leaf.id in manual:
            raw, evidence = manual[leaf.id]
            note = ""
        elif leaf.score is not None:
            raw, evidence, note = leaf.score, leaf.evidence, "指标体系文件中的默认人工评分"
        else:
            raw, evidence, note = Decimal(0), leaf.evidence, NOTE_NO_MANUAL
        return LeafScore(**base, rule_text=_rule_text(leaf, False), target=None, actual=None,
                         target_text="—", actual_text="人工评定", score=float(_quantize(raw)),
                         note=note, evidence=evidence, caliber=leaf.standard, is_rate=False)

    ind = values.get(leaf.indicator)
    is_rate = leaf.field == "yoy" or (ind.is_rate if ind is not None else leaf.target_is_percent)
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

    prefix = {"threshold": "≥", "reversed": "≤"}.get(leaf.rule, "")
    target_text = prefix + _fmt(leaf.target, is_rate)
    if shown:
        actual_text = shown
    elif actual is None:
        actual_text = "—"
    else:
        actual_text = _fmt(actual, is_rate)
    if ind is None:
        evidence, caliber = "", ""
    elif leaf.field == "yoy":
        evidence = f"本期 {_plain(ind.value)}，上年同期 {_plain(ind.previous)}"
        caliber = "；".join(filter(None, ["同比 = (本期 − 上年同期) ÷ 上年同期", ind.caliber]))
    elif ind.is_rate and ind.denominator is not None:
        evidence = f"{_plain(ind.numerator)}/{_plain(ind.denominator)}"
        caliber = ind.caliber
    else:
        evidence, caliber = _plain(ind.value), ind.caliber
    return LeafScore(**base, rule_text=_rule_text(leaf, is_rate),
                     target=float(leaf.target), actual=None if actual is None else float(actual),
                     target_text=target_text, actual_text=actual_text,
                     score=float(_quantize(raw)), note=note, evidence=evidence, caliber=caliber,
                     is_rate=is_rate)


def score(framework: Framework, values: Mapping[str, Indicator],
          manual: Mapping[str, object] | None = None, *,
          manual_source: str = "params") -> Scorecard:
    """Score ``framework`` on indicator results and manual scores.

    ``values`` maps indicator keys to :class:`Indicator` results (catalogue and budget keys).
    ``manual`` maps a manual leaf's id or path to ``{"score": number, "evidence": text}`` (or a
    bare number); ``manual_source`` names the params file in error messages. A manual score
    above the leaf's weight, a key that is not a manual leaf, or an unknown field raises
    :class:`ParameterError` (``<manual_source>: <一级/二级/三级>: …``).

    Notes
    -----
    Leaf score = the rule's formula (module docstring) clipped to [0, weight], rounded to 2
    decimals with ROUND_HALF_UP; an undefined indicator scores 0 (note ``数据缺失/分母为0``).
    Subtotals by 一级 and 二级 and the total are sums of the rounded leaf scores, so the table
    adds up exactly; grade = :func:`grade` (total).
    """
    entries = _manual_entries(framework, manual, manual_source)
    leaves = tuple(_score_leaf(leaf, values, entries) for leaf in framework.leaves)
    by1: dict[str, Decimal] = {}
    by2: dict[tuple[str, str], Decimal] = {}
    for s in leaves:
        points = Decimal(repr(s.score))
        by1[s.level1] = by1.get(s.level1, Decimal(0)) + points
        by2[(s.level1, s.level2)] = by2.get((s.level1, s.level2), Decimal(0)) + points
    total = sum(by1.values(), Decimal(0))
    return Scorecard(
        name=framework.name, file=framework.file, leaves=leaves,
        level1={k: float(v) for k, v in by1.items()},
        level2={k: float(v) for k, v in by2.items()},
        weights1={g.name: float(g.weight) for g in framework.groups},
        total=float(total), grade=grade(total),
    )
