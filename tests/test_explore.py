"""notebooks/explore.ipynb runs for any district: its year and units come from the register
(xinfang/explore.py), and it executes for a district whose units are not 大祥区's."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, leaked_values

import other_district as other
from xinfang.config import load_params
from xinfang.errors import ParameterError
from xinfang.explore import latest_year, pick_units
from xinfang.init import init_district
from xinfang.inputs import load_inputs


@pytest.fixture(scope="module")
def district(tmp_path_factory) -> Path:
    """青山区's params folder as `xinfang init` writes it (tests/other_district.py)."""
    base = tmp_path_factory.mktemp("qingshan")
    export = other.write_export(base / "青山区登记表.xlsx")
    init_district(base / "params", export, district="青山区")
    return base / "params"


def test_the_year_is_the_last_registrations(district):
    assert latest_year(district) == 2025  # the export runs from 2024-01-02 to 2025-12-30


def test_units_are_the_named_ones_else_the_first_with_data(district):
    inputs = load_inputs(load_params(district, 2025))
    # every unit has data in 2025; units.yaml lists them as init proposed them (towns first)
    assert pick_units(inputs, None, None) == ["石门乡", "白沙镇"]
    assert pick_units(inputs, "区住建局", None) == ["区住房和城乡建设局", "石门乡"]
    assert pick_units(inputs, None, "石门乡") == ["白沙镇", "石门乡"]
    with pytest.raises(ParameterError, match="单位「城南街道」不在单位名册"):
        pick_units(inputs, "城南街道")
    with pytest.raises(ParameterError, match="有数据的单位不足 11 个"):
        pick_units(inputs, *[None] * 11)


def _outputs(path: Path) -> tuple[str, list[str]]:
    nb = nbformat.read(path, as_version=4)
    text, errors = [], []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(out["ename"])
            text.append(out.get("text", "") + str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(text), errors


@pytest.mark.slow
def test_explore_executes_for_another_district_with_nbconvert(district, tmp_path):
    env = {**os.environ, "XINFANG_PARAMS": str(district)}
    out = tmp_path / "explore.ipynb"
    proc = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                           "--output", str(out), str(ROOT / "notebooks" / "explore.ipynb")],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text, errors = _outputs(out)
    assert errors == []
    assert f"参数目录 / params: {district.resolve()}；青山区，2025年1月1日至2025年12月31日，登记表 690 行" in text
    assert "石门乡" in text and "城南街道" not in text
    assert leaked_values(other.pii_values(), out.read_text(encoding="utf-8")) == []


@pytest.mark.slow
def test_explore_takes_papermill_parameters_for_another_district(district, tmp_path):
    env = {**os.environ, "XINFANG_PARAMS": str(district)}
    out = tmp_path / "explore.ipynb"
    papermill = Path(sys.executable).with_name("papermill")
    proc = subprocess.run([str(papermill), str(ROOT / "notebooks" / "explore.ipynb"), str(out), "-p", "year", "2024",
                           "-p", "unit_a", "区住建局"], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    text, errors = _outputs(out)
    assert errors == [] and "2024年1月1日至2024年12月31日" in text and "区住房和城乡建设局" in text
