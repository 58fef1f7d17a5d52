"""The measures of the indicator catalogue: one number per registration (or campaign / ledger row).

How it is computed: every registration in the period gets one number per numerator and
denominator (a :class:`Measure`, e.g. :attr:`Measure.TA_NUM` = 1 when it was accepted in time);
a figure is the sum of a measure over the rows of a slice (see :mod:`xinfang.indicators.compute`).
Checks that look at *other* registrations of the same 信访事项编号 (一次性化解, 重复率, 再次信访)
use the whole register, wherever in it the later registration stands.

Pure and vectorised: validated frames in, one numpy array per measure out.
"""
from __future__ import annotations

from enum import Enum
from typing import Mapping

import numpy as np
import pandas as pd

from ..periods import Period

DAY = np.timedelta64(1, "D")
#: 《信访工作条例》(2022): 15 days to decide acceptance, 60 days to handle.
ACCEPT_DAYS = 15
REPLY_DAYS = 60
GROUP_VISIT_PERSONS = 5
#: 即将到期: a reply due within this many days after the cut-off (params ``bulletin.due_soon_days``).
DUE_SOON_DAYS = 7


class Measure(str, Enum):
    """Every numerator and denominator the measure functions produce.

    A catalogue :class:`~xinfang.indicators.catalogue.Spec` refers to a member, never to a bare
    string, so a misspelt measure fails at import instead of giving "no data". The value is the
    column name in the arrays returned by :func:`register_measures`, :func:`campaign_measures`
    and :func:`beijing_measures`.
    """

    VOL_NAT = "vol_nat"
    LETTERS_NAT = "letters_nat"
    VISITS_NAT = "visits_nat"
    ONLINE_NAT = "online_nat"
    REG_NAT = "reg_nat"
    REG_ALL = "reg_all"
    FIRST_DEMAND_NAT = "first_demand_nat"
    TA_NUM = "ta_num"
    TA_DEN = "ta_den"
    OTR_NUM = "otr_num"
    OTR_DEN = "otr_den"
    PART_NUM = "part_num"
    PART_DEN = "part_den"
    SAT_NUM = "sat_num"
    SAT_DEN = "sat_den"
    RDF_NUM = "rdf_num"
    RDF_DEN = "rdf_den"
    RNO_NUM = "rno_num"
    RNO_DEN = "rno_den"
    RNL_NUM = "rnl_num"
    RNL_DEN = "rnl_den"
    REP_NUM = "rep_num"
    REP_DEN = "rep_den"
    CG_BATCHES = "cg_batches"
    CG_PERSONS = "cg_persons"
    CI_BATCHES = "ci_batches"
    CI_PERSONS = "ci_persons"
    B12_ASSIGNED = "b12_assigned"
    B12_REPORTED = "b12_reported"
    B12_RESOLVED = "b12_resolved"
    B12_REPEATED = "b12_repeated"
    B3_ASSIGNED = "b3_assigned"
    B3_REPORTED = "b3_reported"
    B3_RESOLVED = "b3_resolved"
    B3_REPEATED = "b3_repeated"
    BJ_PERSONS = "bj_persons"
    BJ_REGISTERED = "bj_registered"
    OD_ACC = "od_acc"
    OD_REP = "od_rep"
    DS_REP = "ds_rep"

    def __str__(self) -> str:
        return self.value

    @property
    def source(self) -> str:
        """The table the measure is computed from: ``register``, ``campaign`` or ``beijing``."""
        if self.value.startswith(("b12_", "b3_")):
            return "campaign"
        if self.value.startswith("bj_"):
            return "beijing"
        return "register"


def last_registration(reg: pd.DataFrame, codes: np.ndarray, n_matters: int, end: np.datetime64) -> np.ndarray:
    """Per matter code: the latest 登记日期 on or before ``end`` anywhere in the register (NaT if none)."""
    dates = reg["registered_on"].to_numpy(dtype="datetime64[D]")
    keep = dates <= end
    last = np.full(n_matters, np.datetime64("NaT"), dtype="datetime64[D]")
    if keep.any():
        s = pd.Series(dates[keep]).groupby(codes[keep]).max()
        last[s.index.to_numpy()] = s.to_numpy(dtype="datetime64[D]")
    return last


def later_registration(last: np.ndarray, codes: np.ndarray, after: np.ndarray) -> np.ndarray:
    """True where the matter has a registration dated in (``after``, end] (NaT after → False)."""
    lr = last[codes]
    return (~np.isnat(lr)) & (~np.isnat(after)) & (lr > after)


def _is(column: pd.Series, value: str) -> np.ndarray:
    """Row mask ``column == value`` for a Categorical column, compared on codes."""
    cats = column.cat.categories
    if value not in cats:
        return np.zeros(len(column), dtype=bool)
    return column.cat.codes.to_numpy() == cats.get_loc(value)


