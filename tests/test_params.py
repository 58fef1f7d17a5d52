"""Parameter layering (docs/architecture.md §5): defaults → <year>.yaml → <year>/<unit>.yaml → command line."""
from __future__ import annotations

from pathlib import Path

import pytest

from xinfang.errors import ParameterError
from xinfang.params import load_params, register_override, resolve

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
text:
  practices: 主要做法.md
"""


@pytest.fixture
def pdir(tmp_path: Path) -> Path:
    d = tmp_path / "params"
    d.mkdir()
    (d / "defaults.yaml").write_text(DEFAULTS, encoding="utf-8")
    return d


def test_defaults_alone_give_the_calendar_year(pdir):
    p = load_params(pdir, 2024)
    assert (p.period_start, p.period_end) == ("2024-01-01", "2024-12-31")
    assert p.year == 2024 and p.unit is None and p.params_dir == str(pdir.resolve())
    assert p.data.tables() == {"register": "登记表.csv", "campaign": None, "beijing": None, "budget": None}


def test_later_layers_win_and_nested_maps_merge(pdir):
    (pdir / "2023.yaml").write_text('period_start: "2022-12-28"\ndata: {campaign: 交办.csv}\n', encoding="utf-8")
    (pdir / "2023").mkdir()
    (pdir / "2023" / "城南街道.yaml").write_text('percent_sign: "%"\n', encoding="utf-8")
    year = load_params(pdir, 2023)
    assert year.period_start == "2022-12-28" and year.period_end == "2023-12-31"
    # a nested map merges key by key: the register of the defaults stays
    assert year.data.tables() == {"register": "登记表.csv", "campaign": "交办.csv", "beijing": None, "budget": None}
    assert year.percent_sign == "％"
    unit = load_params(pdir, 2023, "城南街道")
    assert unit.percent_sign == "%" and unit.unit == "城南街道"
    cli = load_params(pdir, 2023, overrides={"percent_sign": "%", "period_end": "2023-06-30"})
    assert (cli.percent_sign, cli.period_end) == ("%", "2023-06-30")


def test_a_partial_targets_override_keeps_the_other_targets(pdir):
    # defaults: participation 0.95, satisfaction 0.95; the year changes one, the unit another
    (pdir / "2023.yaml").write_text("targets: {handling.participation: 0.9}\n", encoding="utf-8")
    assert load_params(pdir, 2023).targets == {"handling.participation": 0.9, "handling.satisfaction": 0.95}
    (pdir / "2023").mkdir()
    (pdir / "2023" / "城南街道.yaml").write_text("targets: {handling.on_time_reply: 0.9}\n", encoding="utf-8")
    assert load_params(pdir, 2023, "城南街道").targets == {
        "handling.participation": 0.9, "handling.satisfaction": 0.95, "handling.on_time_reply": 0.9}


def test_an_unknown_key_is_an_error_naming_file_and_key(pdir):
    (pdir / "2023.yaml").write_text("percent_sigh: '%'\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"2023\.yaml: percent_sigh.*unknown key"):
        load_params(pdir, 2023)


def test_an_unknown_nested_key_is_an_error(pdir):
    (pdir / "2023.yaml").write_text("data: {registr: x.csv}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"data\.registr"):
        load_params(pdir, 2023)


def test_an_unquoted_date_is_an_error(pdir):
    (pdir / "2023.yaml").write_text("period_end: 2023-12-31\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="ISO"):
        load_params(pdir, 2023)


def test_a_missing_defaults_file_is_an_error(tmp_path):
    with pytest.raises(ParameterError, match="defaults.yaml"):
        load_params(tmp_path, 2023)


def test_a_missing_register_is_an_error(pdir):
    (pdir / "2023.yaml").write_text("data: {register: null}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="data.register"):
        load_params(pdir, 2023)


def test_a_period_that_ends_before_it_starts_is_an_error(pdir):
    (pdir / "2023.yaml").write_text('period_start: "2023-12-31"\nperiod_end: "2023-01-01"\n', encoding="utf-8")
    with pytest.raises(ParameterError):
        load_params(pdir, 2023)


def test_paths_resolve_against_the_params_folder(pdir):
    p = load_params(pdir, 2023)
    assert resolve(p, "units.yaml") == (pdir / "units.yaml").resolve()
    assert resolve(p, "/abs/x.csv") == Path("/abs/x.csv")
    assert resolve(p, None) is None


def test_the_register_override_is_an_absolute_path(tmp_path, pdir):
    layer = register_override("x.csv")
    assert Path(layer["data"]["register"]).is_absolute()
    p = load_params(pdir, 2023, overrides=layer)
    assert p.data.register_ == layer["data"]["register"] and p.data.campaign is None
