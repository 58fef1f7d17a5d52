"""Issue 23, point 12: a batch's workers, kernel templates and kernels end when the batch's
process is killed (SIGKILL, as an out-of-memory killer does). Linux only, as documented."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import XINFANG, copy_params

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; Linux behaviour")


def alive(pid: int) -> bool:
    """The process exists and is not a zombie waiting for a reaper."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def children() -> dict[int, list[int]]:
    """Parent pid → child pids, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[list[int]]:
    """The processes below ``pid``, level by level."""
    tree, levels, current = children(), [], [pid]
    while current:
        current = [c for p in current for c in tree.get(p, [])]
        if current:
            levels.append(current)
    return levels


def wait_until(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_point12_follow_parent_ends_a_child_whose_parent_is_killed():
    child = ("import time; from xinfang.run.parentdeath import follow_parent; "
             "print(follow_parent(), flush=True); time.sleep(120)")
    parent = ("import subprocess, sys, time; "
              f"p = subprocess.Popen([sys.executable, '-c', {child!r}]); "
              "print(p.pid, flush=True); time.sleep(120)")
    proc = subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True)
    grandchild = int(proc.stdout.readline())
    assert proc.stdout.readline().strip() == "prctl"
    try:
        proc.kill()
        proc.wait()
        assert wait_until(lambda: not alive(grandchild), 30), "the child outlived its parent"
    finally:
        proc.stdout.close()
        if alive(grandchild):
            os.kill(grandchild, signal.SIGKILL)


@pytest.mark.slow
def test_point12_nothing_of_a_batch_outlives_its_killed_parent(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "out")
    env = {**os.environ, "XINFANG_FORK_KERNELS": "1"}
    batch = subprocess.Popen([*XINFANG, "batch", "--year", "2023", "--params", str(params), "--workers", "1",
                              "--force", "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             env=env, cwd=tmp_path, start_new_session=True)
    seen: set[int] = set()
    try:
        # worker → template → kernel: wait until a kernel runs, three levels below the batch
        assert wait_until(lambda: (seen.update(p for level in descendants(batch.pid) for p in level)
                                   or len(descendants(batch.pid)) >= 3), 120), "no kernel started"
        batch.send_signal(signal.SIGKILL)
        batch.wait()
        assert seen
        assert wait_until(lambda: not any(alive(p) for p in seen), 30), \
            f"still running: {[p for p in seen if alive(p)]}"
    finally:
        for pid in seen | {batch.pid}:
            if alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