def register_measures(reg: pd.DataFrame, period: Period, codes: np.ndarray, n_matters: int,
                      as_of: np.datetime64 | None = None) -> pd.DataFrame:
    """One row per registration in the period; one column per numerator or denominator.

    ``as_of`` is the day the handling is judged on (due dates, replies, later registrations):
    the period's end unless a cut-off is given.
    """
    dates_all = reg["registered_on"].to_numpy(dtype="datetime64[D]")
    inside = (dates_all >= period.start64) & (dates_all <= period.end64)
    code = codes[inside]
    end = period.end64 if as_of is None else as_of
    last = last_registration(reg, codes, n_matters, end)

    def col(name, value):
        return _is(reg[name], value)[inside]

    persons = reg["persons"].to_numpy(dtype=np.int64)[inside]
    reg_d = dates_all[inside]
    acc_d = reg["accepted_on"].to_numpy(dtype="datetime64[D]")[inside]
    rep_d = reg["replied_on"].to_numpy(dtype="datetime64[D]")[inside]
    ext = reg["extension_days"].to_numpy(dtype=np.int64)[inside]
    first = col("first_or_repeat", "初件")
    repeat = col("first_or_repeat", "重件")
    nat = col("level", "国家")
    city = col("level", "市")
    letter = col("channel", "来信")
    visit = col("channel", "来访")
    online = col("channel", "网上信访")
    demand = col("purpose", "求决")
    volume = np.where(visit, persons, 1)

    decided = ~np.isnat(acc_d)
    timely = decided & (acc_d - reg_d <= ACCEPT_DAYS * DAY)
    late_acc = (decided & ~timely) | (~decided & (reg_d + ACCEPT_DAYS * DAY <= end))

    accepted = col("decision", "受理")
    replied = ~np.isnat(rep_d)
    due = acc_d + (REPLY_DAYS + ext) * DAY
    on_time = accepted & replied & (rep_d <= due)
    late_rep = accepted & ((replied & (rep_d > due)) | (~replied & (due <= end)))

    replied_by_end = replied & (rep_d <= end)
    evaluated = replied_by_end & (reg["evaluation"].cat.codes.to_numpy()[inside] >= 0)
    satisfied = evaluated & (col("evaluation", "满意") | col("evaluation", "基本满意"))
    again = later_registration(last, code, np.where(replied_by_end, rep_d, np.datetime64("NaT")))

    def resolution(scope):
        den = scope & first & replied_by_end
        return den & ~again, den

    rdf_num, rdf_den = resolution(demand)
    rno_num, rno_den = resolution(nat & online)
    rnl_num, rnl_den = resolution(nat & letter)

    group = city & visit & (persons >= GROUP_VISIT_PERSONS)
    individual = city & visit & (persons < GROUP_VISIT_PERSONS)
    unit_codes = reg["unit"].cat.codes.to_numpy()[inside]
    i64 = np.int64
    m = {
        "unit": unit_codes,
        "vol_nat": np.where(nat, volume, 0),
        "letters_nat": (nat & letter).astype(i64),
        "visits_nat": np.where(nat & visit, persons, 0),
        "online_nat": (nat & online).astype(i64),
        "reg_nat": nat.astype(i64),
        "reg_all": np.ones(len(code), dtype=i64),
        "first_demand_nat": np.where(nat & demand & first, volume, 0),
        "ta_num": timely.astype(i64), "ta_den": (timely | late_acc).astype(i64),
        "otr_num": on_time.astype(i64), "otr_den": (on_time | late_rep).astype(i64),
        "part_num": evaluated.astype(i64), "part_den": replied_by_end.astype(i64),
        "sat_num": satisfied.astype(i64), "sat_den": evaluated.astype(i64),
        "rdf_num": rdf_num.astype(i64), "rdf_den": rdf_den.astype(i64),
        "rno_num": rno_num.astype(i64), "rno_den": rno_den.astype(i64),
        "rnl_num": rnl_num.astype(i64), "rnl_den": rnl_den.astype(i64),
        "rep_den": (nat & letter & first).astype(i64),
        "cg_batches": group.astype(i64), "cg_persons": np.where(group, persons, 0),
        "ci_batches": individual.astype(i64), "ci_persons": np.where(individual, persons, 0),
    }
    # 重复率: N = 重件 national letters in R whose matter is among D's matters (D = 初件 national
    # letters in R); each counted under the unit of that 初件 (the matter's owner in D).
    d_mask = m["rep_den"] == 1
    owner = np.full(n_matters, -1, dtype=np.int64)
    # first D row of each matter owns it (assign in reverse so the earliest row wins)
    owner[code[d_mask][::-1]] = unit_codes[d_mask][::-1]
    n_mask = nat & letter & repeat & (owner[code] >= 0) if n_matters else np.zeros(len(code), dtype=bool)
    m["rep_num"] = n_mask.astype(i64)
    m["rep_unit"] = np.where(n_mask, owner[code] if n_matters else -1, unit_codes)
    return m


