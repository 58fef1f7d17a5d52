"""Months of a report year (一月一通报): their periods, and volumes by channel, level and unit.

The months of a year are cut from the year's statistical period so that they add up to it:
month 1 starts on the period's first day (28 December of the year before, when the period
starts then), month 12 ends on the period's last day, and every other month is its calendar
month. So the twelve months' registrations sum to the year's ``total.registrations``.

Pure functions: a validated register and periods in, numbers out.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

import numpy as np
import pandas as pd

from .errors import ParameterError
from .periods import Period

__all__ = ["parse_month", "month_period", "months_of", "previous_month", "year_to_month", "volume",
           "unit_counts", "month_unit_matrix", "VOLUME_ROWS"]

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


def parse_month(text: str) -> tuple[int, int]:
    """``"2023-11"`` → ``(2023, 11)``; a :class:`ParameterError` otherwise.

    >>> parse_month("2023-01")
    (2023, 1)
    """
    m = _MONTH.match(str(text))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ParameterError(f"--month: 「{text}」不是月份，应写作 YYYY-MM，如 2023-11 / not a month (YYYY-MM)")
    return int(m.group(1)), int(m.group(2))


def month_period(year_period: Period, month: int) -> Period:
    """Month ``month`` (1–12) of the report year whose statistical period is ``year_period``.

    >>> p = Period.of("2022-12-28", "2023-12-31")
    >>> month_period(p, 1).label, month_period(p, 2).label
    ('2022年12月28日至2023年1月31日', '2023年2月1日至2023年2月28日')
    """
    year = year_period.end.year
    start = dt.date(year, month, 1)
    end = dt.date(year, month, calendar.monthrange(year, month)[1])
    if month == 1:
        start = min(start, year_period.start)
    if month == 12:
        end = max(end, year_period.end)
    return Period(start, end)


def months_of(year_period: Period) -> list[Period]:
    """The twelve months of a report year, in order (they add up to ``year_period``)."""
    return [month_period(year_period, m) for m in range(1, 13)]


def previous_month(year_period: Period, month: int) -> Period:
    """The month before (环比): month − 1 of the year, or December of the year before, ending
    the day before ``month`` starts (so the two never overlap)."""
    this = month_period(year_period, month)
    if month > 1:
        return month_period(year_period, month - 1)
    year = this.start.year if this.start.month == 12 else this.start.year - 1
    start = dt.date(year, 12, 1)
    return Period(start, max(start, this.start - dt.timedelta(days=1)))


def year_to_month(year_period: Period, month: int) -> Period:
    """1月至本月累计: from the year's first day to the month's last."""
    return Period(year_period.start, month_period(year_period, month).end)


#: The rows of :func:`volume`, in the order a reader reads them.
VOLUME_ROWS = ("件次", "件人次", "来信", "来访批次", "来访人次", "网上信访", "国家", "省", "市", "区")


def volume(register: pd.DataFrame, period: Period, unit: str | None = None) -> dict[str, int]:
    """Registrations in ``period`` by channel and by level.

    Keys (:data:`VOLUME_ROWS`): 件次 (registrations), 件人次 (来信 + 网上信访 + Σ 人数 of 来访),
    来信 / 网上信访 (件次), 来访批次 / 来访人次, and 件次 per 登记层级 (国家, 省, 市, 区).
    """
    r = register.loc[period.contains(register["registered_on"])]
    if unit is not None:
        r = r[r["unit"] == unit]
    channel = r["channel"].astype(object)
    level = r["level"].astype(object)
    visits = channel == "来访"
    persons = int(r.loc[visits, "persons"].sum())
    out = {"件次": len(r), "件人次": int((~visits).sum()) + persons, "来信": int((channel == "来信").sum()),
           "来访批次": int(visits.sum()), "来访人次": persons, "网上信访": int((channel == "网上信访").sum())}
    for lv in ("国家", "省", "市", "区"):
        out[lv] = int((level == lv).sum())
    return out


def unit_counts(register: pd.DataFrame, period: Period, units: list[str]) -> pd.Series:
    """Registrations (件次) per unit in ``period``, indexed by ``units`` (0 where none)."""
    r = register.loc[period.contains(register["registered_on"]), "unit"].astype(object)
    return r.value_counts().reindex(units, fill_value=0).astype(np.int64)


def month_unit_matrix(register: pd.DataFrame, year_period: Period, units: list[str],
                      last_month: int = 12) -> pd.DataFrame:
    """Registrations (件次): one row per unit, one column per month 1…``last_month`` (1月 …)."""
    cols = {f"{m}月": unit_counts(register, month_period(year_period, m), units) for m in range(1, last_month + 1)}
    return pd.DataFrame(cols, index=units)


def assessment_by_month(register: pd.DataFrame, year_period: Period, units: list[str], assessment, *,
                        beijing: pd.DataFrame | None = None, last_month: int = 12, cutoff_days: int = 0,
                        due_soon_days: int = 7) -> pd.DataFrame:
    """The 月度考核 score of every unit in every month (rows: units; columns: 1月 …), each month
    computed as its bulletin computes it (cut-off = the month's end + ``cutoff_days``)."""
    from .indicators import compute_all
    from .scoring.assessment import assess

    cols = {}
    for m in range(1, last_month + 1):
        period = month_period(year_period, m)
        _, per_unit = compute_all(register, period, units, beijing=beijing,
                                  cutoff=period.end + dt.timedelta(days=cutoff_days), due_soon_days=due_soon_days)
        cols[f"{m}月"] = assess(assessment, per_unit).set_index("单位")["得分"].reindex(units)
    return pd.DataFrame(cols, index=units)
