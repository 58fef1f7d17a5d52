"""Loading the inputs of a report: every table read, validated and cached the same way.

:func:`load_tables` reads and validates any set of tables (信访事项登记表, 治重化积交办件,
进京上访台账, 预算执行表), collecting every problem of every table into one
:class:`~xinfang.errors.InputError`. With a cache folder, each validated table is kept by the
content hash of its file, so a batch parses an export once, not once per notebook; the
register is also kept cut by unit (:mod:`~xinfang.inputs.slices`), so that a unit's notebook
reads its own rows only, and the hashes are remembered by the files' stat (:class:`HashMemo`),
so that it does not hash the export again either. :func:`load_inputs` does this for the files
the parameters name.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd

from ..errors import InputError
from ..fileio import atomic_path, sha256_file, write_bytes_atomic
from ..params import resolve
from ..periods import Period
from .arrow import CACHE_FORMAT, arrow_of, frame_of, meta_of, with_meta  # noqa: F401  (the cache's codec)
from .cachefiles import HASHES, private_dir, table_path, units_path
from .read import read_table
from .slices import read_slice, slices_path, unit_rows, write_slices
from .tables import TABLE_NAMES
from .units import Unit, UnitRegister, read_units
from .validate import validate_beijing, validate_campaign, validate_register
from .validate_budget import BudgetTable, validate_budget_table

log = logging.getLogger("xinfang")

#: The sha256 memo of a cache folder (:class:`HashMemo`).
#: A file changed less than this before it was hashed may change again unseen by its stat.
_RACY_NS = 2_000_000_000

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


def _cache_path(cache_dir: Path | None, kind: str, sha: str, units_sha: str,
                columns: Mapping[str, str] | None = None) -> Path | None:
    if cache_dir is None:
        return None
    return table_path(cache_dir, kind, f"{sha}:{units_sha}:{pd.__version__}:{CACHE_FORMAT}", columns)


_private_dir = private_dir


def write_cache(path: Path, table: pd.DataFrame | BudgetTable, kind: str) -> None:
    """Write a validated table as Arrow IPC (data only: reading it never runs code; see :func:`arrow_of`)."""
    import pyarrow.feather as feather

    with atomic_path(path) as tmp:
        feather.write_feather(arrow_of(table, kind, path.stem), tmp, compression="uncompressed")


def read_cache(path: Path, kind: str) -> pd.DataFrame | BudgetTable:
    """Read a table written by :func:`write_cache`; raises on anything else (foreign, corrupt)."""
    import pyarrow.feather as feather

    arrow = feather.read_table(path, memory_map=False)
    meta = meta_of(arrow.schema, kind, path.stem)
    frame = frame_of(arrow, meta)
    if "budget" in meta:
        return BudgetTable(meta["budget"]["file"], frame, meta["budget"]["source"])
    frame.attrs.update(meta["attrs"])
    return frame


class HashMemo:
    """The sha256 of input files, remembered in a cache folder (``hashes.json``) by their stat,
    so that the kernels of a batch do not read a 200 MB export again to find its cache: the
    parent hashed it.

    An entry (absolute path → size, mtime_ns, inode, ctime_ns, sha256, and when it was hashed)
    is used only while the file's size, mtime_ns, inode and ctime_ns are all unchanged, and only
    for a file last changed well before it was hashed (one rewritten within the same tick of the
    file system's clock would otherwise keep its old hash, as git's "racily clean" entries);
    any other file is hashed again and its entry renewed. Without a folder it is plain
    :func:`~xinfang.fileio.sha256_file`.
    """

    def __init__(self, cache_dir: Path | None):
        self.path = cache_dir / HASHES if cache_dir is not None else None
        self.entries = self._read()
        self.changed: dict[str, dict] = {}

    def _read(self) -> dict:
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8")) if self.path is not None else {}
        except (OSError, ValueError):  # none yet, or damaged: every file is hashed again
            return {}
        return doc if isinstance(doc, dict) else {}

    def sha256(self, path: str | Path) -> str:
        """The sha256 of ``path``'s bytes (from the memo while its stat says it is unchanged)."""
        if self.path is None:
            return sha256_file(path)
        key = str(Path(path).resolve())
        st = os.stat(key)
        stat = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "inode": st.st_ino, "ctime_ns": st.st_ctime_ns}
        entry = self.entries.get(key)
        if _trusted(entry, stat):
            return entry["sha256"]
        hashed_ns = time.time_ns()
        sha = sha256_file(key)
        self.entries[key] = self.changed[key] = {**stat, "hashed_ns": hashed_ns, "sha256": sha}
        return sha

    def save(self) -> None:
        """Write the renewed entries (over what another process may have written meanwhile); a
        memo that cannot be written is only a warning: the next reader hashes the file again."""
        if self.path is None or not self.changed:
            return
        text = json.dumps({**self._read(), **self.changed}, ensure_ascii=False, indent=1, sort_keys=True)
        try:
            _private_dir(self.path.parent)
            write_bytes_atomic(self.path, text.encode("utf-8"))
        except OSError as exc:
            log.warning("无法保存哈希记录 / sha256 memo not saved: %s (%s)", self.path, exc.strerror or type(exc).__name__)


