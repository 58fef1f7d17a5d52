"""A batch: many reports — one per unit of a year, or the district report of several years.

* every report gets a NEW kernel (:mod:`xinfang.run.kernels`); on Linux the kernel process is
  forked from an import-only template (:mod:`xinfang.run.zygote`, imported only there and only
  then), elsewhere (or with ``XINFANG_FORK_KERNELS=0``) launched as ``ipykernel_launcher``;
  while a worker renders one report, its next kernel is already starting;
* reports run in parallel worker processes, rendering (HTML + DOCX) in the worker;
* the inputs are validated and cached (by content hash) once in the parent, so the notebooks
  only read the cache (``cache_dir`` parameter);
* a failed report does not stop the others; the batch ends with a summary;
* ``output/<year>/manifest.json`` (:mod:`xinfang.run.manifest`) is rewritten atomically as
  reports finish (after the first, then at most every :data:`SAVE_EVERY` seconds, and at the
  end, also when interrupted), so an interrupted batch resumes where it stopped and a re-run
  redoes only failed, missing or out-of-date reports (a batch killed outright redoes the
  reports of its last second).
"""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping, Sequence

from ..errors import ParameterError
from ..fileio import filename_key, safe_filename, sha256_file
from .executor import NOTEBOOKS, REPORT_NOTEBOOK, RunResult, check_inside, report_parameters, run_report
from .jobs import ReportJob, output_root
from .kernels import Kernel, kill_live_kernels, process_cpu_seconds
from .manifest import Manifest, build_hashes, file_sha, hash_key, input_list, now, source_hash, versions
from .progress import STATUS_ZH, TerminalProgress, display_width

if TYPE_CHECKING:
    from .zygote import Zygote

log = logging.getLogger("xinfang")
_output_root = output_root  # the former private name


@dataclass
class BatchResult:
    """The outcome of :func:`run_batch`."""

    results: dict[str, RunResult]          # name → result, for the reports run now
    skipped: list[str]                     # up to date, not run
    no_data: dict[int, list[str]]          # year → units without data in the period
    manifests: list[Path]
    seconds: float
    cpu_seconds: float | None              # None where the platform cannot measure it
    cpu_by_report: dict[str, float] = field(default_factory=dict)
    xlsx: list[Path] = field(default_factory=list)
    interrupted: bool = False

    @property
    def failed(self) -> list[str]:
        return [n for n, r in self.results.items() if r.status != "ok"]

    @property
    def exit_code(self) -> int:
        return 130 if self.interrupted else (1 if self.failed else 0)

    def summary(self) -> str:
        """The closing table of the batch, in Chinese (columns aligned for CJK terminals)."""
        names = list(self.results) + list(self.skipped)
        width = max([display_width(n) for n in names] + [4]) + 2

        def pad(text: str) -> str:
            return text + " " * (width - display_width(text))

        lines = [f"{pad('报告')}状态  用时（秒）  说明"]
        for name, r in self.results.items():
            note = r.error or ""
            if r.status != "ok" and r.files.get("failed"):
                note += f"（见 {r.files['failed']}）"
            lines.append(f"{pad(name)}{STATUS_ZH[r.status]}  {r.seconds:>8.1f}  {note}")
        for name in self.skipped:
            lines.append(f"{pad(name)}{STATUS_ZH['skipped']}  {'—':>8}")
        ok = sum(r.status == "ok" for r in self.results.values())
        cpu = "—" if self.cpu_seconds is None else f"{self.cpu_seconds:.1f}"
        lines.append(f"合计：成功 {ok}，失败 {len(self.failed)}，跳过 {len(self.skipped)}；"
                     f"用时 {self.seconds:.1f} 秒，CPU {cpu} 秒")
        for year, names in self.no_data.items():
            if names:
                lines.append(f"{year}年统计期内无数据、未出报告的单位：{'、'.join(names)}")
        if self.interrupted:
            lines.append("已中断：未完成的报告将在下次运行时补做 / interrupted: re-run to finish")
        return "\n".join(lines)


#: Seconds between two writes of a manifest while reports finish: a province's manifest holds
#: 2,000 reports, and writing it after each one would cost the parent more than the reports.
SAVE_EVERY = 1.0


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


# =============================================================================================
# planning: what to run, validated before any kernel starts


def _canonical_unit(name: str, units) -> str | None:
    """The register's name of ``name`` (a name or an alias), or None when it is unknown."""
    return units.canonical(name)


