"""Loading the inputs of a report: every table read, validated and cached the same way.

:func:`load_tables` reads and validates any set of tables (信访事项登记表, 治重化积交办件,
进京上访台账, 预算执行表), collecting every problem of every table into one
:class:`~xinfang.errors.InputError`. With a cache folder, each validated table is kept by the
content hash of its file, so a batch parses an export once, not once per notebook.
:func:`load_inputs` does this for the files the parameters name.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd

from ..errors import InputError
from ..fileio import atomic_path, sha256_file
from ..params import resolve
from ..periods import Period
from .read import read_table
from .tables import TABLE_NAMES
from .units import UnitRegister, read_units
from .validate import validate_beijing, validate_campaign, validate_register
from .validate_budget import BudgetTable, validate_budget_table

#: kind → validator ``(raw, units, *, today) -> validated table``.
_VALIDATE: dict[str, Callable[..., Any]] = {
    "register": validate_register,
    "campaign": validate_campaign,
    "beijing": validate_beijing,
    "budget": validate_budget_table,
}


@dataclass
class Inputs:
    """The validated inputs of one report."""

    period: Period
    units: UnitRegister
    register: pd.DataFrame
    campaign: pd.DataFrame | None = None
    beijing: pd.DataFrame | None = None
    files: list[dict] = field(default_factory=list)  # file, sha256, rows, table: for 数据说明
    missing: list[str] = field(default_factory=list)  # optional tables not provided
    budget: BudgetTable | None = None


def source_of(table: pd.DataFrame | BudgetTable) -> Mapping:
    """file, sha256, rows and encoding of a validated table (hashed once, when it was read)."""
    return table.source if isinstance(table, BudgetTable) else table.attrs["source"]


def _cache_path(cache_dir: Path | None, kind: str, sha: str, units_sha: str) -> Path | None:
    if cache_dir is None:
        return None
    key = hashlib.sha256(f"{kind}:{sha}:{units_sha}:{pd.__version__}:v1".encode()).hexdigest()[:32]
    return cache_dir / f"{kind}-{key}.pkl"


def load_tables(paths: Mapping[str, Path | None], units: UnitRegister, *, cache_dir: Path | None = None,
                today: dt.date | None = None) -> dict[str, Any]:
    """Read and validate the tables of ``paths`` (kind → file, or None when not provided).

    Every table is validated and all problems are raised together in one
    :class:`InputError`. With ``cache_dir`` each validated table is cached by the file's
    content hash (and the unit register's, and pandas' version), so a batch parses an export
    only once; caches are written only when every table is valid, so bad input leaves nothing.
    The 预算执行表 comes back as a :class:`BudgetTable`, the others as DataFrames.
    """
    units_sha = sha256_file(units.path) if cache_dir and units.path and Path(units.path).exists() else ""
    tables: dict[str, Any] = {}
    fresh: dict[Path, Any] = {}
    problems = []
    for kind, path in paths.items():
        if path is None:
            tables[kind] = None
            continue
        path = Path(path)
        cache = _cache_path(cache_dir, kind, sha256_file(path), units_sha) if cache_dir and path.exists() else None
        if cache is not None and cache.exists():
            tables[kind] = pd.read_pickle(cache)
            continue
        try:
            tables[kind] = _VALIDATE[kind](read_table(path, kind), units, today=today)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if cache is not None:
            fresh[cache] = tables[kind]
    if problems:
        raise InputError(problems)
    for cache, table in fresh.items():
        with atomic_path(cache) as tmp:
            pd.to_pickle(table, tmp)
    return tables


def load_inputs(params: Mapping, *, cache_dir: str | Path | None = None, today: dt.date | None = None) -> Inputs:
    """Read and validate every input the parameters name (see :func:`load_tables`).

    ``files`` lists each table provided (in the order of :data:`~xinfang.inputs.tables.TABLE_NAMES`)
    for the 数据说明, ``missing`` the Chinese names of the optional tables not provided.
    """
    units = read_units(resolve(params, params["units"]))
    period = Period.of(params["period_start"], params["period_end"])
    paths = {kind: resolve(params, params["data"].get(kind)) for kind in TABLE_NAMES}
    tables = load_tables(paths, units, cache_dir=Path(cache_dir) if cache_dir else None, today=today)
    files, missing = [], []
    for kind, table in tables.items():
        if table is None:
            missing.append(TABLE_NAMES[kind])
            continue
        source = source_of(table)
        files.append({"table": TABLE_NAMES[kind], "file": paths[kind].name, "sha256": source["sha256"],
                      "rows": source["rows"]})
    return Inputs(period, units, tables["register"], tables["campaign"], tables["beijing"], files, missing,
                  tables["budget"])
