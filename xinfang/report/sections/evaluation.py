"""Sections of the 评价报告 form (财预〔2020〕10号): how the evaluation was done, the indicator
system, the analysis by 决策 / 过程 / 产出 / 效益, and what else the reader must know.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd

from ... import narrative as nv
from ..context import ReportContext
from .base import DocInfo, Heading, Part, Signature, Sub, TablePart, Text, section
from .figures import _targets_frame, _targets_sentence
from .selfeval import gap_text, leaf_causes


@section("年度绩效目标", "年度绩效目标")
def targets(ctx: ReportContext) -> list[Part]:
    if not ctx.targets:
        return []
    return [Text(_targets_sentence(ctx).replace("、{图:达标}", "")),
            TablePart(_targets_frame(ctx), "年度绩效目标完成情况", name="目标")]


#: The parts of 绩效评价工作开展情况 an analyst may write, each with its text key and a default.
WORK = (
    ("评价目的", "evaluation_purpose",
     "全面了解{bureau}{year}年度预算资金的使用和信访工作目标的完成情况，发现管理中的薄弱环节，"
     "为改进信访工作、优化预算安排提供依据。"),
    ("评价对象和范围", "evaluation_scope",
     "评价对象为{bureau}{year}年度整体支出，范围包括基本支出、项目支出及其形成的信访工作产出和效益。"),
    ("评价依据", "evaluation_basis",
     "《中华人民共和国预算法》《项目支出绩效评价管理办法》（财预〔2020〕10号）《信访工作条例》，"
     "以及{district}年度信访工作目标和预算批复文件。"),
)
DEFAULT_METHOD = ("采用比较法和因素分析法：将各项指标的实际值与年度目标值、上年同期值比较，按评分规则逐项计分；"
                  "定性指标由评价人员根据工作资料评分并说明依据。信访指标由信访信息系统导出的登记数据按统一口径计算。")


def _day(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def evaluator(ctx: ReportContext) -> str:
    """Who signs the 评价报告: params ``evaluation.agency``, else ``signature``, else the bureau."""
    return ctx.params.evaluation.agency or ctx.params.signature or ctx.bureau


@section("评价标题")
def opening(ctx: ReportContext) -> list[Part]:
    """The title, then the evaluator's opening: who evaluated whom, when, on what, and the result."""
    ev, year = ctx.params.evaluation, ctx.params.year
    when = ""
    if ev.start and ev.end:
        end = _day(ev.end).split("年", 1)[1] if ev.start[:4] == ev.end[:4] else _day(ev.end)
        when = f"于{_day(ev.start)}至{end}"
    who = ev.agency or "评价组"
    text = (f"根据《项目支出绩效评价管理办法》（财预〔2020〕10号）和{ctx.params.district}预算绩效管理工作安排，"
            f"{who}{when}对{ctx.bureau}{year}年度部门整体支出开展了绩效评价，"
            "对照年度绩效目标，从决策、过程、产出、效益四个方面逐项评分。")
    card = ctx.scorecard
    if card is not None:
        if card.complete:
            text += f"经评价，{ctx.bureau}{year}年度整体支出绩效得分{nv.count(card.hundred if card.not_applicable else card.total)}分，等级为“{card.grade}”。"
        else:
            text += (f"经评价，已评分部分得{nv.count(card.total)}分（满分{nv.count(card.scored_weight)}分），"
                     f"{len(card.unscored)}项指标未评分，暂不定级。")
    text += "评价情况报告如下。"
    return [DocInfo(ctx.metadata()), Heading(1, ctx.title), Text(ctx.analyst_text("opening") or text)]


@section("评价工作开展情况", "绩效评价工作开展情况")
def evaluation_work(ctx: ReportContext) -> list[Part]:
    """目的、对象、依据 (the analyst's or general), then the evaluator's organisation and dates,
    methods and site visits from params ``evaluation``; a part the params leave empty is left out."""
    ev = ctx.params.evaluation
    fill = {"bureau": ctx.bureau, "year": ctx.params.year, "district": ctx.params.district}
    parts: list[Part] = []
    for title, key, default in WORK:
        parts += [Sub(title), Text(ctx.analyst_text(key) or default.format(**fill))]
    organised = ctx.analyst_text("evaluation_process")
    if not organised and (ev.agency or ev.team or ev.start):
        organised = f"评价工作由{ev.agency or '评价组'}组织实施"
        if ev.team:
            organised += f"，评价组{len(ev.team)}人：" + "；".join(m.rstrip("。；") for m in ev.team)
        organised += "。"
        if ev.start and ev.end:
            organised += (f"评价工作于{_day(ev.start)}开始，{_day(ev.end)}结束，经过前期准备、资料核查和数据复算、"
                          "现场核查、综合评分和撰写报告等阶段。")
    if organised:
        parts += [Sub("评价组织和时间安排"), Text(organised)]
    methods = ctx.analyst_text("evaluation_method") or (
        "\n".join(f"{i}. {m.rstrip('。；')}。" for i, m in enumerate(ev.methods, start=1)) if ev.methods else DEFAULT_METHOD)
    parts += [Sub("评价方法"), Text(methods)]
    if ev.site_visits:
        parts += [Sub("现场核查"), Text(
            f"评价组赴{'、'.join(ev.site_visits)}{len(ev.site_visits)}个单位现场核查，"
            "抽查信访事项的登记、受理、答复和回访资料，核对信访信息系统中的办理时间和评价结果。")]
    return parts


