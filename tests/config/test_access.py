"""Code outside xinfang/config/ reads the typed params model by attribute, never as a dict."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from xinfang.config import load_params

PACKAGE = Path(__file__).resolve().parents[2] / "xinfang"
ROOT = PACKAGE.parent
DICT_ACCESS = re.compile(r"\bparams\.get\(|\bparams\[")


def test_no_dict_access_on_params_outside_the_config_package():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "config" in path.relative_to(PACKAGE).parts[:1]:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if DICT_ACCESS.search(line):
                found.append(f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)


def test_the_grep_finds_dict_access():
    assert DICT_ACCESS.search('x = ctx.params.get("form") or y')
    assert DICT_ACCESS.search("year = params['year']")
    assert not DICT_ACCESS.search("year = params.year; parameters['cutoff']")


def test_a_misspelt_attribute_raises_instead_of_giving_none():
    params = load_params(ROOT / "params", 2023)
    assert params.case_list_limit == 20
    with pytest.raises(AttributeError):
        params.case_list_limt  # noqa: B018
    with pytest.raises(AttributeError):
        params.bulletin.due_son_days  # noqa: B018


def test_the_model_is_frozen_and_dumps_plain_values():
    params = load_params(ROOT / "params", 2023, "城南街道")
    with pytest.raises(ValueError):
        params.case_list_limit = 5
    dump = params.dump()
    assert dump["unit"] == "城南街道" and dump["period_start"] == "2022-12-28"
    assert dump["data"]["register"] == "../seeds/信访事项登记表.csv"
    assert dump["bulletin"]["due_soon_days"] == 7
