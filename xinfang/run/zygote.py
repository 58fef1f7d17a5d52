"""Linux only: fresh kernels forked from an import-only template process.

Import this module only on Linux and only to use it (:mod:`xinfang.run.batch` does both);
everywhere else kernels are launched as ``python -m ipykernel_launcher``
(:meth:`xinfang.run.kernels.Kernel.start` without a zygote), which is also the fallback with
``XINFANG_FORK_KERNELS=0``.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import sys
import time
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from ..errors import BatchError
from .kernels import KERNEL_ARGS, WARM_LINES, kernel_env
from .parentdeath import follow_parent

#: The environment variable that tells the template which process is its owner (a worker).
PARENT_ENV = "XINFANG_PARENT_PID"


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

    def __init__(self, cwd: Path) -> None:
        import subprocess

        self.cwd = Path(cwd)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from xinfang.run.zygote import serve; serve()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**kernel_env(), PARENT_ENV: str(os.getpid())},
            cwd=str(self.cwd), start_new_session=True)

    def fork(self, connection_file: str, cwd: str) -> int:
        """Fork one kernel that will listen as ``connection_file`` says; returns its pid."""
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
        self.proc.stdout.close()


class ForkProvisioner(LocalProvisioner):
    """A jupyter_client kernel provisioner whose kernel is forked from the manager's
    :class:`Zygote` (``km.zygote``, see :class:`xinfang.run.manager.ReportKernelManager`)
    instead of launched.

    Registered as ``xinfang-fork`` under the ``jupyter_client.kernel_provisioners`` entry
    points (``pyproject.toml``); a kernel spec whose ``kernel_provisioner`` metadata names it
    (:class:`xinfang.run.manager.ReportSpecManager`) is started through it. Everything but the
    launch (connection file, ports, shutdown, signals) is jupyter_client's
    ``LocalProvisioner``, which handles :attr:`process` as a Popen (:class:`ForkedProcess`).
    """

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> dict[str, Any]:
        km = self.parent
        zygote = getattr(km, "zygote", None)
        if zygote is None:
            raise BatchError("内核提供器 xinfang-fork 需要内核模板进程 / the xinfang-fork provisioner "
                             "needs a kernel manager with a zygote")
        cwd = kwargs.get("cwd") or zygote.cwd
        pid = zygote.fork(km.connection_file, str(cwd))
        self.process = ForkedProcess(pid)
        self.pid = pid
        self.pgid = pid  # the kernel calls setsid(): it leads its own process group
        self.cwd = cwd
        return self.connection_info


class ForkedProcess:
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


#: Modules a kernel would import when it starts (IPython's shell and its debugger support):
#: imported once in the template instead.
KERNEL_START_IMPORTS = ("bdb", "code", "faulthandler", "pdb")


def serve() -> None:  # pragma: no cover - runs in the template process
    """The template process: import and warm up, then fork one kernel per request line on stdin.

    The forked kernels have no debugger: ``debugpy`` is made unimportable here, so ipykernel
    does not import it (0.1 s of CPU per kernel) for kernels that run one notebook on private
    sockets and that nobody attaches to. Before forking, every object is moved to the garbage
    collector's permanent generation (:func:`gc.freeze`), so that kernels neither scan nor
    copy the template's memory.
    """
    import gc
    import importlib

    kids: dict[int, str] = {}  # pid → its private runtime dir

    def end(*_):  # owner gone (parent-death signal): no kernel outlives it
        _kill_kernels(kids)
        os._exit(0)

    signal.signal(signal.SIGTERM, end)
    follow_parent(int(os.environ.get(PARENT_ENV) or 0) or None, signal.SIGTERM)
    sys.modules.setdefault("debugpy", None)
    import ipykernel.kernelapp  # noqa: F401

    for name in KERNEL_START_IMPORTS:
        importlib.import_module(name)
    namespace: dict = {}
    for line in WARM_LINES:
        exec(line, namespace)  # noqa: S102 - fixed lines: imports and the warm-up
    gc.collect()
    gc.freeze()

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
        template = os.getpid()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.default_int_handler)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                follow_parent(template, signal.SIGKILL)   # the template killed: its kernels too
                os.setsid()
                null = os.open(os.devnull, os.O_RDWR)
                os.dup2(null, 0)
                os.dup2(null, 1)
                os.chdir(req["cwd"])
                os.environ["JPY_PARENT_PID"] = str(os.getppid())
                from ipykernel.kernelapp import IPKernelApp

                app = IPKernelApp.instance()
                app.initialize(["-f", req["connection_file"], *KERNEL_ARGS])
                app.start()
            except BaseException:  # noqa: BLE001
                code = 1
            finally:
                os._exit(code)
        kids[pid] = os.path.dirname(req["connection_file"])
        stdout.write(f"{pid}\n".encode())
        stdout.flush()
    _kill_kernels(kids)  # owner gone: no kernel outlives it


def _kill_kernels(kids: dict[int, str]) -> None:  # pragma: no cover - runs in the template process
    for pid, runtime in list(kids.items()):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        shutil.rmtree(runtime, ignore_errors=True)
