"""The indicator catalogue (指标口径, docs/architecture.md §4) and its computation.

* :mod:`~xinfang.indicators.catalogue`: one :class:`Spec` per key (name, unit, caliber) referring
  to its :class:`Measure` members; :data:`SPECS`, :data:`KEYS`, :data:`BUDGET_KEYS`.
* :mod:`~xinfang.indicators.measures`: the vectorised measures, one number per row.
* :mod:`~xinfang.indicators.cases`: the cases behind a figure (:func:`case_list`).
* :mod:`~xinfang.indicators.compute`: sums of measures for the district and every unit,
  the results, rankings and the small frames the report charts.
"""
from __future__ import annotations

from .cases import CaseList, case_keys, case_list, check_key
from .catalogue import BUDGET_KEYS, CATALOGUE, KEYS, SPECS, Spec
from .compute import (channel_volumes, compute_all, compute_catalogue, domain_counts, monthly_counts,
                      rank_units, unit_frame, units_with_data)
from .measures import ACCEPT_DAYS, GROUP_VISIT_PERSONS, REPLY_DAYS, Measure

__all__ = [
    "ACCEPT_DAYS", "BUDGET_KEYS", "CATALOGUE", "CaseList", "GROUP_VISIT_PERSONS", "KEYS", "Measure", "REPLY_DAYS", "SPECS",
    "Spec", "case_keys", "case_list", "check_key", "channel_volumes", "compute_all", "compute_catalogue", "domain_counts", "monthly_counts",
    "rank_units", "unit_frame", "units_with_data",
]
