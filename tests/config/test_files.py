"""xinfang.config.files: the files params name are checked once, before any report starts."""
from __future__ import annotations

import pytest
from conftest import ROOT, copy_params

from xinfang.errors import ParameterError
from xinfang.params import load_params


def test_a_broken_rectification_file_is_one_error_before_any_report(tmp_path):
    pdir = copy_params(tmp_path / "params", tmp_path / "output")
    path = pdir / "rectification.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "beijing.registered: 第二条\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="键「beijing.registered」重复"):
        load_params(pdir, 2023)
    path.write_text("- 一条要求\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="整改要求应为"):
        load_params(pdir, 2023)


def test_the_sample_rectification_file_passes():
    assert load_params(ROOT / "params", 2023).rectification == "rectification.yaml"
