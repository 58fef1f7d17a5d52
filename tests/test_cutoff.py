"""`xinfang cases overdue.*|due_soon.reply --cutoff C`: exactly the cases the indicator counts at
C (xinfang/indicators/cutoff.py), on a hand-made register and on the sample."""
from __future__ import annotations

import datetime as dt
import json
import subprocess

import openpyxl
import pandas as pd
import pytest
from conftest import ROOT, XINFANG, row, write_csv

from xinfang.errors import ParameterError
from xinfang.indicators import case_list, compute_catalogue
from xinfang.inputs import read_table, validate_register
from xinfang.periods import Period

C = dt.date(2023, 6, 30)
PERIOD = Period.of("2023-01-01", "2023-06-30")


@pytest.fixture
def register(tmp_path, units):
    """Due dates worked out by hand (15 days to decide, 60 days + 延期天数 to reply):

    A1 registered 06-01, undecided: due 06-16, 14 days overdue at C;
    A2 registered 06-20, undecided: due 07-05, not yet; A3 registered 06-15: due 06-30 = C, not overdue;
    R1 accepted 04-01, no reply: due 05-31, 30 days overdue;
    R2 accepted 04-20 + 15 days' extension, no reply: due 07-04, due soon (4 days left, window 7);
    R3 accepted 03-01, replied 06-29: closed; R4 accepted 03-01 (城北街道), replied 07-05 after C:
    due 04-30, 61 days overdue at C; R5 registered and accepted 2022-12-01 (before the period),
    no reply: due 2023-01-30, 151 days overdue.
    """
    rows = [row("A1", "M1", "2023-06-01", decision=""), row("A2", "M2", "2023-06-20", decision=""),
            row("A3", "M3", "2023-06-15", decision=""), row("R1", "M4", "2023-04-01"),
            row("R2", "M5", "2023-04-20", ext="15"), row("R3", "M6", "2023-03-01", replied="2023-06-29"),
            row("R4", "M7", "2023-03-01", replied="2023-07-05", unit="城北街道"),
            row("R5", "M8", "2022-12-01")]
    return validate_register(read_table(write_csv(tmp_path / "r.csv", rows)), units, today=dt.date(2024, 1, 1))


def test_overdue_replies_at_the_cutoff_whatever_their_period(register):
    cl = case_list(register, PERIOD, "overdue.reply", cutoff=C)
    assert list(cl.frame["信访件编号"]) == ["R5", "R4", "R1"]
    assert [d.isoformat() for d in cl.frame["应办日期"]] == ["2023-01-30", "2023-04-30", "2023-05-31"]
    assert list(cl.frame["超期天数"]) == [151, 61, 30]
    assert cl.numerator == 3 == compute_catalogue(register, PERIOD, cutoff=C)["overdue.reply"].value
    assert cl.summary() == "超期未答复（件）（overdue.reply），全区，截至2023年6月30日：共 3，列出 3 行（计入数之和）"
    assert cl.frame["说明"][2] == "答复期限（受理后60日，2023-05-31）已过，截至2023-06-30未答复，超期30日"
    assert list(case_list(register, PERIOD, "overdue.reply", cutoff=C, unit="城北街道").frame["信访件编号"]) == ["R4"]


def test_overdue_acceptance_and_due_soon(register):
    acc = case_list(register, PERIOD, "overdue.acceptance", cutoff=C)
    assert list(acc.frame["信访件编号"]) == ["A1"] and list(acc.frame["超期天数"]) == [14]
    soon = case_list(register, PERIOD, "due_soon.reply", cutoff=C)
    assert list(soon.frame["信访件编号"]) == ["R2"] and list(soon.frame["剩余天数"]) == [4]
    assert soon.frame["说明"][0] == "截至2023-06-30未答复，答复期限为2023-07-04（4日后，7日内到期）"
    assert case_list(register, PERIOD, "due_soon.reply", cutoff=C, due_soon_days=3).frame.empty
    counted = compute_catalogue(register, PERIOD, cutoff=C)
    assert (acc.numerator, soon.numerator) == (counted["overdue.acceptance"].value, counted["due_soon.reply"].value)


def test_a_cutoff_count_needs_a_cutoff_and_only_it_takes_one(register):
    with pytest.raises(ParameterError, match="--cutoff YYYY-MM-DD"):
        case_list(register, PERIOD, "overdue.reply")
    with pytest.raises(ParameterError, match="--cutoff 只用于"):
        case_list(register, PERIOD, "national.volume", cutoff=C)


@pytest.mark.parametrize("key", ["overdue.acceptance", "overdue.reply", "due_soon.reply"])
def test_the_command_lists_what_the_indicator_counts_on_the_sample(tmp_path, key):
    """The acceptance of issue 22: `--cutoff 2023-06-30 -o x.xlsx` against the catalogue of a
    period ending that day (whose cut-off is the period's end)."""
    out = tmp_path / "x.xlsx"
    proc = subprocess.run([*XINFANG, "cases", key, "--cutoff", "2023-06-30", "-o", str(out)], capture_output=True,
                          text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(subprocess.run([*XINFANG, "indicators", str(ROOT / "seeds" / "信访事项登记表.csv"), "--start",
                                     "2023-01-01", "--end", "2023-06-30"], capture_output=True, text=True,
                                    cwd=ROOT).stdout)
    wb = openpyxl.load_workbook(out, read_only=True)
    rows = list(wb["清单"].values)
    about = dict(list(wb["口径"].values)[1:])
    wb.close()
    frame = pd.DataFrame(rows[1:], columns=rows[0])
    assert len(frame) == doc["indicators"][key]["value"] == about["合计"]
    assert about["截止日"] == "2023-06-30"
    # by hand: one of the sample's December-2021 cases settled only in 2023 is still unanswered at
    # 2023-06-30 (DX2021-000991, due 2022-02-04); two replies fall due within 7 days
    assert {"overdue.acceptance": 0, "overdue.reply": 1, "due_soon.reply": 2}[key] == len(frame)
