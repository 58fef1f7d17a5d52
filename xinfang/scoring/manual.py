"""Manual scores (人工评分) given in the year's params, validated against a framework.

A manual score is written in ``params/<year>.yaml`` under ``manual_scores``, keyed by the leaf's
``id`` (or its path ``一级/二级/三级``):

.. code-block:: yaml

    manual_scores:
      rules_soundness: {score: 4, evidence: 财务、资产、采购等内控制度齐全}
      rules_enforcement:
        score: 3.5
        evidence: 制度总体执行到位          # 评分依据
        reason: 个别报销凭证附件不全，扣0.5分  # 扣分理由, required below full marks

A bare number is accepted for full marks only (a lower score needs its ``reason``).
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .framework import Framework, _check_fields, _check_manual, _fail, _parse_number, check_reason

__all__ = ["ManualScore", "parse_manual_scores"]

_ENTRY_FIELDS = {"score", "evidence", "reason"}


@dataclass(frozen=True)
class ManualScore:
    """One manual score: points, 评分依据 (``evidence``) and 扣分理由 (``reason``)."""

    score: Decimal
    evidence: str = ""
    reason: str = ""


def _text_field(entry: Mapping, key: str, source: str, where: str) -> str:
    value = entry.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _fail(source, where, f"{key} 应为文字", f"{key} must be text")
    return value.strip()


def parse_manual_scores(framework: Framework, manual: Mapping[str, object] | None,
                        source: str = "params") -> dict[str, ManualScore]:
    """Validate ``manual`` (leaf id or path → ``{score, evidence, reason}`` or a number).

    Returns leaf id → :class:`ManualScore`. Raises :class:`~xinfang.errors.ParameterError`
    (``<source>: <一级/二级/三级>: …``) for a key that is not a manual leaf of ``framework``, an
    unknown field, a score that is not a number, negative or above the weight, a leaf given
    twice, and a score below full marks without a non-empty ``reason`` (the message names the
    leaf id).
    """
    entries: dict[str, ManualScore] = {}
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
            _check_fields(entry, _ENTRY_FIELDS, ("score",), source, where)
            raw = entry["score"]
            evidence = _text_field(entry, "evidence", source, where)
            reason = _text_field(entry, "reason", source, where)
        else:
            raw, evidence, reason = entry, "", ""
        value, _ = _parse_number(raw, source, where, "人工评分 score", percent=False)
        _check_manual(value, leaf.weight, source, where)
        check_reason(value, leaf.weight, reason, source, where, leaf.id)
        if leaf.id in entries:
            raise _fail(source, where, "人工评分重复给出", "manual score given twice")
        entries[leaf.id] = ManualScore(value, evidence, reason)
    return entries
