"""Each caliber rule of docs/architecture.md §4 on a tiny register; expected values worked out by hand."""
from __future__ import annotations

import csv
import datetime as dt

import pytest
from conftest import row, write_csv

from xinfang.indicators import KEYS, compute_all, compute_catalogue, rank_units
from xinfang.inputs import read_table, validate_beijing, validate_campaign, validate_register
from xinfang.periods import Period

TODAY = dt.date(2026, 11, 26)
YEAR_2023 = Period.of("2023-01-01", "2023-12-31")


def load(tmp_path, units, rows, name="r.csv"):
    return validate_register(read_table(write_csv(tmp_path / name, rows)), units, today=TODAY)


def compute(tmp_path, units, rows, period=YEAR_2023, **kw):
    return compute_catalogue(load(tmp_path, units, rows), period, **kw)


def test_every_catalogue_key_is_present(tmp_path, units):
    res = compute(tmp_path, units, [row("A", "M", "2023-05-01")])
    assert list(res) == list(KEYS)
    assert len(KEYS) == 32


def test_volume_counts_persons_of_visits_only(tmp_path, units):
    rows = [row("L1", "M1", "2023-02-01", level="国家", channel="来信"),
            row("L2", "M2", "2023-02-01", level="国家", channel="来信", persons="2"),  # a letter counts once
            row("V1", "M3", "2023-02-01", level="国家", channel="来访", persons="3"),
            row("O1", "M4", "2023-02-01", level="国家", channel="网上信访"),
            row("X1", "M5", "2023-02-01", level="省", channel="来访", persons="9")]
    res = compute(tmp_path, units, rows)
    assert res["national.letters"].value == 2
    assert res["national.visits"].value == 3
    assert res["national.online"].value == 1
    assert res["national.volume"].value == 2 + 3 + 1
    assert res["total.registrations"].value == 5
    assert res["national.share"].numerator == 4 and res["national.share"].denominator == 5


def test_timely_acceptance_pending_due_and_not_yet_due(tmp_path, units):
    rows = [row("T1", "M1", "2023-03-01", accepted="2023-03-16"),       # 15 days: timely
            row("T2", "M2", "2023-03-01", accepted="2023-03-17"),       # 16 days: late
            row("T3", "M3", "2023-12-10", decision="", accepted=""),    # pending, due 12-25: late
            row("T4", "M4", "2023-12-16", decision="", accepted=""),    # pending, due 12-31 = end: late
            row("T5", "M5", "2023-12-20", decision="", accepted="")]    # pending, due 2024-01-04: excluded
    ind = compute(tmp_path, units, rows)["handling.timely_acceptance"]
    assert (ind.numerator, ind.denominator) == (1, 4)
    assert ind.value == pytest.approx(0.25)


def test_on_time_reply_with_extension_and_reply_after_end(tmp_path, units):
    rows = [row("R1", "M1", "2023-01-10", replied="2023-03-11", evaluation="满意"),     # day 60: on time
            row("R2", "M2", "2023-01-10", replied="2023-03-12"),                        # day 61: late
            row("R3", "M3", "2023-01-10", ext="30", replied="2023-04-10", evaluation="不满意"),  # 60+30: on time
            row("R4", "M4", "2023-11-15"),                                              # due 2024-01-14: excluded
            row("R5", "M5", "2023-10-01"),                                              # due 11-30, none: late
            row("R6", "M6", "2023-11-20", replied="2024-01-05", evaluation="满意"),     # after end, in time
            row("R7", "M7", "2023-05-01", decision="不予受理")]                        # not accepted: excluded
    res = compute(tmp_path, units, rows)
    otr = res["handling.on_time_reply"]
    assert (otr.numerator, otr.denominator) == (3, 5)
    # 参评 / 满意 only over replies on or before the period end: R1, R2, R3 (R6 replied in 2024).
    part, sat = res["handling.participation"], res["handling.satisfaction"]
    assert (part.numerator, part.denominator) == (2, 3)
    assert (sat.numerator, sat.denominator) == (1, 2)


