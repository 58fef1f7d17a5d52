"""The catalogue of a batch, computed once in the parent and read by every report's kernel.

Every unit report of a batch shows the same catalogue: the district's figures, every unit's
(for rankings and peer medians) and the list of units with data, and the petition scores of
every unit (for the 得分排名). A batch computes it once (:func:`xinfang.run.batch.plan_units`)
and writes it with :func:`save_catalogue` into its cache folder;
:func:`xinfang.report.load_context` reads it with :func:`load_catalogue` instead of computing
it again in each kernel.

The file is data only — JSON lines of the :class:`~xinfang.result.Indicator` fields, no
pickle — and is named by a content key (:func:`catalogue_key`): the sha256 of every input
table, the unit register's names in order, the period, the catalogue's keys and xinfang's
version. A kernel whose inputs differ in any of these finds no file and computes the
catalogue itself. Its first line holds what every report reads (the district's figures,
every unit's value of every indicator as columns, the scores); each further line holds one
unit's indicators, parsed only when that unit's figures are read (:class:`UnitCatalogue`): a
province's unit report reads its own line, not 2,000.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Iterator, Mapping

from ..result import Indicator

__all__ = ["Catalogue", "Handoff", "UnitCatalogue", "catalogue_key", "catalogue_path", "save_catalogue",
           "load_catalogue", "load_handoff", "petition_score", "petition_scores", "scoring_policy"]

from ..scoring.policy import scoring_policy  # noqa: E402  (re-exported: reports and batches hash it)

#: district, per unit (unit → key → Indicator), units with data in the period
Catalogue = tuple[dict[str, Indicator], Mapping[str, dict[str, Indicator]], list[str]]

_FORMAT = 4
_FIELDS = [f.name for f in fields(Indicator)]
#: Fields that are the same for every unit of a key (stored once per key), and those that vary.
_SHARED = ("name", "unit", "caliber")
_VARYING = ("value", "numerator", "denominator", "previous", "yoy", "comparable")
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
    """The hand-off file of ``inputs`` in ``cache_dir`` (:mod:`xinfang.inputs.cachefiles`)."""
    from ..inputs.cachefiles import catalogue_path as path

    return path(cache_dir, catalogue_key(inputs))


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


class UnitCatalogue(MappingABC):
    """Unit → its indicators (key → :class:`~xinfang.result.Indicator`), read from the hand-off
    file: a unit's line is parsed when the unit is first looked up. :meth:`column` gives one
    indicator's value for every unit without parsing any unit's line."""

    def __init__(self, body: bytes, spans: Mapping[str, tuple[int, int]], shared: Mapping[str, dict],
                 columns: Mapping[str, list]) -> None:
        self._body, self._spans, self._shared, self._columns = body, dict(spans), shared, columns
        self._parsed: dict[str, dict[str, Indicator]] = {}

    def __getitem__(self, unit: str) -> dict[str, Indicator]:
        if unit not in self._parsed:
            start, end = self._spans[unit]  # KeyError for a unit not in the catalogue, as a dict
            self._parsed[unit] = _results(json.loads(self._body[start:end]), self._shared)
        return self._parsed[unit]

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)

    def column(self, key: str) -> dict:
        """Unit → the value of indicator ``key``, for every unit, without parsing any unit's line
        (None where a unit lacks the indicator)."""
        column = self._columns.get(key)
        if column is None:
            return {u: (r[key].value if key in r else None) for u, r in self.items()}
        return dict(zip(self._spans, column))


def save_catalogue(cache_dir: str | Path, inputs, district: Mapping[str, Indicator],
                   per_unit: Mapping[str, Mapping[str, Indicator]], active: list[str],
                   scores: Mapping | None = None) -> Path:
    """Write the catalogue as JSON lines under its content key (atomically); returns the path.

    Names, units and calibers are written once per indicator, the figures once per unit (and
    once more as columns of values). ``scores`` (:func:`petition_scores`), when given, is kept
    for the reports scored by the same framework file.
    """
    from ..fileio import write_bytes_atomic

    shared = {key: {f: getattr(ind, f) for f in _SHARED} for key, ind in district.items()}
    for results in per_unit.values():
        for key, ind in results.items():
            shared.setdefault(key, {f: getattr(ind, f) for f in _SHARED})
    lines, spans, at = [], {}, 0
    for unit, results in per_unit.items():
        line = json.dumps(_rows(results, shared), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        spans[unit] = [at, at + len(line)]
        lines.append(line)
        at += len(line) + 1
    columns = {key: [r[key].value if key in r else None for r in per_unit.values()] for key in shared}
    head = {"format": _FORMAT, "fields": _FIELDS, "shared": shared, "district": _rows(district, shared),
            "active": list(active), "spans": spans, "columns": columns, "scores": dict(scores) if scores else None}
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return write_bytes_atomic(catalogue_path(cache_dir, inputs), b"\n".join([text, *lines]) + b"\n")


@dataclass
class Handoff:
    """What a batch hands to its reports: the catalogue, and the petition scores it computed
    with one framework file (``scores``: its sha256 and unit → (score, full marks) or None)."""

    district: dict[str, Indicator]
    per_unit: UnitCatalogue
    active: list[str]
    scores: dict | None = None

    def scores_for(self, framework: str | Path | None,
                   policy: Mapping | None = None) -> dict[str, tuple[float, float] | None] | None:
        """Unit → (score, full marks), when they were computed with a framework file of the
        same content as ``framework`` and the same ``policy`` (:func:`scoring_policy`); else None
        (the report scores the units itself)."""
        if not self.scores or framework is None:
            return None
        if self.scores.get("policy") != (dict(policy) if policy is not None else None):
            return None
        try:
            sha = hashlib.sha256(Path(framework).read_bytes()).hexdigest()
        except OSError:
            return None
        if self.scores.get("framework") != sha:
            return None
        return {u: (tuple(s) if s is not None else None) for u, s in self.scores["units"].items()}


def load_handoff(cache_dir: str | Path | None, inputs) -> Handoff | None:
    """What a batch saved for these inputs, or None (no cache, no file, other format)."""
    if cache_dir is None:
        return None
    try:
        data = catalogue_path(cache_dir, inputs).read_bytes()
        cut = data.index(b"\n")
        head = json.loads(data[:cut])
    except (OSError, ValueError):
        return None
    if not isinstance(head, dict) or head.get("format") != _FORMAT or head.get("fields") != _FIELDS:
        return None
    shared = head["shared"]
    per_unit = UnitCatalogue(data[cut + 1:], {u: tuple(s) for u, s in head["spans"].items()}, shared,
                             head["columns"])
    return Handoff(_results(head["district"], shared), per_unit, list(head["active"]), head.get("scores"))


def load_catalogue(cache_dir: str | Path | None, inputs) -> Catalogue | None:
    """The catalogue a batch saved for these inputs (district, per unit, active), or None."""
    handoff = load_handoff(cache_dir, inputs)
    return None if handoff is None else (handoff.district, handoff.per_unit, handoff.active)


def petition_scores(framework: str | Path, per_unit: Mapping[str, Mapping[str, Indicator]],
                    units, policy: Mapping) -> dict:
    """Every unit's (score, full marks) on the scored petition leaves of ``framework`` (None
    where no leaf is scored), with the sha256 of the framework file and the ``policy``
    (:func:`scoring_policy`): what :func:`save_catalogue` keeps for the reports' 得分排名."""
    from ..indicators import BUDGET_KEYS, KEYS
    from ..scoring import load_framework

    fw = load_framework(framework, list(KEYS) + list(BUDGET_KEYS))
    return {"framework": hashlib.sha256(Path(framework).read_bytes()).hexdigest(), "policy": dict(policy),
            "units": {u: petition_score(fw, per_unit[u], policy) for u in units}}


def petition_score(fw, results: Mapping[str, Indicator], policy: Mapping) -> tuple[float, float] | None:
    """(score, full marks) of ``results`` on the scored petition leaves of the framework ``fw``:
    the leaves that apply and are measured (不适用 and 未评分 leaves are out of the 满分)."""
    from ..scoring import score

    leaves = score(fw, results, {}, min_base=policy["min_base"], targets=policy["targets"]).petition_leaves()
    full = sum(s.weight for s in leaves)
    return (round(sum(s.score for s in leaves), 2), full) if full else None
