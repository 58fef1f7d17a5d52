"""Validation of the 信访事项登记表 and the optional tables (docs/architecture.md §4).

Every rule is checked on whole columns; all failures are collected into one
:class:`~xinfang.errors.InputError` listing file, Excel row, column header, value and rule
(in Chinese, with the English rule name). What passes is a typed DataFrame that the rest of
the library trusts. No row is ever dropped: a table either validates whole or not at all.
"""
from __future__ import annotations

import datetime as dt
import functools

import numpy as np
import pandas as pd

from ..errors import MASK, InputError, Problem
from .columns import Column, enum_values, long_numbers, parse_dates, show_value, stripped, whole_numbers
from .header import visible
from .read import RawTable, pii_values
from .tables import (NOT_READ, BEIJING, CAMPAIGN, CHANNELS, DECISIONS, EVALUATIONS, FIRST_OR_REPEAT, LEVELS,
                     OPTIONAL_DEFAULTS, PURPOSES, REGISTER, REGISTER_REQUIRED, VARIANTS, YES_NO)
from .units import UnitRegister

_MAX_PER_RULE = 500

#: 人数 of one registration (件次) is at most this. A module constant: the params schema is
#: another module's; a value over it is a typing error (an ID number in the wrong column),
#: and the bound keeps every sum of 人数 far from overflowing int64.
MAX_PERSONS = 10_000
#: 交办批次 is at most this (same reason).
MAX_BATCH = 100_000


class _Collector:
    """Collects problems of one table, with the user's file name and header spellings."""

    def __init__(self, raw: RawTable, headers: dict[str, str]) -> None:
        self.raw = raw
        self.file = raw.name
        self.headers = headers
        self.problems: list[Problem] = []
        self.overflow = 0

    def header(self, col: str) -> str:
        return self.raw.headers.get(col) or self.headers.get(col, col)

    def add(self, mask: np.ndarray, col: str, values: pd.Series | None, rule: str, rule_en: str,
            hint_of=None) -> None:
        idx = np.flatnonzero(mask)
        if idx.size == 0:
            return
        if idx.size > _MAX_PER_RULE:
            self.overflow += idx.size - _MAX_PER_RULE
            idx = idx[:_MAX_PER_RULE]
        for i in idx:
            if values is None:
                value = None
            elif isinstance(values, Column):
                value = show_value(values.raw_at(i))
            else:
                value = show_value(values.iat[i])
            hint = hint_of(value) if hint_of else None
            self.problems.append(Problem(self.file, self.raw.row_of(int(i)), self.header(col), value, rule, rule_en,
                                         hint))

    def _mask_personal_data(self) -> None:
        """Values that occur in a personal-data column of the file (a name shifted into
        责任单位) are masked; ID and phone numbers are masked by :class:`Problem` itself."""
        if not any(p.value for p in self.problems):
            return
        # a row with several wrong values at once is most likely shifted (a separator lost in
        # one place and added in another): none of its values is shown
        per_row: dict[int | None, int] = {}
        for p in self.problems:
            if p.value:
                per_row[p.row] = per_row.get(p.row, 0) + 1
        shifted = {r for r, n in per_row.items() if r is not None and n >= 3}
        if shifted:
            self.problems = [Problem(p.file, p.row, p.column, MASK, p.rule, p.rule_en, None)
                             if p.row in shifted and p.value else p for p in self.problems]
        pii = pii_values(self.raw)
        if not pii:
            return
        lengths = sorted({len(v) for v in pii})

        def personal(text: str | None) -> bool:
            return bool(text) and any(text[i:i + n] in pii for n in lengths for i in range(len(text) - n + 1))

        self.problems = [Problem(p.file, p.row, p.column, MASK, p.rule, p.rule_en,
                                 None if personal(p.hint) else p.hint) if personal(p.value) else p
                         for p in self.problems]

    def file_problem(self, rule: str, rule_en: str, column: str | None = None, hint: str | None = None) -> None:
        self.problems.append(Problem(self.file, None, column, None, rule, rule_en, hint))

    def missing_column(self, header: str) -> None:
        """A required column not found: the message says which row was read as the header."""
        self.file_problem(f"缺少必需列「{header}」", "missing column", header, self.raw.header_hint())

    def raise_if_any(self) -> None:
        if self.problems:
            self._mask_personal_data()
            if self.overflow:
                self.problems.append(Problem(self.file, None, None, None,
                                             f"另有 {self.overflow} 处同类错误未逐一列出", "more errors"))
            self.problems.sort(key=lambda p: (p.row or 0))
            raise InputError(self.problems)


