"""Running report notebooks: papermill executes, :mod:`xinfang.render` renders.

One report = one fresh kernel (papermill's engine on a kernel of its own), then HTML + DOCX
rendered in-process, all files written atomically. The notebook keeps its error marked when a
cell fails (papermill does that), and is kept for inspection as ``<stem>.failed.ipynb``.

A batch (:func:`run_batch`) runs many reports — one per unit of a year, or the district report
of several years — in parallel worker processes:

* every report gets a NEW kernel (its own process, listening on IPC sockets in a private
  0700 runtime directory: no TCP port, so no port races between concurrent kernels); on Linux
  the kernel process is forked from an import-only template (:class:`Zygote`, the idea of
  multiprocessing's forkserver: modules imported, never any data), elsewhere (or with
  ``XINFANG_FORK_KERNELS=0``) launched as ``ipykernel_launcher``; while a worker renders one
  report, its next kernel is already starting (the unit is assigned afterwards);
* rendering (HTML + DOCX) happens in the worker process, not in an nbconvert process;
* the inputs are validated and cached (by content hash) once in the parent, so the notebooks
  only read the cache (``cache_dir`` parameter);
* a failed report does not stop the others; the batch ends with a summary;
* ``output/<year>/manifest.json`` records, for every report, the hash of what it was built
  from (inputs, merged params, notebook, xinfang sources) and the sha256 of its files; a re-run
  redoes only failed, missing or out-of-date reports. The manifest is rewritten (atomically)
  after every report, so an interrupted batch resumes where it stopped.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import platform
import resource
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import nbformat

from .errors import BatchError, ParameterError
from .fileio import safe_filename, sha256_file, write_bytes_atomic

log = logging.getLogger("xinfang")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DISTRICT_NOTEBOOK = UNIT_NOTEBOOK = NOTEBOOKS / "report.ipynb"
PACKAGE = Path(__file__).resolve().parent

#: What a pre-started kernel runs before it is given a unit: imports only, no data.
WARM_LINES = ("import xinfang.report",)
#: Headline indicators of the 排名 sheet.
RANK_KEYS = ("national.volume", "total.registrations", "beijing.registered", "resolution.demand_first",
             "handling.timely_acceptance", "handling.satisfaction", "repeat.national_letters")
#: Indicators where fewer is better: ranked ascending in the 排名 sheet.
RANK_ASCENDING = frozenset({"repeat.national_letters"})
STATUS_ZH = {"ok": "成功", "failed": "失败", "skipped": "未变更，跳过"}


@dataclass
class RunResult:
    """What one report run produced."""

    name: str
    status: str                      # "ok" | "failed"
    seconds: float
    files: dict[str, Path] = field(default_factory=dict)
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)  # phase → seconds (batch runs)


def kernel_env() -> dict[str, str]:
    """Environment for kernels: loopback only, no network hints, quiet warnings in reports."""
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONWARNINGS"] = "ignore"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


# =============================================================================================
# one kernel, one report


class Kernel:
    """A fresh IPython kernel on IPC sockets in a private runtime directory.

    ``Kernel.start()`` launches the process and returns at once; the kernel imports
    :data:`WARM_LINES` (``IPKernelApp.exec_lines``, outside the execution history) while the
    caller does something else. It is used for one notebook, then :meth:`close`\\ d.
    """

    def __init__(self, km, runtime_dir: Path) -> None:
        self.km = km
        self.runtime_dir = runtime_dir
        self.started = time.perf_counter()
        self.clients: list = []
        self.forked = False
        self.final_cpu: float | None = None

    @classmethod
    def start(cls, cwd: Path | None = None, warm: Sequence[str] = WARM_LINES,
              zygote: "Zygote | None" = None) -> "Kernel":
        """Start a kernel: launched as a new ``python -m ipykernel_launcher`` process, or, with
        ``zygote``, forked from that import-only template process (see :class:`Zygote`)."""
        import uuid

        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        # short path: AF_UNIX socket paths are limited to ~107 bytes
        runtime = Path(tempfile.mkdtemp(prefix="xfk-"))  # mode 0700
        # No kernel directories: only ipykernel's own spec, i.e. this very interpreter. A user's
        # ~/.local/share/jupyter/kernels/python3 (another Python, without xinfang) is never used.
        specs = KernelSpecManager(kernel_dirs=[])
        km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(runtime / "k"),
                                connection_file=str(runtime / "kernel.json"), kernel_spec_manager=specs)
        args = [f"--IPKernelApp.exec_lines={line}" for line in warm]
        if zygote is not None:
            km.kernel_id = str(uuid.uuid4())
            km.provisioner = _forked_provisioner(zygote, km)
            args = []
        run_sync(km.start_kernel)(cwd=str(cwd or NOTEBOOKS), env=kernel_env(), extra_arguments=args)
        kernel = cls(km, runtime)
        kernel.forked = zygote is not None
        make_client = km.client

        def client(**kw):  # nbclient makes the client; keep it to stop its channels
            kc = make_client(**kw)
            kernel.clients.append(kc)
            return kc

        km.client = client
        _LIVE.add(kernel)
        return kernel

    @property
    def pid(self) -> int | None:
        proc = getattr(getattr(self.km, "provisioner", None), "process", None)
        return getattr(proc, "pid", None)

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system) the kernel process has used so far (Linux /proc), else None."""
        pid = self.pid
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError, TypeError):
            return None

    def close(self) -> None:
        """Stop the kernel at once and remove its sockets and connection file."""
        from jupyter_core.utils import run_sync

        _LIVE.discard(self)
        self.final_cpu = self.cpu_seconds()
        for kc in self.clients:
            try:
                kc.stop_channels()
            except Exception:  # noqa: BLE001
                pass
        self.clients.clear()
        try:
            if self.km.has_kernel:
                run_sync(self.km.shutdown_kernel)(now=True)
        except Exception as exc:  # noqa: BLE001 - a dead kernel is what we want anyway
            log.debug("kernel shutdown: %s", exc)
            self.kill()
        finally:
            shutil.rmtree(self.runtime_dir, ignore_errors=True)

    def kill(self) -> None:
        """SIGKILL the kernel's process group (signal-handler safe)."""
        pid = self.pid
        if pid:
            try:
                os.killpg(pid, signal.SIGKILL)  # the kernel leads its own session
            except OSError:
                pass


