"""The notebooks keep working for analysts: nbval runs each one (lax: no output comparison)."""
from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT

NOTEBOOKS = ["report.ipynb", "explore.ipynb"]


@pytest.mark.slow
def test_notebooks_run_under_nbval():
    cmd = [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env", "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
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


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebooks_are_what_their_source_writes(name):
    """The committed .ipynb equal what tools/make_notebooks.py writes (``make notebooks``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_notebooks", ROOT / "tools" / "make_notebooks.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    committed = (ROOT / "notebooks" / name).read_text(encoding="utf-8")
    assert committed == tool.render(name), f"notebooks/{name} is stale: run `make notebooks`"


def test_the_report_notebook_ships_with_the_package():
    """A non-editable install finds the report notebook as package data."""
    from importlib import resources

    from xinfang.report import notebook_path

    assert notebook_path().name == "report.ipynb" and notebook_path().is_file()
    assert (resources.files("xinfang.notebooks") / "report.ipynb").is_file()