def _trusted(entry: Any, stat: Mapping[str, int]) -> bool:
    if not isinstance(entry, dict) or any(entry.get(k) != v for k, v in stat.items()):
        return False
    sha, hashed_ns = entry.get("sha256"), entry.get("hashed_ns")
    return (isinstance(sha, str) and len(sha) == 64 and isinstance(hashed_ns, int)
            and max(stat["mtime_ns"], stat["ctime_ns"]) < hashed_ns - _RACY_NS)


def _cached(cache: Path | None, kind: str) -> pd.DataFrame | BudgetTable | None:
    """The table kept in ``cache``, or None (no cache; a damaged or foreign file, removed)."""
    if cache is None or not (cache.exists() or cache.is_symlink()):
        return None
    try:
        if cache.is_symlink() or not cache.is_file():  # never follow or block on a FIFO
            raise ValueError("not a regular file")
        return read_cache(cache, kind)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file is only a missed cache
        log.warning("缓存文件无效，已忽略并重建 / cache file ignored and rebuilt: %s (%s)", cache, type(exc).__name__)
        try:
            cache.unlink()
        except OSError:
            pass
        return None


def load_tables(paths: Mapping[str, Path | None], units: UnitRegister, *, cache_dir: Path | None = None,
                today: dt.date | None = None, unit: str | None = None,
                columns: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read and validate the tables of ``paths`` (kind → file, or None when not provided).

    ``columns`` (the params key) maps an export's headers to the data dictionary's
    (:func:`~xinfang.inputs.read.read_table`); it is part of the cache key.

    Every table is validated and all problems are raised together in one
    :class:`InputError`. With ``cache_dir`` each validated table is cached by the file's
    content hash (and the unit register's, and pandas' version), so a batch parses an export
    only once; caches are written only when every table is valid, so bad input leaves nothing.
    The 信访事项登记表 is also kept cut by unit (:mod:`~xinfang.inputs.slices`), and the hashes
    by the files' stat (:class:`HashMemo`). The 预算执行表 comes back as a :class:`BudgetTable`,
    the others as DataFrames.

    With ``unit`` (a unit's official name) the register holds that unit's rows only, as
    :func:`~xinfang.inputs.slices.unit_rows` cuts them: read from the per-unit cache when there
    is one, so a unit's report never reads the whole register of a province.
    """
    hashes = HashMemo(cache_dir)
    units_sha = hashes.sha256(units.path) if cache_dir and units.path and Path(units.path).exists() else ""
    tables: dict[str, Any] = {}
    fresh: dict[Path, Any] = {}
    cut: dict[Path, pd.DataFrame] = {}  # registers to keep cut by unit
    problems = []
    for kind, path in paths.items():
        if path is None:
            tables[kind] = None
            continue
        path = Path(path)
        cache = (_cache_path(cache_dir, kind, hashes.sha256(path), units_sha, columns)
                 if cache_dir and path.exists() else None)
        if kind == "register" and unit is not None and cache is not None:
            tables[kind] = read_slice(cache, unit)  # the unit's rows alone, from the per-unit file
            if tables[kind] is not None:
                continue
        table = _cached(cache, kind)
        if table is None:
            try:
                table = _VALIDATE[kind](read_table(path, kind, columns), units, today=today)
            except InputError as exc:
                problems.extend(exc.problems)
                continue
            if cache is not None:
                fresh[cache] = table
        if kind == "register":
            if cache is not None and (cache in fresh or (unit is None and not slices_path(cache).exists())):
                cut[cache] = table
            if unit is not None:
                table = unit_rows(table, unit)
        tables[kind] = table
    if problems:
        raise InputError(problems)
    if cache_dir is not None and (fresh or cut):
        _private_dir(cache_dir)
    for cache, table in fresh.items():
        write_cache(cache, table, cache.name.split("-")[0])
    for cache, register in cut.items():
        write_slices(cache, register)
    hashes.save()
    return tables


def cached_units(path: Path, cache_dir: Path | None) -> UnitRegister:
    """The unit register of ``path``: read and checked (:func:`~xinfang.inputs.units.read_units`),
    or, from a cache folder, as it was read and checked from a file of the same content
    (``units-<key>.json``, data only, keyed by the file's sha256 and xinfang's version): a
    province's 2,000 units are parsed once per batch, not once per report."""
    units, keep = _cached_units(path, cache_dir)
    keep()
    return units


def _cached_units(path: Path, cache_dir: Path | None) -> tuple[UnitRegister, Callable[[], None]]:
    """:func:`cached_units`, and what keeps it in the cache folder, to be called once every input
    is valid (bad input leaves nothing behind)."""
    def nothing() -> None:
        return None

    if cache_dir is None:
        return read_units(path), nothing
    from .. import __version__

    memo = HashMemo(cache_dir)
    try:
        sha = memo.sha256(path)
    except OSError:
        return read_units(path), nothing  # not there: read_units says so
    cache = units_path(cache_dir, sha, __version__)
    try:
        doc = json.loads(cache.read_text(encoding="utf-8"))
        units = UnitRegister(doc["district"], tuple(Unit(n, k, c, tuple(a)) for n, k, c, a in doc["units"]),
                             str(path))
        return units, memo.save
    except (OSError, ValueError, KeyError, TypeError):
        pass
    units = read_units(path)

    def keep() -> None:
        doc = {"district": units.district, "units": [[u.name, u.kind, u.code, list(u.aliases)] for u in units.units]}
        try:
            _private_dir(cache_dir)
            memo.save()
            write_bytes_atomic(cache, json.dumps(doc, ensure_ascii=False).encode("utf-8"))
        except OSError as exc:
            log.warning("无法保存单位名册缓存 / unit register cache not saved: %s (%s)", cache,
                        exc.strerror or type(exc).__name__)

    return units, keep


def load_inputs(params: Mapping, *, cache_dir: str | Path | None = None, today: dt.date | None = None,
                unit: str | None = None) -> Inputs:
    """Read and validate every input the parameters name (see :func:`load_tables`).

    With ``unit`` (a unit's name or alias) ``register`` holds only that unit's rows (the other
    tables are whole): what a unit's report needs, read from the batch's per-unit cache.

    ``files`` lists each table provided (in the order of :data:`~xinfang.inputs.tables.TABLE_NAMES`)
    for the 数据说明, ``missing`` the Chinese names of the optional tables not provided.
    """
    units, keep_units = _cached_units(resolve(params, params.units), Path(cache_dir) if cache_dir else None)
    if unit is not None:
        unit = units.canonical(unit) or unit  # an alias reads its unit's rows
    period = Period.of(params.period_start, params.period_end)
    paths = {kind: resolve(params, params.data.tables().get(kind)) for kind in TABLE_NAMES}
    tables = load_tables(paths, units, cache_dir=Path(cache_dir) if cache_dir else None, today=today,
                         unit=unit, columns=dict(params.columns))
    keep_units()  # every table is valid
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