def test_one_time_resolution_repeat_before_and_after_reply(tmp_path, units):
    rows = [row("A1", "M1", "2023-02-01", replied="2023-03-01"),
            row("A2", "M1", "2023-02-15", kind="重件", decision="不再受理"),      # before reply: still resolved
            row("B1", "M2", "2023-02-01", replied="2023-03-01"),
            row("B2", "M2", "2023-04-01", kind="重件", decision="不再受理", unit="城北街道"),  # after reply
            row("C1", "M3", "2023-05-01", replied="2023-06-01"),
            row("C2", "M3", "2024-01-10", kind="重件", decision="不再受理"),      # after the period end
            row("D1", "M4", "2023-12-01", replied="2024-01-05"),                  # replied after end: out
            row("E1", "M5", "2023-02-01", purpose="申诉", replied="2023-03-01")]  # not 求决
    reg = load(tmp_path, units, rows)
    ind = compute_catalogue(reg, YEAR_2023)["resolution.demand_first"]
    assert (ind.numerator, ind.denominator) == (2, 3)
    # 城南街道 owns M1..M5; M2's repeat registered at 城北街道 still makes M2 unresolved.
    unit = compute_catalogue(reg, YEAR_2023, unit="城南街道")["resolution.demand_first"]
    assert (unit.numerator, unit.denominator) == (2, 3)
    assert compute_catalogue(reg, YEAR_2023, unit="城北街道")["resolution.demand_first"].value is None


def test_national_first_resolution_by_channel(tmp_path, units):
    rows = [row("O1", "M1", "2023-02-01", level="国家", channel="网上信访", purpose="申诉", replied="2023-02-20"),
            row("O2", "M2", "2023-02-01", level="国家", channel="网上信访", replied="2023-02-20"),
            row("O3", "M2", "2023-03-01", level="省", channel="来信", kind="重件", decision="不再受理"),
            row("L1", "M3", "2023-02-01", level="国家", channel="来信", replied="2023-02-20"),
            row("L2", "M4", "2023-02-01", level="市", channel="来信", replied="2023-02-20")]
    res = compute(tmp_path, units, rows)
    assert (res["resolution.national_online_first"].numerator, res["resolution.national_online_first"].denominator) == (1, 2)
    assert (res["resolution.national_letters_first"].numerator, res["resolution.national_letters_first"].denominator) == (1, 1)


def test_repeat_rate_can_exceed_100_percent(tmp_path, units):
    rows = [row("P0", "M9", "2022-11-01", level="国家", decision="不予受理"),   # 初件 before the period
            row("D1", "M1", "2023-01-05", level="国家", decision="不予受理"),
            row("D2", "M2", "2023-01-05", level="国家", decision="不予受理"),
            row("N1", "M1", "2023-02-05", level="国家", kind="重件", decision="不再受理"),
            row("N2", "M1", "2023-03-05", level="国家", kind="重件", decision="不再受理"),
            row("N3", "M1", "2023-04-05", level="国家", kind="重件", decision="不再受理", unit="城北街道"),
            row("N4", "M9", "2023-04-05", level="国家", kind="重件", decision="不再受理"),  # matter began before
            row("N5", "M2", "2023-04-05", level="省", kind="重件", decision="不再受理"),    # not national
            row("N6", "M2", "2023-04-05", level="国家", channel="网上信访", kind="重件", decision="不再受理")]
    reg = load(tmp_path, units, rows)
    ind = compute_catalogue(reg, YEAR_2023)["repeat.national_letters"]
    assert (ind.numerator, ind.denominator) == (3, 2)
    assert ind.value == pytest.approx(1.5)
    # The repeat at 城北街道 is counted for the owner of the 初件 (城南街道).
    assert compute_catalogue(reg, YEAR_2023, unit="城南街道")["repeat.national_letters"].numerator == 3
    assert compute_catalogue(reg, YEAR_2023, unit="城北街道")["repeat.national_letters"].value is None


