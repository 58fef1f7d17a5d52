"""The indicator catalogue (指标口径, DESIGN.md §5).

A validated register and a :class:`~xinfang.periods.Period` in, :class:`~xinfang.result.Indicator`
results out. Pure: no I/O, no plotting, no globals.

How it is computed: every registration in the period gets one number per numerator and
denominator ("measures", e.g. ``ta_num`` = 1 when it was accepted in time); a figure is the sum
of a measure over the rows of a slice. The district is the sum over all rows, a unit the sum
over its rows (one ``groupby``), so the district and every unit come from one vectorised pass
and always agree. Checks that look at *other* registrations of the same 信访事项编号 (一次性化解,
重复率, 再次信访) use the whole register, wherever in it the later registration stands.

Notation: R = registrations with 登记日期 in the period; "end" = the period's last day.
Volume (件人次) = count(来信) + count(网上信访) + Σ 人数(来访). A rate whose denominator is 0 is
undefined (value ``None``), never 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from .periods import Period
from .result import Indicator

DAY = np.timedelta64(1, "D")
#: 《信访工作条例》(2022): 15 days to decide acceptance, 60 days to handle.
ACCEPT_DAYS = 15
REPLY_DAYS = 60
GROUP_VISIT_PERSONS = 5


@dataclass(frozen=True)
class Spec:
    """One catalogue entry: how a key is made of measures."""

    key: str
    name: str
    unit: str
    numerator: str
    denominator: str | None = None
    caliber: str = ""
    source: str = "register"  # register | campaign | beijing
    yoy: bool = False

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None


def _campaign_specs(tag: str, label: str, batches: str) -> list[Spec]:
    return [
        Spec(f"campaign.{tag}.assigned", f"治重化积{label}交办件数", "件", f"{tag}_assigned", None,
             f"治重化积交办件中交办批次为{batches}的件数", "campaign"),
        Spec(f"campaign.{tag}.reported", f"治重化积{label}汇报率", "%", f"{tag}_reported", f"{tag}_assigned",
             f"交办批次{batches}中是否汇报=是的件数 ÷ 交办件数", "campaign"),
        Spec(f"campaign.{tag}.resolved", f"治重化积{label}审核化解率", "%", f"{tag}_resolved", f"{tag}_assigned",
             f"交办批次{batches}中审核化解=是的件数 ÷ 交办件数", "campaign"),
        Spec(f"campaign.{tag}.repeated", f"治重化积{label}再次信访率", "%", f"{tag}_repeated", f"{tag}_resolved",
             f"已化解事项中，同一信访事项编号在化解日期之后、统计期末之前（含）又有登记的件数 ÷ 已化解件数",
             "campaign"),
    ]


CATALOGUE: tuple[Spec, ...] = (
    Spec("national.volume", "到国家信访局信访量（件人次）", "件人次", "vol_nat", None,
         "统计期内登记层级为国家的来信件次 + 网上信访件次 + 来访人数之和", yoy=True),
    Spec("national.letters", "到国家信访局来信（件次）", "件次", "letters_nat", None,
         "统计期内登记层级为国家、信访形式为来信的登记件次", yoy=True),
    Spec("national.visits", "到国家信访局来访（人次）", "人次", "visits_nat", None,
         "统计期内登记层级为国家、信访形式为来访的人数之和", yoy=True),
    Spec("national.online", "到国家信访局网上信访（件次）", "件次", "online_nat", None,
         "统计期内登记层级为国家、信访形式为网上信访的登记件次", yoy=True),
    Spec("national.share", "到国家信访局信访量占全区信访总量", "%", "reg_nat", "reg_all",
         "统计期内登记层级为国家的登记件次 ÷ 全部层级的登记件次"),
    Spec("total.registrations", "全区信访总量（件次）", "件次", "reg_all", None,
         "统计期内全部层级、全部形式的登记件次", yoy=True),
    Spec("national.first_demand", "到国家信访局求决类初次信访（件人次）", "件人次", "first_demand_nat", None,
         "统计期内登记层级为国家、信访目的为求决、初重件为初件的信访量（件人次）", yoy=True),
    Spec("handling.timely_acceptance", "及时受理率", "%", "ta_num", "ta_den",
         f"统计期内登记的信访件中，登记后{ACCEPT_DAYS}日内作出受理决定（受理日期）的件数 ÷ "
         f"（已作出决定的件数 + 未作决定且登记后{ACCEPT_DAYS}日已到期的件数）；未到期未决定的不计入"),
    Spec("handling.on_time_reply", "按期答复率", "%", "otr_num", "otr_den",
         f"统计期内登记且办理方式为受理的信访件中，答复日期不晚于受理日期+{REPLY_DAYS}日+延期天数的件数 ÷ "
         "（已答复件数 + 未答复且期限已届满的件数）；未到期未答复的不计入"),
    Spec("handling.participation", "信访事项责任单位参评率", "%", "part_num", "part_den",
         "统计期内登记、统计期末前已答复的信访件中，有评价结果（满意、基本满意、不满意）的件数 ÷ 已答复件数"),
    Spec("handling.satisfaction", "参评满意率", "%", "sat_num", "sat_den",
         "已评价的信访件中，评价结果为满意或基本满意的件数 ÷ 已评价件数"),
    Spec("resolution.demand_first", "求决类初次信访一次性化解率（全系统）", "%", "rdf_num", "rdf_den",
         "统计期内登记、信访目的为求决的初件中统计期末前已答复的件数为分母；其中同一信访事项编号在答复日期后、"
         "统计期末前（含）再无登记的为一次性化解"),
    Spec("resolution.national_online_first", "到国家信访局初次网信一次性化解率（全类别）", "%", "rno_num", "rno_den",
         "同上，范围为登记层级为国家、信访形式为网上信访的初件（全部信访目的）"),
    Spec("resolution.national_letters_first", "到国家信访局初次来信一次性化解率（全类别）", "%", "rnl_num", "rnl_den",
         "同上，范围为登记层级为国家、信访形式为来信的初件（全部信访目的）"),
    Spec("repeat.national_letters", "到国家信访局来信重复率", "%", "rep_num", "rep_den",
         "统计期内到国家信访局来信的重件中，信访事项编号属于统计期内到国家信访局来信初件的件数 ÷ "
         "统计期内到国家信访局来信初件数（可超过100%）"),
    Spec("visits.city_group_batches", "到市集访（批次）", "批次", "cg_batches", None,
         f"统计期内登记层级为市、人数不少于{GROUP_VISIT_PERSONS}人的来访批次"),
    Spec("visits.city_group_persons", "到市集访（人次）", "人次", "cg_persons", None,
         f"统计期内登记层级为市、人数不少于{GROUP_VISIT_PERSONS}人的来访人数之和"),
    Spec("visits.city_individual_batches", "到市个访（批次）", "批次", "ci_batches", None,
         f"统计期内登记层级为市、人数少于{GROUP_VISIT_PERSONS}人的来访批次"),
    Spec("visits.city_individual_persons", "到市个访（人次）", "人次", "ci_persons", None,
         f"统计期内登记层级为市、人数少于{GROUP_VISIT_PERSONS}人的来访人数之和"),
    *_campaign_specs("b12", "第一、二批", "1或2"),
    *_campaign_specs("b3", "第三批", "3"),
    Spec("beijing.persons", "进京上访人次", "人次", "bj_persons", None,
         "进京上访台账中日期在统计期内的人数之和", "beijing", yoy=True),
    Spec("beijing.registered", "进京上访在国家信访局登记人次", "人次", "bj_registered", None,
         "进京上访台账中日期在统计期内、是否登记为是的人数之和", "beijing", yoy=True),
)
SPECS: dict[str, Spec] = {s.key: s for s in CATALOGUE}
KEYS: tuple[str, ...] = tuple(SPECS)


def _last_registration(reg: pd.DataFrame, codes: np.ndarray, n_matters: int, end: np.datetime64) -> np.ndarray:
    """Per matter code: the latest 登记日期 on or before ``end`` anywhere in the register (NaT if none)."""
    dates = reg["registered_on"].to_numpy(dtype="datetime64[D]")
    keep = dates <= end
    last = np.full(n_matters, np.datetime64("NaT"), dtype="datetime64[D]")
    if keep.any():
        s = pd.Series(dates[keep]).groupby(codes[keep]).max()
        last[s.index.to_numpy()] = s.to_numpy(dtype="datetime64[D]")
    return last


def _later_registration(last: np.ndarray, codes: np.ndarray, after: np.ndarray) -> np.ndarray:
    """True where the matter has a registration dated in (``after``, end] (NaT after → False)."""
    lr = last[codes]
    return (~np.isnat(lr)) & (~np.isnat(after)) & (lr > after)


def _is(column: pd.Series, value: str) -> np.ndarray:
    """Row mask ``column == value`` for a Categorical column, compared on codes."""
    cats = column.cat.categories
    if value not in cats:
        return np.zeros(len(column), dtype=bool)
    return column.cat.codes.to_numpy() == cats.get_loc(value)


def _register_measures(reg: pd.DataFrame, period: Period, codes: np.ndarray, n_matters: int) -> pd.DataFrame:
    """One row per registration in the period; one column per numerator or denominator."""
    dates_all = reg["registered_on"].to_numpy(dtype="datetime64[D]")
    inside = (dates_all >= period.start64) & (dates_all <= period.end64)
    code = codes[inside]
    end = period.end64
    last = _last_registration(reg, codes, n_matters, end)

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
    again = _later_registration(last, code, np.where(replied_by_end, rep_d, np.datetime64("NaT")))

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


def _campaign_measures(campaign: pd.DataFrame, last: np.ndarray, matter_index: Mapping[str, int]) -> pd.DataFrame:
    codes = campaign["matter_id"].map(matter_index).to_numpy(dtype=float)
    known = ~np.isnan(codes)
    resolved_on = campaign["resolved_on"].to_numpy(dtype="datetime64[D]")
    again = np.zeros(len(campaign), dtype=bool)
    if known.any():
        again[known] = _later_registration(last, codes[known].astype(np.int64), resolved_on[known])
    resolved = campaign["resolved"].to_numpy(dtype=bool)
    reported = campaign["reported"].to_numpy(dtype=bool)
    batch = campaign["batch"].to_numpy()
    out = {"unit": campaign["unit"].cat.codes.to_numpy()}
    for tag, sel in (("b12", np.isin(batch, [1, 2])), ("b3", batch == 3)):
        out[f"{tag}_assigned"] = sel.astype(np.int64)
        out[f"{tag}_reported"] = (sel & reported).astype(np.int64)
        out[f"{tag}_resolved"] = (sel & resolved).astype(np.int64)
        out[f"{tag}_repeated"] = (sel & resolved & again).astype(np.int64)
    return out


def _beijing_measures(beijing: pd.DataFrame, period: Period) -> pd.DataFrame:
    inside = period.contains(beijing["date"])
    persons = beijing["persons"].to_numpy(dtype=np.int64)[inside]
    registered = beijing["registered"].to_numpy(dtype=bool)[inside]
    return {"unit": beijing["unit"].cat.codes.to_numpy()[inside], "bj_persons": persons,
            "bj_registered": np.where(registered, persons, 0)}


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
            beijing: pd.DataFrame | None, units: list[str]) -> _Totals:
    codes, uniques = pd.factorize(reg["matter_id"])
    n = len(uniques)
    cats = reg["unit"].cat.categories
    m = _register_measures(reg, period, codes, n)
    register_cols = [c for c in m if c not in ("unit", "rep_num", "rep_unit")]
    t = _sum(m, register_cols, "unit", cats, units)
    rep = _sum(m, ["rep_num"], "rep_unit", cats, units)
    t.district.update(rep.district)
    for u in units:
        t.units[u].update(rep.units[u])
    if campaign is not None:
        last = _last_registration(reg, codes, n, period.end64)
        index = pd.Series(np.arange(n), index=np.asarray(uniques, dtype=object))
        cm = _campaign_measures(campaign, last, index)
        ct = _sum(cm, [c for c in cm if c != "unit"], "unit", campaign["unit"].cat.categories, units)
        t.district.update(ct.district)
        for u in units:
            t.units[u].update(ct.units[u])
    if beijing is not None:
        bm = _beijing_measures(beijing, period)
        bt = _sum(bm, ["bj_persons", "bj_registered"], "unit", beijing["unit"].cat.categories, units)
        t.district.update(bt.district)
        for u in units:
            t.units[u].update(bt.units[u])
    return t


def _ratio(num: int | None, den: int | None) -> float | None:
    if num is None or den is None or den == 0:
        return None
    return num / den


def _results(cur: Mapping[str, int], prev: Mapping[str, int] | None) -> dict[str, Indicator]:
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
        if prev is not None and s.source != "campaign":
            pn = prev.get(s.numerator)
            previous = _ratio(pn, prev.get(s.denominator)) if s.is_rate else pn
            if s.yoy and previous and value is not None:
                yoy = (value - previous) / previous
        out[s.key] = Indicator(s.key, s.name, value, num if s.is_rate else None, den, s.unit,
                               previous, yoy, caliber)
    return out


def compute_catalogue(register: pd.DataFrame, period: Period, *, campaign: pd.DataFrame | None = None,
                      beijing: pd.DataFrame | None = None, unit: str | None = None) -> dict[str, Indicator]:
    """Every indicator of the catalogue for the district, or for one unit.

    Parameters
    ----------
    register : a validated 信访事项登记表 (:func:`xinfang.schema.validate_register`).
    period : the statistical period; the comparison period is ``period.previous()``.
    campaign, beijing : the validated optional tables; without them their indicators are
        present with value ``None`` and a caliber that says the table is missing.
    unit : a unit's official name, or ``None`` for the whole district.

    Returns
    -------
    dict mapping each key of :data:`KEYS` (in catalogue order) to an :class:`Indicator`.

    Notes
    -----
    Counts carry ``previous`` and ``yoy`` = (value − previous) ÷ previous, ``None`` when the
    previous value is 0. Rates carry the comparison period's rate as ``previous`` and no yoy;
    their change is read in 个百分点. See each key's ``caliber`` for its exact rule.
    """
    units = [unit] if unit is not None else []
    cur = _totals(register, period, campaign, beijing, units)
    prev = _totals(register, period.previous(), None, beijing, units)
    if unit is None:
        return _results(cur.district, prev.district)
    return _results(cur.units[unit], prev.units[unit])


def compute_all(register: pd.DataFrame, period: Period, units: Iterable[str], *,
                campaign: pd.DataFrame | None = None, beijing: pd.DataFrame | None = None
                ) -> tuple[dict[str, Indicator], dict[str, dict[str, Indicator]]]:
    """The catalogue for the district and for every unit, in one pass over the register."""
    units = list(units)
    cur = _totals(register, period, campaign, beijing, units)
    prev = _totals(register, period.previous(), None, beijing, units)
    district = _results(cur.district, prev.district)
    per_unit = {u: _results(cur.units[u], prev.units[u]) for u in units}
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
