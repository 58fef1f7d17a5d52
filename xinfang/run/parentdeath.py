"""Children follow their parent: a batch's workers, kernel templates and kernels end when the
process that started them dies, even by SIGKILL (an out-of-memory killer), so that no worker
and no kernel keeps running, and holding memory, for nobody.

:func:`follow_parent` is called at the start of each such process: by a worker's initialiser
(its parent is the batch), by the kernel template (its parent is a worker) and by every kernel
forked from the template (its parent is the template).

* **Linux**: the kernel sends the signal when the parent dies (``prctl(PR_SET_PDEATHSIG)``),
  and a parent already gone before the call is caught by comparing ``getppid()``.
* **Other POSIX systems** (macOS): a daemon thread checks once a second whether the process
  was re-parented, and sends the signal to itself.
* **Windows**: nothing here. Kernels launched there with ``ipykernel_launcher`` poll their
  parent themselves (ipykernel's parent poller, through ``JPY_PARENT_PID``), so they follow
  their worker; a worker whose batch was killed ends when it next reads from the pool.
"""
from __future__ import annotations

import os
import signal
import sys
import threading

#: ``PR_SET_PDEATHSIG`` of ``<linux/prctl.h>``.
_PR_SET_PDEATHSIG = 1
#: Seconds between two checks of the watchdog (systems without a parent-death signal).
WATCH_EVERY = 1.0


def follow_parent(parent_pid: int | None = None, signum: int = signal.SIGTERM) -> str:
    """End this process (send it ``signum``) when ``parent_pid`` (default: the current parent)
    dies. Returns how: ``"prctl"`` (Linux), ``"watchdog"`` (other POSIX), ``"none"`` (Windows,
    or a parent that is init itself)."""
    if os.name != "posix":
        return "none"
    parent = os.getppid() if parent_pid is None else int(parent_pid)
    if parent <= 1:
        return "none"
    if sys.platform.startswith("linux") and _prctl_pdeathsig(signum):
        if os.getppid() != parent:  # the parent died before the call: the signal never comes
            os.kill(os.getpid(), signum)
        return "prctl"
    thread = threading.Thread(target=_watch, args=(parent, signum), name="xinfang-follow-parent", daemon=True)
    thread.start()
    return "watchdog"


def _prctl_pdeathsig(signum: int) -> bool:
    """Ask Linux to send ``signum`` to this process when its parent thread exits; False when
    the C library cannot be reached."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(signum), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int, signum: int) -> None:  # pragma: no cover - not on Linux
    import time

    while os.getppid() == parent:
        time.sleep(WATCH_EVERY)
    os.kill(os.getpid(), signum)