def plan_units(year: int, params_dir: Path, *, only: Iterable[str] | None = None,
               register: str | None = None, sources: str | None = None) -> tuple[list[ReportJob], list[str], dict]:
    """The unit jobs of a year: (jobs, units without data, context for the manifest).

    Validates the inputs (raising :class:`InputError` / :class:`ParameterError`, exit 2) and
    fills the parse cache before any kernel starts.
    """
    from ..indicators import compute_all, units_with_data
    from ..inputs import load_inputs
    from ..params import load_params, register_override, report_identity, resolve
    from ..report.handoff import petition_scores, save_catalogue

    params_dir = Path(params_dir)
    overrides = register_override(register)
    params = load_params(params_dir, year, None, overrides)
    out_root = output_root(params)
    cache_dir = out_root / ".cache"
    inputs = load_inputs(params, cache_dir=cache_dir)  # validates once, warms the cache
    active = units_with_data(inputs.register, inputs.period)
    names = inputs.units.names
    no_data = [u for u in names if u not in active]
    chosen = active
    if only:
        chosen = []
        for name in only:
            canonical = _canonical_unit(name, inputs.units)
            if canonical is None:
                raise ParameterError(f"单位「{name}」不在单位名册中 / unknown unit (可用 / valid: {'、'.join(names)})")
            if canonical not in active:
                raise ParameterError(f"单位「{canonical}」在统计期内没有数据 / no data in the period")
            if canonical not in chosen:
                chosen.append(canonical)
    sources = sources or source_hash()
    out_dir = out_root / str(year) / "units"
    check_file_names(list(names) + [u for u in chosen if u not in names])
    jobs = []
    for unit in chosen:
        stem = safe_filename(unit)
        check_inside(out_dir, stem)
        uparams = load_params(params_dir, year, unit, overrides)
        hashes = build_hashes(uparams, REPORT_NOTEBOOK, sources, unit)
        jobs.append(ReportJob(unit, int(year), unit, str(REPORT_NOTEBOOK),
                              report_parameters(year, params_dir, unit, register, cache_dir), str(out_dir), stem,
                              report_identity(uparams, unit).metadata, hash_key(hashes), hashes))
    district, per_unit = compute_all(inputs.register, inputs.period, names, campaign=inputs.campaign,
                                     beijing=inputs.beijing)
    framework = resolve(params, params.framework)
    scores = petition_scores(framework, per_unit, active) if framework is not None and framework.is_file() else None
    save_catalogue(cache_dir, inputs, district, per_unit, active, scores)  # the kernels read it, not recompute it
    context = {"params": params, "inputs": inputs, "district": district, "per_unit": per_unit,
               "active": active, "out_root": out_root}
    return jobs, no_data, context


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


@contextlib.contextmanager
def lock_year_folders(folders: Iterable[Path], stream=None) -> Iterator[None]:
    """Hold the lock of every output year folder (``<folder>/.xinfang.lock``, ``filelock``).

    A second batch on the same folder WAITS until the first has finished (it says so in its
    progress output): reports, the indicator workbook, the temp-file clean-up and the manifest
    of a folder belong to one batch at a time. Locks are taken in a fixed order (no deadlock).
    """
    from filelock import FileLock, Timeout

    held = []
    try:
        for folder in sorted(set(folders)):
            folder.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(folder / ".xinfang.lock"))
            try:
                lock.acquire(timeout=0)
            except Timeout:
                print(f"另一个批量任务正在使用 {folder}，等待其结束… / another batch is using this folder, waiting…",
                      file=stream or sys.stderr, flush=True)
                lock.acquire()
            held.append(lock)
        yield
    finally:
        for lock in reversed(held):
            lock.release()


def plan_district(year: int, params_dir: Path, *, register: str | None = None,
                  sources: str | None = None) -> tuple[ReportJob, dict]:
    """The district report job of a year (inputs validated and cached first)."""
    from ..inputs import load_inputs
    from ..params import load_params, register_override, report_identity

    params_dir = Path(params_dir)
    overrides = register_override(register)
    params = load_params(params_dir, year, None, overrides)
    out_root = output_root(params)
    cache_dir = out_root / ".cache"
    inputs = load_inputs(params, cache_dir=cache_dir)
    identity = report_identity(params)
    hashes = build_hashes(params, REPORT_NOTEBOOK, sources or source_hash(), None)
    job = ReportJob(identity.file_stem, int(year), None, str(REPORT_NOTEBOOK),
                    report_parameters(year, params_dir, None, register, cache_dir), str(out_root / str(year)),
                    identity.file_stem, identity.metadata, hash_key(hashes), hashes)
    return job, {"params": params, "inputs": inputs, "out_root": out_root}


# =============================================================================================
# the batch


