"""The 指标体系 file: parsing and validation into :class:`Framework`, :class:`Node`, :class:`Leaf`.

A framework (``params/scoring/<name>.yaml``) is a tree of 一级 / 二级 / 三级 indicators. Every 三级
indicator (a *leaf*) has a weight, a scoring rule (:mod:`xinfang.scoring.rules`) and, unless it is
scored by hand, the indicator it reads and a target.

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
``indicator`` (a catalogue key of docs/architecture.md §4 or a budget key of :data:`xinfang.indicators.BUDGET_KEYS`),
``field`` (``value``, default, or ``yoy`` to score the year-on-year change) and ``target`` for every
rule except ``manual``; ``floor`` (threshold, optional); ``per`` and ``points`` (deduction);
``score``, ``evidence`` (评分依据) and ``reason`` (扣分理由, required when ``score`` is below the
weight) for a default manual score. Any other field is an error.
"""
from __future__ import annotations

import difflib
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..errors import ParameterError
from ..indicators.catalogue import BUDGET_KEYS
from ..params_yaml import parse_yaml

__all__ = ["FIELDS", "RULES", "Framework", "Leaf", "Node", "load_framework", "parse_framework"]

RULES: tuple[str, ...] = ("ratio", "threshold", "deduction", "reversed", "manual")
"""Scoring rules a leaf may use."""
FIELDS: tuple[str, ...] = ("value", "yoy")
"""What a leaf reads from its indicator: the value, or the year-on-year change."""
TOTAL_WEIGHT = Decimal(100)

_INF = Decimal("Infinity")
_TOP_FIELDS = {"name", "description", "indicators"}
_NODE_FIELDS = {"name", "weight", "children"}
_COMMON_LEAF = {"name", "id", "weight", "rule", "standard"}
_RULE_FIELDS = {
    "ratio": {"indicator", "field", "target"},
    "threshold": {"indicator", "field", "target", "floor"},
    "deduction": {"indicator", "field", "target", "per", "points"},
    "reversed": {"indicator", "field", "target"},
    "manual": {"score", "evidence", "reason"},
}
_RULE_REQUIRED = {
    "ratio": ("indicator", "target"),
    "threshold": ("indicator", "target"),
    "deduction": ("indicator", "target", "per", "points"),
    "reversed": ("indicator", "target"),
    "manual": (),
}
_PERCENT = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*[%％]$")


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
    reason: str = ""
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
        reason = _text(node["reason"], file, where, "reason") if "reason" in node else ""
        if default is not None:
            check_reason(default, weight, reason, file, where, leaf_id)
        return Leaf(path, leaf_id, weight, rule, score=default, evidence=evidence,
                    standard=standard, reason=reason)

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


def check_reason(value: Decimal, weight: Decimal, reason: str, file: str, where: str,
                 leaf_id: str) -> None:
    """A manual score below full marks needs its 扣分理由 (``reason``); full marks need none."""
    if value < weight and not reason.strip():
        raise _fail(file, where, f"人工评分项 {leaf_id} 得 {value:f} 分，低于满分 {weight:f} 分，"
                    "须写明扣分理由 reason", "a manual score below full marks needs a reason")


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
    """Load and validate a framework file (YAML, read as every params file is:
    :func:`xinfang.params_yaml.parse_yaml`, so no anchors and no duplicate keys).

    ``known_keys`` are the indicator catalogue's keys (docs/architecture.md §4); the budget keys of
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
    data = parse_yaml(text, path.name)
    return parse_framework(data, known_keys, file=path.name)

