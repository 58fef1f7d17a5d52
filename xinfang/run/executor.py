"""Execute one report notebook and write its files.

:func:`execute` runs a notebook with papermill's public API (``papermill.execute_notebook``
with xinfang's engine, :mod:`xinfang.run.engine`) on a fresh :class:`~xinfang.run.kernels.Kernel`;
:func:`run_report` then renders HTML + DOCX in-process (:mod:`xinfang.render`) and writes every
file atomically. When a cell fails, papermill marks the error in the notebook, which is kept
as ``<stem>.failed.ipynb`` for inspection.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..errors import BatchError, ExecutionFailed, ParameterError, XinfangError
from ..fileio import safe_filename, write_bytes_atomic, write_set
from ..notebooks import path as notebook_path
from .kernels import Kernel

if TYPE_CHECKING:  # imported where used: a worker imports this module before it may import nbformat
    import nbformat

log = logging.getLogger("xinfang")

#: The report notebook (every report: ``unit = None`` is the district's), and its folder, where
#: kernels start so that the notebook's relative ``params_dir`` means what it says.
REPORT_NOTEBOOK = notebook_path()
NOTEBOOKS = REPORT_NOTEBOOK.parent
#: Modules nothing in xinfang uses that a batch process would import at great cost:
#: ``rfc3987_syntax`` builds its grammar when imported (about 0.9 s of CPU); jsonschema, which
#: nbformat imports, looks for it only to check the "iri" string format, which no notebook
#: schema uses. See :func:`skip_unused_imports`.
UNUSED_IMPORTS = ("rfc3987_syntax",)


def skip_unused_imports() -> None:
    """Make :data:`UNUSED_IMPORTS` unimportable in this process (``sys.modules[name] = None``,
    so that an ``import`` of them raises ImportError, which jsonschema expects of optional
    modules). Called only in processes xinfang owns (the command line, batch workers), before
    nbformat is imported; a module already imported is left alone."""
    import sys

    for name in UNUSED_IMPORTS:
        sys.modules.setdefault(name, None)


#: The papermill engine xinfang registers (pyproject.toml, ``papermill.engine``).
ENGINE = "xinfang"


@dataclass
class RunResult:
    """What one report run produced."""

    name: str
    status: str                      # "ok" | "failed"
    seconds: float
    files: dict[str, Path] = field(default_factory=dict)
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)  # phase → seconds (batch runs)


def report_parameters(year: int, params_dir: Path, unit: str | None = None, register: str | None = None,
                      cache_dir: Path | None = None, form: str | None = None) -> dict:
    """The papermill parameters of a report notebook (plain types only); ``form`` is given only
    when the command line chose one (else the notebook takes the params' ``form``)."""
    out = {"year": int(year), "params_dir": str(Path(params_dir).resolve()), "unit": unit,
           "register": str(Path(register).resolve()) if register else None,
           "cache_dir": str(Path(cache_dir).resolve()) if cache_dir else None}
    if form:
        out["form"] = form
    return out


def execute(notebook: Path, parameters: dict, *, cwd: Path | None = None, timeout: int = 600,
            progress: bool = False, kernel: Kernel | None = None) -> nbformat.NotebookNode:
    """Execute ``notebook`` with papermill in a fresh kernel and return the executed notebook.

    ``kernel`` is a fresh :class:`Kernel` already starting (a batch pre-starts it); without one
    a new kernel is started here, in ``cwd`` (default: the notebook's folder). Either way it
    is closed before returning.

    Raises :class:`~xinfang.errors.ExecutionFailed` when a cell fails (its ``nb`` has the error
    marked by papermill) or the kernel dies or times out.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    notebook = Path(notebook)
    running: list[nbformat.NotebookNode] = []  # the notebook papermill runs, from the engine
    try:
        if kernel is None:
            kernel = Kernel.start(cwd or notebook.parent)
        return pm.execute_notebook(
            str(notebook), None, parameters, engine_name=_engine(), kernel_name="python3",
            progress_bar=progress, log_output=False, start_timeout=120, execution_timeout=timeout,
            km=kernel.km, on_start=running.append)
    except PapermillExecutionError as exc:
        raise ExecutionFailed(notebook, exc.ename, exc.evalue, cell_index=exc.cell_index,
                              exec_count=exc.exec_count, source=exc.source, traceback=exc.traceback,
                              nb=running[-1] if running else None) from exc
    except XinfangError:
        raise
    except Exception as exc:  # kernel died, timeout, …
        raise ExecutionFailed(notebook, type(exc).__name__, str(exc),
                              nb=running[-1] if running else None) from exc
    finally:
        if kernel is not None:
            kernel.close()


def _engine() -> str:
    """The name of xinfang's engine, registered with papermill.

    papermill registers it from the entry point; an install whose metadata predates the entry
    point (pyproject.toml changed, package not reinstalled) gets it registered here.
    """
    from papermill.engines import papermill_engines
    from papermill.exceptions import PapermillException

    try:
        papermill_engines.get_engine(ENGINE)
    except PapermillException:
        from .engine import XinfangEngine

        papermill_engines.register(ENGINE, XinfangEngine)
    return ENGINE


def run_report(notebook: Path, parameters: dict, out_dir: Path, stem: str, metadata: dict | None = None,
               *, timeout: int = 600, progress: bool = False, kernel: Kernel | None = None,
               after_execute: Callable[[], None] | None = None) -> RunResult:
    """Execute one report notebook and write ``stem``.ipynb/.html/.docx into ``out_dir``.

    On failure the executed notebook (with the error marked by papermill) is written as
    ``stem``.failed.ipynb for inspection; no HTML or DOCX of the failed run is left, and an
    older finished report of the same stem is removed so it cannot be mistaken for current.
    The new files replace the old ones as a set once all are complete
    (:func:`~xinfang.fileio.write_set`); a failure to write them (a full disk) raises the
    :class:`OSError` and leaves the previous report as it was.
    ``after_execute`` is called once the kernel is closed, before rendering (a batch starts
    its next kernel there).
    """
    import nbformat

    from ..render.notebook import notebook_files

    stem = safe_filename(stem)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    check_inside(out_dir, stem)
    start = time.perf_counter()
    timings: dict[str, float] = {}
    failed_path = out_dir / f"{stem}.failed.ipynb"
    try:
        try:
            nb = execute(notebook, parameters, timeout=timeout, progress=progress, kernel=kernel)
        finally:
            timings["execute"] = time.perf_counter() - start
            if after_execute is not None:
                after_execute()
    except ExecutionFailed as exc:
        return _failed(out_dir, stem, exc.nb, str(exc), start)
    except BatchError as exc:
        return _failed(out_dir, stem, None, str(exc), start)
    t = time.perf_counter()
    nb.metadata["xinfang"] = dict(metadata or {})
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:  # run-dependent timings stay out of the kept notebook
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    contents = {"ipynb": nbformat.writes(nb).encode("utf-8")}
    try:
        contents.update(notebook_files(nb, stem))
    except Exception as exc:  # noqa: BLE001 - a render failure is this report's failure only
        return _failed(out_dir, stem, nb, f"{type(exc).__name__}: {exc}", start)
    # the three files replace the previous ones as a set, once all are complete: a full disk
    # raises here (the environment, exit 1) and leaves the previous report whole
    files = {ext: out_dir / f"{stem}.{ext}" for ext in contents}
    write_set({files[ext]: data for ext, data in contents.items()})
    timings["render"] = time.perf_counter() - t
    if failed_path.exists():
        failed_path.unlink()
    return RunResult(stem, "ok", time.perf_counter() - start, files, timings=timings)


def check_inside(out_dir: Path, stem: str) -> None:
    """Raise :class:`ParameterError` when files named ``stem`` would land outside ``out_dir``."""
    target = (out_dir / f"{stem}.html").resolve()
    if target.parent != out_dir.resolve():
        raise ParameterError(f"输出文件名「{stem}」会写到输出目录之外 / file name escapes the output folder")


def _failed(out_dir: Path, stem: str, nb, error: str, start: float) -> RunResult:
    files = {}
    for ext in ("html", "docx", "ipynb"):
        stale = out_dir / f"{stem}.{ext}"
        if stale.exists():
            stale.unlink()
    if nb is not None:
        import nbformat

        path = out_dir / f"{stem}.failed.ipynb"
        write_bytes_atomic(path, nbformat.writes(nb).encode("utf-8"))
        files["failed"] = path
    log.debug("%s: 失败 / failed: %s", stem, error)
    return RunResult(stem, "failed", time.perf_counter() - start, files, error)
