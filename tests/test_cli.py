"""The command line on the sample: every figure of the original 2023 report through `indicators --format json`."""
from __future__ import annotations

import json
import subprocess
import zipfile

import pytest
from conftest import ROOT, XINFANG

from xinfang.narrative import ratio_percent

EXE = XINFANG
REGISTER = str(ROOT / "seeds" / "信访事项登记表.csv")


def run(*args, cwd=ROOT):
    proc = subprocess.run([*EXE, *args], capture_output=True, text=True, cwd=cwd)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def catalogue():
    code, out, err = run("indicators", REGISTER, "--start", "2022-12-28", "--end", "2023-12-31", "--format", "json")
    assert code == 0, err
    return json.loads(out)


# key → (value, numerator, denominator, previous) as the original report gives them (— = not a rate)
COUNTS = {
    "national.volume": (508, 261), "national.letters": (156, 53), "national.visits": (65, 16),
    "national.online": (287, 192), "national.first_demand": (120, 77), "total.registrations": (1843, None),
    "visits.city_group_batches": (77, None), "visits.city_group_persons": (1487, None),
    "visits.city_individual_batches": (489, None), "visits.city_individual_persons": (684, None),
    "campaign.b12.assigned": (126, None), "campaign.b3.assigned": (15, None),
    "beijing.persons": (184, None), "beijing.registered": (58, None),
}
YOY = {"national.volume": "94.64", "national.letters": "194.34", "national.visits": "306.25",
       "national.online": "49.48", "national.first_demand": "55.84"}
RATES = {
    "national.share": "27.56％", "handling.timely_acceptance": "100％", "handling.on_time_reply": "100％",
    "handling.participation": "99.44％", "handling.satisfaction": "99.53％", "resolution.demand_first": "98.65％",
    "resolution.national_online_first": "88.81％", "resolution.national_letters_first": "80.00％",
    "repeat.national_letters": "321.43％", "campaign.b12.reported": "100％", "campaign.b12.resolved": "100％",
    "campaign.b12.repeated": "0％", "campaign.b3.reported": "100％", "campaign.b3.resolved": "100％",
    "campaign.b3.repeated": "0％",
}


def test_json_contract(catalogue):
    assert catalogue["period"] == {"start": "2022-12-28", "end": "2023-12-31"}
    assert catalogue["unit"] is None
    assert len(catalogue["indicators"]) == 32
    for key, item in catalogue["indicators"].items():
        assert set(item) == {"name", "value", "numerator", "denominator", "previous", "yoy", "caliber"}, key
        assert item["caliber"] and item["name"]


@pytest.mark.parametrize("key", list(COUNTS))
def test_counts_of_the_original(catalogue, key):
    value, previous = COUNTS[key]
    item = catalogue["indicators"][key]
    assert item["value"] == value
    if previous is not None:
        assert item["previous"] == previous


@pytest.mark.parametrize("key", list(YOY))
def test_yoy_of_the_original(catalogue, key):
    item = catalogue["indicators"][key]
    # yoy is a plain fraction; rounded half-up to two decimals of a percent it reads as in the report
    assert ratio_percent(item["value"] - item["previous"], item["previous"]) == YOY[key] + "％"
    assert item["yoy"] == pytest.approx((item["value"] - item["previous"]) / item["previous"])


@pytest.mark.parametrize("key", list(RATES))
def test_rates_of_the_original(catalogue, key):
    item = catalogue["indicators"][key]
    assert isinstance(item["value"], float)
    assert item["value"] == pytest.approx(item["numerator"] / item["denominator"])
    assert ratio_percent(item["numerator"], item["denominator"]) == RATES[key]


def test_participation_and_satisfaction_as_reconciled():
    # docs/architecture.md §4: 1,062 replied, 1,056 evaluated, 1,051 satisfied
    code, out, _ = run("indicators", REGISTER, "--year", "2023")
    items = json.loads(out)["indicators"]
    assert (items["handling.participation"]["numerator"], items["handling.participation"]["denominator"]) == (1056, 1062)
    assert (items["handling.satisfaction"]["numerator"], items["handling.satisfaction"]["denominator"]) == (1051, 1056)
    assert (items["repeat.national_letters"]["numerator"], items["repeat.national_letters"]["denominator"]) == (90, 28)


@pytest.mark.parametrize("unit,registered", [("城南街道", 27), ("火车南站街道", 7), ("百春园街道", 6),
                                             ("学院路街道", 6), ("罗市镇", 6), ("雨溪街道", 5), ("城西街道", 1),
                                             ("檀江街道", 0)])
def test_beijing_registrations_by_unit(unit, registered):
    code, out, err = run("indicators", REGISTER, "--year", "2023", "--unit", unit)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["unit"] == unit
    assert doc["indicators"]["beijing.registered"]["value"] == registered


def test_unknown_unit_is_a_clean_error():
    code, _, err = run("indicators", REGISTER, "--year", "2023", "--unit", "不存在街道")
    assert code == 2 and "不在单位名册中" in err and "Traceback" not in err


def test_table_and_xlsx_formats(tmp_path):
    code, out, _ = run("indicators", REGISTER, "--year", "2023", "--format", "table")
    assert code == 0 and "321.43％  (90/28)" in out
    target = tmp_path / "指标.xlsx"
    code, _, err = run("indicators", REGISTER, "--year", "2023", "--format", "xlsx", "-o", str(target))
    assert code == 0, err
    with zipfile.ZipFile(target) as z:
        assert "xl/worksheets/sheet1.xml" in z.namelist()
    import openpyxl

    ws = openpyxl.load_workbook(target).active
    header = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["national.volume"]["值"] == 508
    assert rows["repeat.national_letters"]["分子"] == 90


def test_sample_is_deterministic_and_matches_the_committed_seeds(tmp_path):
    code, _, err = run("sample", "--out", str(tmp_path))
    assert code == 0, err
    for path in (ROOT / "seeds").glob("*.csv"):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_validate_the_sample():
    code, out, _ = run("validate", REGISTER)
    assert code == 0 and "4265 行" in out and "gb18030" in out


def test_help_is_bilingual():
    code, out, _ = run("--help")
    assert code == 0 and "信访" in out and "performance" in out
    for cmd in ("validate", "indicators", "report", "sample"):
        code, out, _ = run(cmd, "--help")
        assert code == 0 and "/" in out
