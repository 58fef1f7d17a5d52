"""Sections of the district's own report (自评报告): opening, 部门概况, the analyst's chapters,
the gated findings of 存在问题, and the 落款.
"""
from __future__ import annotations

from ... import narrative as nv
from ..context import ReportContext
from .base import DocInfo, Heading, Part, Signature, Text, analyst, section
from .figures import short_name


@section("标题")
def title(ctx: ReportContext) -> list[Part]:
    """The title, then the opening paragraph (the analyst's, or one made from the params)."""
    if ctx.unit:
        opening = ctx.analyst_text("opening") or (
            f"本报告依据{ctx.params.district}信访信息系统的登记数据，按全区统一的指标口径，对{ctx.unit}"
            f"{ctx.params.year}年度信访工作进行评价，列出成效、问题和整改要求，并附相关案件清单。")
        return [DocInfo(ctx.metadata()), Heading(1, ctx.title), Text(opening)]
    opening = ctx.analyst_text("opening") or (
        f"{ctx.params.year}年，{ctx.bureau}围绕全区信访工作目标，依法履行信访工作职责，"
        f"推进信访事项及时就地解决。按照整体支出绩效评价的要求，现将{ctx.params.year}年度"
        "绩效目标完成情况、主要做法、存在问题和下步打算报告如下。")
    return [DocInfo(ctx.metadata()), Heading(1, ctx.title), Text(opening)]


@section("部门概况", "部门概况")
def profile(ctx: ReportContext) -> list[Part]:
    """职能, 机构 and 人员 (the analyst's text, else what the params say)."""
    text = ctx.analyst_text("profile")
    if text:
        return [Text(text)]
    return [Text(f"{ctx.bureau}是{ctx.params.district}负责信访工作的部门，承担全区信访事项的登记、受理、"
                 "交办、转送、督查督办和信访形势分析研判等职责，统筹协调全区各乡镇街道和区直部门的信访工作。")]


@section("访情分析")
def visits_analysis(ctx: ReportContext) -> list[Part]:
    return analyst(ctx, "visits_analysis")


@section("主要做法", "主要做法")
def practices(ctx: ReportContext) -> list[Part]:
    return analyst(ctx, "practices")


@section("下步打算", "下步打算")
def plans(ctx: ReportContext) -> list[Part]:
    return analyst(ctx, "plans")


@section("有关建议", "有关建议")
def suggestions(ctx: ReportContext) -> list[Part]:
    return analyst(ctx, "plans")


@section("主要经验做法", "主要经验做法")
def experience(ctx: ReportContext) -> list[Part]:
    return analyst(ctx, "practices")


def _problems(ctx: ReportContext) -> list[Part]:
    parts: list[Part] = []
    found = findings(ctx)
    if found:
        parts.append(Text("\n".join(f"{i}. {text}" for i, text in enumerate(found, start=1))))
    reasons = ctx.analyst_text("problems")
    if reasons:
        parts.append(Text(reasons))
    if not parts:
        parts.append(Text("统计期内各项指标均达到目标，未发现需要整改的突出问题。"))
    return parts


@section("存在问题", "存在问题")
def problems(ctx: ReportContext) -> list[Part]:
    """Gated findings from the figures first, then the analyst's 原因分析."""
    return _problems(ctx)


@section("存在问题及原因分析", "存在问题及原因分析")
def problems_and_causes(ctx: ReportContext) -> list[Part]:
    return _problems(ctx)


def findings(ctx: ReportContext) -> list[str]:
    """Problems the figures show, each gated so that it holds:

    * a count is called 居高不下 only when it rose by at least ``findings.high_growth`` (default
      20％) on a base of at least the minimum base; a fall is never a problem;
    * a rate is a problem only when its displayed value is below its target;
    * 进京登记 is a problem when there are any, named by unit;
    * 到市集访 is a problem only when it rose year on year.
    """
    r, out = ctx.results, []
    high = float(ctx.params.findings.high_growth)
    rose = []
    for key in ("national.volume", "national.first_demand", "total.registrations"):
        ind = r[key]
        if (ind.value is not None and ind.previous is not None and ind.previous >= ctx.min_base
                and ind.value > ind.previous and (ind.value - ind.previous) / ind.previous >= high):
            rose.append(f"{short_name(ctx, key)}{nv.count(ind.value, ind.unit)}，{ctx.yoy(key)}")
    if rose:
        out.append("信访总量居高不下。" + "；".join(rose) + "。")
    under = [f"{ctx.label(k)}{ctx.pct(k)}，低于目标值{nv.percent(t, sign=ctx.sign)}"
             for k, t in ctx.targets.items() if ctx.meets_target(k) is False]
    if under:
        out.append("部分绩效目标未完成。" + "；".join(under) + "。")
    if r["beijing.registered"].value:
        if ctx.unit:
            out.append(f"出现进京登记。本单位在国家信访局登记{ctx.cnt('beijing.registered')}。")
        else:
            top = ctx.beijing_by_unit()
            head = "、".join(f"{u}{nv.count(v, '人次')}" for u, v in top.head(3).items())
            share = nv.ratio_percent(int(top.head(3).sum()), int(top.sum()), sign=ctx.sign)
            out.append(f"进京登记集中在少数单位。在国家信访局登记{ctx.cnt('beijing.registered')}，"
                       f"其中{head}，合计占{share}。")
    group = r["visits.city_group_persons"]
    if group.value and group.previous is not None and group.value > group.previous:
        out.append(f"到市集访有所增加。到市集访{nv.count(r['visits.city_group_batches'].value, '批')}"
                   f"{ctx.cnt('visits.city_group_persons')}，{ctx.yoy('visits.city_group_persons')}。")
    return out


@section("落款")
def signature(ctx: ReportContext) -> list[Part]:
    """Who issues the report, and the date it is signed (params ``report_date``)."""
    d = ctx.report_date
    who = ctx.params.signature or ctx.bureau
    return [Signature((who, f"{d.year}年{d.month}月{d.day}日"))]
