"""The 信访事项登记表 cut by unit: a unit's report reads its own rows, not the province's.

Beside the cache file of a register (:func:`~xinfang.inputs.load.write_cache`), :func:`write_slices`
keeps the same rows grouped by unit in ``<cache>.units.arrow``: an Arrow IPC file with one record
batch per unit of the register's ``unit`` column (every unit of the unit register, those without
rows too), the original row index in the column ``__index__`` and the unit → batch number map in
the schema metadata; data only, written atomically. :func:`read_slice` maps the file and reads
the one batch of a unit, so each kernel of a 2,000-unit batch reads a few hundred rows, not a
million. A slice is ``register[register["unit"] == unit]`` (:func:`unit_rows`), its ``attrs``
those of the register; every categorical keeps all its categories, in order, except the
identifiers (:data:`IDENTIFIERS`), which keep those the unit's rows hold — whether read from the
file or cut from the whole register.

The file is written with the register's cache when the register is validated (by a batch's
parent), and when the whole register is read from its cache and the file is missing. A unit's
notebook that finds it missing or damaged reads the whole register and keeps its unit's rows; it
does not write the file (2,000 notebooks would write it at once).
"""
from __future__ import annotations


import logging
from pathlib import Path

import numpy as np
import pandas as pd

from ..fileio import atomic_path
from .arrow import arrow_of, frame_of, meta_of, with_meta
from .cachefiles import SLICES_SUFFIX, slices_path  # noqa: F401  (the protocol's names)

log = logging.getLogger("xinfang")

SUFFIX = SLICES_SUFFIX  # the per-unit file: <register cache>.units.arrow
#: The column holding each row's index in the whole register.
INDEX = "__index__"




#: Categoricals of identifiers (a province has 800,000 信访事项编号): a unit's rows keep only
#: the categories they hold, in the register's order. Every other categorical keeps all its
#: categories (a count by 信访形式 shows the forms with no registrations too).
IDENTIFIERS = ("matter_id",)


def unit_rows(register: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The rows of ``unit``, in order, with their index, the ``attrs`` and every category
    (those of :data:`IDENTIFIERS`: the ones the rows hold)."""
    rows = register[register["unit"] == unit]
    held = {c: rows[c].cat.remove_unused_categories() for c in IDENTIFIERS
            if c in rows.columns and isinstance(rows[c].dtype, pd.CategoricalDtype)}
    return rows.assign(**held) if held else rows


def write_slices(cache: Path, register: pd.DataFrame) -> None:
    """Write the per-unit file of the register kept in ``cache`` (see the module's docstring).

    A register without a categorical ``unit`` or an integer index (never so when validated) gets
    no file: its units' reports read the whole register.
    """
    import pyarrow as pa
    import pyarrow.ipc as ipc

    column, index = register["unit"], register.index
    if not isinstance(column.dtype, pd.CategoricalDtype) or not pd.api.types.is_integer_dtype(index.dtype):
        return
    codes = column.cat.codes.to_numpy()
    counts = np.bincount(codes + 1, minlength=len(column.cat.categories) + 1)  # [0]: rows without a unit
    starts = np.cumsum(counts) - counts
    order = np.argsort(codes, kind="stable")[counts[0]:]
    arrow = arrow_of(register, "register", cache.stem)
    meta = meta_of(arrow.schema, "register", cache.stem)
    meta["slices"] = {"units": {str(u): i for i, u in enumerate(column.cat.categories)},
                      "range": [index.start, index.stop, index.step] if isinstance(index, pd.RangeIndex) else None}
    arrow = arrow.append_column(INDEX, pa.array(index.to_numpy(dtype=np.int64)))
    batches = with_meta(arrow.take(pa.array(order)), meta).combine_chunks().to_batches()
    if len(batches) != 1:  # no rows at all: nothing to cut
        return
    with atomic_path(slices_path(cache)) as tmp:
        with pa.OSFile(str(tmp), "wb") as sink, ipc.new_file(sink, batches[0].schema) as writer:
            for start, count in zip(starts[1:] - counts[0], counts[1:]):
                writer.write_batch(batches[0].slice(int(start), int(count)))


def read_slice(cache: Path, unit: str) -> pd.DataFrame | None:
    """The rows of ``unit`` from the per-unit file of the register kept in ``cache``; None when
    there is no such file, or it is damaged or foreign (removed, with a warning)."""
    path = slices_path(cache)
    if not (path.exists() or path.is_symlink()):
        return None
    try:
        if path.is_symlink() or not path.is_file():  # never follow or block on a FIFO
            raise ValueError("not a regular file")
        return _read(path, cache.stem, unit)
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file is only a missed cache
        log.warning("按单位缓存文件无效，已忽略，改读整表 / per-unit cache file ignored, the whole register is read: "
                    "%s (%s)", path, type(exc).__name__)
        try:
            path.unlink()
        except OSError:
            pass
        return None


def _held(table):
    """``table`` with the dictionary of each of :data:`IDENTIFIERS` cut to the entries its rows
    use, in order (as :func:`unit_rows` cuts the categories)."""
    import pyarrow as pa

    for name in IDENTIFIERS:
        if name not in table.column_names or not pa.types.is_dictionary(table.schema.field(name).type):
            continue
        column = table.column(name).combine_chunks()
        codes = column.indices.to_numpy(zero_copy_only=False)
        valid = column.indices.is_valid().to_numpy(zero_copy_only=False)
        used = np.unique(codes[valid])
        remapped = np.where(valid, np.searchsorted(used, np.where(valid, codes, used[0] if len(used) else 0)), 0)
        array = pa.DictionaryArray.from_arrays(pa.array(remapped.astype(codes.dtype), mask=~valid),
                                               column.dictionary.take(pa.array(used, type=pa.int64())),
                                               ordered=column.type.ordered)
        table = table.set_column(table.column_names.index(name), table.schema.field(name).with_type(array.type),
                                 array)
    return table


def _read(path: Path, key: str, unit: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.ipc as ipc

    with pa.memory_map(str(path)) as source:
        reader = ipc.open_file(source)
        meta = meta_of(reader.schema, "register", key)
        number = meta["slices"]["units"].get(unit)
        batch = reader.get_batch(number) if number is not None else reader.get_batch(0).slice(0, 0)
        table = _held(pa.Table.from_batches([batch]))
    rows = table.column(INDEX).to_numpy()
    frame = frame_of(table.drop_columns([INDEX]), meta)
    whole = meta["slices"]["range"]
    frame.index = pd.RangeIndex(*whole)[(rows - whole[0]) // whole[2]] if whole else pd.Index(rows)
    frame.attrs.update(meta["attrs"])
    return frame