@section("指标体系", "绩效评价指标体系、评价标准和评价方法")
def indicator_system(ctx: ReportContext) -> list[Part]:
    card = ctx.scorecard
    if card is None:
        return []
    names = [f"{name}（{nv.count(w)}分）" for name, w in card.weights1.items()]
    n2 = len({(s.level1, s.level2) for s in card.leaves})
    text = (f"评价采用《{card.name}》，设{'、'.join(names)}{len(names)}个一级指标，下设{n2}个二级指标、"
            f"{len(card.leaves)}个三级指标，满分100分。由数据计算的指标按评分规则计分：达到目标值得满分，"
            "未达到的按规则扣分或按完成比例计分；定性指标由评价人员评分并写明依据和扣分理由。"
            "评价结果分为四个等级：总分90分（含）以上为“优”，80分（含）至90分为“良”，"
            "60分（含）至80分为“中”，60分以下为“差”。各三级指标的权重、目标值和评分规则见{表:体系}。")
    frame = pd.DataFrame([[s.level1, s.level2, s.level3, nv.count(s.weight),
                           s.target_text.replace("%", ctx.sign) if s.rule != "manual" else "",
                           s.rule_text.replace("%", ctx.sign)] for s in card.leaves],
                         columns=["一级指标", "二级指标", "三级指标", "权重", "目标值", "评分规则"])
    return [Text(text), TablePart(frame, "绩效评价指标体系", name="体系", merge=("一级指标", "二级指标"))]


@section("绩效指标分析", "绩效指标分析")
def analysis(ctx: ReportContext) -> list[Part]:
    """For each 一级: its score against its weight, then every leaf that lost points and why
    (the measured value against the target, or the 扣分理由 of a manual score), and the leaves
    left unscored."""
    card = ctx.scorecard
    if card is None:
        return []
    parts: list[Part] = []
    causes = leaf_causes(ctx)
    for g in card.groups():
        n = len(g.leaves)
        if not g.scored_weight:
            text = f"{g.name}指标满分{nv.count(g.weight)}分，{n}项三级指标均未评分：" + _unscored(g.unscored) + "。"
            parts += [Sub(f"{g.name}指标分析"), Text(text)]
            continue
        out_of = "满分" if g.scored_weight == g.weight else "已评分部分满分"
        text = (f"{g.name}指标{out_of}{nv.count(g.scored_weight)}分，得{nv.count(g.score)}分，"
                f"得分率{nv.ratio_percent(g.score, g.scored_weight, sign=ctx.sign)}。")
        full = n - len(g.lost) - len(g.unscored)
        if not g.lost:
            text += f"已评分的{n - len(g.unscored)}项三级指标均得满分。"
        else:
            text += (f"{n}项三级指标中{full}项得满分，{len(g.lost)}项失分：" if full
                     else f"{n}项三级指标均有失分：")
            text += "\n\n" + "\n".join(f"{i}. {_lost_line(ctx, s, causes)}" for i, s in enumerate(g.lost, start=1))
        if g.unscored:
            text += "\n\n未评分的有：" + _unscored(g.unscored) + "。"
        parts += [Sub(f"{g.name}指标分析"), Text(text)]
    return parts


def _unscored(leaves) -> str:
    from ...scoring import unscored_text

    return unscored_text(leaves)


def _lost_line(ctx: ReportContext, s, causes: dict[str, str]) -> str:
    """One leaf that lost points: what the figures show (the finding of its indicator), the
    measured value against the target, and the 扣分理由; a manual leaf its 评分依据 and 扣分理由."""
    head = f"{s.level3}（权重{nv.count(s.weight)}分，得{nv.count(s.score)}分，失{nv.count(round(s.lost, 2))}分）"
    if s.rule == "manual":
        basis = f"评分依据：{s.evidence.rstrip('。')}；" if s.evidence else ""
        return f"{head}：{basis}扣分理由：{(s.reason or '未达到评分标准').rstrip('。')}。"
    if s.actual is None:
        return f"{head}：{s.note.rstrip('。')}。"
    actual = s.actual_text.replace("%", ctx.sign)
    target = s.target_text.replace("%", ctx.sign).lstrip("≥≤")
    cause = causes.get(s.indicator or "", "")
    cause = f"{cause.rstrip('。')}。" if cause else ""
    target = {"≥": "不低于", "≤": "不高于"}.get(s.target_text[:1], "") + target
    why = f"扣分理由：实际值{actual}，目标值{target}{gap_text(s)}"
    return f"{head}：{cause}{why}，按评分标准扣{nv.count(round(s.lost, 2))}分。"


@section("其他需要说明的问题", "其他需要说明的问题")
def other_matters(ctx: ReportContext) -> list[Part]:
    lines = []
    if ctx.inputs.missing:
        lines.append(f"本次评价未取得{'、'.join(ctx.inputs.missing)}，相应内容从略，依赖这些数据的指标未能评分。")
    unscored = ctx.scorecard.unscored if ctx.scorecard else ()
    if unscored:
        lines.append(f"以下{len(unscored)}项指标未评分，总分按已评分部分计算，评价等级暂不确定：" + _unscored(unscored) + "。")
    if not lines:
        lines.append("无。")
    return [Text("\n\n".join(lines))]


@section("评价落款")
def signature(ctx: ReportContext) -> list[Part]:
    """The evaluator (:func:`evaluator`) and the report date."""
    d = ctx.report_date
    return [Signature((evaluator(ctx), f"{d.year}年{d.month}月{d.day}日"))]
