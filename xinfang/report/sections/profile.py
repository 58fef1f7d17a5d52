"""部门概况 and 收入支出 from structured params (``profile``, ``finance``): a table where the params
give the facts, nothing where they do not (never an empty cell or a placeholder)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from ... import narrative as nv
from ..context import ReportContext
from .base import Part, TablePart, Text


def profile_parts(ctx: ReportContext) -> list[Part]:
    """机构设置, 内设机构, 编制 and 实有人数 as a table, then the 主要职能 as a list; [] when
    the params give none of them."""
    p = ctx.params.profile
    rows = []
    if p.setup:
        rows.append(["机构设置", p.setup.rstrip("。")])
    if p.departments:
        rows.append(["内设机构", f"{'、'.join(p.departments)}，共{len(p.departments)}个"])
    if p.staff_authorised is not None:
        rows.append(["编制数", f"{p.staff_authorised}名"])
    if p.staff_actual is not None:
        rows.append(["实有人数", f"{p.staff_actual}名"])
    parts: list[Part] = []
    if rows:
        parts += [Text(f"{ctx.bureau}的机构和人员情况见{{表:机构}}。"),
                  TablePart(pd.DataFrame(rows, columns=["项目", "情况"]), "机构和人员情况", name="机构")]
    if p.functions:
        parts.append(Text("主要职能：\n\n" + "\n".join(f"{i}. {f.rstrip('。；')}。"
                                                    for i, f in enumerate(p.functions, start=1))))
    return parts


def _amount(x: float) -> str:
    return f"{Decimal(repr(float(x))).quantize(Decimal('0.01'), ROUND_HALF_UP)}"


def _change(now: float, before: float | None, sign: str = "％") -> str:
    """"增长9.28％" / "下降2.64％" / "持平" against last year ("" when it is not given)."""
    if before is None:
        return ""
    if not before:
        return "上年为0" if now else "持平"
    rate = (Decimal(repr(float(now))) - Decimal(repr(float(before)))) / Decimal(repr(float(before)))
    word = "持平" if rate == 0 else ("增长" if rate > 0 else "下降")
    return word if rate == 0 else f"{word}{nv.percent(abs(rate), sign=sign)}"


def _total(lines) -> tuple[float, float | None]:
    now = float(sum(Decimal(repr(m.amount)) for m in lines))
    known = all(m.last_year is not None for m in lines)
    before = float(sum(Decimal(repr(m.last_year)) for m in lines)) if known else None
    return now, before


def finance_parts(ctx: ReportContext) -> list[Part]:
    """收入 and 支出 by kind against last year (params ``finance``), a sentence and a table; []
    when the params give neither."""
    f = ctx.params.finance
    if not f.revenue and not f.expenditure:
        return []
    rows, said = [], []
    for kind, lines in (("收入", f.revenue), ("支出", f.expenditure)):
        if not lines:
            continue
        for m in lines:
            rows.append([kind, m.item, _amount(m.amount), "" if m.last_year is None else _amount(m.last_year),
                         _change(m.amount, m.last_year, ctx.sign)])
        now, before = _total(lines)
        rows.append([kind, f"{kind}合计", _amount(now), "" if before is None else _amount(before), _change(now, before, ctx.sign)])
        change = _change(now, before, ctx.sign)
        said.append(f"{kind}合计{_amount(now)}万元" + (f"，上年{_amount(before)}万元，{change}" if before is not None else ""))
    frame = pd.DataFrame(rows, columns=["类别", "项目", "本年（万元）", "上年（万元）", "增减"])
    if not frame["上年（万元）"].any():
        frame = frame.drop(columns=["上年（万元）", "增减"])
    return [Text(f"{ctx.params.year}年{ctx.bureau}" + "；".join(said) + "（见{表:收支}）。"),
            TablePart(frame, "收入支出决算情况", name="收支", merge=("类别",))]
