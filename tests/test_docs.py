"""docs/ lives in the repository and is current: 数据字典 and 指标口径 are what tools/make_docs.py
writes from the code (`make docs`), and the README, --help and seeds/README.md point to them."""
from __future__ import annotations

import importlib.util

import pytest

from conftest import ROOT


def _tool():
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "tools" / "make_docs.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    return tool


@pytest.mark.parametrize("name", ["数据字典.md", "指标口径.md"])
def test_docs_are_what_the_code_writes(name):
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == _tool().render(name), f"docs/{name} is stale: run `make docs`"


def test_every_indicator_key_is_documented_with_numerator_and_denominator():
    from xinfang.indicators import BUDGET_KEYS, CATALOGUE

    text = (ROOT / "docs" / "指标口径.md").read_text(encoding="utf-8")
    tool = _tool()
    for spec in CATALOGUE:
        assert f"`{spec.key}`" in text and spec.caliber in text
        assert tool.MEASURES[spec.numerator.value] in text
        if spec.denominator is not None:
            assert tool.MEASURES[spec.denominator.value] in text
    for key in BUDGET_KEYS:
        assert f"`{key}`" in text


def test_every_column_and_allowed_value_is_in_the_data_dictionary():
    from xinfang.inputs.tables import TABLES

    text = (ROOT / "docs" / "数据字典.md").read_text(encoding="utf-8")
    tool = _tool()
    for kind, schema in TABLES.items():
        assert schema.name in text
        for header, internal in schema.headers.items():
            assert (kind, internal) in tool.COLUMNS, f"{kind}.{internal}: describe it in tools/make_docs.py"
            assert f"| {header} | `{internal}` |" in text
        for values in schema.enums.values():
            assert "、".join(values).replace("|", "\\|") in text
        for variants in schema.variants.values():
            for spelling in variants:
                assert f"{spelling} → " in text
    assert not set(tool.COLUMNS) - {(k, c) for k, s in TABLES.items() for c in s.headers.values()}


def test_the_generator_refuses_an_undocumented_measure(monkeypatch):
    tool = _tool()
    monkeypatch.delitem(tool.MEASURES, "ta_num")
    with pytest.raises(KeyError):
        tool.indicator_calibers()


def test_users_are_pointed_to_docs_not_to_a_design_file_outside_the_repository():
    from click.testing import CliRunner

    from xinfang.cli import main

    for path in (ROOT / "README.md", ROOT / "seeds" / "README.md"):
        text = path.read_text(encoding="utf-8")
        assert "DESIGN" ".md §" not in text, path
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/数据字典.md" in readme and "docs/指标口径.md" in readme
    assert "docs/指标口径.md" in (ROOT / "seeds" / "README.md").read_text(encoding="utf-8")
    assert "docs/指标口径.md" in CliRunner().invoke(main, ["indicators", "--help"]).output
