"""The catalogue of a batch, computed once in the parent and read by every report's kernel.

Every unit report of a batch shows the same catalogue: the district's figures, every unit's
(for rankings, peer medians and the 各单位 tables) and the list of units with data. A batch
computes it once (:func:`xinfang.run.batch.plan_units`) and writes it with
:func:`save_catalogue` into its cache folder; :func:`xinfang.report.load_context` reads it
with :func:`load_catalogue` instead of computing it again in each kernel.

The file is data only — JSON of the :class:`~xinfang.result.Indicator` fields, no pickle —
and is named by a content key (:func:`catalogue_key`): the sha256 of every input table, the
unit register's names in order, the period, the catalogue's keys and xinfang's version. A
kernel whose inputs differ in any of these finds no file and computes the catalogue itself.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from pathlib import Path
from typing import Mapping

from ..result import Indicator

__all__ = ["Catalogue", "catalogue_key", "catalogue_path", "save_catalogue", "load_catalogue"]

#: district, per unit (unit → key → Indicator), units with data in the period
Catalogue = tuple[dict[str, Indicator], dict[str, dict[str, Indicator]], list[str]]

_FORMAT = 2
_FIELDS = [f.name for f in fields(Indicator)]
#: Fields that are the same for every unit of a key (stored once per key), and those that vary.
_SHARED = ("name", "unit", "caliber")
_VARYING = ("value", "numerator", "denominator", "previous", "yoy")
assert set(_FIELDS) == {"key", *_SHARED, *_VARYING}


def catalogue_key(inputs) -> str:
    """Content key of what the catalogue is computed from (an :class:`~xinfang.inputs.Inputs`)."""
    from .. import __version__
    from ..indicators import KEYS

    what = {"format": _FORMAT, "xinfang": __version__, "keys": list(KEYS),
            "tables": sorted((f["table"], f["sha256"]) for f in inputs.files),
            "units": list(inputs.units.names),
            "period": [inputs.period.start.isoformat(), inputs.period.end.isoformat()]}
    return hashlib.sha256(json.dumps(what, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:32]


def catalogue_path(cache_dir: str | Path, inputs) -> Path:
    return Path(cache_dir) / f"catalogue-{catalogue_key(inputs)}.json"


def _rows(results: Mapping[str, Indicator], shared: Mapping[str, dict]) -> list[list]:
    """One row per indicator: its varying fields, then (rarely) the shared ones that differ."""
    rows = []
    for key, ind in results.items():
        row = [key, *(getattr(ind, f) for f in _VARYING)]
        own = {f: getattr(ind, f) for f in _SHARED if getattr(ind, f) != shared[key][f]}
        rows.append(row + [own] if own else row)
    return rows


def _results(rows: list[list], shared: Mapping[str, dict]) -> dict[str, Indicator]:
    out = {}
    for row in rows:
        key, varying = row[0], dict(zip(_VARYING, row[1:1 + len(_VARYING)]))
        own = row[1 + len(_VARYING)] if len(row) > 1 + len(_VARYING) else {}
        out[key] = Indicator(key=key, **{**shared[key], **own}, **varying)
    return out


def save_catalogue(cache_dir: str | Path, inputs, district: Mapping[str, Indicator],
                   per_unit: Mapping[str, Mapping[str, Indicator]], active: list[str]) -> Path:
    """Write the catalogue as JSON under its content key (atomically); returns the path.

    Names, units and calibers are written once per indicator, the figures once per unit.
    """
    from ..fileio import write_bytes_atomic

    shared = {key: {f: getattr(ind, f) for f in _SHARED} for key, ind in district.items()}
    for results in per_unit.values():
        for key, ind in results.items():
            shared.setdefault(key, {f: getattr(ind, f) for f in _SHARED})
    doc = {"format": _FORMAT, "fields": _FIELDS, "shared": shared, "district": _rows(district, shared),
           "per_unit": [[unit, _rows(results, shared)] for unit, results in per_unit.items()],
           "active": list(active)}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return write_bytes_atomic(catalogue_path(cache_dir, inputs), text.encode("utf-8"))


def load_catalogue(cache_dir: str | Path | None, inputs) -> Catalogue | None:
    """The catalogue a batch saved for these inputs, or None (no cache, no file, other format)."""
    if cache_dir is None:
        return None
    path = catalogue_path(cache_dir, inputs)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if doc.get("format") != _FORMAT or doc.get("fields") != _FIELDS:
        return None
    shared = doc["shared"]
    return (_results(doc["district"], shared), {u: _results(rows, shared) for u, rows in doc["per_unit"]},
            list(doc["active"]))
