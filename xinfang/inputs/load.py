"""Loading the inputs of a report: every table read, validated and cached the same way.

:func:`load_tables` reads and validates any set of tables (信访事项登记表, 治重化积交办件,
进京上访台账, 预算执行表), collecting every problem of every table into one
:class:`~xinfang.errors.InputError`. With a cache folder, each validated table is kept by the
content hash of its file, so a batch parses an export once, not once per notebook.
:func:`load_inputs` does this for the files the parameters name.
"""
from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import logging
import os
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

log = logging.getLogger("xinfang")

#: Version of the cache format (part of the key: a new format never reads an old file).
CACHE_FORMAT = "arrow-v2"
_META = b"xinfang.cache"

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
    key = hashlib.sha256(f"{kind}:{sha}:{units_sha}:{pd.__version__}:{CACHE_FORMAT}".encode()).hexdigest()[:32]
    return cache_dir / f"{kind}-{key}.arrow"


def _private_dir(folder: Path) -> None:
    """Create ``folder`` readable by its owner only (0700; where POSIX modes exist)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix" and (folder.stat().st_mode & 0o777) != 0o700:
        os.chmod(folder, 0o700)


def _json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return str(value)


def write_cache(path: Path, table: pd.DataFrame | BudgetTable, kind: str) -> None:
    """Write a validated table as Arrow IPC (data only: reading it never runs code).

    Categoricals go through Arrow's dictionary type; ``attrs`` (or the budget table's file and
    source), the pandas dtype of every column and the columns of :class:`~decimal.Decimal`
    (kept as text, so that ``Decimal('1.50')`` stays exactly that) go into the schema metadata.
    """
    import pyarrow as pa
    import pyarrow.feather as feather

    frame = table.frame if isinstance(table, BudgetTable) else table
    out, decimals = {}, []
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object and any(isinstance(v, decimal.Decimal) for v in col):
            decimals.append(str(name))
            col = pd.Series([None if v is None else str(v) for v in col], dtype=object, index=col.index)
        out[str(name)] = col
    meta = {"kind": kind, "key": path.stem, "format": CACHE_FORMAT, "decimals": decimals,
            "dtypes": {str(k): str(v) for k, v in frame.dtypes.items()},
            "categories": {str(k): str(frame[k].cat.categories.dtype) for k, v in frame.dtypes.items()
                           if isinstance(v, pd.CategoricalDtype)},
            "columns": [str(c) for c in frame.columns]}
    if isinstance(table, BudgetTable):
        meta["budget"] = {"file": table.file, "source": dict(table.source)}
    else:
        meta["attrs"] = table.attrs
    arrow = pa.Table.from_pandas(pd.DataFrame(out, index=frame.index), preserve_index=False)
    arrow = arrow.replace_schema_metadata({**(arrow.schema.metadata or {}),
                                           _META: json.dumps(meta, default=_json_default).encode()})
    with atomic_path(path) as tmp:
        feather.write_feather(arrow, tmp, compression="uncompressed")


def read_cache(path: Path, kind: str) -> pd.DataFrame | BudgetTable:
    """Read a table written by :func:`write_cache`; raises on anything else (foreign, corrupt)."""
    import pyarrow.feather as feather

    arrow = feather.read_table(path, memory_map=False)
    meta = json.loads((arrow.schema.metadata or {})[_META])
    if meta.get("kind") != kind or meta.get("key") != path.stem or meta.get("format") != CACHE_FORMAT:
        raise ValueError("not this table's cache")
    frame = arrow.to_pandas()
    if list(frame.columns) != meta["columns"]:
        raise ValueError("columns differ")
    for name in meta["decimals"]:
        frame[name] = pd.Series([None if v is None or v != v else decimal.Decimal(v) for v in frame[name]],
                                dtype=object, index=frame.index)
    for name, dtype in meta["dtypes"].items():
        if str(frame[name].dtype) != dtype and dtype == "object":
            frame[name] = frame[name].astype(object)
    for name, dtype in meta["categories"].items():
        col = frame[name]
        if str(col.cat.categories.dtype) != dtype and dtype == "object":
            categories = pd.Index(list(col.cat.categories), dtype=object)
            frame[name] = pd.Categorical.from_codes(col.cat.codes.to_numpy(), categories, ordered=col.cat.ordered)
    if "budget" in meta:
        return BudgetTable(meta["budget"]["file"], frame, meta["budget"]["source"])
    frame.attrs.update(meta["attrs"])
    return frame


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
        if cache is not None and (cache.exists() or cache.is_symlink()):
            try:
                if cache.is_symlink() or not cache.is_file():  # never follow or block on a FIFO
                    raise ValueError("not a regular file")
                tables[kind] = read_cache(cache, kind)
                continue
            except Exception as exc:  # noqa: BLE001 - a damaged or foreign file is only a missed cache
                log.warning("缓存文件无效，已忽略并重建 / cache file ignored and rebuilt: %s (%s)",
                            cache, type(exc).__name__)
                try:
                    cache.unlink()
                except OSError:
                    pass
        try:
            tables[kind] = _VALIDATE[kind](read_table(path, kind), units, today=today)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        if cache is not None:
            fresh[cache] = tables[kind]
    if problems:
        raise InputError(problems)
    if fresh and cache_dir is not None:
        _private_dir(cache_dir)
    for cache, table in fresh.items():
        write_cache(cache, table, cache.name.split("-")[0])
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
