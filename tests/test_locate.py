"""Finding params/ as git finds .git (xinfang.locate), and papermill run as its README teaches."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT

from xinfang.errors import ParameterError
from xinfang.locate import ENV_VAR, find_params_dir, params_dir_or_find


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "params").mkdir(parents=True)
    (root / "params" / "defaults.yaml").write_text("{}\n", encoding="utf-8")
    (root / "notebooks" / "deep").mkdir(parents=True)
    return root


def test_walks_up_from_the_working_directory(tmp_path, monkeypatch):
    root = _project(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    for start in (root, root / "notebooks", root / "notebooks" / "deep", root / "params"):
        assert find_params_dir(start) == (root / "params").resolve()
    monkeypatch.chdir(root / "notebooks" / "deep")
    assert find_params_dir() == (root / "params").resolve()


def test_a_folder_named_params_without_defaults_is_passed_over(tmp_path, monkeypatch):
    root = _project(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    (root / "notebooks" / "params").mkdir()  # no defaults.yaml: not a params folder
    assert find_params_dir(root / "notebooks") == (root / "params").resolve()


def test_the_environment_variable_comes_first(tmp_path, monkeypatch):
    root = _project(tmp_path)
    other = _project(tmp_path / "other")
    monkeypatch.setenv(ENV_VAR, str(other / "params"))
    assert find_params_dir(root / "notebooks") == (other / "params").resolve()
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nowhere"))
    with pytest.raises(ParameterError, match=ENV_VAR):
        find_params_dir(root)


def test_then_the_notebook_folder(tmp_path, monkeypatch):
    root = _project(tmp_path)
    monkeypatch.delenv(ENV_VAR, raising=False)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert find_params_dir(empty, notebook=[root / "notebooks"]) == (root / "params").resolve()


def test_nothing_found_says_how_to_fix_it(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    with pytest.raises(ParameterError) as err:
        find_params_dir(tmp_path)
    text = str(err.value)
    assert "--params" in text and ENV_VAR in text and str(tmp_path) in text


def test_an_explicit_folder_is_used_as_given(tmp_path):
    assert params_dir_or_find(tmp_path / "p") == tmp_path / "p"


def test_the_repository_finds_its_params_from_notebooks(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(ROOT / "notebooks")
    assert params_dir_or_find(None) == (ROOT / "params").resolve()


@pytest.mark.parametrize("name", ["report.ipynb", "explore.ipynb"])
def test_notebooks_leave_params_dir_to_the_lookup_and_name_the_xinfang_kernel(name):
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "params_dir = None" in params.source
    assert nb.metadata.kernelspec.name == "xinfang"
    assert nb.metadata.kernelspec.display_name == "Python (xinfang)"


def _bin(name: str) -> str:
    """A console script of this environment: beside sys.executable, else on PATH."""
    here = Path(sys.executable).parent / (name + (".exe" if os.name == "nt" else ""))
    found = str(here) if here.exists() else shutil.which(name)
    assert found, f"{name} not found beside {sys.executable} or on PATH"
    return found


def _xinfang_kernel_env(tmp_path: Path) -> dict:
    """The environment for a papermill run: the kernel "xinfang" is found (registered by
    `make venv`; else registered here into a temporary JUPYTER_PATH, as a conda user would)."""
    from jupyter_client.kernelspec import KernelSpecManager

    env = dict(os.environ)
    env.pop(ENV_VAR, None)
    if "xinfang" not in KernelSpecManager().find_kernel_specs():
        prefix = tmp_path / "kernel-prefix"
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--prefix", str(prefix), "--name", "xinfang",
                        "--display-name", "Python (xinfang)"], check=True, capture_output=True)
        env["JUPYTER_PATH"] = os.pathsep.join([str(prefix / "share" / "jupyter"), env.get("JUPYTER_PATH", "")])
    return env


@pytest.mark.slow
@pytest.mark.parametrize("where", [".", "notebooks"])
def test_papermill_cli_as_its_readme_teaches(tmp_path, where):
    """`papermill notebooks/report.ipynb out.ipynb -p unit 城南街道 -p year 2023` from the
    repository root (and `papermill report.ipynb …` from notebooks/) runs with no params_dir."""
    notebook = "notebooks/report.ipynb" if where == "." else "report.ipynb"
    out = tmp_path / "out.ipynb"
    proc = subprocess.run([_bin("papermill"), notebook, str(out), "-p", "unit", "城南街道", "-p", "year", "2023"],
                          cwd=ROOT / where, env=_xinfang_kernel_env(tmp_path), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    nb = nbformat.read(out, as_version=4)
    text = "".join(str(o.get("data", {})) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "城南街道" in text and "Error" not in text


@pytest.mark.slow
def test_explore_runs_under_nbconvert_from_the_repository_root(tmp_path):
    out = tmp_path / "explore.ipynb"
    proc = subprocess.run([_bin("jupyter"), "nbconvert", "--to", "notebook", "--execute", "notebooks/explore.ipynb",
                           "--output", str(out)], cwd=ROOT, env=_xinfang_kernel_env(tmp_path),
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert out.is_file()


def test_a_command_that_walked_up_names_the_folder_it_used(tmp_path):
    """Issue 22: a command run in the wrong place read another district's params without a word."""
    import os
    import subprocess

    from conftest import XINFANG

    env = {k: v for k, v in os.environ.items() if k != "XINFANG_PARAMS"}
    data = str(ROOT / "seeds" / "信访事项登记表.csv")
    proc = subprocess.run([*XINFANG, "validate", data], capture_output=True, text=True, cwd=ROOT / "notebooks", env=env)
    assert proc.returncode == 0, proc.stderr
    assert f"参数目录 / params folder: {(ROOT / 'params').resolve()}（自 {(ROOT / 'notebooks').resolve()} 向上查找" \
        in proc.stderr
    proc = subprocess.run([*XINFANG, "validate", data, "--params", str(ROOT / "params")], capture_output=True,
                          text=True, cwd=tmp_path, env=env)
    assert proc.returncode == 0 and "参数目录" not in proc.stderr
