"""The paths other platforms take, run here: kernels over loopback TCP where pyzmq has no IPC
(Windows wheels), kernels launched instead of forked (the fork server is Linux-only), and no
:mod:`resource` — and the reports are the same bytes as on the usual path."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_params, xinfang_command
from xinfang.run import kernels

#: Imported at start-up by every Python process of the run (workers and kernels too): pyzmq
#: says it has no IPC, as on Windows, and each time our code asks, a line goes to a log.
SITECUSTOMIZE = """\
import os, zmq
_has = zmq.has
def has(capability):
    if capability == "ipc":
        with open(os.environ["XF_IPC_ASKED"], "a") as fh:
            fh.write(f"{os.getpid()}\\n")
        return False
    return _has(capability)
zmq.has = has
"""


def test_transport_is_ipc_where_zmq_has_it_else_loopback_tcp(tmp_path, monkeypatch):
    import zmq

    monkeypatch.delenv(kernels.TRANSPORT_ENV, raising=False)
    km = kernels.kernel_manager(tmp_path)
    if zmq.has("ipc"):
        assert km.transport == "ipc" and km.ip == str(tmp_path / "k")
    monkeypatch.setattr(zmq, "has", lambda capability: False)
    km = kernels.kernel_manager(tmp_path)
    assert km.transport == "tcp" and km.ip == "127.0.0.1"
    assert km.connection_file == str(tmp_path / "kernel.json")


def test_tcp_can_be_forced(tmp_path, monkeypatch):
    monkeypatch.setenv(kernels.TRANSPORT_ENV, "tcp")
    assert not kernels.ipc_available()
    assert kernels.kernel_manager(tmp_path).transport == "tcp"


def test_kernels_always_run_this_interpreter(tmp_path, monkeypatch):
    """The notebooks name the kernel "xinfang"; a kernel of that name (or python3) that runs
    another Python must never be used by xinfang's runner."""
    import json

    foreign = tmp_path / "jupyter" / "kernels"
    for name in ("xinfang", "python3"):
        (foreign / name).mkdir(parents=True)
        (foreign / name / "kernel.json").write_text(json.dumps(
            {"argv": ["/opt/other/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
             "display_name": "foreign", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    km = kernels.kernel_manager(tmp_path)
    assert km.kernel_spec.argv[0] == sys.executable


def _sha(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.suffix in (".html", ".docx")}


@pytest.mark.slow
def test_batch_over_tcp_without_fork_server_or_resource_gives_the_same_bytes(tmp_path):
    runs = {}
    for path in ("usual", "windows-like"):
        base = tmp_path / path
        params = copy_params(base / "params", base / "output")
        env = dict(os.environ)
        env.pop(kernels.TRANSPORT_ENV, None)
        if path == "windows-like":
            shim = base / "shim"
            shim.mkdir()
            (shim / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
            (shim / "resource.py").write_text("raise ImportError('no resource module (as on Windows)')\n",
                                              encoding="utf-8")
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(shim), env.get("PYTHONPATH")]))
            env["XF_IPC_ASKED"] = str(base / "ipc-asked.log")
            env["XINFANG_FORK_KERNELS"] = "0"
        proc = subprocess.run([*xinfang_command(), "batch", "--year", "2023", "--by", "unit", "--only", "城南街道",
                               "--force", "--quiet", "--params", str(params)],
                              capture_output=True, text=True, env=env, cwd=base, timeout=600,
                              **({} if os.name == "nt" else {"umask": 0o022}))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        units = base / "output" / "2023" / "units"
        runs[path] = _sha(units)
        if os.name != "nt":  # the user's umask, not mkstemp's 0600: colleagues can read the reports
            import stat

            modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in units.iterdir()}
            assert set(modes.values()) == {0o644}, modes
        if path == "windows-like":
            assert "CPU — 秒" in proc.stdout, "without resource the CPU time is unknown"
            assert (base / "ipc-asked.log").read_text().strip(), "the kernels asked pyzmq for IPC"
    assert set(runs["usual"]) == {"城南街道.html", "城南街道.docx"}
    assert runs["usual"] == runs["windows-like"]
