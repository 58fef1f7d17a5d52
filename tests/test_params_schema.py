"""The params schema: its reference doc is current, and its messages name file and key."""
from __future__ import annotations

import pytest

from conftest import ROOT
from xinfang.errors import ParameterError
from xinfang.config.doc import params_doc
from xinfang.params_schema import check
from xinfang.params_yaml import load_yaml

BASE = {"district": "测试区", "units": "units.yaml", "data": {"register": "r.csv"}}


def test_docs_params_is_current():
    expected = params_doc(load_yaml(ROOT / "params" / "defaults.yaml"))
    actual = (ROOT / "docs" / "参数说明.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/参数说明.md is stale: run `make docs`"


def test_the_doc_names_every_key_of_defaults():
    doc = params_doc(load_yaml(ROOT / "params" / "defaults.yaml"))
    defaults = load_yaml(ROOT / "params" / "defaults.yaml")
    for key, value in defaults.items():
        assert f"| `{key}` |" in doc
        if isinstance(value, dict):
            assert all(f"| `{key}.{sub}` |" in doc for sub in value)


def test_the_real_params_pass_the_schema():
    from xinfang.params import load_params

    for year in (2022, 2023):
        assert load_params(ROOT / "params", year).district == "大祥区"


@pytest.mark.parametrize("extra, message", [
    ({"targets": {"handling.satisfacton": 0.9}}, r"2023.yaml: targets.handling.satisfacton: .*did you mean: handling.satisfaction"),
    ({"data": "hello"}, r"2023.yaml: data: .*mapping"),
    ({"period_end": "0001-01-01"}, r"2023.yaml: period_end: .*1950"),
    ({"targets": {"handling.satisfaction": float("inf")}}, r"targets.handling.satisfaction: .*finite"),
    ({"manual_scores": {"a": {"scor": 1}}}, r"manual_scores.a.scor: .*did you mean: score"),
    ({"district": "a\tb"}, r"district: .*control"),
    ({"district": "长" * 51}, r"district: .*50"),
])
def test_schema_messages_name_file_and_key(extra, message):
    origin = {(k,): "2023.yaml" for k in extra}
    with pytest.raises(ParameterError, match=message):
        check(BASE | extra, origin)


def test_several_failures_are_listed_together():
    with pytest.raises(ParameterError, match=r"2 parameter errors") as info:
        check(BASE | {"output": 5, "percent_sign": 5}, {})
    assert "output" in str(info.value) and "percent_sign" in str(info.value)


def test_the_doc_separates_the_codes_defaults_from_the_sample_folders_values():
    """Issue 22: a framework and targets of 1.0/0.95 are the sample folder's, not the code's."""
    doc = params_doc(load_yaml(ROOT / "params" / "defaults.yaml"))
    assert "| 参数 / key | 类型 / type | 代码默认值 / code default | 样例参数 / sample params | 说明 / meaning |" in doc
    assert "| `framework` | 路径 / path 或 null | null | \"scoring/default.yaml\" |" in doc
    assert "| `rectification` | 路径 / path 或 null | null | \"rectification.yaml\" |" in doc
    assert "| `targets` | 映射 / mapping | {} | （见下 / see below） |" in doc
    assert "| `targets.handling.satisfaction` | 数 / number | — | 0.95 |" in doc
    assert "| `district` | 文字 / text | （必填 / required） | \"大祥区\" |" in doc
