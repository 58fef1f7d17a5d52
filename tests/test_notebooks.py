"""The notebooks keep working for analysts: nbval runs each one (lax: no output comparison)."""
from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT

NOTEBOOKS = ["district_report.ipynb", "unit_report.ipynb", "explore.ipynb"]


@pytest.mark.slow
def test_notebooks_run_under_nbval():
    cmd = [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
           "-p", "no:cacheprovider", "-q", "-o", "addopts=", "-o", "testpaths=", *NOTEBOOKS]
    proc = subprocess.run(cmd, cwd=ROOT / "notebooks", capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout and "failed" not in proc.stdout


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_are_thin_and_parameterized(name):
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs, "notebooks are committed without outputs"
            assert "def " not in cell.source and "class " not in cell.source, "no logic in notebooks"
