"""The 部门整体支出绩效自评表, the standard table attached to a 自评报告: the year's overall goal
and what was achieved, then one row per 三级指标 with its 年度指标值, 实际完成值, 分值, 得分 and
偏差原因分析及改进措施 (from the finding of that indicator and its 整改要求 line; a leaf not
scored says why). Its 得分 add up to the scorecard's total. The same table is a sheet of
``indicators.xlsx`` (:func:`self_assessment_sheet`).
"""
from __future__ import annotations

import pandas as pd

from ... import narrative as nv
from ...scoring.leaf import NO_COMPARISON, NOT_APPLICABLE
from ..context import ReportContext
from .base import Part, TablePart, Text, section

COLUMNS = ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
#: how a target's comparison sign reads in a sentence
_SIGN = {"≥": "不低于", "≤": "不高于"}


def goals(ctx: ReportContext) -> tuple[str, str]:
    """(年度总体目标, 实际完成情况) in one sentence each, from the targets and the scorecard."""
    card, sign = ctx.scorecard, ctx.sign
    named = [f"{ctx.label(k)}不低于{nv.percent(t, sign=sign)}" for k, t in ctx.targets.items() if k in ctx.results]
    goal = (f"依法履行信访工作职责，推动信访事项及时就地解决，控制到国家信访局信访量和进京登记"
            + (f"；{'，'.join(named)}" if named else "") + "。")
    met = [k for k in ctx.targets if ctx.meets_target(k)]
    unmet = [k for k in ctx.targets if ctx.meets_target(k) is False]
    done = f"年度绩效目标{len(ctx.targets)}项，完成{len(met)}项" if ctx.targets else ""
    if unmet:
        done += "，未完成的是" + "、".join(f"{ctx.label(k)}（{ctx.pct(k)}）" for k in unmet)
    if card.complete:
        score = f"自评得分{nv.count(card.total)}分，等级为“{card.grade}”"
        if card.not_applicable:
            score = (f"适用指标满分{nv.count(card.scored_weight)}分，自评得分{nv.count(card.total)}分，"
                     f"折合百分制{nv.count(card.hundred)}分，等级为“{card.grade}”")
    else:
        score = (f"已评分部分自评得分{nv.count(card.total)}分（满分{nv.count(card.scored_weight)}分），"
                 f"{len(card.unscored)}项未评分，暂不定级")
    return goal, "；".join(t for t in (done, score) if t) + "。"


def leaf_causes(ctx: ReportContext) -> dict[str, str]:
    """Indicator key → what the findings say of it (a rise, overdue cases, 进京登记 …), without
    the points lost; a target missed or a leaf's own lost points say nothing the leaf's value
    and target do not (:func:`gap_text`)."""
    from ..findings import findings

    return {f.key: f.text for f in findings(ctx) if f.kind not in ("lost_points", "target_missed")}


def gap_text(s) -> str:
    """How far a rate leaf's shown value is from its target, in 个百分点 of the printed rates
    ("，低于目标值2.45个百分点", "，低于目标值100个百分点"); "" for a change or a count."""
    if s.field != "value" or not s.is_rate or s.target is None or s.actual is None:
        return ""
    diff = nv.shown_percent(s.actual) - nv.shown_percent(s.target)
    if diff == 0:
        return ""
    return f"，{'低于' if diff < 0 else '高于'}目标值{nv.points(diff)}个百分点"


def _deviation(ctx: ReportContext, s, causes: dict[str, str], lines: dict[str, str]) -> str:
    if s.status == NOT_APPLICABLE or s.status == NO_COMPARISON:
        return s.unscored_reason.rstrip("。") + "。"
    if not s.scored:
        return f"未评分：{s.unscored_reason.rstrip('。')}。"
    if not s.lost_points:
        return "达到评分标准。" if s.rule == "manual" else "达到年度指标值。"
    if s.rule == "manual":
        return f"原因：{(s.reason or '未达到评分标准').rstrip('。')}。"
    target = _SIGN.get(s.target_text[:1], "") + s.target_text.lstrip("≥≤").replace("%", ctx.sign)
    cause = causes.get(s.indicator or "")
    text = (f"原因：{cause.rstrip('。')}。" if cause else
            f"原因：{s.level3}{s.actual_text.replace('%', ctx.sign)}，未达到年度指标值（{target}）{gap_text(s)}。")
    if s.indicator in lines:
        text += f"改进措施：{lines[s.indicator].rstrip('。')}。"
    return text


def self_assessment(ctx: ReportContext) -> pd.DataFrame | None:
    """The rows of the 自评表 (one per leaf, then 合计), ``得分`` as numbers or 不适用 / 未评分;
    None without a scorecard."""
    card = ctx.scorecard
    if card is None:
        return None
    from ..context import rectification_lines

    causes = leaf_causes(ctx)
    lines = rectification_lines(ctx.params)
    rows = []
    for s in card.leaves:
        manual = s.rule == "manual"
        target = "定性评价" if manual else s.target_text.replace("%", ctx.sign)
        actual = (s.evidence or ("人工评定" if s.scored else "未评定")) if manual else s.actual_text.replace("%", ctx.sign)
        rows.append([s.level1, s.level2, s.level3, target, actual, s.weight, s.shown_score,
                     _deviation(ctx, s, causes, lines)])
    grade = f"评价等级：{card.grade}" if card.grade else f"暂不定级（{len(card.unscored)}项未评分）"
    rows.append(["合计", "", "", "", "", card.total_weight, card.total, grade])
    return pd.DataFrame(rows, columns=COLUMNS)


@section("自评表", "部门整体支出绩效自评表")
def table(ctx: ReportContext) -> list[Part]:
    frame = self_assessment(ctx)
    if frame is None:
        return []
    goal, done = goals(ctx)
    head = pd.DataFrame([[goal, done]], columns=["年度总体目标", "实际完成情况"])
    shown = frame.copy()
    for col in ("分值", "得分"):
        shown[col] = [v if isinstance(v, str) else nv.count(v) for v in shown[col]]
    return [Text(f"{ctx.bureau}{ctx.params.year}年度部门整体支出绩效自评情况如下，各项得分与"
                 "{附件:评分表}一致。"),
            TablePart(head, "年度总体目标完成情况", numbered=False),
            TablePart(shown, "绩效指标完成情况", numbered=False, merge=("一级指标", "二级指标"))]


def self_assessment_sheet(params, inputs, district, per_unit, active):
    """The 自评表 as a sheet of ``indicators.xlsx`` (the batch's figures; None without a framework)."""
    from ...fileio import Sheet
    from ..context import _evaluation

    budget, card = _evaluation(params, inputs, district)
    ctx = ReportContext(params, inputs, district, district, per_unit, list(active), None, budget, card,
                        list(inputs.missing))
    frame = self_assessment(ctx)
    if frame is None:
        return None
    return Sheet(frame, wrap=("实际完成值", "偏差原因分析及改进措施"), formats={"分值": "0.##", "得分": "0.00"})
