"""The scoring policy a report applies besides its framework file, from the params.

The framework file (``params/scoring/*.yaml``) gives the leaves, weights, rules and default
targets; two params complete it, and every score of a run (district, units, workbook, the
batch's hand-off) is computed with the same values:

* ``findings.min_base``: a ``field: yoy`` leaf whose 上年同期 is below it is 不适用
  (:mod:`xinfang.scoring.leaf`);
* ``targets``: the bureau's annual targets by indicator key; each replaces the framework's
  target of the leaves that score that indicator's value, so the 绩效目标 table, the 评分表,
  the findings and the workbook show one target per indicator.
"""
from __future__ import annotations


def scoring_policy(params) -> dict:
    """``{"min_base": int, "targets": {key: fraction}}`` of a params model (plain, JSON-able:
    the batch's hand-off stores it beside the scores it computed)."""
    return {"min_base": int(params.findings.min_base),
            "targets": {str(k): float(v) for k, v in sorted(params.targets.items())}}
