"""Working days: weekends and public holidays skipped, adjusted working weekends (调休) kept.

A 督办单 gives its deadline in working days after its issue date, and a document whose date
would fall on a weekend or a public holiday is dated the next working day. The calendar is the
params ``bulletin.holidays`` (every day off that is not a weekend: 元旦, 春节 …) and
``bulletin.workdays`` (weekend days that are working days by the State Council's 调休
arrangement). A date outside the years those lists cover is a working day when it is Monday to
Friday: keep the lists up to date for the years reported.

>>> cal = WorkCalendar.of(["2023-10-02"], ["2023-10-07"])
>>> cal.is_workday(dt.date(2023, 10, 2)), cal.is_workday(dt.date(2023, 10, 7))
(False, True)
>>> cal.next_workday(dt.date(2023, 9, 30))          # Sunday 10-01 is a weekend, 10-02 a holiday
datetime.date(2023, 10, 3)
>>> cal.add(dt.date(2023, 10, 6), 1)               # Friday + 1 working day: Saturday 10-07 (调休)
datetime.date(2023, 10, 7)
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

__all__ = ["WorkCalendar"]

_ONE = dt.timedelta(days=1)


def _dates(values: Iterable[str | dt.date]) -> frozenset[dt.date]:
    return frozenset(v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)) for v in values)


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are working days.

    ``holidays``: days off that would otherwise be working days; ``workdays``: weekend days that
    are working days (调休上班). A day in neither is a working day from Monday to Friday.
    """

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()

    @classmethod
    def of(cls, holidays: Iterable[str | dt.date] = (), workdays: Iterable[str | dt.date] = ()) -> "WorkCalendar":
        """A calendar from ISO date strings (as params give them) or dates."""
        return cls(_dates(holidays), _dates(workdays))

    def is_workday(self, day: dt.date) -> bool:
        if day in self.holidays:
            return False
        return day in self.workdays or day.weekday() < 5

    def next_workday(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day += _ONE
        while not self.is_workday(day):
            day += _ONE
        return day

    def on_or_after(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, else the next working day."""
        return day if self.is_workday(day) else self.next_workday(day)

    def add(self, day: dt.date, n: int) -> dt.date:
        """The ``n``-th working day after ``day`` (``n`` ≥ 1): always later than ``day``."""
        if n < 1:
            raise ValueError("n must be at least 1")
        for _ in range(n):
            day = self.next_workday(day)
        return day
