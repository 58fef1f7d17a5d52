"""The pool of a batch: spawned worker processes, each running one report at a time.

Every report gets a NEW kernel (:mod:`xinfang.run.kernels`); on Linux it is forked from an
import-only template (:mod:`xinfang.run.zygote`, imported only there and only then), elsewhere
(or with ``XINFANG_FORK_KERNELS=0``) launched as ``ipykernel_launcher``. While a worker renders
one report, its next kernel is already starting (``ReportJob.prestart``). A job's post-step
(:data:`~xinfang.run.jobs.POST_STEPS`) runs in the worker after its notebook succeeded. A
failed report, or a dead worker, is that report's failure only.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from .executor import NOTEBOOKS, RunResult, run_report
from .jobs import ReportJob, post_step
from .kernels import Kernel, kill_live_kernels, process_cpu_seconds
from .manifest import Manifest
from .parentdeath import follow_parent
from .progress import TerminalProgress

if TYPE_CHECKING:
    from .zygote import Zygote

#: Seconds between two writes of a manifest while reports finish: a province's manifest holds
#: 2,000 reports, and writing it after each one would cost the parent more than the reports.
SAVE_EVERY = 1.0


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def run_pool(todo: list[ReportJob], n_workers: int, manifests: dict[int, Manifest], results: dict,
              cpu_by: dict, progress: TerminalProgress) -> bool:
    """Run the jobs in ``n_workers`` spawned worker processes; True when interrupted."""
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = mp.get_context("spawn")
    started_q = ctx.SimpleQueue()
    env = {"MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx, initializer=_worker_init,
                               initargs=(started_q, env, os.getpid()))
    by_future = {}
    saved: dict[int, float] = {}  # year → when its manifest was last written
    interrupted = False
    try:
        for job in todo:
            by_future[pool.submit(_work, job)] = job
        pending = set(by_future)
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            while not started_q.empty():
                progress.started(started_q.get())
            for fut in done:
                job = by_future[fut]
                try:
                    name, result, cpu = fut.result()
                except Exception as exc:  # noqa: BLE001 - a worker died: this job failed
                    name, result, cpu = job.name, RunResult(job.stem, "failed", 0.0, {},
                                                            f"{type(exc).__name__}: {exc}"), None
                results[name] = result
                if cpu is not None:
                    cpu_by[name] = cpu
                m = manifests[job.year]
                m.record(job, result, cpu)
                if time.monotonic() - saved.get(job.year, float("-inf")) >= SAVE_EVERY:
                    m.save()
                    saved[job.year] = time.monotonic()
                progress.finished(name, result)
        pool.shutdown(wait=True)
    except KeyboardInterrupt:
        interrupted = True
        for proc in mp.active_children():  # the pool's workers: this process starts no others
            try:
                proc.terminate()
            except Exception:  # noqa: BLE001
                pass
        pool.shutdown(wait=False, cancel_futures=True)
    finally:
        progress.close()
    return interrupted


# =============================================================================================
# the worker side

_QUEUE = None
_NEXT: Kernel | None = None
_ZYGOTE: Zygote | None = None


def _fork_kernels() -> bool:
    """Fork kernels from a template process: Linux only, unless ``XINFANG_FORK_KERNELS=0``."""
    return sys.platform.startswith("linux") and os.environ.get("XINFANG_FORK_KERNELS", "1") != "0"


def _worker_init(queue, env: Mapping[str, str], parent_pid: int | None = None) -> None:
    """Set up one worker process: quiet logs, SIGINT left to the parent, kernels killed on exit,
    and the worker ended (SIGTERM, so its kernels are killed too) when the batch's process dies
    (:func:`~xinfang.run.parentdeath.follow_parent`)."""
    global _QUEUE, _ZYGOTE
    from multiprocessing import util

    from .executor import skip_unused_imports

    skip_unused_imports()
    _QUEUE = queue
    os.environ.update(env)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it terminates us

    def on_term(signum, frame):
        kill_live_kernels()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    follow_parent(parent_pid, signal.SIGTERM)
    util.Finalize(None, kill_live_kernels, exitpriority=100)
    if _fork_kernels():
        from .zygote import Zygote

        _ZYGOTE = Zygote(NOTEBOOKS)
        util.Finalize(None, _ZYGOTE.close, exitpriority=50)
    logging.getLogger("papermill").setLevel(logging.WARNING)
    logging.getLogger("traitlets").setLevel(logging.ERROR)


def _take_kernel(cwd: Path) -> Kernel:
    global _NEXT
    kernel, _NEXT = _NEXT, None
    return kernel if kernel is not None else Kernel.start(cwd, zygote=_ZYGOTE)


def _work(job: ReportJob) -> tuple[str, RunResult, float | None]:
    """Run one job in a worker; returns (name, result, CPU seconds of worker + kernel or None)."""
    if _QUEUE is not None:
        _QUEUE.put(job.name)
    cpu0 = process_cpu_seconds()
    notebook = Path(job.notebook)
    t = time.perf_counter()
    kernel = _take_kernel(notebook.parent)
    waited = time.perf_counter() - t

    def start_next() -> None:
        global _NEXT
        if job.prestart and _NEXT is None:
            _NEXT = Kernel.start(notebook.parent, zygote=_ZYGOTE)

    try:
        result = run_report(notebook, job.parameters, Path(job.out_dir), job.stem, job.metadata,
                            kernel=kernel, after_execute=start_next)
        if job.post is not None and result.status == "ok":
            result.files.update(post_step(job.post)(job.parameters, **job.post_args))
    except Exception as exc:  # noqa: BLE001 - whatever happens, it is this unit's failure
        result = RunResult(job.stem, "failed", time.perf_counter() - t, {}, f"{type(exc).__name__}: {exc}")
    result.timings["kernel_wait"] = waited
    cpu1 = process_cpu_seconds()
    cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    if cpu is not None and kernel.forked and kernel.final_cpu is not None:  # reaped by the template, not by us
        cpu += kernel.final_cpu
    return job.name, result, cpu