def validate_register(raw: RawTable, units: UnitRegister, *, today: dt.date | None = None) -> pd.DataFrame:
    """Validate a 信访事项登记表 and return it typed, with canonical unit names.

    Rules (each failure names file, Excel row, column, value):
    required columns present; at least one data row; 信访件编号 present and unique;
    信访事项编号 present; dates parse and are not in the future; 登记层级, 信访形式, 信访目的,
    初重件, 办理方式, 评价结果 in their enums (common variants normalised); 人数 whole ≥ 1;
    责任单位 in the unit register (aliases allowed, near misses suggested); 问题领域 non-empty;
    受理日期 blank exactly when 办理方式 is blank, and ≥ 登记日期; 延期天数 whole 0–30 (blank = 0);
    答复日期 only when 办理方式 = 受理, and ≥ 受理日期; 评价结果 only when replied.

    Raises
    ------
    InputError : with every problem found.
    """
    today64 = np.datetime64(today or dt.date.today(), "D")
    headers = REGISTER.header_of
    c = _Collector(raw, headers)
    frame = raw.frame
    missing = [col for col in REGISTER_REQUIRED if col not in frame.columns and col not in OPTIONAL_DEFAULTS]
    for col in missing:
        c.missing_column(headers[col])
    if len(frame) == 0 and not missing:
        c.file_problem("没有数据行（只有表头）", "no data rows")
    c.raise_if_any()
    n = len(frame)
    t = {col: (Column(frame[col]) if col in frame.columns else Column.blank(n))
         for col in REGISTER.headers.values() if col not in NOT_READ and col != "case_id"}

    long_ids = {col: long_numbers(frame[col]) for col in ("case_id", "matter_id") if col in frame.columns}
    for col, mask in long_ids.items():
        if mask.any():
            c.add(mask, col, frame[col],
                  "编号以数字形式存储且超过15位有效数字，Excel 已改变其末尾数字；请将该列设为文本后重新导出",
                  "id stored as a number beyond 15 digits")
    case_id = stripped(frame["case_id"]) if "case_id" in frame.columns else pd.Series([""] * n, dtype=object)
    blank_id = (case_id == "").to_numpy(dtype=bool)
    c.add(blank_id, "case_id", case_id, "信访件编号不能为空", "required")
    if case_id.nunique() < n:
        dup = case_id.duplicated(keep=False).to_numpy(dtype=bool) & ~blank_id & ~long_ids.get("case_id", False)
        first_row = {}
        for i in np.flatnonzero(dup):
            first_row.setdefault(case_id.iat[i], raw.row_of(int(i)))
        c.add(dup, "case_id", case_id, "信访件编号重复", "unique", hint_of=lambda v: f"首次出现在第{first_row.get(v)}行")
    c.add(t["matter_id"].eq(""), "matter_id", t["matter_id"], "信访事项编号不能为空", "required")
    c.add(t["domain"].eq(""), "domain", t["domain"], "问题领域不能为空", "required")

    dates = {}
    for col in ("registered_on", "accepted_on", "replied_on"):
        parsed, bad = parse_dates(t[col])
        c.add(bad, col, t[col], "日期无法识别（可用 2023-01-05、2023/1/5、2023年1月5日）", "date format")
        c.add(parsed.to_numpy(dtype="datetime64[D]") > today64, col, t[col], "日期晚于今天（在未来）", "date in future")
        dates[col] = parsed
    reg, acc, rep = dates["registered_on"], dates["accepted_on"], dates["replied_on"]
    c.add(t["registered_on"].eq(""), "registered_on", t["registered_on"], "登记日期不能为空", "required")

    enums = {}
    for col, allowed, required in (("level", LEVELS, True), ("channel", CHANNELS, True),
                                   ("purpose", PURPOSES, True), ("first_or_repeat", FIRST_OR_REPEAT, True),
                                   ("decision", DECISIONS, False), ("evaluation", EVALUATIONS, False)):
        mapped, bad = enum_values(t[col], allowed, VARIANTS.get(col, {}))
        c.add(bad, col, t[col], f"取值不在允许范围内（{'、'.join(allowed)}）", "enum")
        if required:
            c.add(t[col].spread(mapped == "") if n else bad, col, t[col], "不能为空", "required")
        enums[col] = t[col].categorical(mapped, allowed)

    persons, bad = whole_numbers(t["persons"])
    c.add(bad, "persons", t["persons"], "人数须为整数", "integer")
    c.add(~bad & (np.isnan(persons) | (np.nan_to_num(persons, nan=1) < 1)), "persons", t["persons"],
          "人数须为不小于1的整数", "persons >= 1")
    c.add(~bad & (np.nan_to_num(persons, nan=1) > MAX_PERSONS), "persons", t["persons"],
          f"人数须为1至{MAX_PERSONS}之间的整数", f"persons <= {MAX_PERSONS}")

    ext, bad = whole_numbers(t["extension_days"])
    ext0 = np.nan_to_num(ext, nan=0)
    c.add(bad, "extension_days", t["extension_days"], "延期天数须为整数", "integer")
    c.add(~bad & ((ext0 < 0) | (ext0 > 30)), "extension_days", t["extension_days"],
          "延期天数须在0至30天之间（《信访工作条例》）", "extension 0-30")

    unit_col = t["unit"]
    canonical = np.array([units.canonical(v) or "" for v in unit_col.cats], dtype=object)
    unknown = unit_col.spread(canonical == "") if n else np.zeros(0, dtype=bool)

    @functools.cache
    def suggest(value: str | None) -> str | None:
        if not value:
            return "责任单位不能为空"
        close = units.suggest(value)
        if close:
            return "是否为：" + "、".join(close) + "？"
        return f"单位名册（{units.path or 'units'}）中没有该单位"
    c.add(unknown, "unit", unit_col, "责任单位不在单位名册中", "unknown unit", hint_of=suggest)

    decision = enums["decision"]
    decided = ~pd.isna(decision)
    has_acc = acc.notna().to_numpy()
    c.add(decided & ~has_acc & t["accepted_on"].eq(""), "accepted_on", t["accepted_on"],
          "已填办理方式但受理日期为空", "accepted_on required with decision")
    c.add(~decided & has_acc, "accepted_on", t["accepted_on"], "受理日期已填但办理方式为空",
          "accepted_on only with decision")
    reg_d, acc_d, rep_d = (x.to_numpy(dtype="datetime64[D]") for x in (reg, acc, rep))
    c.add(acc_d < reg_d, "accepted_on", t["accepted_on"], "受理日期早于登记日期", "accepted_on >= registered_on")
    has_rep = rep.notna().to_numpy()
    c.add(has_rep & ~np.asarray(decision == "受理"), "replied_on", t["replied_on"],
          "只有办理方式为“受理”的信访件才有答复日期", "reply only when accepted")
    c.add(rep_d < acc_d, "replied_on", t["replied_on"], "答复日期早于受理日期", "replied_on >= accepted_on")
    c.add(~pd.isna(enums["evaluation"]) & ~has_rep, "evaluation", t["evaluation"],
          "未答复的信访件不能有评价结果", "evaluation only when replied")
    c.raise_if_any()

    out = pd.DataFrame({
        "case_id": case_id.to_numpy() if case_id.dtype == object else case_id.array,
        "matter_id": t["matter_id"].categorical(),
        "registered_on": reg.to_numpy(),
        "level": enums["level"],
        "channel": enums["channel"],
        "persons": persons.astype("int64"),
        "unit": unit_col.categorical(canonical, units.names),
        "domain": _visible_categories(t["domain"]),
        "purpose": enums["purpose"],
        "first_or_repeat": enums["first_or_repeat"],
        "decision": decision,
        "accepted_on": acc.to_numpy(),
        "extension_days": ext0.astype("int64"),
        "replied_on": rep.to_numpy(),
        "evaluation": enums["evaluation"],
    })
    out.attrs["source"] = {"file": raw.name, "sha256": raw.sha256, "rows": len(out), "encoding": raw.encoding}
    return out


