"""Running report notebooks: papermill executes, :mod:`xinfang.render` renders.

One report = one fresh kernel (papermill), then HTML + DOCX rendered in-process, all files
written atomically. The notebook keeps its error marked when a cell fails (papermill does
that), and is kept for inspection.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .errors import BatchError
from .io import safe_filename, write_bytes_atomic

log = logging.getLogger("xinfang")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DISTRICT_NOTEBOOK = NOTEBOOKS / "district_report.ipynb"
UNIT_NOTEBOOK = NOTEBOOKS / "unit_report.ipynb"


@dataclass
class RunResult:
    """What one report run produced."""

    name: str
    status: str                      # "ok" | "failed"
    seconds: float
    files: dict[str, Path] = field(default_factory=dict)
    error: str | None = None


def kernel_env() -> dict[str, str]:
    """Environment for kernels: loopback only, no network hints, quiet warnings in reports."""
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONWARNINGS"] = "ignore"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def execute(notebook: Path, parameters: dict, *, cwd: Path | None = None, timeout: int = 600,
            progress: bool = False) -> nbformat.NotebookNode:
    """Execute ``notebook`` with papermill in a fresh kernel and return the executed notebook.

    Raises :class:`papermill.PapermillExecutionError` with the failed notebook attached
    (``exc.nb``) when a cell fails.
    """
    import papermill as pm

    from .errors import XinfangError

    try:
        return pm.execute_notebook(
            str(notebook), None, parameters=parameters, kernel_name="python3", progress_bar=progress,
            cwd=str(cwd or notebook.parent), execution_timeout=timeout, log_output=False,
        )
    except pm.PapermillExecutionError:
        raise
    except XinfangError:
        raise
    except Exception as exc:  # kernel died, timeout, …
        raise BatchError(f"{notebook.name}: 执行失败 / execution failed: {type(exc).__name__}: {exc}") from exc


def run_report(notebook: Path, parameters: dict, out_dir: Path, stem: str, metadata: dict | None = None,
               *, timeout: int = 600, progress: bool = False) -> RunResult:
    """Execute one report notebook and write ``stem``.ipynb/.html/.docx into ``out_dir``.

    On failure the executed notebook (with the error marked by papermill) is written as
    ``stem``.failed.ipynb for inspection; no HTML or DOCX of the failed run is left, and an
    older finished report of the same stem is removed so it cannot be mistaken for current.
    """
    from papermill.exceptions import PapermillExecutionError

    from .render import render_notebook

    stem = safe_filename(stem)
    out_dir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    failed_path = out_dir / f"{stem}.failed.ipynb"
    try:
        nb = execute(notebook, parameters, timeout=timeout, progress=progress)
    except PapermillExecutionError as exc:
        nb = getattr(exc, "nb", None)
        return _failed(out_dir, stem, nb, f"{exc.ename}: {exc.evalue}", start)
    except BatchError as exc:
        return _failed(out_dir, stem, None, str(exc), start)
    nb.metadata["xinfang"] = dict(metadata or {})
    nb.metadata.pop("papermill", None)
    files = {"ipynb": out_dir / f"{stem}.ipynb"}
    write_bytes_atomic(files["ipynb"], nbformat.writes(nb).encode("utf-8"))
    files.update(render_notebook(nb, out_dir, stem))
    if failed_path.exists():
        failed_path.unlink()
    return RunResult(stem, "ok", time.perf_counter() - start, files)


def _failed(out_dir: Path, stem: str, nb, error: str, start: float) -> RunResult:
    files = {}
    for ext in ("html", "docx", "ipynb"):
        stale = out_dir / f"{stem}.{ext}"
        if stale.exists():
            stale.unlink()
    if nb is not None:
        path = out_dir / f"{stem}.failed.ipynb"
        write_bytes_atomic(path, nbformat.writes(nb).encode("utf-8"))
        files["failed"] = path
    log.error("%s: 失败 / failed: %s", stem, error)
    return RunResult(stem, "failed", time.perf_counter() - start, files, error)


def report_parameters(year: int, params_dir: Path, unit: str | None = None, register: str | None = None,
                      cache_dir: Path | None = None) -> dict:
    """The papermill parameters of a report notebook (plain types only)."""
    return {"year": int(year), "params_dir": str(Path(params_dir).resolve()), "unit": unit,
            "register": str(Path(register).resolve()) if register else None,
            "cache_dir": str(Path(cache_dir).resolve()) if cache_dir else None}
