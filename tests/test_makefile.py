"""`make lab` starts JupyterLab as root too (a server account, CI, a container), where JupyterLab
refuses to run without --allow-root."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from conftest import ROOT


@pytest.mark.skipif(shutil.which("make") is None or not hasattr(os, "geteuid"), reason="needs make and a POSIX id")
def test_make_lab_adds_allow_root_exactly_when_run_as_root():
    proc = subprocess.run(["make", "-n", "lab"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    (command,) = [line for line in proc.stdout.splitlines() if "jupyter lab" in line]
    assert command.split()[1:] == ["lab", "--notebook-dir=notebooks"] + (["--allow-root"] if os.geteuid() == 0 else [])
