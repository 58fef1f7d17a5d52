"""xinfang.workdays: working days with weekends, holidays and 调休 working weekends; and the
params keys that give them. Every date checked against a calendar by hand."""
from __future__ import annotations

import datetime as dt

import pytest

from xinfang.config.schema import Bulletin
from xinfang.errors import ParameterError
from xinfang.workdays import WorkCalendar

D = dt.date
# 2023: 2023-09-29 and 10-02 … 10-06 off, Saturday 10-07 and Sunday 10-08 worked; 2024-01-01 off
CAL = WorkCalendar.of(["2023-09-29", "2023-10-02", "2023-10-03", "2023-10-04", "2023-10-05", "2023-10-06",
                       "2024-01-01"], ["2023-10-07", "2023-10-08"])


def test_weekends_and_holidays_are_off_adjusted_weekends_are_worked():
    assert CAL.is_workday(D(2023, 9, 28))            # Thursday
    assert not CAL.is_workday(D(2023, 9, 29))        # Friday, 中秋
    assert not CAL.is_workday(D(2023, 9, 30))        # Saturday
    assert CAL.is_workday(D(2023, 10, 7))            # Saturday, 调休
    assert not CAL.is_workday(D(2024, 1, 1))         # Monday, 元旦
    assert WorkCalendar().is_workday(D(2024, 1, 1))  # without the list: a Monday works


def test_the_next_working_day_and_n_working_days_later():
    assert CAL.next_workday(D(2023, 9, 28)) == D(2023, 10, 7)   # 29 off, 30 Sat, 1 Sun, 2–6 off
    assert CAL.next_workday(D(2023, 12, 31)) == D(2024, 1, 2)   # Sunday, then 元旦
    assert CAL.on_or_after(D(2023, 10, 7)) == D(2023, 10, 7)
    # from Saturday 10-07: 10-08 (Sunday, worked) 1, 10-09 2, 10-10 3, 10-11 4, 10-12 5
    assert CAL.add(D(2023, 10, 7), 5) == D(2023, 10, 12)
    # from Tuesday 2024-01-02: 3, 4, 5, (6, 7 weekend) 8, 9
    assert CAL.add(D(2024, 1, 2), 5) == D(2024, 1, 9)
    with pytest.raises(ValueError):
        CAL.add(D(2024, 1, 2), 0)


def test_params_refuse_a_day_both_off_and_worked_or_a_weekday_as_a_workday():
    from xinfang.config.schema import check

    base = {"district": "某区", "units": "units.yaml", "data": {}}
    assert Bulletin(holidays=["2024-01-01"], workdays=["2023-10-07"]).holidays == ["2024-01-01"]
    with pytest.raises(ParameterError, match="2023-10-07"):
        check({**base, "bulletin": {"holidays": ["2023-10-07"], "workdays": ["2023-10-07"]}})
    with pytest.raises(ParameterError, match="2023-10-09"):
        check({**base, "bulletin": {"workdays": ["2023-10-09"]}})      # a Monday
    with pytest.raises(ParameterError, match="phone"):
        check({**base, "bulletin": {"phone": "call 5221234"}})


def test_the_sample_params_know_the_holidays_of_2023():
    from conftest import ROOT

    from xinfang.config.layers import load_params

    b = load_params(ROOT / "params", 2023, None).bulletin
    cal = WorkCalendar.of(b.holidays, b.workdays)
    # the 通报 of each month is dated the first working day after its last day
    issued = [cal.next_workday(D(2023, m + 1, 1) - dt.timedelta(days=1)) for m in range(1, 12)]
    issued.append(cal.next_workday(D(2023, 12, 31)))
    assert issued == [D(2023, 2, 1), D(2023, 3, 1), D(2023, 4, 3), D(2023, 5, 4), D(2023, 6, 1), D(2023, 7, 3),
                      D(2023, 8, 1), D(2023, 9, 1), D(2023, 10, 7), D(2023, 11, 1), D(2023, 12, 1), D(2024, 1, 2)]