def _visible_categories(col: Column) -> pd.Categorical:
    """A text column as categories, two values that differ only by invisible characters merged
    (they would print as the same name, twice)."""
    shown = np.array([visible(v) for v in col.cats], dtype=object)
    if (shown == col.cats).all():
        return col.categorical()
    return col.categorical(shown, pd.Index([v for v in dict.fromkeys(shown) if v != ""], dtype=object))


def _yes_no(c: _Collector, col: Column, name: str) -> np.ndarray:
    mapped, bad = enum_values(col, YES_NO, VARIANTS["yes_no"])
    c.add(bad | col.spread(mapped == ""), name, col, "须填“是”或“否”", "yes/no")
    return col.spread(mapped == "是")


def _units_column(c: _Collector, col: Column, units: UnitRegister) -> pd.Categorical:
    canonical = np.array([units.canonical(v) or "" for v in col.cats], dtype=object)
    c.add(col.spread(canonical == ""), "unit", col, "责任单位不在单位名册中", "unknown unit")
    return col.categorical(canonical, units.names)


def _start(raw: RawTable, required: tuple[str, ...], headers: dict[str, str]) -> _Collector:
    c = _Collector(raw, headers)
    for col in required:
        if col not in raw.frame.columns:
            c.missing_column(headers[col])
    if len(raw.frame) == 0 and not c.problems:
        c.file_problem("没有数据行（只有表头）", "no data rows")
    c.raise_if_any()
    return c


