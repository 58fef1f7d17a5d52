"""A batch: many reports — one per unit of a year, the district report of several years, or the
bulletins of a year's months.

* :mod:`~xinfang.run.planners` (and :func:`~xinfang.run.bulletins.plan_months`) decide the
  reports, with inputs validated and cached once in the parent, so the notebooks only read the
  cache (``cache_dir`` parameter);
* :mod:`~xinfang.run.pool` runs them in parallel worker processes, each report in a new kernel,
  rendering (HTML + DOCX) in the worker; a failed report does not stop the others;
* the indicator workbook is written by a thread of the parent meanwhile, and the batch ends with
  a summary;
* ``output/<year>/manifest.json`` (:mod:`xinfang.run.manifest`) is rewritten atomically as
  reports finish (after the first, then at most every :data:`~xinfang.run.pool.SAVE_EVERY`
  seconds, and at the end, also when interrupted), so an interrupted batch resumes where it
  stopped and a re-run redoes only failed, missing or out-of-date reports (a batch killed
  outright redoes the reports of its last second).
"""
from __future__ import annotations

import contextlib
import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from ..errors import ParameterError
from ..fileio import sha256_file
from .executor import RunResult
from .jobs import ReportJob
from .kernels import process_cpu_seconds
from .manifest import Manifest, file_sha, hash_key, input_list, now, source_hash, versions
from .planners import check_file_names, plan_district, plan_units
from .pool import default_workers, run_pool
from .progress import STATUS_ZH, TerminalProgress, display_width

__all__ = ["BatchResult", "check_file_names", "lock_year_folders", "plan_district", "plan_units", "run_batch"]

log = logging.getLogger("xinfang")


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
            interrupted = run_pool(todo, n_workers, manifests, results, cpu_by, TerminalProgress(len(todo), quiet, stream))

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
    from ..workbook import workbook_sheets

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
    write_xlsx(workbook_sheets(params, ctx["inputs"], ctx["district"], ctx["per_unit"], ctx["active"]), path)
    return path, {"path": path.name, "sha256": sha256_file(path), "key": key, "finished": now()}


