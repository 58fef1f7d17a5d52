"""What each kind of report reads: the one declaration of a report's sources.

A report is made from its merged params (hashed as a whole by the manifest) and from the files
those params name. :func:`report_sources` lists those files, by kind of report:

========== ============================================================================
kind       files read
========== ============================================================================
district   the data tables, the unit register, the scoring framework, the analyst
           texts of ``params/<year>/`` (``text``)
unit       the data tables, the unit register, the scoring framework, the
           rectification lines, the analyst texts of ``params/<year>/<unit>/``
bulletin   the data tables, the unit register, the monthly assessment rules, the
           rectification lines, the month's requirements text (the 督办单 are
           written from the same inputs by the bulletin's job)
workbook   the data tables, the unit register, the scoring framework
========== ============================================================================

Every data table the params name is read by every kind: :func:`xinfang.inputs.load_inputs`
validates all of them, so a bad edit to any one fails every report. The manifest hashes exactly
these files (:func:`xinfang.run.manifest.build_hashes`), and the readers find the analyst texts
through :func:`text_folder` and :func:`requirements_path`, so where a file lives is written once.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from ..fileio import safe_filename
from .schema import ReportParams

KINDS = ("district", "unit", "bulletin", "workbook")
#: the data tables of params ``data``, in the order the manifest lists them
TABLES = ("beijing", "budget", "campaign", "register")


def plain(params: ReportParams | Mapping[str, Any]) -> Mapping[str, Any]:
    """The params as a mapping of plain values (a hand-made mapping is given back as it is)."""
    return params.dump() if isinstance(params, ReportParams) else params


def _resolve(params: Mapping[str, Any], relative: str | None) -> Path | None:
    if not relative:
        return None
    p = Path(relative)
    return p if p.is_absolute() else (Path(params["params_dir"]) / p).resolve()


def text_folder(params: Mapping[str, Any], unit: str | None) -> Path:
    """Where the analyst Markdown of a report lives: params/<year>/ or params/<year>/<unit>/."""
    params = plain(params)
    base = Path(params["params_dir"]) / str(params["year"])
    return base / safe_filename(unit) if unit else base


def text_path(params: Mapping[str, Any], key: str, unit: str | None) -> Path | None:
    """The analyst Markdown file of ``text.<key>`` for the report of ``unit`` (None: not named)."""
    params = plain(params)
    name = (params.get("text") or {}).get(key)
    return text_folder(params, unit) / name if name else None


def requirements_path(params: Mapping[str, Any], month: int) -> Path | None:
    """The analyst's requirements text of ``month`` (params ``bulletin.requirements_text``,
    relative to params/<year>/, ``{month}`` replaced), or None when none is named."""
    params = plain(params)
    name = (params.get("bulletin") or {}).get("requirements_text")
    if not name:
        return None
    return Path(params["params_dir"]) / str(params["year"]) / str(name).replace("{month}", str(month))


def report_sources(params: Mapping[str, Any], kind: str, *, unit: str | None = None,
                   month: int | None = None) -> dict[str, Path | None]:
    """Every file a report of ``kind`` reads, by name (None where the params name none).

    ``unit`` is the unit of a unit report; ``month`` the month of a bulletin. The names are the
    keys of the manifest's ``inputs``: the table names of ``data``, ``units``, ``framework``,
    ``rectification``, ``assessment``, ``requirements_text`` and ``text.<key>``.
    """
    params = plain(params)
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}; known: {', '.join(KINDS)}")
    data = params.get("data") or {}
    out: dict[str, Path | None] = {t: _resolve(params, data.get(t)) for t in TABLES if data.get(t)}
    out["units"] = _resolve(params, params["units"])
    if kind in ("district", "unit", "workbook"):
        out["framework"] = _resolve(params, params.get("framework"))
    if kind in ("unit", "bulletin"):
        out["rectification"] = _resolve(params, params.get("rectification"))
    if kind == "bulletin":
        out["assessment"] = _resolve(params, (params.get("bulletin") or {}).get("assessment"))
        out["requirements_text"] = requirements_path(params, int(month or 0)) if month else None
    if kind in ("district", "unit"):
        for key in sorted(params.get("text") or {}):
            path = text_path(params, key, unit if kind == "unit" else None)
            if path is not None:
                out[f"text.{key}"] = path
    return out
