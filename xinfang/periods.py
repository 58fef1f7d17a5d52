"""Statistical periods (统计期) and their year-earlier comparison period (同比)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ParameterError


#: The years a statistical period may lie in (its comparison period one year earlier too).
YEARS = (1901, 2200)


def _one_year_earlier(day: dt.date) -> dt.date:
    """The same date one year earlier; 29 February becomes 28 February.

    >>> _one_year_earlier(dt.date(2024, 2, 29))
    datetime.date(2023, 2, 28)
    """
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def parse_date(value: str | dt.date, what: str = "date") -> dt.date:
    """An ISO date string (or a date) as a :class:`datetime.date`; ParameterError otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ParameterError(f"{what}: 「{value}」不是 ISO 日期 (YYYY-MM-DD) / not an ISO date") from None


@dataclass(frozen=True)
class Period:
    """An inclusive range of 登记日期, ``[start, end]``.

    >>> p = Period.of("2022-12-28", "2023-12-31")
    >>> p.previous()
    Period(start=datetime.date(2021, 12, 28), end=datetime.date(2022, 12, 31))
    >>> p.label
    '2022年12月28日至2023年12月31日'
    """

    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        lo, hi = YEARS
        for day in (self.start, self.end):
            if not lo <= day.year <= hi:
                raise ParameterError(f"统计期日期 {day} 的年份须在 {lo}–{hi} 之间 / a period lies in the years {lo}–{hi}")
        if self.end < self.start:
            raise ParameterError(f"统计期结束日期 {self.end} 早于开始日期 {self.start} / period ends before it starts")

    @classmethod
    def of(cls, start: str | dt.date, end: str | dt.date) -> "Period":
        return cls(parse_date(start, "start"), parse_date(end, "end"))

    @classmethod
    def year(cls, year: int) -> "Period":
        """The calendar year: ``year``-01-01 … ``year``-12-31 (the default period)."""
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def previous(self) -> "Period":
        """The comparison period: the same dates one year earlier (Feb 29 → Feb 28)."""
        return Period(_one_year_earlier(self.start), _one_year_earlier(self.end))

    @property
    def label(self) -> str:
        s, e = self.start, self.end
        return f"{s.year}年{s.month}月{s.day}日至{e.year}年{e.month}月{e.day}日"

    @property
    def start64(self) -> np.datetime64:
        return np.datetime64(self.start, "D")

    @property
    def end64(self) -> np.datetime64:
        return np.datetime64(self.end, "D")

    def contains(self, dates: pd.Series) -> np.ndarray:
        """Boolean mask of the dates within the period (NaT is outside)."""
        values = dates.to_numpy(dtype="datetime64[D]")
        return (values >= self.start64) & (values <= self.end64)

    def to_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}