def test_city_visits_group_of_exactly_five(tmp_path, units):
    rows = [row("V1", "M1", "2023-02-01", level="市", channel="来访", persons="5"),
            row("V2", "M2", "2023-02-01", level="市", channel="来访", persons="4"),
            row("V3", "M3", "2023-02-01", level="市", channel="来访", persons="12"),
            row("V4", "M4", "2023-02-01", level="市", channel="来访", persons="1"),
            row("V5", "M5", "2023-02-01", level="省", channel="来访", persons="6"),
            row("V6", "M6", "2023-02-01", level="市", channel="来信", persons="7")]
    res = compute(tmp_path, units, rows)
    assert res["visits.city_group_batches"].value == 2
    assert res["visits.city_group_persons"].value == 17
    assert res["visits.city_individual_batches"].value == 2
    assert res["visits.city_individual_persons"].value == 5


def test_leap_day_period_compares_with_28_february(tmp_path, units):
    period = Period.of("2024-02-29", "2024-12-31")
    assert period.previous() == Period.of("2023-02-28", "2023-12-31")
    rows = [row("A", "M1", "2023-02-27", level="国家"),
            row("B", "M2", "2023-02-28", level="国家"),
            row("C", "M3", "2024-02-28", level="国家"),
            row("D", "M4", "2024-02-29", level="国家"),
            row("E", "M5", "2024-03-01", level="国家")]
    ind = compute(tmp_path, units, rows, period)["national.letters"]
    assert (ind.value, ind.previous) == (2, 1)
    assert ind.yoy == pytest.approx(1.0)


def test_zero_denominator_is_undefined_not_zero(tmp_path, units):
    rows = [row("A", "M1", "2023-02-01", decision="不予受理"), row("B", "M2", "2023-03-01", decision="不予受理")]
    res = compute(tmp_path, units, rows)
    for key in ("handling.on_time_reply", "handling.participation", "handling.satisfaction",
                "resolution.demand_first", "repeat.national_letters"):
        assert res[key].value is None, key
        assert res[key].denominator == 0
    # the register begins after the comparison period: no comparison data, not a previous 0
    assert res["total.registrations"].previous is None
    assert res["total.registrations"].yoy is None
    assert res["total.registrations"].comparable is False


def test_yoy_against_comparison_period(tmp_path, units):
    rows = [row(f"P{i}", f"P{i}", "2022-06-01", level="国家", channel="网上信访") for i in range(4)]
    rows += [row(f"C{i}", f"C{i}", "2023-06-01", level="国家", channel="网上信访") for i in range(5)]
    ind = compute(tmp_path, units, rows)["national.online"]
    assert (ind.value, ind.previous) == (5, 4)
    assert ind.yoy == pytest.approx(0.25)


def _csv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return path


