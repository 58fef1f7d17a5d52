"""Starting a district: ``xinfang init DIR --register EXPORT`` writes a params folder that
``xinfang validate``, ``report`` and ``batch`` use as it is (:func:`init_district`)."""
from __future__ import annotations

from .district import InitResult, init_district
from .units import ProposedUnit, guess_kind, is_short_form, propose_units, units_yaml

__all__ = ["InitResult", "init_district", "ProposedUnit", "guess_kind", "is_short_form", "propose_units", "units_yaml"]
