"""`xinfang cases` and xinfang.indicators.cases: the cases behind a figure add up to it.

Hand-made registers with hand-computed reasons, the sample counted with plain pandas, and the
command's xlsx read back against `xinfang indicators --format json`.
"""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from conftest import ROOT, XINFANG, assert_no_pii, row, write_csv

from xinfang.errors import ParameterError
from xinfang.indicators import case_list, compute_all, compute_catalogue
from xinfang.indicators.cases import FORBIDDEN_COLUMNS, case_keys
from xinfang.inputs import read_table, validate_register
from xinfang.periods import Period

REGISTER = ROOT / "seeds" / "信访事项登记表.csv"
START, END = "2022-12-28", "2023-12-31"
PERIOD = Period.of(START, END)
TODAY = __import__("datetime").date(2024, 6, 30)


def run(*args, cwd=ROOT):
    return subprocess.run([*XINFANG, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def listed(path: Path, sheet: str = "清单") -> pd.DataFrame:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = list(wb[sheet].values)
    finally:
        wb.close()
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.fixture(scope="module")
def catalogue():
    proc = run("indicators", str(REGISTER), "--start", START, "--end", END, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["indicators"]


@pytest.fixture(scope="module")
def sample():
    from xinfang.inputs import load_inputs
    from xinfang.params import load_params

    return load_inputs(load_params(ROOT / "params", 2023))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """`xinfang cases KEY --year 2023 -o` for the keys the tests read, in one folder."""
    folder = tmp_path_factory.mktemp("cases")
    out = {}
    for key, unit in [("national.volume", None), ("handling.timely_acceptance", None), ("handling.on_time_reply", None),
                      ("resolution.demand_first", None), ("repeat.national_letters", None),
                      ("beijing.registered", None), ("handling.satisfaction", "城南街道")]:
        path = folder / f"{key}-{unit or '全区'}.xlsx"
        proc = run("cases", key, "--year", "2023", *(["--unit", unit] if unit else []), "-o", str(path))
        assert proc.returncode == 0, proc.stderr
        assert "已写入" in proc.stdout
        out[(key, unit)] = path
    return folder, out


# ---------------------------------------------------------------------------------------------
# the hand check: national.volume counted in the raw export with plain pandas


def test_national_volume_cases_are_the_registers_national_rows_with_persons(written):
    raw = pd.read_csv(REGISTER, encoding="gb18030", dtype=str)
    day = pd.to_datetime(raw["登记日期"])
    national = raw[(raw["登记层级"] == "国家") & (day >= START) & (day <= END)]
    letters = (national["信访形式"] == "来信").sum()
    online = (national["信访形式"] == "网上信访").sum()
    visit_persons = national.loc[national["信访形式"] == "来访", "人数"].astype(int).sum()
    assert (letters, online, visit_persons) == (156, 287, 65)  # docs/architecture.md §4: 508 = 156 + 65 + 287

    frame = listed(written[1][("national.volume", None)])
    assert sorted(frame["信访件编号"]) == sorted(national["信访件编号"])   # exactly these rows, no other
    assert len(frame) == len(national) == 508  # the 65 national visits are single-person registrations
    by_case = national.set_index("信访件编号")["人数"].astype(int)
    visits = frame[frame["信访形式"] == "来访"]
    assert (visits["计入数"].to_numpy() == by_case[visits["信访件编号"]].to_numpy()).all()
    assert (visits["人数"] == visits["计入数"]).all()
    assert (frame.loc[frame["信访形式"] != "来访", "计入数"] == 1).all()
    assert frame["计入数"].sum() == 508 and set(frame["是否计入分子"]) == {"是"}


# ---------------------------------------------------------------------------------------------
# the command's lists add up to the catalogue


@pytest.mark.parametrize("key", ["handling.timely_acceptance", "handling.on_time_reply", "resolution.demand_first",
                                 "repeat.national_letters"])
def test_a_rate_lists_exactly_its_denominator_and_marks_its_numerator(written, catalogue, key):
    frame = listed(written[1][(key, None)])
    item = catalogue[key]
    assert (frame["是否计入分母"] == "是").sum() == item["denominator"]
    assert (frame["是否计入分子"] == "是").sum() == item["numerator"]
    assert frame["信访件编号"].is_unique and frame["说明"].map(bool).all()
    if key != "repeat.national_letters":
        assert len(frame) == item["denominator"]  # only denominator cases are listed
    about = dict(listed(written[1][(key, None)], "口径").to_numpy())
    assert about["分子"] == item["numerator"] and about["分母"] == item["denominator"]


def test_counts_add_up_to_the_catalogue(written, catalogue):
    for key in ("national.volume", "beijing.registered"):
        frame = listed(written[1][(key, None)])
        assert frame["计入数"].sum() == catalogue[key]["value"], key
    assert catalogue["beijing.registered"]["value"] == 58


def test_the_repeat_list_pairs_first_letters_with_their_repeats(written, catalogue):
    frame = listed(written[1][("repeat.national_letters", None)])
    den = frame[frame["是否计入分母"] == "是"]
    num = frame[frame["是否计入分子"] == "是"]
    assert (den["初重件"] == "初件").all() and (num["初重件"] == "重件").all()
    assert set(num["信访事项编号"]) <= set(den["信访事项编号"])  # a counted 重件's matter has a 初件 in the period
    assert ((frame["登记层级"] == "国家") & (frame["信访形式"] == "来信")).all()
    assert (len(den), len(num)) == (28, 90)  # 321.43% = 90/28


def test_a_units_list_is_its_share(written, sample):
    _, per_unit = compute_all(sample.register, sample.period, ["城南街道"])
    frame = listed(written[1][("handling.satisfaction", "城南街道")])
    ind = per_unit["城南街道"]["handling.satisfaction"]
    assert set(frame["责任单位"]) == {"城南街道"}
    assert ((frame["是否计入分子"] == "是").sum(), len(frame)) == (ind.numerator, ind.denominator)


def test_every_key_and_every_unit_agrees_with_the_catalogue(sample):
    """The in-numerator count is the numerator and the listed denominator the denominator,
    for every key, for the district and each of the 21 units."""
    district, per_unit = compute_all(sample.register, sample.period, sample.units.names,
                                     campaign=sample.campaign, beijing=sample.beijing)
    for scope, results in [(None, district), *per_unit.items()]:
        for key in case_keys():
            cl = case_list(sample.register, sample.period, key, unit=scope, campaign=sample.campaign,
                           beijing=sample.beijing)
            ind = results[key]
            got = (cl.numerator, cl.denominator) if cl.is_rate else cl.numerator
            want = (ind.numerator, ind.denominator) if cl.is_rate else ind.value
            assert got == want, (scope, key)
            assert not FORBIDDEN_COLUMNS & set(cl.frame.columns), key


# ---------------------------------------------------------------------------------------------
# reasons on hand-made registers


def _validated(tmp_path, units, rows):
    return validate_register(read_table(write_csv(tmp_path / "r.csv", rows)), units, today=TODAY)


def test_timely_acceptance_reasons(tmp_path, units):
    reg = _validated(tmp_path, units, [
        row("A1", "M1", "2023-03-01", accepted="2023-03-16"),            # 15 days: timely
        row("A2", "M2", "2023-03-01", accepted="2023-03-17"),            # 16 days: late
        row("A3", "M3", "2023-03-01", decision="", accepted=""),         # none, due 03-16 ≤ end: late
        row("A4", "M4", "2023-03-30", decision="", accepted=""),         # none, due 04-14 > end: excluded
    ])
    cl = case_list(reg, Period.of("2023-03-01", "2023-03-31"), "handling.timely_acceptance")
    by = cl.frame.set_index("信访件编号")
    assert list(by.index) == ["A1", "A2", "A3"]
    assert list(by["是否计入分子"]) == ["是", "否", "否"]
    assert by.loc["A1", "说明"] == "登记后15日作出受理决定（15日内）"
    assert by.loc["A2", "说明"] == "登记后16日才作出受理决定，超过15日"
    assert by.loc["A3", "说明"] == "期末未作出受理决定，登记后15日已到期"
    assert (cl.numerator, cl.denominator) == (1, 3)


def test_on_time_reply_reasons_count_the_extension(tmp_path, units):
    reg = _validated(tmp_path, units, [
        row("B1", "M1", "2023-01-01", ext="10", replied="2023-03-12"),   # due 01-01 + 70 = 03-12: on time
        row("B2", "M2", "2023-01-01", replied="2023-03-03"),             # due 03-02: one day late
        row("B3", "M3", "2023-01-01"),                                   # no reply, due 03-02 ≤ end
    ])
    cl = case_list(reg, Period.of("2023-01-01", "2023-06-30"), "handling.on_time_reply")
    by = cl.frame.set_index("信访件编号")
    assert list(by["是否计入分子"]) == ["是", "否", "否"]
    assert str(by.loc["B1", "答复期限"]) == "2023-03-12"
    assert by.loc["B1", "说明"] == "在答复期限（受理后60日+延期10日）内答复"
    assert by.loc["B2", "说明"] == "答复晚于期限（受理后60日）1日"
    assert by.loc["B3", "说明"] == "期末未答复，答复期限（受理后60日）已届满"


def test_one_time_resolution_names_the_later_registration_in_another_unit(tmp_path, units):
    reg = _validated(tmp_path, units, [
        row("C1", "M1", "2023-01-05", replied="2023-02-01", evaluation="满意"),
        row("C2", "M1", "2023-04-01", unit="城北街道", kind="重件", decision="不再受理"),  # later, elsewhere
        row("C3", "M2", "2023-01-05", replied="2023-02-01", evaluation="满意"),
        row("C4", "M3", "2023-01-05", purpose="建议意见", replied="2023-02-01"),         # not 求决
    ])
    cl = case_list(reg, Period.of("2023-01-01", "2023-12-31"), "resolution.demand_first", unit="城南街道")
    by = cl.frame.set_index("信访件编号")
    assert list(by.index) == ["C1", "C3"]
    assert by.loc["C1", "是否计入分子"] == "否" and by.loc["C1", "说明"] == "答复后同一事项于2023-04-01再次登记（C2）"
    assert by.loc["C3", "是否计入分子"] == "是" and "一次性化解" in by.loc["C3", "说明"]
    assert "诉求摘要" not in cl.frame.columns and "反映问题" not in cl.frame.to_string()


def test_a_repeat_counts_for_the_unit_of_its_first_letter(tmp_path, units):
    nat = {"level": "国家", "channel": "来信"}
    reg = _validated(tmp_path, units, [
        row("D1", "M1", "2023-02-01", **nat),
        row("D2", "M1", "2023-03-01", **nat, kind="重件", decision="不再受理", unit="城北街道"),
        row("D3", "M1", "2023-04-01", **nat, kind="重件", decision="不再受理"),
        row("D4", "M9", "2023-04-01", **nat, kind="重件", decision="不再受理"),   # its 初件 is not in the period
    ])
    period = Period.of("2023-01-01", "2023-12-31")
    south = case_list(reg, period, "repeat.national_letters", unit="城南街道")
    assert list(south.frame["信访件编号"]) == ["D1", "D2", "D3"]
    assert (south.numerator, south.denominator) == (2, 1)
    assert "计入初件责任单位城南街道" in south.frame.set_index("信访件编号").loc["D2", "说明"]
    north = case_list(reg, period, "repeat.national_letters", unit="城北街道")
    assert north.frame.empty and north.value is None
    want = compute_catalogue(reg, period, unit="城南街道")["repeat.national_letters"]
    assert (want.numerator, want.denominator) == (2, 1)


def test_unknown_and_budget_keys_are_refused_with_the_list(sample):
    with pytest.raises(ParameterError, match="national.volume"):
        case_list(sample.register, sample.period, "national.volum")
    with pytest.raises(ParameterError, match="不是按信访件计算"):
        case_list(sample.register, sample.period, "budget.execution_rate")
    with pytest.raises(ParameterError, match="未提供进京上访台账"):
        case_list(sample.register, sample.period, "beijing.registered")


# ---------------------------------------------------------------------------------------------
# the command


def test_unknown_key_exits_2_with_the_keys():
    proc = run("cases", "national.volum", "--year", "2023")
    assert proc.returncode == 2
    assert "没有指标「national.volum」/ unknown indicator key" in proc.stderr
    assert all(k in proc.stderr for k in case_keys()) and "Traceback" not in proc.stderr


def test_unknown_unit_exits_2():
    proc = run("cases", "national.volume", "--year", "2023", "--unit", "不存在街道")
    assert proc.returncode == 2 and "不在单位名册中" in proc.stderr


def test_without_output_a_summary_and_the_first_rows():
    proc = run("cases", "handling.timely_acceptance", "--year", "2023", "--unit", "城南", "--rows", "3")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("及时受理率（handling.timely_acceptance），城南街道，") and "分母" in lines[0]
    assert "信访件编号" in lines[1] and len(lines) == 6 and "另有" in lines[-1]


def test_no_personal_data_in_case_lists(written):
    folder, paths = written
    assert_no_pii(folder)
    for path in paths.values():
        header = set(listed(path).columns)
        assert not FORBIDDEN_COLUMNS & header, path
