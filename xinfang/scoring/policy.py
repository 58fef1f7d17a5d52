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


def report_targets(params, leaves, results) -> dict[str, float]:
    """The annual targets of the rates, one value per indicator, as every document shows them:
    the params' ``targets``, then the framework's target of each other rate it scores where more
    is better (rule ratio, threshold or deduction on the value), when ``results`` (key →
    Indicator) has that rate's input. ``leaves`` are the framework's leaves or a scorecard's."""
    out = {str(k): float(v) for k, v in params.targets.items()}
    for leaf in leaves:
        key = leaf.indicator
        if (leaf.field != "value" or leaf.rule not in ("ratio", "threshold", "deduction") or not key
                or key not in results or not results[key].is_rate or leaf.target is None):
            continue
        ind = results[key]
        if all(v is None for v in (ind.value, ind.numerator, ind.denominator)):
            continue  # its table was not given: no target to show
        out.setdefault(key, float(leaf.target))
    return out
