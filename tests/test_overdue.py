"""超期未受理, 超期未答复 and 即将到期 at a cut-off date (issue 12); every count worked out by hand."""
from __future__ import annotations

import datetime as dt

import numpy as np
from conftest import row, write_csv

from xinfang.indicators import compute_all, compute_catalogue
from xinfang.indicators.measures import overdue_frame
from xinfang.inputs import read_table, validate_register
from xinfang.periods import Period

TODAY = dt.date(2026, 11, 26)
NOV = Period.of("2023-11-01", "2023-11-30")
C = dt.date(2023, 12, 5)


def register(tmp_path, units):
    rows = [
        # acceptance: due = 登记日期 + 15
        row("A1", "M1", "2023-11-19", decision="", accepted=""),                 # due 12-04 < C: overdue
        row("A2", "M2", "2023-11-20", decision="", accepted=""),                 # due 12-05 = C: not overdue
        row("A3", "M3", "2023-10-01", accepted="2023-12-06"),                    # decided after C: overdue at C
        row("A4", "M4", "2023-12-06", decision="", accepted=""),                 # registered after C: not counted
        row("A5", "M5", "2023-06-01", decision="不予受理", accepted="2023-06-03"),  # decided: not overdue
        # reply: due = 受理日期 + 60 + 延期天数
        row("R1", "M6", "2023-10-01", accepted="2023-10-05"),                    # due 12-04 < C: overdue
        row("R2", "M7", "2023-10-01", accepted="2023-10-06"),                    # due 12-05 = C: due soon, not overdue
        row("R3", "M8", "2023-09-01", accepted="2023-09-20", ext="30"),          # due 12-19: not overdue, not soon
        row("R4", "M9", "2023-09-01", accepted="2023-09-10", ext="30",
            unit="城北街道"),                                                     # due 12-09: due soon
        row("R5", "M10", "2023-09-01", accepted="2023-09-10", ext="5",
            unit="城北街道"),                                                     # due 11-14: overdue
        row("R6", "M11", "2023-08-01", accepted="2023-08-02", replied="2023-12-06"),  # replied after C: overdue
        row("R7", "M12", "2023-08-01", accepted="2023-08-02", replied="2023-09-01"),  # replied: nothing
        row("R8", "M13", "2023-10-10", accepted="2023-10-12"),                   # due 12-11 = C + 6: due soon
        row("R9", "M14", "2023-10-10", accepted="2023-10-14"),                   # due 12-13 = C + 8: not soon
        row("R10", "M15", "2023-10-10", accepted="2023-10-13"),                  # due 12-12 = C + 7: due soon
    ]
    return validate_register(read_table(write_csv(tmp_path / "r.csv", rows)), units, today=TODAY)


def test_overdue_counts_at_a_cutoff(tmp_path, units):
    reg = register(tmp_path, units)
    res = compute_catalogue(reg, NOV, cutoff=C)
    assert res["overdue.acceptance"].value == 2          # A1, A3
    assert res["overdue.reply"].value == 3               # R1, R5, R6
    assert res["due_soon.reply"].value == 4              # R2, R4, R8, R10
    # by unit: R4 and R5 are 城北街道's
    _, per_unit = compute_all(reg, NOV, units.names, cutoff=C)
    assert per_unit["城北街道"]["overdue.reply"].value == 1
    assert per_unit["城北街道"]["due_soon.reply"].value == 1
    assert per_unit["城南街道"]["overdue.reply"].value == 2
    assert per_unit["区住房和城乡建设局"]["overdue.acceptance"].value == 0


def test_cutoff_defaults_to_the_period_end_and_the_window_is_a_parameter(tmp_path, units):
    reg = register(tmp_path, units)
    # at 11-30: A1 due 12-04 not yet; A3 (due 10-16) overdue; R5 (due 11-14) overdue, R6 not yet due (10-01)…
    res = compute_catalogue(reg, NOV)
    assert res["overdue.acceptance"].value == 1          # A3
    assert res["overdue.reply"].value == 2               # R5 (11-14), R6 (due 10-01, replied 12-06)
    # due in [11-30, 12-07]: R1 12-04, R2 12-05
    assert res["due_soon.reply"].value == 2
    wide = compute_catalogue(reg, NOV, cutoff=C, due_soon_days=8)
    assert wide["due_soon.reply"].value == 5             # R2, R4, R8, R10 and R9 (C + 8)


def test_overdue_frame_gives_the_due_date(tmp_path, units):
    reg = register(tmp_path, units)
    f = overdue_frame(reg, np.datetime64(C))
    due = dict(zip(reg["case_id"].astype(str), f["due"]))
    assert str(due["A1"].date()) == "2023-12-04"
    assert str(due["R5"].date()) == "2023-11-14"
    assert str(due["R4"].date()) == "2023-12-09"
