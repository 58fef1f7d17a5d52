"""The report date (落款): never before the latest date its figures use; an earlier date in the
params is a warning that names the figures it would change."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner
from conftest import copy_params, row, write_csv

from xinfang.cli import main
from xinfang.report import load_report


def register(tmp_path):
    """Period 2022-12-28 … 2023-12-31 (params/2023.yaml). A1 is replied on 2024-02-10, after the
    period, and counts in 按期答复率; A3 is registered after the period and counts in nothing."""
    rows = [row("A1", "M1", "2023-12-20", accepted="2023-12-22", replied="2024-02-10", evaluation="满意"),
            row("A2", "M2", "2023-11-01", replied="2023-11-20", evaluation="满意"),
            row("A3", "M3", "2024-01-05", accepted="2024-01-06", replied="2024-05-01", evaluation="满意")]
    return write_csv(tmp_path / "r.csv", rows)


def test_the_report_date_is_the_latest_reply_its_figures_count(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "out")
    ctx = load_report(2023, params, register=str(register(tmp_path))).context
    assert ctx.as_of == dt.date(2024, 2, 10)          # A1's reply; A3's later reply is outside the period
    assert ctx.report_date == dt.date(2024, 2, 10)   # not 2024-01-01, the day after the period
    assert ctx.metadata()["date"] == "2024-02-10"
    assert ctx.late_figures() == []                   # no report_date in the params: nothing to warn of


def test_without_later_replies_it_is_the_day_after_the_period(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "out")
    rows = [row("A2", "M2", "2023-11-01", replied="2023-11-20", evaluation="满意")]
    ctx = load_report(2023, params, register=str(write_csv(tmp_path / "r.csv", rows))).context
    assert (ctx.as_of, ctx.report_date) == (dt.date(2023, 12, 31), dt.date(2024, 1, 1))


def test_the_evaluation_report_is_dated_no_earlier_than_the_end_of_the_evaluation(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "out")   # evaluation.end: 2024-03-29
    ctx = load_report(2023, params, register=str(register(tmp_path)), form="评价报告").context
    assert ctx.report_date == dt.date(2024, 3, 29)


def test_a_report_date_before_the_data_names_the_figures_it_would_change(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "out")
    ctx = load_report(2023, params, register=str(register(tmp_path)), overrides={"report_date": "2024-01-15"}).context
    assert ctx.report_date == dt.date(2024, 1, 15)    # the params' date is kept
    # A1 was accepted on 2023-12-22 (before) and replied on 2024-02-10 (after the date)
    assert ctx.late_figures() == [ctx.label("handling.on_time_reply")] == ["按期答复率"]


@pytest.mark.slow
def test_the_command_warns_of_a_report_date_before_the_data(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "out")
    with open(params / "2023.yaml", "a", encoding="utf-8") as fh:
        fh.write('\nreport_date: "2024-01-15"\n')
    result = CliRunner().invoke(main, ["report", "--year", "2023", "--params", str(params),
                                       "--data", str(register(tmp_path))])
    assert result.exit_code == 0, result.stderr
    assert "成文日期 2024-01-15 早于数据截至日 2024-02-10" in result.stderr and "按期答复率" in result.stderr
