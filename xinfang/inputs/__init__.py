"""The input layer (docs/architecture.md §4): files in, valid typed tables out, personal data dropped.

* :mod:`~xinfang.inputs.tables`: one :class:`TableSchema` per table (name, headers, enums, rules);
* :mod:`~xinfang.inputs.read`: bytes → raw table (PII columns never parsed), with
  :mod:`~xinfang.inputs.csvfile` (encoding, separator, every line accounted for, pyarrow),
  :mod:`~xinfang.inputs.xlsx` (zip and cell bombs refused, the sheet a person sees, error cells,
  calamine) and :mod:`~xinfang.inputs.header` (the header row among the first rows, the params
  ``columns`` mapping): :func:`detect_header` tells where the header of a file is;
* :mod:`~xinfang.inputs.validate` / :mod:`~xinfang.inputs.validate_budget`: the validators, which
  collect every :class:`~xinfang.errors.Problem` of a table;
* :mod:`~xinfang.inputs.units`: the unit register and the canonical name of a unit alias;
* :mod:`~xinfang.inputs.load`: :func:`load_inputs` / :func:`load_tables` and their content-hash cache.
* :mod:`~xinfang.inputs.slices`: the register's cache cut by unit, so that a unit's report reads
  its own rows only (``load_inputs(..., unit=...)``).
"""
from __future__ import annotations

from .load import Inputs, load_inputs, load_tables, source_of
from .read import RawTable, clean_header, decode_bytes, detect_header, read_table, read_xlsx
from .header import HeaderMatch, find_header
from .tables import (BEIJING, BUDGET, CAMPAIGN, CATEGORIES, HEADER_VARIANTS, PII_HEADERS, REGISTER, TABLE_NAMES,
                     TABLES, TableSchema)
from .units import UNIT_KINDS, Unit, UnitRegister, canonical_unit, read_units
from .validate import parse_dates, validate_beijing, validate_campaign, validate_register
from .validate_budget import BudgetTable, read_budget, validate_budget, validate_budget_table

__all__ = [
    "BEIJING", "BUDGET", "CAMPAIGN", "CATEGORIES", "HEADER_VARIANTS", "PII_HEADERS", "REGISTER", "TABLE_NAMES",
    "TABLES", "TableSchema", "BudgetTable", "Inputs", "RawTable", "UNIT_KINDS", "Unit", "UnitRegister",
    "canonical_unit", "clean_header", "decode_bytes", "load_inputs", "load_tables", "parse_dates",
    "read_budget", "read_table", "detect_header", "find_header", "HeaderMatch", "read_units", "read_xlsx", "source_of", "validate_beijing",
    "validate_budget", "validate_budget_table", "validate_campaign", "validate_register",
]
