"""Random params YAML trees against the schema: a ParameterError or success, never another
exception (issue 13, "Fuzzing in the suite"). Also the YAML loader's refusals."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.errors import ParameterError
from xinfang.params import load_params
from xinfang.params_yaml import load_yaml, parse_yaml

DEFAULTS = """\
district: 测试区
units: units.yaml
data:
  register: 登记表.csv
  campaign: null
period_start: null
period_end: null
percent_sign: "％"
targets:
  handling.satisfaction: 0.95
form: null
framework: null
manual_scores: {}
text:
  practices: 主要做法.md
  problems: 存在问题.md
output: ../output
"""
KEYS = ["district", "units", "data", "period_start", "period_end", "percent_sign", "targets", "form",
        "framework", "manual_scores", "text", "output", "register", "campaign", "practices", "plans",
        "handling.satisfaction", "handling.satisfacton", "score", "evidence", "scoring", "CON", ""]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                    st.sampled_from(["2023-12-31", "0001-01-01", "9999-12-31", "%", "％", "units.yaml", "scoring",
                                     "主要做法.md", "../x", "自评报告", "2023-02-30", "\x00", "."]),
                    st.dates().map(str))
keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=8), st.integers(-3, 3))
trees = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(keys, inner, max_size=4)), max_leaves=12)
layers = st.dictionaries(st.sampled_from(KEYS), trees, max_size=5)


def _params_dir(root: Path) -> Path:
    pdir = root / "params"
    (pdir / "2023").mkdir(parents=True)
    (pdir / "defaults.yaml").write_text(DEFAULTS, encoding="utf-8")
    (pdir / "2023" / "主要做法.md").write_text("做法\n", encoding="utf-8")
    return pdir


def _one(layer: dict, unit_layer: dict | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdir = _params_dir(Path(tmp))
        (pdir / "2023.yaml").write_text(yaml.safe_dump(layer, allow_unicode=True), encoding="utf-8")
        if unit_layer is not None:
            (pdir / "2023" / "城南街道.yaml").write_text(yaml.safe_dump(unit_layer, allow_unicode=True),
                                                     encoding="utf-8")
        for unit in (None, "城南街道"):
            try:
                p = load_params(pdir, 2023, unit)
            except ParameterError as exc:
                assert str(exc) and "Traceback" not in str(exc)
            else:
                assert isinstance(p.district, str) and p.period_start <= p.period_end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layers, st.none() | layers)
def test_random_params_trees_give_a_message_or_params(layer, unit_layer):
    _one(layer, unit_layer)


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layers, st.none() | layers)
def test_random_params_trees_give_a_message_or_params_long(layer, unit_layer):
    _one(layer, unit_layer)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_random_yaml_text_gives_a_message_or_data(text):
    try:
        parse_yaml(text, "x.yaml")
    except ParameterError:
        pass


# ------------------------------------------------------------------------- the loader itself
def test_eight_levels_of_nested_anchors_are_refused_before_expansion(tmp_path):
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ParameterError, match="bomb.yaml.*anchors"):
        load_yaml(path)


def test_a_self_referencing_anchor_is_a_message(tmp_path):
    path = tmp_path / "self.yaml"
    path.write_text("targets: &t {x: *t}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="self.yaml.*anchors"):
        load_yaml(path)


def test_duplicate_keys_are_a_message(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("a:\n  b: 1\n  b: 2\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"dup.yaml.*line 3.*duplicate key 'b'"):
        load_yaml(path)


def test_python_tags_are_refused(tmp_path):
    path = tmp_path / "tag.yaml"
    path.write_text("a: !!python/object/apply:os.system [echo hi]\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="tag.yaml"):
        load_yaml(path)


def test_a_bom_is_accepted_and_gb18030_is_named(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes("\ufeffa: 中文\n".encode("utf-8"))
    assert load_yaml(path) == {"a": "中文"}
    path.write_bytes("a: 中文\n".encode("gb18030"))
    with pytest.raises(ParameterError, match="GB18030.*iconv"):
        load_yaml(path)


def test_a_folder_or_a_large_file_is_refused(tmp_path):
    with pytest.raises(ParameterError, match="folder"):
        load_yaml(tmp_path)
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 2_000_000, encoding="utf-8")
    with pytest.raises(ParameterError, match="too large"):
        load_yaml(big)