_LIVE: set[Kernel] = set()


class Zygote:
    """An import-only template process that forks fresh kernels (like multiprocessing's forkserver).

    It is a new interpreter that imports ``ipykernel`` and runs :data:`WARM_LINES`
    (``import xinfang.report``) — modules only: it never loads a register, parameters or a
    unit. Each kernel is a NEW process forked from it, whose IPython shell, user namespace and
    sockets (IPC, private runtime dir) are created after the fork; only the imported modules
    are shared, copy-on-write. This saves every kernel the ~2 s of starting Python and
    importing pandas/matplotlib/seaborn. The template exits when its owner closes its stdin or
    dies, killing its kernels; kernels also exit when the template is gone (ipykernel's parent
    poller).
    """

    def __init__(self) -> None:
        import subprocess

        env = kernel_env()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from xinfang.batch import _zygote_main; _zygote_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, cwd=str(NOTEBOOKS), start_new_session=True)

    @staticmethod
    def available() -> bool:
        return sys.platform.startswith("linux") and os.environ.get("XINFANG_FORK_KERNELS", "1") != "0"

    def fork(self, connection_file: str, cwd: str) -> int:
        line = json.dumps({"connection_file": connection_file, "cwd": cwd}) + "\n"
        self.proc.stdin.write(line.encode())
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer.strip():
            raise BatchError("内核模板进程已退出 / the kernel template process exited")
        return int(answer)

    def close(self) -> None:
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except Exception:  # noqa: BLE001
            self.proc.kill()
            self.proc.wait()


def _zygote_main() -> None:  # pragma: no cover - runs in the template process
    """The template process: import, then fork one kernel per request line on stdin."""
    import ipykernel.kernelapp  # noqa: F401

    for line in WARM_LINES:
        exec(line, {})  # noqa: S102 - fixed import lines
    kids: dict[int, str] = {}  # pid → its private runtime dir

    def reap(*_):
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            kids.pop(pid, None)

    signal.signal(signal.SIGCHLD, reap)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while True:
        line = stdin.readline()
        if not line:
            break
        req = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.default_int_handler)
                os.setsid()
                null = os.open(os.devnull, os.O_RDWR)
                os.dup2(null, 0)
                os.dup2(null, 1)
                os.chdir(req["cwd"])
                os.environ["JPY_PARENT_PID"] = str(os.getppid())
                from ipykernel.kernelapp import IPKernelApp

                app = IPKernelApp.instance()
                app.initialize(["-f", req["connection_file"]])
                app.start()
            except BaseException:  # noqa: BLE001
                code = 1
            finally:
                os._exit(code)
        kids[pid] = os.path.dirname(req["connection_file"])
        stdout.write(f"{pid}\n".encode())
        stdout.flush()
    for pid, runtime in list(kids.items()):  # owner gone: no kernel outlives it
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        shutil.rmtree(runtime, ignore_errors=True)


