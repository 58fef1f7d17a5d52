"""A unit layer or text folder under params/<year>/ must name a unit by its official name: one
that names no unit, or an alias, is an error (exit 2) that suggests the name to use."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from conftest import XINFANG, copy_params  # noqa: E402

from xinfang.config import load_params  # noqa: E402
from xinfang.errors import ParameterError  # noqa: E402


@pytest.fixture
def pdir(tmp_path) -> Path:
    return copy_params(tmp_path / "params", tmp_path / "output")


def test_official_names_and_folders_other_keys_name_are_accepted(pdir):
    (pdir / "2023" / "城南街道.yaml").write_text("case_list_limit: 5\n", encoding="utf-8")
    (pdir / "2023" / "罗市镇").mkdir()
    (pdir / "2023" / "通报").mkdir()  # bulletin.requirements_text: 通报/{month}月工作要求.md
    (pdir / "2023" / ".drafts").mkdir()
    assert load_params(pdir, 2023).year == 2023


def test_an_alias_file_names_the_official_file(pdir):
    (pdir / "2023" / "区住建局.yaml").write_text("case_list_limit: 5\n", encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load_params(pdir, 2023)
    assert str(err.value) == ("2023/区住建局.yaml: 「区住建局」是单位「区住房和城乡建设局」的别名，请改名为 "
                              "2023/区住房和城乡建设局.yaml / an alias of 区住房和城乡建设局: rename it to "
                              "2023/区住房和城乡建设局.yaml")


def test_a_folder_naming_no_unit_suggests_the_closest_and_every_problem_is_listed(pdir):
    (pdir / "2023" / "罗市乡").mkdir()
    (pdir / "2023" / "城南.yaml").write_text("{}\n", encoding="utf-8")
    proc = subprocess.run([*XINFANG, "score", "--year", "2023", "--params", str(pdir)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "2 个单位参数文件或文件夹不对应任何单位" in proc.stderr
    assert "2023/城南.yaml: 「城南」是单位「城南街道」的别名，请改名为 2023/城南街道.yaml" in proc.stderr
    assert "2023/罗市乡: 单位名册中没有「罗市乡」，不会被任何报告读取（是否应为 / did you mean: 2023/罗市镇?）" in proc.stderr


def test_a_name_like_no_unit_lists_the_units(pdir):
    (pdir / "2023" / "草稿.yaml").write_text("{}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="单位 / units: 中心路街道、红旗路街道"):
        load_params(pdir, 2023)


# the 整改要求 lines are checked with the params, before any report starts

def test_a_broken_rectification_file_is_one_error_before_any_report(pdir):
    path = pdir / "rectification.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "beijing.registered: 第二条\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="键「beijing.registered」重复"):
        load_params(pdir, 2023)
    path.write_text("- 一条要求\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="整改要求应为"):
        load_params(pdir, 2023)