def run_batch(year: int | None = None, params_dir: str | Path = "params", *, by: str = "unit",
              years: Sequence[int] | None = None, workers: int | None = None, only: Iterable[str] | None = None,
              force: bool = False, quiet: bool = False, register: str | None = None,
              xlsx: bool = True, stream=None) -> BatchResult:
    """Run the reports of a batch in parallel; see the module docstring.

    ``by="unit"``: every unit of ``year`` with data in the period (or ``only`` those), into
    ``output/<year>/units/``, plus ``output/<year>/indicators.xlsx``. ``by="year"``: the district
    report of each of ``years``, into ``output/<year>/``. Bad inputs or params raise before any
    kernel starts (exit code 2); failed reports are in the result (exit code 1). Progress goes
    to ``stream`` (default stderr): a bar on a terminal, else (or ``quiet``) a line per report.
    """
    started = time.perf_counter()
    cpu0 = process_cpu_seconds()
    params_dir = Path(params_dir)
    sources = source_hash()
    jobs: list[ReportJob] = []
    no_data: dict[int, list[str]] = {}
    contexts: dict[int, dict] = {}
    if by == "unit":
        if year is None:
            raise ParameterError("--by unit 需要 --year / --by unit needs --year")
        unit_jobs, nd, ctx = plan_units(year, params_dir, only=only, register=register, sources=sources)
        jobs += unit_jobs
        no_data[int(year)] = nd
        contexts[int(year)] = ctx
    elif by == "month":
        if year is None:
            raise ParameterError("--by month 需要 --year / --by month needs --year")
        from .bulletins import plan_months

        month_jobs, skipped_months, ctx = plan_months(year, params_dir, register=register, sources=sources)
        jobs += month_jobs
        contexts[int(year)] = ctx
        if skipped_months:
            print(f"{year}年{'、'.join(f'{m}月' for m in skipped_months)}在登记表最后一个登记日期之后，不出通报 / "
                  f"months after the register's last registration date are skipped",
                  file=stream or sys.stderr, flush=True)
    elif by == "year":
        wanted = list(years or ([year] if year else []))
        if not wanted:
            raise ParameterError("--by year 需要 --years / --by year needs --years")
        for y in dict.fromkeys(int(y) for y in wanted):
            job, ctx = plan_district(y, params_dir, register=register, sources=sources)
            jobs.append(job)
            contexts[y] = ctx
    else:
        raise ParameterError(f"--by 须为 unit、year 或 month / --by must be unit, year or month, not {by!r}")

    # one batch at a time per output year folder (a second one waits), see lock_year_folders
    with lock_year_folders([ctx["out_root"] / str(y) for y in contexts], stream):
        # manifests, one per year folder
        manifests: dict[int, Manifest] = {}
        env_versions = versions()
        for y, ctx in contexts.items():
            folder = ctx["out_root"] / str(y)
            folder.mkdir(parents=True, exist_ok=True)
            _clean_temp(folder)
            _clean_temp(folder / "units")
            _clean_temp(folder / "bulletins")
            m = Manifest(folder / "manifest.json")
            m.doc.update({"year": y, "versions": env_versions, "inputs": input_list(ctx["params"], ctx["inputs"]),
                          "params": ctx["params"].dump()})
            if by == "unit":
                m.doc["no_data"] = no_data[y]
            # what the reports leave out for want of a params key: said once, here and on stderr
            from ..config.gaps import report_gaps

            gaps = report_gaps(ctx["params"], GAP_KINDS[by])
            m.doc["omitted"] = [g.to_dict() for g in gaps]
            for gap in gaps:
                print(f"{y}年：{gap.message()}", file=stream or sys.stderr, flush=True)
            manifests[y] = m

        # the indicator workbook is written in a thread while the workers make the reports
        workbooks = _Workbooks([(y, ctx, manifests[y]) for y, ctx in contexts.items()] if by == "unit" and xlsx else [],
                               sources, force)

        todo = [j for j in jobs if force or not manifests[j.year].up_to_date(j)]
        skipped = [j.name for j in jobs if j not in todo]
        for y, m in manifests.items():
            m.doc["last_run"] = {"started": now(), "finished": None, "by": by, "force": bool(force),
                                 "run": [j.name for j in todo if j.year == y],
                                 "skipped": [j.name for j in jobs if j.year == y and j not in todo],
                                 "failed": [], "interrupted": False}
            m.save()

        results: dict[str, RunResult] = {}
        cpu_by: dict[str, float] = {}
        interrupted = False
        if todo:
            n_workers = max(1, min(workers or default_workers(), len(todo)))
            for i, job in enumerate(todo):
                job.prestart = i < len(todo) - n_workers
            interrupted = _run_pool(todo, n_workers, manifests, results, cpu_by, TerminalProgress(len(todo), quiet, stream))

        xlsx_paths = workbooks.finish()
        for y, m in manifests.items():
            lr = m.doc["last_run"]
            lr["finished"] = now()
            lr["failed"] = [n for n, r in results.items() if r.status != "ok" and n in lr["run"]]
            lr["interrupted"] = interrupted
            m.save()
    cpu1 = process_cpu_seconds()
    cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    return BatchResult(results, skipped, no_data, [m.path for m in manifests.values()],
                       time.perf_counter() - started, cpu, cpu_by, xlsx_paths, interrupted)