class _ForkedProcess:
    """A Popen-like handle of a kernel forked by a :class:`Zygote` (which reaps it)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                state = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
                if state in ("Z", "X"):
                    self.returncode = 0
            except (OSError, IndexError):
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                import subprocess

                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _forked_provisioner(zygote: Zygote, km):
    from jupyter_client.provisioning.local_provisioner import LocalProvisioner

    class ForkProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd, **kwargs):
            pid = zygote.fork(km.connection_file, str(kwargs.get("cwd") or NOTEBOOKS))
            self.process = _ForkedProcess(pid)
            self.pid = pid
            self.pgid = pid  # the kernel calls setsid(): it leads its own process group
            self.cwd = kwargs.get("cwd")
            return self.connection_info

    return ForkProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)


def _kill_live_kernels(*_args) -> None:
    for kernel in list(_LIVE):
        kernel.kill()
        shutil.rmtree(kernel.runtime_dir, ignore_errors=True)


def execute(notebook: Path, parameters: dict, *, cwd: Path | None = None, timeout: int = 600,
            progress: bool = False, kernel: Kernel | None = None) -> nbformat.NotebookNode:
    """Execute ``notebook`` with papermill in a fresh kernel and return the executed notebook.

    ``kernel`` is a fresh :class:`Kernel` already starting (a batch pre-starts it); without one
    a new kernel is started here. Either way it is closed before returning.

    Raises :class:`papermill.PapermillExecutionError` with the failed notebook attached
    (``exc.nb``, the error marked by papermill) when a cell fails, and :class:`BatchError` when
    the kernel dies or times out.
    """
    import papermill as pm
    from papermill.engines import papermill_engines
    from papermill.execute import prepare_notebook_metadata, raise_for_execution_errors, remove_error_markers
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from .errors import XinfangError

    notebook = Path(notebook)
    nb = None
    try:
        if kernel is None:
            kernel = Kernel.start(cwd or notebook.parent)
        nb = load_notebook_node(str(notebook))
        nb = parameterize_notebook(nb, parameters, kernel_name="python3")
        for cell in nb.cells:  # papermill gives it a random id: keep the notebook reproducible
            if "injected-parameters" in cell.metadata.get("tags", []):
                cell.id = "injected-parameters"
        nb = prepare_notebook_metadata(nb, str(notebook), None)
        nb = remove_error_markers(nb)
        nb = papermill_engines.execute_notebook_with_engine(
            None, nb, input_path=str(notebook), output_path=None, kernel_name="python3",
            progress_bar=progress, log_output=False, start_timeout=120, execution_timeout=timeout,
            km=kernel.km)
        raise_for_execution_errors(nb, None)
        return nb
    except pm.PapermillExecutionError as exc:
        exc.nb = nb  # papermill marked the error in nb (first cell + the failing cell)
        raise
    except XinfangError:
        raise
    except Exception as exc:  # kernel died, timeout, …
        error = BatchError(f"{notebook.name}: 执行失败 / execution failed: {type(exc).__name__}: {exc}")
        error.nb = nb
        raise error from exc
    finally:
        if kernel is not None:
            kernel.close()


def run_report(notebook: Path, parameters: dict, out_dir: Path, stem: str, metadata: dict | None = None,
               *, timeout: int = 600, progress: bool = False, kernel: Kernel | None = None,
               after_execute: Callable[[], None] | None = None) -> RunResult:
    """Execute one report notebook and write ``stem``.ipynb/.html/.docx into ``out_dir``.

    On failure the executed notebook (with the error marked by papermill) is written as
    ``stem``.failed.ipynb for inspection; no HTML or DOCX of the failed run is left, and an
    older finished report of the same stem is removed so it cannot be mistaken for current.
    ``after_execute`` is called once the kernel is closed, before rendering (a batch starts
    its next kernel there).
    """
    from papermill.exceptions import PapermillExecutionError

    from .render import render_notebook

    stem = safe_filename(stem)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    _check_inside(out_dir, stem)
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
    except PapermillExecutionError as exc:
        return _failed(out_dir, stem, getattr(exc, "nb", None), f"{exc.ename}: {exc.evalue}", start)
    except BatchError as exc:
        return _failed(out_dir, stem, getattr(exc, "nb", None), str(exc), start)
    t = time.perf_counter()
    nb.metadata["xinfang"] = dict(metadata or {})
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:  # run-dependent timings stay out of the kept notebook
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    files = {"ipynb": out_dir / f"{stem}.ipynb"}
    write_bytes_atomic(files["ipynb"], nbformat.writes(nb).encode("utf-8"))
    try:
        files.update(render_notebook(nb, out_dir, stem))
    except Exception as exc:  # noqa: BLE001 - a render failure is this report's failure only
        return _failed(out_dir, stem, nb, f"{type(exc).__name__}: {exc}", start)
    timings["render"] = time.perf_counter() - t
    if failed_path.exists():
        failed_path.unlink()
    return RunResult(stem, "ok", time.perf_counter() - start, files, timings=timings)


def _check_inside(out_dir: Path, stem: str) -> None:
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
        path = out_dir / f"{stem}.failed.ipynb"
        write_bytes_atomic(path, nbformat.writes(nb).encode("utf-8"))
        files["failed"] = path
    log.debug("%s: 失败 / failed: %s", stem, error)
    return RunResult(stem, "failed", time.perf_counter() - start, files, error)


def report_parameters(year: int, params_dir: Path, unit: str | None = None, register: str | None = None,
                      cache_dir: Path | None = None) -> dict:
    """The papermill parameters of a report notebook (plain types only)."""
    return {"year": int(year), "params_dir": str(Path(params_dir).resolve()), "unit": unit,
            "register": str(Path(register).resolve()) if register else None,
            "cache_dir": str(Path(cache_dir).resolve()) if cache_dir else None}


# =============================================================================================
# what a report is built from


@dataclass
class Job:
    """One report of a batch (plain data: it crosses to a worker process)."""

    name: str             # unit name, or the district report's stem
    year: int
    unit: str | None
    notebook: str
    parameters: dict
    out_dir: str
    stem: str
    metadata: dict
    key: str              # hash of everything the report is built from
    hashes: dict
    prestart: bool = False


def source_hash() -> str:
    """sha256 over xinfang's sources and templates: a library change redoes the reports."""
    h = hashlib.sha256()
    files = sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and p.suffix not in (".pyc",))
    for p in files:
        h.update(p.relative_to(PACKAGE).as_posix().encode())
        h.update(b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def _file_sha(path: Path | None) -> str | None:
    return sha256_file(path) if path is not None and Path(path).is_file() else None


def _build_hashes(params: Mapping, notebook: Path, sources: str, unit: str | None) -> dict:
    """Every hash a report depends on, by name."""
    from . import __version__
    from .params import params_hash, resolve

    data = params.get("data") or {}
    inputs = {kind: _file_sha(resolve(params, path)) for kind, path in sorted(data.items()) if path}
    inputs["units"] = _file_sha(resolve(params, params["units"]))
    inputs["framework"] = _file_sha(resolve(params, params.get("framework")))
    text_dir = Path(params["params_dir"]) / str(params["year"])
    if unit is not None:
        text_dir = text_dir / safe_filename(unit)
    for key, name in sorted((params.get("text") or {}).items()):
        if name:
            inputs[f"text.{key}"] = _file_sha(text_dir / name)
    return {"inputs": inputs, "params": params_hash(params), "notebook": sha256_file(notebook),
            "xinfang": f"{__version__}+{sources}"}


def _key(hashes: Mapping) -> str:
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()


def versions() -> dict[str, str | None]:
    """Versions of what makes the reports (for the manifest)."""
    from importlib.metadata import PackageNotFoundError, version

    from . import __version__

    out: dict[str, str | None] = {"python": platform.python_version(), "xinfang": __version__}
    for dist in ("pandas", "papermill", "nbconvert", "nbclient", "ipykernel", "matplotlib", "python-docx"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = None
    try:
        import pypandoc

        out["pandoc"] = pypandoc.get_pandoc_version()
    except Exception:  # noqa: BLE001 - pandoc is optional for the batch itself
        out["pandoc"] = None
    return out


# =============================================================================================
# the manifest


class Manifest:
    """``output/<year>/manifest.json``: what was built, from what, when and how it went."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.doc: dict = {}
        if path.exists():
            try:
                self.doc = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                log.warning("%s: 无法读取，将重建 / unreadable, rebuilding", path)
                self.doc = {}
        self.doc.setdefault("reports", {})

    @property
    def reports(self) -> dict:
        return self.doc["reports"]

    def up_to_date(self, job: Job) -> bool:
        """Finished from the same hash, and every file still there with its recorded sha256."""
        entry = self.reports.get(job.name)
        if not entry or entry.get("status") != "ok" or entry.get("key") != job.key:
            return False
        files = entry.get("files") or {}
        if not files:
            return False
        base = self.path.parent
        for info in files.values():
            path = base / info["path"]
            if not path.is_file() or sha256_file(path) != info["sha256"]:
                return False
        return True

    def record(self, job: Job, result: RunResult, cpu: float | None = None) -> None:
        base = self.path.parent
        files = {}
        for kind, path in result.files.items():
            path = Path(path)
            files[kind] = {"path": path.relative_to(base).as_posix(), "sha256": sha256_file(path)}
        self.reports[job.name] = {
            "kind": "unit" if job.unit else "district", "unit": job.unit, "stem": job.stem,
            "status": result.status, "seconds": round(result.seconds, 3),
            "cpu_seconds": None if cpu is None else round(cpu, 3),
            "timings": {k: round(v, 3) for k, v in result.timings.items()},
            "finished": _now(), "key": job.key, "hashes": job.hashes, "files": files, "error": result.error,
        }

    def save(self) -> None:
        text = json.dumps(self.doc, ensure_ascii=False, indent=2, sort_keys=False, default=str)
        write_bytes_atomic(self.path, (text + "\n").encode("utf-8"))


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


# =============================================================================================
# indicators.xlsx


def indicator_sheets(inputs, district: Mapping, per_unit: Mapping, active: Sequence[str],
                     framework: Path | None = None) -> dict:
    """The sheets of ``indicators.xlsx``: 指标×单位, 明细, 排名, 得分排名 (rates as fractions)."""
    import pandas as pd

    from .indicators import BUDGET_KEYS, KEYS, SPECS, rank_units, unit_frame

    units = list(per_unit)
    scope = {inputs.units.district: district, **per_unit}
    values = unit_frame(scope).T  # keys × (district, units)
    values.insert(0, "指标", [SPECS[k].name for k in values.index])
    values.insert(1, "单位（计量）", [SPECS[k].unit for k in values.index])
    values = values.rename_axis("指标代码").reset_index()

    detail = []
    for name, results in scope.items():
        has = name == inputs.units.district or name in active
        for key, ind in results.items():
            detail.append([name, inputs.units.kind_of(name) or "全区", "是" if has else "否", key, ind.name,
                           ind.value, ind.numerator, ind.denominator, ind.unit, ind.previous, ind.yoy])
    detail = pd.DataFrame(detail, columns=["单位", "类别", "统计期内有数据", "指标代码", "指标", "值", "分子", "分母",
                                           "单位（计量）", "上年同期", "同比"])

    ranked = []
    scoped = {u: per_unit[u] for u in active}
    for key in RANK_KEYS:
        asc = key in RANK_ASCENDING
        frame = rank_units(scoped, key, ascending=asc)
        frame.insert(0, "指标", SPECS[key].name)
        frame.insert(0, "指标代码", key)
        frame["排序"] = "由少到多" if asc else "由多到少"
        ranked.append(frame)
    ranking = pd.concat(ranked, ignore_index=True) if ranked else pd.DataFrame()

    scores = pd.DataFrame(columns=["名次", "单位", "得分", "满分", "计分指标数", "说明"])
    if framework is not None and Path(framework).exists():
        from .scoring import load_framework, score

        fw = load_framework(framework, list(KEYS) + list(BUDGET_KEYS))
        rows = []
        for u in active:
            card = score(fw, per_unit[u])
            part = card.petition_leaves()
            rows.append([u, round(sum(s.score for s in part), 2), round(sum(s.weight for s in part), 2), len(part)])
        frame = pd.DataFrame(rows, columns=["单位", "得分", "满分", "计分指标数"])
        frame["名次"] = frame["得分"].rank(method="min", ascending=False).astype("Int64")
        frame = frame.sort_values(["名次", "单位"], kind="stable").reset_index(drop=True)
        frame["说明"] = (f"按《{fw.name}》中由信访数据计算的三级指标评分（各项得分之和）；"
                       "预算（budget.*）与人工评分指标只用于区信访局整体评价，不计入；按得分由高到低排名，同分同名次")
        scores = frame[["名次", "单位", "得分", "满分", "计分指标数", "说明"]]
    sheets = {"指标×单位": values, "明细": detail, "排名": ranking, "得分排名": scores}
    return sheets


# =============================================================================================
# the worker side

_QUEUE = None
_NEXT: Kernel | None = None
_ZYGOTE: Zygote | None = None


def _worker_init(queue, env: Mapping[str, str]) -> None:
    """Set up one worker process: quiet logs, SIGINT left to the parent, kernels killed on exit."""
    global _QUEUE
    from multiprocessing import util

    _QUEUE = queue
    os.environ.update(env)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it terminates us

    def on_term(signum, frame):
        _kill_live_kernels()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    util.Finalize(None, _kill_live_kernels, exitpriority=100)
    global _ZYGOTE
    if Zygote.available():
        _ZYGOTE = Zygote()
        util.Finalize(None, _ZYGOTE.close, exitpriority=50)
    logging.getLogger("papermill").setLevel(logging.WARNING)
    logging.getLogger("traitlets").setLevel(logging.ERROR)


def _take_kernel(cwd: Path) -> Kernel:
    global _NEXT
    kernel, _NEXT = _NEXT, None
    return kernel if kernel is not None else Kernel.start(cwd, zygote=_ZYGOTE)


def _work(job: Job) -> tuple[str, RunResult, float]:
    """Run one job in a worker; returns (name, result, CPU seconds of worker + kernel)."""
    global _NEXT
    if _QUEUE is not None:
        _QUEUE.put(job.name)
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
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
    except Exception as exc:  # noqa: BLE001 - whatever happens, it is this unit's failure
        result = RunResult(job.stem, "failed", time.perf_counter() - t, {}, f"{type(exc).__name__}: {exc}")
    result.timings["kernel_wait"] = waited
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (self1.ru_utime + self1.ru_stime - self0.ru_utime - self0.ru_stime
           + kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime)
    if kernel.forked and kernel.final_cpu is not None:  # reaped by the template, not by us
        cpu += kernel.final_cpu
    return job.name, result, cpu


# =============================================================================================
# the batch


@dataclass
class BatchResult:
    """The outcome of :func:`run_batch`."""

    results: dict[str, RunResult]          # name → result, for the reports run now
    skipped: list[str]                     # up to date, not run
    no_data: dict[int, list[str]]          # year → units without data in the period
    manifests: list[Path]
    seconds: float
    cpu_seconds: float
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
        width = max([_width(n) for n in names] + [4]) + 2

        def pad(text: str) -> str:
            return text + " " * (width - _width(text))

        lines = [f"{pad('报告')}状态  用时（秒）  说明"]
        for name, r in self.results.items():
            note = r.error or ""
            if r.status != "ok" and r.files.get("failed"):
                note += f"（见 {r.files['failed']}）"
            lines.append(f"{pad(name)}{STATUS_ZH[r.status]}  {r.seconds:>8.1f}  {note}")
        for name in self.skipped:
            lines.append(f"{pad(name)}{STATUS_ZH['skipped']}  {'—':>8}")
        ok = sum(r.status == "ok" for r in self.results.values())
        lines.append(f"合计：成功 {ok}，失败 {len(self.failed)}，跳过 {len(self.skipped)}；"
                     f"用时 {self.seconds:.1f} 秒，CPU {self.cpu_seconds:.1f} 秒")
        for year, names in self.no_data.items():
            if names:
                lines.append(f"{year}年统计期内无数据、未出报告的单位：{'、'.join(names)}")
        if self.interrupted:
            lines.append("已中断：未完成的报告将在下次运行时补做 / interrupted: re-run to finish")
        return "\n".join(lines)


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _output_root(params: Mapping) -> Path:
    from .params import resolve

    return resolve(params, params.get("output") or "../output")


def _clean_temp(folder: Path) -> None:
    """Remove temp files an interrupted run left (``.~name.*.tmp``, see :func:`xinfang.fileio.atomic_path`)."""
    if folder.is_dir():
        for p in folder.glob(".*.tmp"):
            try:
                p.unlink()
            except OSError:
                pass


def plan_units(year: int, params_dir: Path, *, only: Iterable[str] | None = None,
               register: str | None = None, sources: str | None = None) -> tuple[list[Job], list[str], dict]:
    """The unit jobs of a year: (jobs, units without data, context for the manifest).

    Validates the inputs (raising :class:`InputError` / :class:`ParameterError`, exit 2) and
    fills the parse cache before any kernel starts.
    """
    from .indicators import compute_all, units_with_data
    from .inputs import load_inputs
    from .params import load_params, register_override, resolve
    from .report import ReportContext as Report

    params_dir = Path(params_dir)
    overrides = register_override(register)
    params = load_params(params_dir, year, None, overrides)
    out_root = _output_root(params)
    cache_dir = out_root / ".cache"
    inputs = load_inputs(params, cache_dir=cache_dir)  # validates once, warms the cache
    active = units_with_data(inputs.register, inputs.period)
    names = inputs.units.names
    no_data = [u for u in names if u not in active]
    chosen = active
    if only:
        lookup = inputs.units.lookup()
        chosen = []
        for name in only:
            canonical = name if name in names else lookup.get(name)
            if canonical is None:
                raise ParameterError(f"单位「{name}」不在单位名册中 / unknown unit (可用 / valid: {'、'.join(names)})")
            if canonical not in active:
                raise ParameterError(f"单位「{canonical}」在统计期内没有数据 / no data in the period")
            if canonical not in chosen:
                chosen.append(canonical)
    sources = sources or source_hash()
    out_dir = out_root / str(year) / "units"
    jobs, stems = [], {}
    for unit in chosen:
        stem = safe_filename(unit)
        if stem in stems:
            raise ParameterError(f"单位「{unit}」与「{stems[stem]}」的文件名相同（{stem}）/ two units share a file name")
        stems[stem] = unit
        _check_inside(out_dir, stem)
        uparams = load_params(params_dir, year, unit, overrides)
        rep = Report(uparams, inputs, {}, {}, {}, active, unit)
        jobs.append(Job(unit, int(year), unit, str(UNIT_NOTEBOOK),
                        report_parameters(year, params_dir, unit, register, cache_dir), str(out_dir), stem,
                        rep.metadata(), "", _build_hashes(uparams, UNIT_NOTEBOOK, sources, unit)))
    for job in jobs:
        job.key = _key(job.hashes)
    district, per_unit = compute_all(inputs.register, inputs.period, names, campaign=inputs.campaign,
                                     beijing=inputs.beijing)
    context = {"params": params, "inputs": inputs, "district": district, "per_unit": per_unit,
               "active": active, "out_root": out_root}
    return jobs, no_data, context


def plan_district(year: int, params_dir: Path, *, register: str | None = None,
                  sources: str | None = None) -> tuple[Job, dict]:
    """The district report job of a year (inputs validated and cached first)."""
    from .inputs import load_inputs
    from .params import load_params, register_override
    from .report import ReportContext as Report

    params_dir = Path(params_dir)
    overrides = register_override(register)
    params = load_params(params_dir, year, None, overrides)
    out_root = _output_root(params)
    cache_dir = out_root / ".cache"
    inputs = load_inputs(params, cache_dir=cache_dir)
    rep = Report(params, inputs, {}, {}, {}, [], None)
    hashes = _build_hashes(params, DISTRICT_NOTEBOOK, sources or source_hash(), None)
    job = Job(rep.file_stem, int(year), None, str(DISTRICT_NOTEBOOK),
              report_parameters(year, params_dir, None, register, cache_dir), str(out_root / str(year)),
              rep.file_stem, rep.metadata(), _key(hashes), hashes)
    return job, {"params": params, "inputs": inputs, "out_root": out_root}


def _input_list(params: Mapping, inputs) -> list[dict]:
    from .params import resolve

    files = []
    for f in inputs.files:
        files.append(dict(f))
    units = resolve(params, params["units"])
    files.append({"table": "单位名册", "file": units.name, "sha256": sha256_file(units),
                  "rows": len(inputs.units.units)})
    return files


class _Progress:
    """tqdm bar on a terminal; one plain line per finished report otherwise (or ``quiet``)."""

    def __init__(self, total: int, quiet: bool, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet or not getattr(self.stream, "isatty", lambda: False)()
        self.total = total
        self.done = 0
        self.running: list[str] = []
        self.start = time.perf_counter()
        self.bar = None
        if not self.quiet and total:
            from tqdm import tqdm

            try:
                width = os.get_terminal_size(self.stream.fileno()).columns
            except (OSError, AttributeError, ValueError):
                width = 0
            self.bar = tqdm(total=total, file=self.stream, unit="份", desc="报告", ncols=width or 100,
                            bar_format="{desc}: {n_fmt}/{total_fmt} |{bar}| 已用 {elapsed} {postfix}")

    def started(self, name: str) -> None:
        if name not in self.running:
            self.running.append(name)
        self._postfix()

    def finished(self, name: str, result: RunResult) -> None:
        self.done += 1
        if name in self.running:
            self.running.remove(name)
        if self.bar is not None:
            if result.status != "ok":
                self.bar.write(f"失败 / failed: {name}: {result.error}", file=self.stream)
            self.bar.update(1)
            self._postfix()
        else:
            elapsed = time.perf_counter() - self.start
            print(f"[{self.done}/{self.total}] {name} {STATUS_ZH[result.status]} {result.seconds:.1f}s"
                  f"（已用 {elapsed:.0f}s）" + (f": {result.error}" if result.error else ""),
                  file=self.stream, flush=True)

    def _postfix(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str("运行中：" + "、".join(self.running[-4:]) if self.running else "", refresh=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


def run_batch(year: int | None = None, params_dir: str | Path = "params", *, by: str = "unit",
              years: Sequence[int] | None = None, workers: int | None = None, only: Iterable[str] | None = None,
              force: bool = False, quiet: bool = False, register: str | None = None,
              xlsx: bool = True, stream=None) -> BatchResult:
    """Run the reports of a batch in parallel; see the module docstring.

    ``by="unit"``: every unit of ``year`` with data in the period (or ``only`` those), into
    ``output/<year>/units/``, plus ``output/<year>/indicators.xlsx``. ``by="year"``: the district
    report of each of ``years``, into ``output/<year>/``. Bad inputs or params raise before any
    kernel starts (exit code 2); failed reports are in the result (exit code 1).
    """
    started = time.perf_counter()
    self0 = resource.getrusage(resource.RUSAGE_SELF)
    kids0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    params_dir = Path(params_dir)
    sources = source_hash()
    jobs: list[Job] = []
    no_data: dict[int, list[str]] = {}
    contexts: dict[int, dict] = {}
    if by == "unit":
        if year is None:
            raise ParameterError("--by unit 需要 --year / --by unit needs --year")
        unit_jobs, nd, ctx = plan_units(year, params_dir, only=only, register=register, sources=sources)
        jobs += unit_jobs
        no_data[int(year)] = nd
        contexts[int(year)] = ctx
    elif by == "year":
        wanted = list(years or ([year] if year else []))
        if not wanted:
            raise ParameterError("--by year 需要 --years / --by year needs --years")
        for y in dict.fromkeys(int(y) for y in wanted):
            job, ctx = plan_district(y, params_dir, register=register, sources=sources)
            jobs.append(job)
            contexts[y] = ctx
    else:
        raise ParameterError(f"--by 须为 unit 或 year / --by must be unit or year, not {by!r}")

    # manifests, one per year folder
    manifests: dict[int, Manifest] = {}
    env_versions = versions()
    for y, ctx in contexts.items():
        folder = ctx["out_root"] / str(y)
        folder.mkdir(parents=True, exist_ok=True)
        _clean_temp(folder)
        _clean_temp(folder / "units")
        m = Manifest(folder / "manifest.json")
        m.doc.update({"year": y, "versions": env_versions, "inputs": _input_list(ctx["params"], ctx["inputs"]),
                      "params": ctx["params"]})
        if by == "unit":
            m.doc["no_data"] = no_data[y]
        manifests[y] = m

    xlsx_paths: list[Path] = []
    if by == "unit" and xlsx:
        for y, ctx in contexts.items():
            xlsx_paths.append(_write_indicators(y, ctx, manifests[y], sources, force))

    todo = [j for j in jobs if force or not manifests[j.year].up_to_date(j)]
    skipped = [j.name for j in jobs if j not in todo]
    for y, m in manifests.items():
        m.doc["last_run"] = {"started": _now(), "finished": None, "by": by, "force": bool(force),
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
        interrupted = _run_pool(todo, n_workers, manifests, results, cpu_by, quiet, stream)

    for y, m in manifests.items():
        lr = m.doc["last_run"]
        lr["finished"] = _now()
        lr["failed"] = [n for n, r in results.items() if r.status != "ok" and n in lr["run"]]
        lr["interrupted"] = interrupted
        m.save()
    self1 = resource.getrusage(resource.RUSAGE_SELF)
    kids1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (self1.ru_utime + self1.ru_stime - self0.ru_utime - self0.ru_stime
           + kids1.ru_utime + kids1.ru_stime - kids0.ru_utime - kids0.ru_stime)
    return BatchResult(results, skipped, no_data, [m.path for m in manifests.values()],
                       time.perf_counter() - started, cpu, cpu_by, xlsx_paths, interrupted)


def _write_indicators(year: int, ctx: dict, manifest: Manifest, sources: str, force: bool) -> Path:
    from .fileio import write_xlsx
    from .params import params_hash, resolve

    params = ctx["params"]
    path = ctx["out_root"] / str(year) / "indicators.xlsx"
    framework = resolve(params, params.get("framework"))
    hashes = {"inputs": {f["table"]: f["sha256"] for f in _input_list(params, ctx["inputs"])},
              "framework": _file_sha(framework), "params": params_hash(params), "xinfang": sources}
    key = _key(hashes)
    entry = manifest.doc.get("indicators_xlsx") or {}
    if (not force and entry.get("key") == key and path.is_file()
            and sha256_file(path) == entry.get("sha256")):
        return path
    sheets = indicator_sheets(ctx["inputs"], ctx["district"], ctx["per_unit"], ctx["active"], framework)
    write_xlsx(sheets, path)
    manifest.doc["indicators_xlsx"] = {"path": path.name, "sha256": sha256_file(path), "key": key,
                                       "finished": _now()}
    return path


def _run_pool(todo: list[Job], n_workers: int, manifests: dict[int, Manifest], results: dict,
              cpu_by: dict, quiet: bool, stream) -> bool:
    """Run the jobs in ``n_workers`` spawned worker processes; True when interrupted."""
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = mp.get_context("spawn")
    started_q = ctx.SimpleQueue()
    env = {"MPLBACKEND": "Agg", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    progress = _Progress(len(todo), quiet, stream)
    pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=ctx, initializer=_worker_init,
                               initargs=(started_q, env))
    by_future = {}
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
                m.save()
                progress.finished(name, result)
        pool.shutdown(wait=True)
    except KeyboardInterrupt:
        interrupted = True
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            try:
                proc.terminate()
            except Exception:  # noqa: BLE001
                pass
        pool.shutdown(wait=False, cancel_futures=True)
    finally:
        progress.close()
    return interrupted
