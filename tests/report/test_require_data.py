"""Issue 23, point 15: no report of a period or a unit without registrations; impossible periods."""
from __future__ import annotations

from click.testing import CliRunner
from conftest import copy_params, row, write_csv

from xinfang.cli import main


def run(args):
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


def tiny_register(tmp_path):
    """Two registrations of 中心路街道 in 2021: nothing in 2023, nothing of 红旗路街道."""
    rows = [row("A1", "M1", "2021-03-01", unit="中心路街道"), row("A2", "M2", "2021-12-30", unit="中心路街道")]
    return write_csv(tmp_path / "r.csv", rows)


def test_point15_a_period_without_registrations_is_exit_2_and_writes_nothing(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "out")
    code, _, err = run(["report", "--year", "2023", "--params", str(params), "--data", str(tiny_register(tmp_path))])
    assert code == 2, err
    assert "2022年12月28日至2023年12月31日" in err  # the 2023 period of params/2023.yaml and "全区没有登记" in err and "2021-03-01 至 2021-12-30" in err
    assert not list((tmp_path / "out").rglob("*.html")) and not list((tmp_path / "out").rglob("*.ipynb"))


def test_point15_a_unit_without_registrations_is_exit_2(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "out")
    code, _, err = run(["report", "--year", "2021", "--unit", "红旗路街道", "--params", str(params),
                        "--data", str(tiny_register(tmp_path))])
    assert code == 2, err
    assert "单位「红旗路街道」没有登记" in err and "no registration in the period" in err


def test_point15_an_impossible_period_is_exit_2_not_an_internal_error(tmp_path, units_file, monkeypatch):
    monkeypatch.chdir(tmp_path)                  # no params/ to find: every input from the options
    monkeypatch.delenv("XINFANG_PARAMS", raising=False)
    path = write_csv(tmp_path / "r.csv", [row("A1", "M1", "2023-03-01")])
    code, _, err = run(["indicators", str(path), "--units", str(units_file), "--start", "0001-01-01",
                        "--end", "2023-12-31"])
    assert code == 2 and "内部错误" not in err and "1901–2200" in err
