"""Sections of the district's own report (自评报告): opening, 部门概况, the analyst's chapters,
the gated findings of 存在问题, and the 落款.
"""
from __future__ import annotations

from ... import narrative as nv
from ..context import ReportContext
from .base import DocInfo, Heading, Part, Signature, Text, analyst, section


@section("标题")
def title(ctx: ReportContext) -> list[Part]:
    """The title, then the opening paragraph (the analyst's, or one made from the params)."""
    if ctx.unit:
        opening = ctx.analyst_text("opening") or (
            f"本报告依据{ctx.params.district}信访信息系统的登记数据，按全区统一的指标口径，对{ctx.unit}"
            f"{ctx.params.year}年度信访工作进行评价，列出成效、问题和整改要求，并附相关案件清单。")
        return [DocInfo(ctx.metadata()), Heading(1, ctx.title), Text(opening)]
    # the opening promises only the chapters the report has (主要做法 and 下步打算 are analyst texts)
    chapters = ["绩效目标完成情况"] + (["主要做法"] if ctx.analyst_text("practices") else []) + ["存在问题"] + (
        ["下步打算"] if ctx.analyst_text("plans") else [])
    listed = "、".join(chapters[:-1]) + "和" + chapters[-1]
    opening = ctx.analyst_text("opening") or (
        f"{ctx.params.year}年，{ctx.bureau}围绕全区信访工作目标，依法履行信访工作职责，"
        f"推进信访事项及时就地解决。按照整体支出绩效评价的要求，现将{ctx.params.year}年度"
        f"{listed}报告如下。")
    return [DocInfo(ctx.metadata()), Heading(1, ctx.title), Text(opening)]


@section("部门概况", "部门概况")
def profile(ctx: ReportContext) -> list[Part]:
    """职能, 机构 and 人员 (the analyst's text, else the facts of params ``profile``, else one
    general sentence)."""
    from .profile import profile_parts

    text = ctx.analyst_text("profile")
    if text:
        return [Text(text)]
    parts = profile_parts(ctx)
    if parts:
        return [Text(f"{ctx.bureau}是{ctx.params.district}负责信访工作的部门。")] + parts
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
    if not parts:  # no finding at all: no leaf lost points, no target missed (findings.all_clear)
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
    """The problems the figures show, by severity: the one rule book of
    :mod:`xinfang.report.findings` (overdue cases, targets missed, leaves that lost points,
    high growth, 进京登记, 到市集访), each a sentence."""
    from ..findings import findings as found

    return [f.sentence + "。" for f in found(ctx)]


@section("落款")
def signature(ctx: ReportContext) -> list[Part]:
    """Who issues the report, and the date it is signed (params ``report_date``)."""
    d = ctx.report_date
    who = ctx.params.signature or ctx.bureau
    return [Signature((who, f"{d.year}年{d.month}月{d.day}日"))]
