"""The cases behind an indicator (追溯到信访件): which registrations make a figure, and why.

:func:`case_list` answers "which 58 registrations?": for a catalogue key (and optionally a
unit) it lists every case of the denominator of a rate, or every case counted by a count, with
a column saying whether the case counts in the numerator and a short Chinese reason.

It reuses the measures of :mod:`xinfang.indicators.measures` for *whether* a case counts, so the
list and the catalogue cannot disagree: the cases marked 是否计入分子 = 是 add up to the
catalogue's numerator (a count: Σ 计入数 = its value) and the cases marked 是否计入分母 = 是 to
its denominator, for the district and for every unit. The reasons restate the caliber with the
case's own dates.

Pure: validated frames in, a :class:`CaseList` out; no I/O. The validated register carries no
personal data (信访人, 证件号码, 联系电话, 住址 are dropped at load) and the free-text 诉求摘要
is never listed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from ..errors import ParameterError
from ..periods import Period
from .catalogue import BUDGET_KEYS, KEYS, SPECS, Spec
from .measures import (ACCEPT_DAYS, DAY, DUE_SOON_DAYS, GROUP_VISIT_PERSONS, REPLY_DAYS, Measure,
                       beijing_measures, campaign_measures, last_registration, register_measures)

from .case_columns import (BASE as _BASE, FORBIDDEN_COLUMNS, IN_DENOMINATOR, IN_NUMERATOR, NO,  # noqa: F401
                           REASON, WEIGHT, YES, dates as _dates)
from .cutoff import cutoff_cases


@dataclass(frozen=True)
class CaseList:
    """The cases behind one indicator, for the district (``unit=None``) or one unit.

    ``frame`` has one row per case (a register row, a 治重化积交办件 or a 进京上访台账 row) and
    the columns 是否计入分子 and 说明; a rate also 是否计入分母, a count 计入数 (1, or 人数 where
    the caliber counts persons).
    """

    key: str
    name: str
    unit: str | None
    period: Period
    source: str  # register | campaign | beijing
    is_rate: bool
    frame: pd.DataFrame
    cutoff: dt.date | None = None  # the cut-off of an overdue or due-soon count (CUTOFF_KEYS)

    @property
    def numerator(self) -> int:
        """Cases in the numerator (a count: Σ 计入数)."""
        counted = self.frame[IN_NUMERATOR] == YES
        if self.is_rate:
            return int(counted.sum())
        return int(self.frame.loc[counted, WEIGHT].sum())

    @property
    def denominator(self) -> int | None:
        """Cases in the denominator (``None`` for a count)."""
        return int((self.frame[IN_DENOMINATOR] == YES).sum()) if self.is_rate else None

    @property
    def value(self) -> float | int | None:
        """numerator ÷ denominator for a rate (``None`` when the denominator is 0), else the count."""
        if not self.is_rate:
            return self.numerator
        return self.numerator / self.denominator if self.denominator else None

    def summary(self) -> str:
        """One line: what the list is and how it adds up."""
        who = self.unit or "全区"
        if self.is_rate:
            return (f"{self.name}（{self.key}），{who}，{self.period.label}：分母 {self.denominator} 件，"
                    f"计入分子 {self.numerator} 件，列出 {len(self.frame)} 行")
        when = f"截至{self.cutoff.year}年{self.cutoff.month}月{self.cutoff.day}日" if self.cutoff else self.period.label
        return (f"{self.name}（{self.key}），{who}，{when}：共 {self.numerator}，"
                f"列出 {len(self.frame)} 行（计入数之和）")


#: Counted at a cut-off date over every registration, whatever its period: :func:`case_list`
#: lists them as of a ``cutoff`` (the 超期件清单 of the monthly bulletin holds the same cases).
CUTOFF_KEYS = ("overdue.acceptance", "overdue.reply", "due_soon.reply")


def case_keys() -> tuple[str, ...]:
    """The keys :func:`case_list` lists for a period: every key of the catalogue but the cut-off
    counts (:data:`CUTOFF_KEYS`), which it lists as of a ``cutoff``."""
    return tuple(k for k in KEYS if k not in CUTOFF_KEYS)


def check_key(key: str, *, cutoff: bool = False) -> None:
    """Raise :class:`ParameterError` unless :func:`case_list` can list ``key`` (the message
    lists the keys it can); a cut-off count (:data:`CUTOFF_KEYS`) needs a ``cutoff``, and only
    those take one."""
    if key in BUDGET_KEYS:
        raise ParameterError(f"指标「{key}」由预算执行表计算，不是按信访件计算的，没有案件清单 / "
                             f"{key} comes from the budget table and is not case-based "
                             f"(可用 / valid: {', '.join(KEYS)})")
    if key not in SPECS:
        raise ParameterError(f"没有指标「{key}」/ unknown indicator key (可用 / valid: {', '.join(KEYS)})")
    if key in CUTOFF_KEYS and not cutoff:
        raise ParameterError(f"指标「{key}」按截止日统计，请给出截止日 --cutoff YYYY-MM-DD / {key} is counted at a "
                             f"cut-off date: give --cutoff YYYY-MM-DD")
    if cutoff and key not in CUTOFF_KEYS:
        raise ParameterError(f"--cutoff 只用于按截止日统计的指标（{'、'.join(CUTOFF_KEYS)}）/ --cutoff goes with "
                             f"the cut-off counts only ({', '.join(CUTOFF_KEYS)})")


def case_list(register: pd.DataFrame, period: Period, key: str, *, unit: str | None = None,
              campaign: pd.DataFrame | None = None, beijing: pd.DataFrame | None = None,
              cutoff: dt.date | None = None, due_soon_days: int = DUE_SOON_DAYS) -> CaseList:
    """The cases behind indicator ``key`` in ``period``, for the district or one unit.

    Parameters
    ----------
    register : the validated 信访事项登记表 (:func:`xinfang.inputs.validate_register`).
    period : the statistical period.
    key : a catalogue key (:data:`~xinfang.indicators.catalogue.KEYS`).
    unit : a unit's official name; ``None`` for the district.
    campaign, beijing : the validated optional tables, needed by the ``campaign.*`` and
        ``beijing.*`` keys (their lists are rows of those tables, not registrations).
    cutoff, due_soon_days : the cut-off date C of ``overdue.*`` and ``due_soon.reply`` (required
        for them, refused for the others) and the due-soon window, as the catalogue takes them.

    Returns
    -------
    CaseList
        Rows sorted by date (``repeat.national_letters``: by 信访事项编号, so a 初件 stands
        beside its 重件).

    Raises
    ------
    ParameterError
        An unknown key (the message lists the keys), a budget key (not case-based), or a
        ``campaign.*`` / ``beijing.*`` key without its table.

    Notes
    -----
    * A rate lists every case of its denominator, marked 是否计入分母 = 是, and 是否计入分子
      says whether it is in the numerator. ``repeat.national_letters`` is the one rate whose
      numerator cases are not denominator cases: its 重件 rows are listed too (是否计入分母 =
      否); a 重件 counts for the unit of its matter's 初件 in the period, wherever it was
      registered.
    * A count lists the cases it counts, each with its 计入数 (1 per letter or online petition,
      人数 per visit where the caliber counts persons).
    * A later registration of the same 信访事项编号 (一次性化解, 再次信访) is looked for in the
      whole register, whatever unit it stands under, as the catalogue does.
    """
    check_key(key, cutoff=cutoff is not None)
    spec = SPECS[key]
    if key in CUTOFF_KEYS:
        return CaseList(key, spec.name, unit, period, spec.source, spec.is_rate,
                        cutoff_cases(spec, register, cutoff, due_soon_days, unit), cutoff)
    if spec.source == "campaign":
        if campaign is None:
            raise ParameterError(f"未提供治重化积交办件，无法列出「{key}」的交办件 / no campaign table for {key}")
        frame = _campaign_cases(spec, campaign, register, period, unit)
    elif spec.source == "beijing":
        if beijing is None:
            raise ParameterError(f"未提供进京上访台账，无法列出「{key}」的台账记录 / no Beijing ledger for {key}")
        frame = _beijing_cases(spec, beijing, period, unit)
    else:
        frame = _register_cases(spec, register, period, unit)
    return CaseList(key, spec.name, unit, period, spec.source, spec.is_rate, frame)


# ---------------------------------------------------------------------------------------------
# the register


def _iso(value: np.datetime64) -> str:
    return str(value.astype("datetime64[D]"))


@dataclass
class _Rows:
    """The registrations of the period, as arrays aligned with the measures."""

    rows: pd.DataFrame
    period: Period
    register: pd.DataFrame
    codes: np.ndarray  # matter code of every register row
    inside: np.ndarray  # mask of the register rows in the period

    def col(self, name: str) -> np.ndarray:
        return self.rows[name].to_numpy()

    def date(self, name: str) -> np.ndarray:
        return self.rows[name].to_numpy(dtype="datetime64[D]")


#: a reason builder: the period's rows and the selection → (extra columns, reasons) for the selection
_Builder = Callable[[_Rows, np.ndarray], tuple[dict[str, object], list[str]]]


def _register_cases(spec: Spec, register: pd.DataFrame, period: Period, unit: str | None) -> pd.DataFrame:
    codes, uniques = pd.factorize(register["matter_id"])
    m = register_measures(register, period, codes, len(uniques))
    inside = period.contains(register["registered_on"])
    ctx = _Rows(register.loc[inside], period, register, codes, inside)
    cats = register["unit"].cat.categories
    ucode = (cats.get_loc(unit) if unit in cats else -2) if unit is not None else None

    num = m[spec.numerator.value]
    num_unit = m["rep_unit"] if spec.numerator is Measure.REP_NUM else m["unit"]
    in_num = (num > 0) & ((num_unit == ucode) if ucode is not None else True)
    if spec.is_rate:
        den = m[spec.denominator.value]
        in_den = (den > 0) & ((m["unit"] == ucode) if ucode is not None else True)
        select = in_den | in_num
    else:
        in_den = None
        select = in_num
    builder = _BUILDERS[spec.numerator]
    extras, reasons = builder(ctx, select)

    sel = ctx.rows.loc[select]
    frame = pd.DataFrame({_BASE["case_id"]: sel["case_id"].astype(str).to_numpy(),
                          _BASE["registered_on"]: _dates(sel["registered_on"].to_numpy(dtype="datetime64[D]"))})
    dated = {k: v for k, v in extras.items() if k.endswith(("日期", "期限"))}
    for k, v in dated.items():
        frame[k] = v
    for col in ("unit", "channel", "level", "domain", "purpose", "first_or_repeat"):
        frame[_BASE[col]] = sel[col].astype(object).to_numpy()
    for k, v in extras.items():
        if k not in dated:
            frame[k] = v
    if spec.is_rate:
        frame[IN_DENOMINATOR] = np.where(in_den[select], YES, NO)
    else:
        frame[WEIGHT] = num[select].astype(np.int64)
    frame[IN_NUMERATOR] = np.where(in_num[select], YES, NO)
    frame[REASON] = reasons
    order = ["信访事项编号", "登记日期", "信访件编号"] if spec.numerator is Measure.REP_NUM else ["登记日期", "信访件编号"]
    return frame.sort_values(order, kind="stable").reset_index(drop=True)


def _persons_volume(label: str, unit_word: Callable[[str, int], str]) -> _Builder:
    """Counts: 人数 and a reason naming the slice and what the case adds."""
    def build(ctx: _Rows, select: np.ndarray):
        persons = ctx.col("persons")[select]
        channel = ctx.rows["channel"].astype(object).to_numpy()[select]
        level = ctx.rows["level"].astype(object).to_numpy()[select]
        reasons = [unit_word(c, int(p)).format(label=label, level=lv, channel=c, p=int(p))
                   for c, p, lv in zip(channel, persons, level)]
        return {"人数": persons.astype(np.int64)}, reasons
    return build


def _volume_word(channel: str, persons: int) -> str:
    return "{label}{channel}，按人数计 {p} 人次" if channel == "来访" else "{label}{channel}，计 1 件次"


_national_volume = _persons_volume("国家层级", _volume_word)
_first_demand = _persons_volume("国家层级求决类初件，", _volume_word)
_letters = _persons_volume("", lambda c, p: "登记层级为国家的来信，计 1 件次")
_visits = _persons_volume("", lambda c, p: "登记层级为国家的来访，按人数计 {p} 人次")
_online = _persons_volume("", lambda c, p: "登记层级为国家的网上信访，计 1 件次")
_all = _persons_volume("", lambda c, p: "统计期内登记（{level}），计 1 件次")
_group = _persons_volume("", lambda c, p: f"到市来访 {{p}} 人（不少于 {GROUP_VISIT_PERSONS} 人，集访）")
_individual = _persons_volume("", lambda c, p: f"到市来访 {{p}} 人（少于 {GROUP_VISIT_PERSONS} 人，个访）")


def _share(ctx: _Rows, select: np.ndarray):
    level = ctx.rows["level"].astype(object).to_numpy()[select]
    return {}, ["登记层级为国家" if lv == "国家" else f"登记层级为{lv}，不是国家" for lv in level]


def _timely(ctx: _Rows, select: np.ndarray):
    reg, acc = ctx.date("registered_on")[select], ctx.date("accepted_on")[select]
    days = [None if np.isnat(a) else int((a - r) / DAY) for r, a in zip(reg, acc)]
    reasons = []
    for d in days:
        if d is None:
            reasons.append(f"期末未作出受理决定，登记后{ACCEPT_DAYS}日已到期")
        elif d <= ACCEPT_DAYS:
            reasons.append(f"登记后{d}日作出受理决定（{ACCEPT_DAYS}日内）")
        else:
            reasons.append(f"登记后{d}日才作出受理决定，超过{ACCEPT_DAYS}日")
    return {"受理日期": _dates(acc), "办理方式": ctx.rows["decision"].astype(object).to_numpy()[select],
            "受理用时（日）": days}, reasons


def _on_time(ctx: _Rows, select: np.ndarray):
    acc, rep = ctx.date("accepted_on")[select], ctx.date("replied_on")[select]
    ext = ctx.col("extension_days")[select].astype(np.int64)
    due = acc + (REPLY_DAYS + ext) * DAY
    reasons = []
    for r, d, e in zip(rep, due, ext):
        limit = f"受理后{REPLY_DAYS}日" + (f"+延期{e}日" if e else "")
        if np.isnat(r):
            reasons.append(f"期末未答复，答复期限（{limit}）已届满")
        elif r <= d:
            reasons.append(f"在答复期限（{limit}）内答复")
        else:
            reasons.append(f"答复晚于期限（{limit}）{int((r - d) / DAY)}日")
    return {"受理日期": _dates(acc), "答复期限": _dates(due), "答复日期": _dates(rep),
            "办理方式": ctx.rows["decision"].astype(object).to_numpy()[select], "延期天数": ext}, reasons


def _participation(ctx: _Rows, select: np.ndarray):
    ev = ctx.rows["evaluation"].astype(object).to_numpy()[select]
    ev = [None if (v is None or v != v) else v for v in ev]
    reasons = [f"期末前已答复，评价结果为{v}" if v else "期末前已答复，未评价" for v in ev]
    return {"答复日期": _dates(ctx.date("replied_on")[select]), "评价结果": ev}, reasons


def _satisfaction(ctx: _Rows, select: np.ndarray):
    ev = list(ctx.rows["evaluation"].astype(object).to_numpy()[select])
    reasons = [f"评价结果为{v}" + ("，计入满意" if v in ("满意", "基本满意") else "，不计入满意") for v in ev]
    return {"答复日期": _dates(ctx.date("replied_on")[select]), "评价结果": ev}, reasons


def _later(register: pd.DataFrame, matters: np.ndarray, after: np.ndarray, end: np.datetime64) -> tuple[list, list]:
    """Per (matter, date): the first registration of the matter dated in (date, end] anywhere in
    the register, as (date or None, case id or None)."""
    if len(matters) == 0:
        return [], []
    probe = pd.DataFrame({"matter_id": np.asarray(matters, dtype=object), "after": after, "i": np.arange(len(matters))})
    reg = pd.DataFrame({"matter_id": register["matter_id"].astype(object).to_numpy(),
                        "on": register["registered_on"].to_numpy(dtype="datetime64[D]"),
                        "case_id": register["case_id"].astype(str).to_numpy()})
    reg = reg[reg["on"] <= end]
    pairs = probe.merge(reg, on="matter_id")
    pairs = pairs[pairs["on"] > pairs["after"]].sort_values(["i", "on", "case_id"]).drop_duplicates("i")
    first_on = pd.Series(pairs["on"].to_numpy(), index=pairs["i"].to_numpy())
    first_id = pd.Series(pairs["case_id"].to_numpy(), index=pairs["i"].to_numpy())
    dates = [first_on[i].date() if i in first_on.index else None for i in range(len(matters))]
    ids = [first_id[i] if i in first_id.index else None for i in range(len(matters))]
    return dates, ids


def _resolution(ctx: _Rows, select: np.ndarray):
    rep = ctx.date("replied_on")[select]
    matters = ctx.rows["matter_id"].astype(object).to_numpy()[select]
    on, ids = _later(ctx.register, matters, rep, ctx.period.end64)
    reasons = ["答复后至期末同一事项无再次登记，一次性化解" if d is None else f"答复后同一事项于{d.isoformat()}再次登记（{i}）"
               for d, i in zip(on, ids)]
    return {"答复日期": _dates(rep), "信访事项编号": matters, "答复后再次登记日期": on}, reasons


def _repeat(ctx: _Rows, select: np.ndarray):
    """D = 初件 national letters of the period; a 重件 national letter is in N when its matter is
    among D's, and counts for the unit of the matter's first D row (as :func:`register_measures`)."""
    rows = ctx.rows
    matters = rows["matter_id"].astype(object).to_numpy()
    nat_letter = (rows["level"] == "国家").to_numpy() & (rows["channel"] == "来信").to_numpy()
    first = (rows["first_or_repeat"] == "初件").to_numpy()
    d_rows = rows.loc[nat_letter & first]
    owner = d_rows.drop_duplicates("matter_id")  # the first D row of each matter owns it
    owner_case = dict(zip(owner["matter_id"].astype(object), owner["case_id"].astype(str)))
    owner_unit = dict(zip(owner["matter_id"].astype(object), owner["unit"].astype(object)))
    repeats = pd.Series(matters[nat_letter & ~first]).value_counts()
    reasons = []
    units = rows["unit"].astype(object).to_numpy()[select]
    for mid, is_first, u in zip(matters[select], first[select], units):
        if is_first:
            k = int(repeats.get(mid, 0))
            reasons.append(f"统计期内国家层级来信初件（分母）；同一事项统计期内国家层级来信重件 {k} 件")
        else:
            text = f"国家层级来信重件，同一事项的初件 {owner_case[mid]} 在统计期内（分子）"
            if owner_unit[mid] != u:
                text += f"，计入初件责任单位{owner_unit[mid]}"
            reasons.append(text)
    return {"信访事项编号": matters[select]}, reasons


_BUILDERS: dict[Measure, _Builder] = {
    Measure.VOL_NAT: _national_volume, Measure.LETTERS_NAT: _letters, Measure.VISITS_NAT: _visits,
    Measure.ONLINE_NAT: _online, Measure.REG_NAT: _share, Measure.REG_ALL: _all,
    Measure.FIRST_DEMAND_NAT: _first_demand, Measure.TA_NUM: _timely, Measure.OTR_NUM: _on_time,
    Measure.PART_NUM: _participation, Measure.SAT_NUM: _satisfaction, Measure.RDF_NUM: _resolution,
    Measure.RNO_NUM: _resolution, Measure.RNL_NUM: _resolution, Measure.REP_NUM: _repeat,
    Measure.CG_BATCHES: _group, Measure.CG_PERSONS: _group, Measure.CI_BATCHES: _individual,
    Measure.CI_PERSONS: _individual,
}


# ---------------------------------------------------------------------------------------------
# the optional tables


def _campaign_cases(spec: Spec, campaign: pd.DataFrame, register: pd.DataFrame, period: Period,
                    unit: str | None) -> pd.DataFrame:
    codes, uniques = pd.factorize(register["matter_id"])
    last = last_registration(register, codes, len(uniques), period.end64)
    index = pd.Series(np.arange(len(uniques)), index=np.asarray(uniques, dtype=object))
    cm = campaign_measures(campaign, last, index)
    mine = (campaign["unit"] == unit).to_numpy() if unit is not None else np.ones(len(campaign), dtype=bool)
    num = cm[spec.numerator.value] > 0
    den = (cm[spec.denominator.value] > 0) if spec.is_rate else num
    select = den & mine
    sel = campaign.loc[select]
    yes_no = {True: YES, False: NO}
    frame = pd.DataFrame({
        "交办批次": sel["batch"].to_numpy(),
        "信访事项编号": sel["matter_id"].astype(object).to_numpy(),
        "化解日期": _dates(sel["resolved_on"].to_numpy(dtype="datetime64[D]")),
        "责任单位": sel["unit"].astype(object).to_numpy(),
        "是否汇报": [yes_no[bool(v)] for v in sel["reported"]],
        "审核化解": [yes_no[bool(v)] for v in sel["resolved"]],
    })
    kind = spec.key.rsplit(".", 1)[-1]
    if kind == "repeated":
        on, ids = _later(register, frame["信访事项编号"].to_numpy(),
                         sel["resolved_on"].to_numpy(dtype="datetime64[D]"), period.end64)
        frame["化解后再次登记日期"] = on
        reasons = ["化解后至期末同一事项无登记" if d is None else f"化解后同一事项于{d.isoformat()}又有登记（{i}）"
                   for d, i in zip(on, ids)]
    elif kind == "reported":
        reasons = ["已汇报" if v else "未汇报" for v in sel["reported"]]
    elif kind == "resolved":
        reasons = ["审核化解" if v else "未审核化解" for v in sel["resolved"]]
    else:
        reasons = [f"第{b}批交办件" for b in sel["batch"]]
    if spec.is_rate:
        frame[IN_DENOMINATOR] = YES
    else:
        frame[WEIGHT] = 1
    frame[IN_NUMERATOR] = np.where(num[select], YES, NO)
    frame[REASON] = reasons
    return frame.sort_values(["交办批次", "信访事项编号"], kind="stable").reset_index(drop=True)


def _beijing_cases(spec: Spec, beijing: pd.DataFrame, period: Period, unit: str | None) -> pd.DataFrame:
    bm = beijing_measures(beijing, period)
    rows = beijing.loc[period.contains(beijing["date"])]
    num = bm[spec.numerator.value]
    mine = (rows["unit"] == unit).to_numpy() if unit is not None else np.ones(len(rows), dtype=bool)
    select = (num > 0) & mine
    sel = rows.loc[select]
    registered = sel["registered"].to_numpy(dtype=bool)
    frame = pd.DataFrame({
        "日期": _dates(sel["date"].to_numpy(dtype="datetime64[D]")),
        "责任单位": sel["unit"].astype(object).to_numpy(),
        "人数": sel["persons"].to_numpy(dtype=np.int64),
        "是否登记": np.where(registered, YES, NO),
        WEIGHT: num[select].astype(np.int64),
        IN_NUMERATOR: YES,
        REASON: [f"进京上访 {p} 人，" + ("在国家信访局登记" if r else "未在国家信访局登记（劝返）")
                 for p, r in zip(sel["persons"], registered)],
    })
    return frame.sort_values(["日期", "责任单位"], kind="stable").reset_index(drop=True)
