"""Findings hold: a fall is told as a fall, a met target is never a problem, small bases give counts.

A hand-made register: 城南街道 falls from 12 to 4 national registrations (base ≥ 10, so a
percentage), 城北街道 — the lowest — from 2 to 1 (a small base: counts, no percentage); every
reply is satisfied, above the target of 90％.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import UNITS_YAML, row, write_csv

from xinfang.report import load_report
from xinfang.report.sections import findings
from xinfang.report.sections.figures import count_clause


def _register(tmp_path: Path, rise: int = 0) -> Path:
    rows = []
    n = 0

    def add(unit: str, date: str, k: int) -> None:
        nonlocal n
        for _ in range(k):
            n += 1
            rows.append(row(f"C{n:03d}", f"M{n:03d}", date, level="国家", channel="网上信访", unit=unit,
                            replied=date, evaluation="满意"))

    add("城南街道", "2022-05-10", 12)
    add("城南街道", "2023-05-10", 4)
    add("城北街道", "2022-06-10", 2)
    add("城北街道", "2023-06-10", 1)
    add("城南街道", "2023-07-01", rise)
    return write_csv(tmp_path / "登记表.csv", rows)


def _params(tmp_path: Path, rise: int = 0) -> Path:
    d = tmp_path / "params"
    d.mkdir()
    (d / "units.yaml").write_text(UNITS_YAML, encoding="utf-8")
    register = _register(tmp_path, rise)
    (d / "defaults.yaml").write_text(
        "district: 测试区\nbureau: 测试区信访局\nunits: units.yaml\n"
        f"data: {{register: {register}, campaign: null, beijing: null, budget: null}}\n"
        "targets: {handling.satisfaction: 0.9}\nframework: null\n"
        f"output: {tmp_path / 'output'}\n", encoding="utf-8")
    return d


@pytest.fixture
def params_dir(tmp_path: Path) -> Path:
    return _params(tmp_path)


def test_a_district_whose_volume_falls_is_not_told_it_is_high(params_dir):
    ctx = load_report(2023, params_dir).context
    assert (ctx.results["national.volume"].value, ctx.results["national.volume"].previous) == (5, 14)
    found = findings(ctx)
    assert not any("居高不下" in f or "较多" in f for f in found), found
    # 5 against 14: a fall of 64.29％, told as a fall
    assert count_clause(ctx, "national.volume", "到国家信访局信访量") == "到国家信访局信访量5件人次，同比下降64.29％"


def test_a_met_target_is_never_a_problem(params_dir):
    ctx = load_report(2023, params_dir).context
    assert ctx.meets_target("handling.satisfaction") is True
    assert not any("满意" in f for f in findings(ctx))


def test_the_lowest_unit_that_falls_is_told_it_fell_in_counts(params_dir):
    ctx = load_report(2023, params_dir, "城北街道").context
    # a base of 2 is under the minimum base (10): counts, no percentage
    assert count_clause(ctx, "national.volume", "到国家信访局信访量") == "到国家信访局信访量1件人次，同比由2件人次减至1件人次"
    assert not any("居高不下" in f for f in findings(ctx))


def test_a_rise_on_a_base_at_least_the_minimum_is_a_finding(tmp_path):
    # 26 more national registrations in 2023: 31 against 14, +121.43％ (≥ 20％, base 14 ≥ 10)
    ctx = load_report(2023, _params(tmp_path, rise=26)).context
    assert (ctx.results["national.volume"].value, ctx.results["national.volume"].previous) == (31, 14)
    assert "到国家信访局信访量大幅上升。到国家信访局信访量31件人次，同比上升121.43％。" in findings(ctx)


# --- unit reports ------------------------------------------------------------------------------

def test_the_lowest_unit_that_falls_gets_it_as_an_achievement_never_a_problem(params_dir):
    from xinfang.report.sections.unit import achievements, problems_found

    ctx = load_report(2023, params_dir, "城北街道").context
    assert "到国家信访局信访量1件人次，同比由2件人次减至1件人次" in achievements(ctx)
    assert not [k for k, _ in problems_found(ctx) if k in ("national.volume", "total.registrations")]


def test_ties_are_joint_ranks_and_a_zero_is_not_ranked(tmp_path):
    from xinfang.report.sections.unit import rank_text

    rows = [row(f"T{i}", f"T{i}", "2023-04-01", level="国家", channel="网上信访", unit=u)
            for i, u in enumerate(["城南街道", "城南街道", "城北街道", "城北街道"])]
    rows.append(row("T9", "T9", "2023-04-01", unit="城南街道"))   # 城南 has one more registration (区)
    d = _params(tmp_path)
    register = write_csv(tmp_path / "并列.csv", rows)
    text = (d / "defaults.yaml").read_text(encoding="utf-8")
    (d / "defaults.yaml").write_text(text.replace(str(tmp_path / "登记表.csv"), str(register)), encoding="utf-8")
    south = load_report(2023, d, "城南街道").context
    north = load_report(2023, d, "城北街道").context
    # two national registrations each: 并列第1位; 城南 has 3 in all against 2: 第1位 and 第2位
    assert rank_text(south, "national.volume") == rank_text(north, "national.volume") == "并列第1位"
    assert (rank_text(south, "total.registrations"), rank_text(north, "total.registrations")) == ("第1位", "第2位")
    assert rank_text(north, "beijing.registered") is None            # no 进京 table: nothing to rank
    assert rank_text(north, "visits.city_group_persons") is None      # a zero is not ranked
