"""Computing the catalogue: a validated register and a :class:`~xinfang.periods.Period` in,
:class:`~xinfang.result.Indicator` results out. Pure: no I/O, no plotting, no globals.

A figure is the sum of a measure over the rows of a slice: the district is the sum over all
rows, a unit the sum over its rows (one ``np.bincount``), so the district and every unit come
from one vectorised pass and always agree.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from ..periods import Period
from ..result import Indicator
from .catalogue import CATALOGUE, KEYS
from .measures import (DUE_SOON_DAYS, beijing_measures, campaign_measures, last_registration, overdue_measures,
                       register_measures)

@dataclass
class _Totals:
    """Sums of every measure for the district (``None`` key) and for each unit."""

    district: dict[str, int]
    units: dict[str, dict[str, int]]


def _sum(measures: Mapping[str, np.ndarray], cols: Iterable[str], unit_col: str, categories: pd.Index,
         units: Iterable[str]) -> _Totals:
    """District sums and per-unit sums (``np.bincount`` over the unit codes)."""
    cols = [c for c in cols if c in measures]
    district = {c: int(measures[c].sum()) for c in cols}
    wanted = [(u, categories.get_loc(u) if u in categories else -1) for u in units]
    codes = measures[unit_col]
    valid = codes >= 0
    per_unit: dict[str, dict[str, int]] = {u: {} for u, _ in wanted}
    for c in cols:
        sums = np.bincount(codes[valid], weights=measures[c][valid], minlength=len(categories))
        for u, i in wanted:
            per_unit[u][c] = int(round(sums[i])) if i >= 0 else 0
    return _Totals(district, per_unit)


def _totals(reg: pd.DataFrame, period: Period, campaign: pd.DataFrame | None,
            beijing: pd.DataFrame | None, units: list[str], cutoff: dt.date | None = None,
            due_soon_days: int = DUE_SOON_DAYS) -> _Totals:
    codes, uniques = pd.factorize(reg["matter_id"])
    n = len(uniques)
    cats = reg["unit"].cat.categories
    as_of = np.datetime64(cutoff or period.end, "D")
    m = register_measures(reg, period, codes, n, as_of)
    register_cols = [c for c in m if c not in ("unit", "rep_num", "rep_unit")]
    t = _sum(m, register_cols, "unit", cats, units)
    for extra in (_sum(m, ["rep_num"], "rep_unit", cats, units),
                  _sum(overdue_measures(reg, as_of, due_soon_days), ["od_acc", "od_rep", "ds_rep"], "unit", cats,
                       units)):
        t.district.update(extra.district)
        for u in units:
            t.units[u].update(extra.units[u])
    if campaign is not None:
        last = last_registration(reg, codes, n, as_of)
        index = pd.Series(np.arange(n), index=np.asarray(uniques, dtype=object))
        cm = campaign_measures(campaign, last, index, as_of)
        ct = _sum(cm, [c for c in cm if c != "unit"], "unit", campaign["unit"].cat.categories, units)
        t.district.update(ct.district)
        for u in units:
            t.units[u].update(ct.units[u])
    if beijing is not None:
        bm = beijing_measures(beijing, period)
        bt = _sum(bm, ["bj_persons", "bj_registered"], "unit", beijing["unit"].cat.categories, units)
        t.district.update(bt.district)
        for u in units:
            t.units[u].update(bt.units[u])
    return t


def _ratio(num: int | None, den: int | None) -> float | None:
    if num is None or den is None or den == 0:
        return None
    return num / den


def covers(dates: pd.Series | None, comparison: Period) -> bool:
    """Whether a table's data reach back into the comparison period: its first date is on or
    before the comparison period's end. A comparison period that lies wholly before the first
    date has no data (无可比数据), which is not the same as none happening; one that the data
    begin inside of is compared on what the data hold (a ledger kept from February)."""
    if dates is None or not len(dates):
        return False
    first = dates.min()
    return bool(pd.notna(first) and first.date() <= comparison.end)


def _uncovered(register: pd.DataFrame, beijing: pd.DataFrame | None, comparison: Period) -> set[str]:
    """The sources (``register``, ``beijing``) whose data begin after the comparison period."""
    out = set()
    if not covers(register["registered_on"], comparison):
        out.add("register")
    if beijing is not None and not covers(beijing["date"], comparison):
        out.add("beijing")
    return out


def _results(cur: Mapping[str, int], prev: Mapping[str, int] | None,
             uncovered: set[str] = frozenset()) -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    for s in CATALOGUE:
        num = cur.get(s.numerator)
        den = cur.get(s.denominator) if s.is_rate else None
        caliber = s.caliber
        if num is None:
            missing = {"campaign": "治重化积交办件", "beijing": "进京上访台账"}.get(s.source, "数据")
            caliber = f"{caliber}（未提供{missing}，无法计算）"
        value = _ratio(num, den) if s.is_rate else num
        previous = yoy = None
        comparable = s.source not in uncovered
        if prev is not None and s.source != "campaign" and comparable:
            pn = prev.get(s.numerator)
            previous = _ratio(pn, prev.get(s.denominator)) if s.is_rate else pn
            if s.yoy and previous and value is not None:
                yoy = (value - previous) / previous
        out[s.key] = Indicator(s.key, s.name, value, num if s.is_rate else None, den, s.unit,
                               previous, yoy, caliber, comparable)
    return out


def compute_catalogue(register: pd.DataFrame, period: Period, *, campaign: pd.DataFrame | None = None,
                      beijing: pd.DataFrame | None = None, unit: str | None = None,
                      cutoff: dt.date | None = None, due_soon_days: int = DUE_SOON_DAYS) -> dict[str, Indicator]:
    """Every indicator of the catalogue for the district, or for one unit.

    Parameters
    ----------
    register : a validated 信访事项登记表 (:func:`xinfang.inputs.validate_register`).
    period : the statistical period; the comparison period is ``period.previous()``.
    campaign, beijing : the validated optional tables; without them their indicators are
        present with value ``None`` and a caliber that says the table is missing.
    unit : a unit's official name, or ``None`` for the whole district.
    cutoff : the day handling is judged on (C): due dates, replies, later registrations and
        the overdue keys (``overdue.*``, ``due_soon.reply``); default the period's end. The
        comparison period is always judged at its own end.
    due_soon_days : the window of ``due_soon.reply``: due in [C, C + days].

    Returns
    -------
    dict mapping each key of :data:`KEYS` (in catalogue order) to an :class:`Indicator`.

    Notes
    -----
    Counts carry ``previous`` and ``yoy`` = (value − previous) ÷ previous, ``None`` when the
    previous value is 0. When the register (or the 进京上访台账 for its keys) begins after the
    comparison period (:func:`covers`), ``previous`` and ``yoy`` are ``None`` and ``comparable``
    False: 无可比数据, not a rise from 0. The campaign's 化解 counts only matters resolved by
    the cut-off. Rates carry the comparison period's rate as ``previous`` and no yoy;
    their change is read in 个百分点. See each key's ``caliber`` for its exact rule.
    """
    units = [unit] if unit is not None else []
    cur = _totals(register, period, campaign, beijing, units, cutoff, due_soon_days)
    prev = _totals(register, period.previous(), None, beijing, units)
    uncovered = _uncovered(register, beijing, period.previous())
    if unit is None:
        return _results(cur.district, prev.district, uncovered)
    return _results(cur.units[unit], prev.units[unit], uncovered)


def compute_all(register: pd.DataFrame, period: Period, units: Iterable[str], *,
                campaign: pd.DataFrame | None = None, beijing: pd.DataFrame | None = None,
                cutoff: dt.date | None = None, due_soon_days: int = DUE_SOON_DAYS
                ) -> tuple[dict[str, Indicator], dict[str, dict[str, Indicator]]]:
    """The catalogue for the district and for every unit, in one pass over the register
    (``cutoff`` and ``due_soon_days`` as in :func:`compute_catalogue`)."""
    units = list(units)
    cur = _totals(register, period, campaign, beijing, units, cutoff, due_soon_days)
    prev = _totals(register, period.previous(), None, beijing, units)
    uncovered = _uncovered(register, beijing, period.previous())
    district = _results(cur.district, prev.district, uncovered)
    per_unit = {u: _results(cur.units[u], prev.units[u], uncovered) for u in units}
    return district, per_unit


def units_with_data(register: pd.DataFrame, period: Period) -> list[str]:
    """Units having at least one registration in the period, in register order."""
    inside = period.contains(register["registered_on"])
    present = set(register.loc[inside, "unit"].astype(object))
    return [u for u in register["unit"].cat.categories if u in present]


def unit_frame(per_unit: Mapping[str, Mapping[str, Indicator]], keys: Iterable[str] | None = None) -> pd.DataFrame:
    """Units × indicator values (rates as fractions; undefined → NaN), for tables and xlsx."""
    keys = list(keys or KEYS)
    rows = {u: [ind[k].value if ind[k].value is not None else np.nan for k in keys] for u, ind in per_unit.items()}
    return pd.DataFrame.from_dict(rows, orient="index", columns=keys)


def rank_units(per_unit: Mapping[str, Mapping[str, Indicator]], key: str, *, ascending: bool = False) -> pd.DataFrame:
    """Units ranked by one indicator: columns 名次, 单位, 值 (ties share the best rank;
    undefined values are ranked last, without a rank)."""
    values = pd.Series({u: ind[key].value for u, ind in per_unit.items()}, dtype=float)
    rank = values.rank(method="min", ascending=ascending)
    frame = pd.DataFrame({"单位": values.index, "值": values.to_numpy(), "名次": rank.to_numpy()})
    frame = frame.sort_values(["名次", "单位"], na_position="last", kind="stable").reset_index(drop=True)
    frame["名次"] = frame["名次"].astype("Int64")
    return frame[["名次", "单位", "值"]]


def monthly_counts(register: pd.DataFrame, period: Period, *, level: str | None = None) -> pd.Series:
    """Registrations (件次) by calendar month of 登记日期 within the period, indexed 1–12.

    Days of the period before 1 January of the end year (e.g. 28–31 December when the period
    starts on 28 December) are counted in month 1.
    """
    inside = period.contains(register["registered_on"])
    r = register.loc[inside]
    if level is not None:
        r = r[r["level"] == level]
    dates = r["registered_on"]
    month = np.where(dates.dt.year < period.end.year, 1, dates.dt.month)
    return pd.Series(month).value_counts().reindex(range(1, 13), fill_value=0).sort_index()


def domain_counts(register: pd.DataFrame, period: Period, *, unit: str | None = None) -> pd.Series:
    """Registrations (件次) by 问题领域 within the period, largest first."""
    inside = period.contains(register["registered_on"])
    r = register.loc[inside]
    if unit is not None:
        r = r[r["unit"] == unit]
    counts = r["domain"].astype(object).value_counts()
    return counts.sort_index().sort_values(ascending=False, kind="stable")


def channel_volumes(results: Mapping[str, Indicator]) -> tuple[dict[str, int], dict[str, int]]:
    """(current, previous) national volume by channel, from a catalogue result."""
    keys = {"来信": "national.letters", "来访": "national.visits", "网上信访": "national.online"}
    cur = {k: int(results[v].value or 0) for k, v in keys.items()}
    prev = {k: int(results[v].previous or 0) for k, v in keys.items()}
    return cur, prev