def test_campaign_and_beijing(tmp_path, units):
    rows = [row("A", "K1", "2021-05-01"), row("B", "K2", "2021-05-01"), row("C", "K3", "2021-05-01"),
            row("D", "K2", "2023-08-01", kind="重件", decision="不再受理"),  # after K2's 化解日期: again
            row("E", "K1", "2023-02-01", kind="重件", decision="不再受理")]  # before K1's 化解日期
    reg = load(tmp_path, units, rows)
    camp = validate_campaign(read_table(_csv(tmp_path / "c.csv", ["交办批次", "信访事项编号", "责任单位", "是否汇报", "审核化解", "化解日期"], [
        [1, "K1", "城南街道", "是", "是", "2023-03-01"],
        [2, "K2", "城南街道", "是", "是", "2023-03-01"],
        [2, "K3", "城北街道", "否", "否", ""],
        [3, "K3", "城北街道", "是", "是", "2023-05-01"]]), "campaign"), units, today=TODAY)
    bj = validate_beijing(read_table(_csv(tmp_path / "b.csv", ["日期", "责任单位", "人数", "是否登记"], [
        ["2023-03-01", "城南街道", 3, "是"], ["2023-04-01", "城南", 2, "否"],
        ["2023-05-01", "城北街道", 1, "是"], ["2022-05-01", "城北街道", 4, "是"]]), "beijing"), units, today=TODAY)
    res = compute_catalogue(reg, YEAR_2023, campaign=camp, beijing=bj)
    assert res["campaign.b12.assigned"].value == 3
    assert (res["campaign.b12.reported"].numerator, res["campaign.b12.reported"].denominator) == (2, 3)
    assert (res["campaign.b12.resolved"].numerator, res["campaign.b12.resolved"].denominator) == (2, 3)
    assert (res["campaign.b12.repeated"].numerator, res["campaign.b12.repeated"].denominator) == (1, 2)
    assert res["campaign.b3.assigned"].value == 1
    assert res["campaign.b3.repeated"].value == 0
    assert (res["beijing.persons"].value, res["beijing.registered"].value) == (6, 4)
    assert (res["beijing.persons"].previous, res["beijing.registered"].previous) == (4, 4)
    south = compute_catalogue(reg, YEAR_2023, campaign=camp, beijing=bj, unit="城南街道")
    assert (south["beijing.persons"].value, south["beijing.registered"].value) == (5, 3)
    assert south["campaign.b12.assigned"].value == 2


def test_a_campaign_matter_resolved_after_the_period_is_not_resolved_in_it(tmp_path, units):
    from xinfang.periods import Period

    reg = load(tmp_path, units, [row("A", "K1", "2021-05-01"), row("B", "K2", "2021-05-01")])
    camp = validate_campaign(read_table(_csv(tmp_path / "c.csv", ["交办批次", "信访事项编号", "责任单位", "是否汇报", "审核化解", "化解日期"], [
        [1, "K1", "城南街道", "是", "是", "2022-11-30"],
        [1, "K2", "城南街道", "是", "是", "2023-03-01"]]), "campaign"), units, today=TODAY)
    # as of 2022-12-31 one of the two matters was resolved (K2's 化解日期 is in 2023): 50％, not 100％
    res = compute_catalogue(reg, Period.of("2022-01-01", "2022-12-31"), campaign=camp)
    assert (res["campaign.b12.resolved"].numerator, res["campaign.b12.resolved"].denominator) == (1, 2)
    res = compute_catalogue(reg, YEAR_2023, campaign=camp)
    assert (res["campaign.b12.resolved"].numerator, res["campaign.b12.resolved"].denominator) == (2, 2)


def test_missing_optional_tables_are_undefined_and_said(tmp_path, units):
    res = compute(tmp_path, units, [row("A", "M", "2023-05-01")])
    assert res["beijing.persons"].value is None
    assert "未提供进京上访台账" in res["beijing.persons"].caliber
    assert "未提供治重化积交办件" in res["campaign.b3.resolved"].caliber


def test_units_sum_to_district_and_rank(tmp_path, units):
    rows = [row("A", "M1", "2023-02-01", level="国家"), row("B", "M2", "2023-02-01", level="国家"),
            row("C", "M3", "2023-02-01", level="国家", unit="城北街道"),
            row("D", "M4", "2023-02-01", level="国家", unit="区住建局"),
            row("E", "M5", "2023-02-01", level="国家", unit="区住建局")]
    reg = load(tmp_path, units, rows)
    district, per_unit = compute_all(reg, YEAR_2023, units.names)
    assert [per_unit[u]["national.letters"].value for u in units.names] == [2, 1, 2]
    assert district["national.letters"].value == 5
    ranked = rank_units(per_unit, "national.letters")
    assert ranked["单位"].tolist() == ["区住房和城乡建设局", "城南街道", "城北街道"]
    assert ranked["名次"].tolist() == [1, 1, 3]
    assert compute_catalogue(reg, YEAR_2023, unit="城北街道")["national.letters"].value == 1