def campaign_measures(campaign: pd.DataFrame, last: np.ndarray, matter_index: Mapping[str, int],
                      as_of: np.datetime64 | None = None) -> pd.DataFrame:
    """Per campaign row: assigned, reported, resolved and repeated by batch group. A matter
    resolved after ``as_of`` (the period's end or the cut-off) is not resolved yet in it."""
    codes = campaign["matter_id"].map(matter_index).to_numpy(dtype=float)
    known = ~np.isnan(codes)
    resolved_on = campaign["resolved_on"].to_numpy(dtype="datetime64[D]")
    again = np.zeros(len(campaign), dtype=bool)
    if known.any():
        again[known] = later_registration(last, codes[known].astype(np.int64), resolved_on[known])
    resolved = campaign["resolved"].to_numpy(dtype=bool)
    if as_of is not None:
        resolved = resolved & ~(resolved_on > as_of)  # NaT compares False: a resolved row without a date stays
    reported = campaign["reported"].to_numpy(dtype=bool)
    batch = campaign["batch"].to_numpy()
    out = {"unit": campaign["unit"].cat.codes.to_numpy()}
    for tag, sel in (("b12", np.isin(batch, [1, 2])), ("b3", batch == 3)):
        out[f"{tag}_assigned"] = sel.astype(np.int64)
        out[f"{tag}_reported"] = (sel & reported).astype(np.int64)
        out[f"{tag}_resolved"] = (sel & resolved).astype(np.int64)
        out[f"{tag}_repeated"] = (sel & resolved & again).astype(np.int64)
    return out


def beijing_measures(beijing: pd.DataFrame, period: Period) -> pd.DataFrame:
    inside = period.contains(beijing["date"])
    persons = beijing["persons"].to_numpy(dtype=np.int64)[inside]
    registered = beijing["registered"].to_numpy(dtype=bool)[inside]
    return {"unit": beijing["unit"].cat.codes.to_numpy()[inside], "bj_persons": persons,
            "bj_registered": np.where(registered, persons, 0)}


def overdue_frame(reg: pd.DataFrame, cutoff: np.datetime64, due_soon_days: int = DUE_SOON_DAYS) -> pd.DataFrame:
    """Every registration's standing at the cut-off C, whatever the period it was registered in.

    Columns ``od_acc`` / ``od_rep`` / ``ds_rep`` (booleans) and ``due`` (the date the acceptance
    or the reply was due; NaT when neither is pending).

    Notes
    -----
    Time limits of 《信访工作条例》(2022), docs/architecture.md §4 (a case due exactly on C is not overdue):

    * 超期未受理: 登记日期 ≤ C, no 受理日期 ≤ C, and 登记日期 + 15 days < C;
    * 超期未答复: 办理方式 = 受理, 受理日期 ≤ C, no 答复日期 ≤ C, and 受理日期 + 60 + 延期天数 days < C;
    * 即将到期: accepted as above, no 答复日期 ≤ C, reply due in [C, C + ``due_soon_days``].
    """
    c = np.datetime64(cutoff, "D")
    reg_d = reg["registered_on"].to_numpy(dtype="datetime64[D]")
    acc_d = reg["accepted_on"].to_numpy(dtype="datetime64[D]")
    rep_d = reg["replied_on"].to_numpy(dtype="datetime64[D]")
    ext = reg["extension_days"].to_numpy(dtype=np.int64)
    known = ~np.isnat(reg_d) & (reg_d <= c)
    decided = ~np.isnat(acc_d) & (acc_d <= c)
    acc_due = reg_d + ACCEPT_DAYS * DAY
    od_acc = known & ~decided & (acc_due < c)
    open_reply = known & _is(reg["decision"], "受理") & decided & ~(~np.isnat(rep_d) & (rep_d <= c))
    rep_due = acc_d + (REPLY_DAYS + ext) * DAY
    od_rep = open_reply & (rep_due < c)
    ds_rep = open_reply & (rep_due >= c) & (rep_due <= c + int(due_soon_days) * DAY)
    due = np.where(od_acc, acc_due, np.where(od_rep | ds_rep, rep_due, np.datetime64("NaT")))
    return pd.DataFrame({"od_acc": od_acc, "od_rep": od_rep, "ds_rep": ds_rep,
                         "due": due.astype("datetime64[ns]")}, index=reg.index)


def overdue_measures(reg: pd.DataFrame, cutoff: np.datetime64, due_soon_days: int = DUE_SOON_DAYS) -> dict:
    """The counts of :func:`overdue_frame` as measures (one row per registration, all periods)."""
    f = overdue_frame(reg, cutoff, due_soon_days)
    return {"unit": reg["unit"].cat.codes.to_numpy(), "od_acc": f["od_acc"].to_numpy(dtype=np.int64),
            "od_rep": f["od_rep"].to_numpy(dtype=np.int64), "ds_rep": f["ds_rep"].to_numpy(dtype=np.int64)}
