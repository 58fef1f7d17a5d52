"""Kernels for report notebooks: one fresh IPython kernel per report, and what it costs.

A :class:`Kernel` listens on IPC sockets in a private 0700 runtime directory (no TCP port, so
no port races between concurrent kernels) where pyzmq has IPC (``zmq.has("ipc")``: Linux,
macOS); elsewhere (Windows wheels of pyzmq) on TCP bound to 127.0.0.1, with ports chosen by
the kernel manager. ``XINFANG_KERNEL_TRANSPORT=tcp`` forces TCP (tests run the batch that way).
It is used for one notebook, then closed. It is launched as ``python -m ipykernel_launcher``
— always this interpreter, whatever kernel name a notebook's metadata gives — or, on Linux,
forked from an import-only template process (:class:`xinfang.run.zygote.Zygote`, imported
only by the code that uses it).

Nothing POSIX-only is imported at module level: CPU accounting uses :mod:`resource` when the
platform has it and reports ``None`` otherwise.
"""
from __future__ import annotations

import functools
import logging
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from .zygote import Zygote

log = logging.getLogger("xinfang")

#: What a pre-started kernel runs before it is given a unit: imports and a warm-up of the
#: chart machinery (:func:`xinfang.report.warm`), no data.
WARM_LINES = ("import xinfang.report", "xinfang.report.warm()")

#: Settings of every kernel a batch starts: no command history (a kernel runs one notebook and
#: is gone; nothing is written to the user's IPython profile, and no SQLite file is opened).
KERNEL_ARGS = ("--HistoryManager.enabled=False",)


#: Set to ``tcp`` to use TCP on 127.0.0.1 even where IPC is available (what Windows gets).
TRANSPORT_ENV = "XINFANG_KERNEL_TRANSPORT"
LOOPBACK = "127.0.0.1"


def ipc_available() -> bool:
    """True when kernels can use IPC sockets: pyzmq has the transport, and
    ``XINFANG_KERNEL_TRANSPORT`` does not ask for TCP."""
    if os.environ.get(TRANSPORT_ENV, "").strip().lower() == "tcp":
        return False
    import zmq

    return bool(zmq.has("ipc"))


def kernel_manager(runtime: Path, zygote: Zygote | None = None):
    """An (unstarted) :class:`~xinfang.run.manager.ReportKernelManager` for one kernel whose
    files live in ``runtime``.

    Its spec is ipykernel's own (``python3`` from no kernel directories), i.e. this very
    interpreter: a notebook's kernelspec name (``xinfang``) and a user's
    ``~/.local/share/jupyter/kernels`` (another Python, without xinfang) are never used.
    With ``zygote``, the spec names the ``xinfang-fork`` provisioner, and jupyter_client starts
    the kernel through it (forked from the template process). Transport: IPC in ``runtime``
    where :func:`ipc_available`, else TCP on 127.0.0.1 with the ports left to the manager.
    """
    from .manager import FORK_PROVISIONER, ReportKernelManager, ReportSpecManager

    specs = ReportSpecManager(provisioner_name=FORK_PROVISIONER if zygote is not None else "")
    if ipc_available():
        # short path: AF_UNIX socket paths are limited to ~107 bytes
        transport = {"transport": "ipc", "ip": str(runtime / "k")}
    else:
        transport = {"transport": "tcp", "ip": LOOPBACK}
    return ReportKernelManager(kernel_name="python3", connection_file=str(runtime / "kernel.json"),
                               kernel_spec_manager=specs, zygote=zygote, **transport)


@functools.cache
def fork_provisioner_available() -> bool:
    """True when jupyter_client finds the ``xinfang-fork`` provisioner (the entry point of the
    installed package); checked once, with a warning when it is missing."""
    from .manager import FORK_PROVISIONER, provisioner_available

    available = provisioner_available(FORK_PROVISIONER)
    if not available:
        log.warning("内核提供器 %s 未注册，改为逐个启动内核（请重新安装：pip install -e .）/ kernel "
                    "provisioner %s is not registered: kernels are launched, not forked "
                    "(reinstall the package)", FORK_PROVISIONER, FORK_PROVISIONER)
    return available


def kernel_env() -> dict[str, str]:
    """Environment for kernels: loopback only, no network hints, quiet warnings in reports."""
    env = dict(os.environ)
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONWARNINGS"] = "ignore"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    return env


def process_cpu_seconds() -> float | None:
    """CPU time (user + system) of this process and its reaped children so far.

    From :func:`resource.getrusage` where the platform has it (Linux, macOS); ``None``
    elsewhere (Windows), so that callers record "unknown" rather than a wrong figure.
    """
    try:
        import resource
    except ImportError:
        return None
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class Kernel:
    """A fresh IPython kernel on IPC sockets in a private runtime directory (or on loopback TCP,
    see :func:`kernel_manager`).

    ``Kernel.start()`` launches the process and returns at once; the kernel imports
    :data:`WARM_LINES` (``IPKernelApp.exec_lines``, outside the execution history) while the
    caller does something else. It is used for one notebook, then :meth:`close`\\ d.
    """

    def __init__(self, km, runtime_dir: Path) -> None:
        self.km = km
        self.runtime_dir = runtime_dir
        self.started = time.perf_counter()
        self.forked = False
        self.final_cpu: float | None = None

    @classmethod
    def start(cls, cwd: Path, warm: Sequence[str] = WARM_LINES, zygote: Zygote | None = None) -> Kernel:
        """Start a kernel in ``cwd``: launched as a new ``python -m ipykernel_launcher`` process,
        or, with ``zygote``, forked from that import-only template process."""
        from jupyter_core.utils import run_sync

        if zygote is not None and not fork_provisioner_available():
            zygote = None
        runtime = Path(tempfile.mkdtemp(prefix="xfk-"))  # mode 0700, short (IPC socket paths)
        km = kernel_manager(runtime, zygote)
        # a forked kernel was warmed in the template and is started with KERNEL_ARGS there
        args = [] if zygote is not None else [*KERNEL_ARGS, *(f"--IPKernelApp.exec_lines={line}" for line in warm)]
        run_sync(km.start_kernel)(cwd=str(cwd), env=kernel_env(), extra_arguments=args)
        kernel = cls(km, runtime)
        kernel.forked = zygote is not None
        _LIVE.add(kernel)
        return kernel

    @property
    def clients(self) -> list:
        """The clients made for this kernel (by nbclient, through ``km.client()``)."""
        return self.km.clients

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
        except (OSError, ValueError, IndexError, TypeError, AttributeError):
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
        """Kill the kernel at once: SIGKILL to its process group on POSIX (signal-handler safe),
        TerminateProcess on Windows."""
        pid = self.pid
        if not pid:
            return
        try:
            if hasattr(os, "killpg"):
                os.killpg(pid, signal.SIGKILL)  # the kernel leads its own session
            else:
                os.kill(pid, signal.SIGTERM)
        except OSError:
            pass


_LIVE: set[Kernel] = set()


def kill_live_kernels(*_args) -> None:
    """Kill every kernel of this process that is not closed yet (exit and signal handlers)."""
    for kernel in list(_LIVE):
        kernel.kill()
        shutil.rmtree(kernel.runtime_dir, ignore_errors=True)
