"""A unit's case lists: the cases behind its 进京登记, repeat matters, overdue and soon-due cases.

One function builds every list from the unit's rows (:func:`unit_case_lists`), newest first and
without personal data; the unit report prints the first ``case_list_limit`` rows of each, and the
batch writes them whole beside the report as ``<unit>_案件清单.xlsx`` (:func:`write_case_book`,
the post-step ``case_lists`` of :data:`xinfang.run.jobs.POST_STEPS`), so the count a report
states and the rows a leader can open are the same list.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Mapping

import pandas as pd

#: The lists, in the order the report and the workbook give them.
LISTS = ("到国家信访局来访登记", "重复信访事项", "超期件", "即将到期件")


def _date(series: pd.Series) -> pd.Series:
    return series.dt.strftime("%Y-%m-%d")


def unit_case_lists(register: pd.DataFrame, period, cutoff: dt.date, due_soon_days: int) -> dict[str, pd.DataFrame]:
    """The lists of one unit (``register`` holds its rows), each newest first.

    * 到国家信访局来访登记: registrations of the period at level 国家, channel 来访;
    * 重复信访事项: matters with a 重件 in the period, by their latest registration;
    * 超期件 / 即将到期件: cases overdue or due within ``due_soon_days`` at ``cutoff`` (the
      period's end), whatever their period, as ``overdue.*`` and ``due_soon.reply`` count them.
    """
    from .bulletin import overdue_cases

    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    reg = register[(register["registered_on"] >= start) & (register["registered_on"] <= end)]
    visits = reg[(reg["level"] == "国家") & (reg["channel"] == "来访")].sort_values(
        ["registered_on", "case_id"], ascending=False, kind="stable")
    out = {"到国家信访局来访登记": pd.DataFrame({
        "信访件编号": visits["case_id"].astype(str), "登记日期": _date(visits["registered_on"]),
        "问题领域": visits["domain"].astype(str), "人数": visits["persons"].astype(int)}).reset_index(drop=True)}
    repeats = reg[reg["first_or_repeat"] == "重件"]
    if len(repeats):
        grouped = (repeats.sort_values(["registered_on", "case_id"], kind="stable")
                   .groupby("matter_id", observed=True, sort=False)
                   .agg(last_case=("case_id", "last"), last_date=("registered_on", "last"),
                        channel=("channel", "last"), domain=("domain", "last"), times=("case_id", "size"))
                   .sort_values(["last_date", "last_case"], ascending=False, kind="stable"))
        out["重复信访事项"] = pd.DataFrame({
            "信访事项编号": grouped.index.astype(str), "最近信访件编号": grouped["last_case"].astype(str),
            "最近登记日期": _date(grouped["last_date"]), "信访形式": grouped["channel"].astype(str),
            "问题领域": grouped["domain"].astype(str), "本期重复次数": grouped["times"].astype(int)}).reset_index(drop=True)
    else:
        out["重复信访事项"] = pd.DataFrame(columns=["信访事项编号", "最近信访件编号", "最近登记日期", "信访形式", "问题领域",
                                              "本期重复次数"])
    cases = overdue_cases(register, cutoff, due_soon_days)
    for name, soon in (("超期件", False), ("即将到期件", True)):
        part = cases[(cases["类别"] == "即将到期") == soon].sort_values(
            ["登记日期", "信访件编号"], ascending=False, kind="stable")
        days = ("剩余天数", [(d - cutoff).days for d in part["应办日期"]]) if soon else ("超期天数", part["超期天数"].astype(int))
        out[name] = pd.DataFrame({
            "信访件编号": part["信访件编号"].astype(str), "登记日期": [d.isoformat() for d in part["登记日期"]],
            "类别": part["类别"].astype(str), "应办日期": [d.isoformat() for d in part["应办日期"]],
            days[0]: days[1], "问题领域": part["问题领域"].astype(str)}).reset_index(drop=True)
    return out


def context_case_lists(ctx) -> dict[str, pd.DataFrame]:
    """:func:`unit_case_lists` of a unit report's context, as of its period's end."""
    return unit_case_lists(ctx.scoped_register(), ctx.period, ctx.period.end, ctx.params.bulletin.due_soon_days)


def case_book_name(stem: str) -> str:
    """The file beside a unit's report: ``<unit>_案件清单.xlsx``."""
    return f"{stem}_案件清单.xlsx"


def write_case_book(parameters: Mapping, out_dir: str | Path, stem: str) -> dict[str, Path]:
    """Write every list of the unit whole, one sheet each, beside its report (a post-step of the
    unit job: it runs in the worker after the notebook). Returns ``{"案件清单": path}``."""
    from ..config.layers import load_params, register_override
    from ..fileio import write_xlsx
    from ..inputs import load_inputs
    from ..inputs.slices import unit_rows

    # the unit's rows alone (from the batch's per-unit cache), not the whole report's context
    unit, cache_dir = parameters["unit"], parameters.get("cache_dir")
    params = load_params(parameters["params_dir"], parameters["year"], unit, register_override(parameters.get("register")))
    inputs = load_inputs(params, cache_dir=cache_dir, unit=unit if cache_dir else None)
    unit = inputs.units.canonical(unit) or unit
    register = inputs.register if cache_dir else unit_rows(inputs.register, unit)
    lists = unit_case_lists(register, inputs.period, inputs.period.end, params.bulletin.due_soon_days)
    path = write_xlsx({name: lists[name] for name in LISTS}, Path(out_dir) / case_book_name(stem))
    return {"案件清单": path}
