"""Planning a batch: which reports to run, validated before any kernel starts.

A planner opens the year's :class:`~xinfang.run.jobs.Workspace` (params, output root, inputs
validated and cached once), decides the reports and returns them as :class:`ReportJob` with
the hashes of everything each one reads (:func:`~xinfang.run.manifest.build_hashes`). The
bulletin planner (by month) is :func:`xinfang.run.bulletins.plan_months`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ..errors import ParameterError
from ..fileio import filename_key, safe_filename
from .executor import REPORT_NOTEBOOK, check_inside, report_parameters
from .jobs import ReportJob, Workspace
from .manifest import build_hashes, hash_key, source_hash


def plan_units(year: int, params_dir: Path, *, only: Iterable[str] | None = None,
               register: str | None = None, sources: str | None = None) -> tuple[list[ReportJob], list[str], dict]:
    """The unit jobs of a year: (jobs, units without data, context for the manifest).

    Validates the inputs (raising :class:`InputError` / :class:`ParameterError`, exit 2) and
    fills the parse cache before any kernel starts.
    """
    from ..config.layers import report_identity, resolve
    from ..indicators import compute_all, units_with_data
    from ..report.handoff import petition_scores, save_catalogue, scoring_policy

    ws = Workspace.open(params_dir, year, register)
    inputs = ws.inputs
    active = units_with_data(inputs.register, inputs.period)
    names = inputs.units.names
    no_data = [u for u in names if u not in active]
    chosen = active
    if only:
        chosen = []
        for name in only:
            canonical = inputs.units.canonical(name)
            if canonical is None:
                raise ParameterError(f"单位「{name}」不在单位名册中 / unknown unit (可用 / valid: {'、'.join(names)})")
            if canonical not in active:
                raise ParameterError(f"单位「{canonical}」在统计期内没有数据 / no data in the period")
            if canonical not in chosen:
                chosen.append(canonical)
    sources = sources or source_hash()
    out_dir = ws.year_dir / "units"
    check_file_names(list(names) + [u for u in chosen if u not in names])
    jobs = []
    for unit in chosen:
        stem = safe_filename(unit)
        check_inside(out_dir, stem)
        uparams = ws.unit_params(unit)
        hashes = build_hashes(uparams, REPORT_NOTEBOOK, sources, unit)
        jobs.append(ReportJob(unit, ws.year, unit, str(REPORT_NOTEBOOK),
                              report_parameters(year, ws.params_dir, unit, register, ws.cache_dir), str(out_dir),
                              stem, report_identity(uparams, unit).metadata, hash_key(hashes), hashes, kind="unit",
                              post="case_lists", post_args={"out_dir": str(out_dir), "stem": stem}))
    district, per_unit = compute_all(inputs.register, inputs.period, names, campaign=inputs.campaign,
                                     beijing=inputs.beijing)
    framework = resolve(ws.params, ws.params.framework)
    scores = (petition_scores(framework, per_unit, active, scoring_policy(ws.params))
              if framework is not None and framework.is_file() else None)
    save_catalogue(ws.cache_dir, inputs, district, per_unit, active, scores)  # the kernels read it, not recompute it
    context = {"params": ws.params, "inputs": inputs, "district": district, "per_unit": per_unit,
               "active": active, "out_root": ws.out_root}
    return jobs, no_data, context


def plan_district(year: int, params_dir: Path, *, register: str | None = None,
                  sources: str | None = None) -> tuple[ReportJob, dict]:
    """The district report job of a year (inputs validated and cached first)."""
    from ..config.layers import report_identity

    ws = Workspace.open(params_dir, year, register)
    identity = report_identity(ws.params)
    hashes = build_hashes(ws.params, REPORT_NOTEBOOK, sources or source_hash(), None)
    job = ReportJob(identity.file_stem, ws.year, None, str(REPORT_NOTEBOOK),
                    report_parameters(year, ws.params_dir, None, register, ws.cache_dir), str(ws.year_dir),
                    identity.file_stem, identity.metadata, hash_key(hashes), hashes, kind="district")
    return job, {"params": ws.params, "inputs": ws.inputs, "out_root": ws.out_root}


def check_file_names(units: Iterable[str]) -> None:
    """No two units get one report file, on any system: their file names
    (:func:`~xinfang.fileio.safe_filename`) must differ in more than case, as Windows and macOS
    compare names without case and one report would silently overwrite the other.

    Raises
    ------
    ParameterError : naming both units.
    """
    seen: dict[str, str] = {}
    for unit in units:
        key = filename_key(unit)
        if key in seen and seen[key] != unit:
            raise ParameterError(
                f"单位「{seen[key]}」与「{unit}」的报告文件名只差大小写或相同（{safe_filename(seen[key])} / "
                f"{safe_filename(unit)}），在 Windows 和 macOS 上会互相覆盖，请在单位名册中改名 / "
                f"two units share a report file name up to case")
        seen.setdefault(key, unit)