#: the kind of report a batch makes, by ``--by`` (:func:`xinfang.config.gaps.report_gaps`)
GAP_KINDS = {"unit": "unit", "year": "district", "month": "bulletin"}


def _clean_temp(folder: Path) -> None:
    """Remove temp files an interrupted run left (``.~name.*.tmp``, see :func:`xinfang.fileio.atomic_path`)."""
    if folder.is_dir():
        for p in folder.glob(".*.tmp"):
            try:
                p.unlink()
            except OSError:
                pass


class _Workbooks:
    """The indicator workbooks of a batch (:func:`_write_indicators`), written by one thread of
    the parent while its workers make the reports (a province's workbook takes half a minute).
    :meth:`finish` waits for them, records them in their manifests and raises what failed."""

    def __init__(self, years: list[tuple[int, dict, Manifest]], sources: str, force: bool) -> None:
        import threading

        self.years, self.done, self.error = years, [], None
        self.thread = threading.Thread(target=self._run, args=(sources, force), name="xinfang-xlsx", daemon=True)
        if years:
            self.thread.start()

    def _run(self, sources: str, force: bool) -> None:
        try:
            for year, ctx, manifest in self.years:
                self.done.append((manifest, *_write_indicators(year, ctx, manifest, sources, force)))
        except BaseException as exc:  # noqa: BLE001 - raised again by finish(), in the main thread
            self.error = exc

    def finish(self) -> list[Path]:
        if self.years:
            self.thread.join()
        for manifest, _path, entry in self.done:
            if entry is not None:
                manifest.doc["indicators_xlsx"] = entry
                manifest.save()
        if self.error is not None:
            raise self.error
        return [path for _m, path, _e in self.done]


def _write_indicators(year: int, ctx: dict, manifest: Manifest, sources: str, force: bool) -> tuple[Path, dict | None]:
    """``output/<year>/indicators.xlsx``, rewritten only when what it is built from changed:
    (its path, its new manifest entry or None when it was up to date). The manifest is only
    read here (another thread writes it meanwhile)."""
    from ..fileio import write_xlsx
    from ..params import params_hash, resolve
    from ..workbook import indicator_sheets

    params = ctx["params"]
    path = ctx["out_root"] / str(year) / "indicators.xlsx"
    framework = resolve(params, params.framework)
    hashes = {"inputs": {f["table"]: f["sha256"] for f in input_list(params, ctx["inputs"])},
              "framework": file_sha(framework), "params": params_hash(params), "xinfang": sources}
    key = hash_key(hashes)
    entry = manifest.doc.get("indicators_xlsx") or {}
    if (not force and entry.get("key") == key and path.is_file()
            and sha256_file(path) == entry.get("sha256")):
        return path, None
    sheets = indicator_sheets(ctx["inputs"], ctx["district"], ctx["per_unit"], ctx["active"], framework,
                              targets=params.targets)
    write_xlsx(sheets, path)
    return path, {"path": path.name, "sha256": sha256_file(path), "key": key, "finished": now()}


def _run_pool(todo: list[ReportJob], n_workers: int, manifests: dict[int, Manifest], results: dict,
              cpu_by: dict, progress: TerminalProgress) -> bool:
    """Run the jobs in ``n_workers`` spawned worker processes; True when interrupted."""
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = mp.get_context("spawn")
    started_q = ctx.SimpleQueue()
    env = {"MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx, initializer=_worker_init,
                               initargs=(started_q, env))
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


def _worker_init(queue, env: Mapping[str, str]) -> None:
    """Set up one worker process: quiet logs, SIGINT left to the parent, kernels killed on exit."""
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
        if job.duban is not None and result.status == "ok":
            from .bulletins import finish_bulletin

            result.files.update(finish_bulletin(job.parameters, job.duban))
    except Exception as exc:  # noqa: BLE001 - whatever happens, it is this unit's failure
        result = RunResult(job.stem, "failed", time.perf_counter() - t, {}, f"{type(exc).__name__}: {exc}")
    result.timings["kernel_wait"] = waited
    cpu1 = process_cpu_seconds()
    cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    if cpu is not None and kernel.forked and kernel.final_cpu is not None:  # reaped by the template, not by us
        cpu += kernel.final_cpu
    return job.name, result, cpu
