"""The attachments: 绩效评价指标评分表, 指标口径说明 (with the data used), 各单位主要指标."""
from __future__ import annotations

import pandas as pd

from ... import narrative as nv
from ..context import ReportContext
from .base import Part, TablePart, Text, section


def _scoring_title(ctx: ReportContext) -> str:
    return "绩效评价指标评分表（信访工作部分）" if ctx.unit and ctx.scorecard is not None else "绩效评价指标评分表"


@section("评分表", _scoring_title)
def scoring(ctx: ReportContext) -> list[Part]:
    """The 绩效评价指标评分表 (a unit's report scores the petition part only)."""
    card = ctx.scorecard
    if card is None:
        return []
    frame = card.to_frame(percent=ctx.sign)
    if ctx.unit:
        keep = set(map(id, card.petition_rows()))
        frame = frame.iloc[[i for i, s in enumerate(card.leaves) if id(s) in keep]].reset_index(drop=True)
    for col in ("权重", "得分"):
        frame[col] = [v if isinstance(v, str) else nv.count(v) for v in frame[col]]
    from .unit import caliber_reference

    text = ("评分表逐项列出三级指标的权重、目标值、实际值、得分和评分规则；"
            f"由信访数据计算的指标，其口径见{caliber_reference(ctx)}。")
    if card.not_applicable:
        text += ("统计期内没有相应信访件、或上年同期基数过小的指标为“不适用”，不计入满分，"
                 "总分按适用指标的满分折合百分制。")
    return [Text(text), TablePart(frame, "绩效评价指标评分表", numbered=False, merge=("一级指标", "二级指标"))]


@section("口径说明", "指标口径说明")
def calibers(ctx: ReportContext) -> list[Part]:
    if ctx.unit:  # a unit report: a short annex or none (params unit_calibers)
        from .unit import unit_calibers

        return unit_calibers(ctx)
    rows = []
    for key, ind in ctx.results.items():
        value = ctx.pct(key) if ind.is_rate else nv.count(ind.value, ind.unit)
        frac = f"{ind.numerator}/{ind.denominator}" if ind.is_rate and ind.denominator else ""
        rows.append([ctx.label(key), value, frac, ind.caliber])
    frame = pd.DataFrame(rows, columns=["指标", "本期值", "分子/分母", "口径"])
    tables = [f["table"] for f in ctx.inputs.files]
    others = [t for t in tables if t != "信访事项登记表"]
    used = "信访事项登记表" + (f"，以及{'、'.join(others)}" if others else "")
    missing = f"未提供{'、'.join(ctx.inputs.missing)}，相应内容从略。" if ctx.inputs.missing else ""
    text = (f"本报告的数据为{ctx.params.district}信访信息系统导出的{used}。{missing}"
            f"统计期为{ctx.period.label}，同比期为{ctx.period.previous().label}；"
            "统计期内登记指登记日期在统计期内（含首尾两日）。"
            "“件人次”为来信件次、网上信访件次与来访人次之和。分母为0的比率无法计算，表中留空。"
            "信访人姓名、证件号码、联系电话、住址等个人信息在读取数据时即已剔除，不进入本报告。"
            "每项指标所依据的具体信访件（计入分母的每一件，并注明是否计入分子及其理由，不含个人信息），"
            f"可向{ctx.bureau}统计人员索取该指标的案件清单逐件核对。")
    return [Text(text), TablePart(frame, "指标口径说明", numbered=False)]


@section("各单位主要指标", "各单位主要指标")
def units(ctx: ReportContext) -> list[Part]:
    rows = []
    for u in ctx.active_units:
        ind = ctx.per_unit[u]
        rows.append([u, nv.count(ind["total.registrations"].value), nv.count(ind["national.volume"].value),
                     nv.count(ind["beijing.registered"].value),
                     nv.ratio_percent(ind["resolution.demand_first"].numerator,
                                      ind["resolution.demand_first"].denominator, sign=ctx.sign)
                     if ind["resolution.demand_first"].denominator else ""])
    frame = pd.DataFrame(rows, columns=["单位", "信访总量（件次）", "到国家信访局信访量（件人次）",
                                        "在国家信访局登记（人次）", "求决类初次信访一次性化解率"])
    frame["_k"] = [-(ctx.per_unit[u]["national.volume"].value or 0) for u in ctx.active_units]
    frame = frame.sort_values("_k", kind="stable").drop(columns="_k").reset_index(drop=True)
    frame.insert(0, "序号", range(1, len(frame) + 1))
    return [Text("各单位按到国家信访局信访量由多到少排列。"),
            TablePart(frame, "各单位主要指标", numbered=False)]