def validate_campaign(raw: RawTable, units: UnitRegister, *, today: dt.date | None = None) -> pd.DataFrame:
    """Validate a 治重化积交办件 table: 交办批次 whole ≥ 1, 信访事项编号 present, 责任单位 known,
    是否汇报/审核化解 是 or 否, 化解日期 a date (not in the future) present exactly when 审核化解 = 是."""
    headers = CAMPAIGN.header_of
    required = CAMPAIGN.required
    c = _start(raw, required, headers)
    f = raw.frame
    t = {col: Column(f[col]) for col in required}
    batch, bad = whole_numbers(t["batch"])
    c.add(bad | np.isnan(batch) | (np.nan_to_num(batch, nan=1) < 1) | (np.nan_to_num(batch) > MAX_BATCH),
          "batch", t["batch"], f"交办批次须为1至{MAX_BATCH}之间的整数", "batch integer >= 1")
    c.add(t["matter_id"].eq(""), "matter_id", t["matter_id"], "信访事项编号不能为空", "required")
    unit = _units_column(c, t["unit"], units)
    reported = _yes_no(c, t["reported"], "reported")
    resolved = _yes_no(c, t["resolved"], "resolved")
    when, bad = parse_dates(t["resolved_on"])
    c.add(bad, "resolved_on", t["resolved_on"], "日期无法识别", "date format")
    c.add(when.to_numpy(dtype="datetime64[D]") > np.datetime64(today or dt.date.today(), "D"),
          "resolved_on", t["resolved_on"], "日期晚于今天（在未来）", "date in future")
    c.add(resolved & when.isna().to_numpy() & ~bad, "resolved_on", t["resolved_on"],
          "审核化解为“是”时须填化解日期", "resolved_on required")
    c.raise_if_any()
    out = pd.DataFrame({"batch": batch.astype("int64"), "matter_id": t["matter_id"].strings(),
                        "unit": unit, "reported": reported, "resolved": resolved,
                        "resolved_on": when.to_numpy()})
    out.attrs["source"] = {"file": raw.name, "sha256": raw.sha256, "rows": len(out), "encoding": raw.encoding}
    return out


def validate_beijing(raw: RawTable, units: UnitRegister, *, today: dt.date | None = None) -> pd.DataFrame:
    """Validate a 进京上访台账: 日期 a date not in the future, 责任单位 known, 人数 whole ≥ 1,
    是否登记 是 or 否."""
    headers = BEIJING.header_of
    required = BEIJING.required
    c = _start(raw, required, headers)
    f = raw.frame
    t = {col: Column(f[col]) for col in required}
    when, bad = parse_dates(t["date"])
    c.add(bad | (when.isna().to_numpy() & ~bad), "date", t["date"], "日期无法识别或为空", "date")
    c.add(when.to_numpy(dtype="datetime64[D]") > np.datetime64(today or dt.date.today(), "D"),
          "date", t["date"], "日期晚于今天（在未来）", "date in future")
    unit = _units_column(c, t["unit"], units)
    persons, badp = whole_numbers(t["persons"])
    c.add(badp | np.isnan(persons) | (np.nan_to_num(persons, nan=1) < 1), "persons", t["persons"],
          "人数须为不小于1的整数", "persons >= 1")
    c.add(~badp & (np.nan_to_num(persons, nan=1) > MAX_PERSONS), "persons", t["persons"],
          f"人数须为1至{MAX_PERSONS}之间的整数", f"persons <= {MAX_PERSONS}")
    registered = _yes_no(c, t["registered"], "registered")
    c.raise_if_any()
    out = pd.DataFrame({"date": when.to_numpy(), "unit": unit, "persons": persons.astype("int64"),
                        "registered": registered})
    out.attrs["source"] = {"file": raw.name, "sha256": raw.sha256, "rows": len(out), "encoding": raw.encoding}
    return out
