"""The sections of a report: one function per section, registered under its Chinese name.

A section function takes the :class:`~xinfang.report.context.ReportContext` and returns its
body as a list of parts — :class:`Text` (Markdown), :class:`TablePart` and :class:`ChartPart` —
or an empty list when it has nothing to show (it is then left out, heading and number too).
Sections never type a number: headings (一、 （一） 附件1) and table numbers (表1 …) are given
by :mod:`xinfang.report.forms` from the section's place in the form.

To add a section: write one function here with ``@section("名称", "标题")`` and put its name in
a form in ``forms.yaml``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

import pandas as pd

from .. import charts
from .. import narrative as nv
from ..indicators import channel_volumes, domain_counts, monthly_counts
from .context import ReportContext


@dataclass(frozen=True)
class Text:
    """A run of Markdown (paragraphs, lists)."""

    markdown: str


@dataclass(frozen=True)
class TablePart:
    """A data table; ``numbered`` tables get 表N before their caption."""

    frame: pd.DataFrame
    caption: str
    numbered: bool = True
    note: str = ""


@dataclass(frozen=True)
class ChartPart:
    """A chart, drawn only when it is displayed (drawing is the dear part of a report)."""

    draw: Callable[[], charts.Chart]


Part = Union[Text, TablePart, ChartPart]
Title = Union[str, Callable[[ReportContext], str], None]


@dataclass(frozen=True)
class SectionSpec:
    name: str
    title: Title
    build: Callable[[ReportContext], list[Part]]

    def title_for(self, ctx: ReportContext) -> str | None:
        return self.title(ctx) if callable(self.title) else self.title


SECTIONS: dict[str, SectionSpec] = {}


def section(name: str, title: Title = None):
    """Register ``func`` as the section ``name`` with heading ``title`` (None: no heading)."""
    def register(func: Callable[[ReportContext], list[Part]]):
        if name in SECTIONS:
            raise ValueError(f"section {name!r} registered twice")
        SECTIONS[name] = SectionSpec(name, title, func)
        return func
    return register


# ----------------------------------------------------------------- 标题
@section("标题")
def title(ctx: ReportContext) -> list[Part]:
    intro = (f"本报告依据{ctx.params['district']}信访信息系统导出的信访事项登记表等数据自动生成，"
             f"统计期为{ctx.period.label}，同比口径为上年同期（{ctx.period.previous().label}）。"
             "各项数据的计算口径见附件“口径说明”，数据来源见附件“数据说明”。")
    return [Text(f"# {ctx.title}"), Text(intro)]


# ----------------------------------------------------------------- 基本情况
@section("重点考核指标", "信访工作重点考核指标完成情况")
def key_figures(ctx: ReportContext) -> list[Part]:
    """Every figure of the annual report's 基本情况 1, in its order, then 表 and charts."""
    who, c, y, p = ctx.who, ctx.cnt, ctx.yoy, ctx.pct
    text = (
        f"统计期内，{who}到国家信访局信访量{c('national.volume')}，{y('national.volume')}，"
        f"占{who}信访总量（{c('total.registrations')}）的{p('national.share')}。"
        f"其中，来信{c('national.letters')}，{y('national.letters')}；"
        f"来访{c('national.visits')}，{y('national.visits')}；"
        f"网上信访{c('national.online')}，{y('national.online')}。"
        f"责任单位及时受理率{p('handling.timely_acceptance')}，按期答复率{p('handling.on_time_reply')}，"
        f"信访事项责任单位参评率{p('handling.participation')}，参评满意率{p('handling.satisfaction')}。"
        f"到国家信访局求决类初次信访{c('national.first_demand')}，{y('national.first_demand')}；"
        f"全系统求决类初次信访一次性化解率{p('resolution.demand_first')}，"
        f"到国家信访局初次网信一次性化解率（全类别）{p('resolution.national_online_first')}，"
        f"到国家信访局初次来信一次性化解率（全类别）{p('resolution.national_letters_first')}，"
        f"到国家信访局来信重复率{p('repeat.national_letters')}。")
    return [Text(text), _table_core(ctx),
            ChartPart(lambda: _chart_channels(ctx)), ChartPart(lambda: _chart_monthly(ctx)),
            ChartPart(lambda: _chart_domains(ctx)), ChartPart(lambda: _chart_rates(ctx))]


CORE_KEYS = ("national.volume", "national.letters", "national.visits", "national.online", "total.registrations",
             "national.share", "national.first_demand", "handling.timely_acceptance", "handling.on_time_reply",
             "handling.participation", "handling.satisfaction", "resolution.demand_first",
             "resolution.national_online_first", "resolution.national_letters_first", "repeat.national_letters")


def _table_core(ctx: ReportContext) -> TablePart:
    rows = []
    for key in CORE_KEYS:
        ind = ctx.results[key]
        if ind.is_rate:
            now = ctx.pct(key)
            prev = nv.percent(ind.previous, sign=ctx.sign)
            change = nv.rate_change(ind.value, ind.previous)
            frac = f"{ind.numerator}/{ind.denominator}"
        else:
            now = nv.count(ind.value)
            prev = nv.count(ind.previous)
            change = ctx.yoy(key).removeprefix("同比")
            frac = "—"
        rows.append([ctx.label(key), now, prev, change, frac])
    frame = pd.DataFrame(rows, columns=["指标", "本期", "上年同期", "同比", "分子/分母"])
    return TablePart(frame, f"{ctx.scope}信访工作重点考核指标")


def _chart_channels(ctx: ReportContext) -> charts.Chart:
    cur, prev = channel_volumes(ctx.results)
    return charts.channel_comparison(cur, prev, title=f"{ctx.scope}到国家信访局信访量（分渠道）")


def _chart_monthly(ctx: ReportContext) -> charts.Chart:
    reg = ctx.scoped_register()
    cur = monthly_counts(reg, ctx.period)
    prev = monthly_counts(reg, ctx.period.previous())
    return charts.monthly_trend(cur, prev, title=f"{ctx.scope}月度信访量（件次）")


def _chart_domains(ctx: ReportContext) -> charts.Chart:
    return charts.domain_bars(domain_counts(ctx.inputs.register, ctx.period, unit=ctx.unit),
                              title=f"{ctx.scope}信访问题领域分布")


def _chart_rates(ctx: ReportContext) -> charts.Chart:
    rows = []
    for key, target in (ctx.params.get("targets") or {}).items():
        ind = ctx.results.get(key)
        if ind is not None:
            rows.append({"name": ctx.label(key).replace("（全类别）", ""), "value": ind.value, "target": float(target)})
    return charts.rates_vs_targets(pd.DataFrame(rows, columns=["name", "value", "target"]),
                                   title=f"{ctx.scope}主要指标完成情况")


@section("治重化积", "“治重化积”专项工作情况")
def campaign(ctx: ReportContext) -> list[Part]:
    if ctx.results["campaign.b12.assigned"].value is None:
        text = "未提供治重化积交办件数据，本节从略。"
    else:
        c, p = ctx.cnt, ctx.pct
        text = (f"“治重化积”专项工作第一、二批交办信访事项{c('campaign.b12.assigned')}，"
                f"汇报率{p('campaign.b12.reported')}，审核化解率{p('campaign.b12.resolved')}，"
                f"再次信访率{p('campaign.b12.repeated')}；第三批交办信访事项{c('campaign.b3.assigned')}，"
                f"汇报率{p('campaign.b3.reported')}，审核化解率{p('campaign.b3.resolved')}，"
                f"再次信访率{p('campaign.b3.repeated')}。")
    rows = [[label, ctx.cnt(f"campaign.{tag}.assigned"), ctx.pct(f"campaign.{tag}.reported"),
             ctx.pct(f"campaign.{tag}.resolved"), ctx.pct(f"campaign.{tag}.repeated")]
            for tag, label in (("b12", "第一、二批"), ("b3", "第三批"))]
    frame = pd.DataFrame(rows, columns=["交办批次", "交办件数", "汇报率", "审核化解率", "再次信访率"])
    return [Text(text), TablePart(frame, "“治重化积”专项工作情况")]


@section("进京越级访", "进京越级访及到市集访个访情况")
def visits(ctx: ReportContext) -> list[Part]:
    """进京越级访 and 到市集访/个访; for a unit, its rank among the units."""
    r = ctx.results
    s = []
    if r["beijing.persons"].value is None:
        s.append("未提供进京上访台账，进京上访情况从略。")
    else:
        s.append(f"统计期内，{ctx.who}进京上访{ctx.cnt('beijing.persons')}，"
                 f"在国家信访局登记{ctx.cnt('beijing.registered')}")
        if not ctx.unit:
            top = ctx.beijing_by_unit()
            if len(top):
                s.append("，分别是" + "，".join(f"{u}{nv.count(v, '人次')}" for u, v in top.items()))
        s.append("。")
    s.append(f"到市集访{nv.count(r['visits.city_group_batches'].value, '批')}"
             f"{nv.count(r['visits.city_group_persons'].value, '人次')}，"
             f"个访{nv.count(r['visits.city_individual_batches'].value, '批')}"
             f"{nv.count(r['visits.city_individual_persons'].value, '人次')}。")
    if ctx.unit:
        s.append("\n\n" + _rank_sentence(ctx))
    return [Text("".join(s)), _table_visits(ctx), _table_units(ctx),
            ChartPart(lambda: _chart_volume_units(ctx)), ChartPart(lambda: _chart_beijing_units(ctx))]


def _rank_sentence(ctx: ReportContext) -> str:
    """The unit's rank among the units with data, on the headline figures."""
    parts = []
    for key, label in (("national.volume", "到国家信访局信访量"), ("total.registrations", "信访总量"),
                       ("beijing.registered", "在国家信访局登记人次")):
        if ctx.results[key].value is None:
            continue
        place = ctx.rank(key)
        if place is not None:
            parts.append(f"{label}居第{place}位")
    n = len(ctx.active_units)
    return f"在全区{n}个有信访数据的单位中（由多到少排序），本单位" + "，".join(parts) + "。" if parts else ""


def _table_visits(ctx: ReportContext) -> TablePart:
    r = ctx.results
    frame = pd.DataFrame([
        ["进京上访", "—", nv.count(r["beijing.persons"].value), nv.count(r["beijing.persons"].previous)],
        ["其中：在国家信访局登记", "—", nv.count(r["beijing.registered"].value),
         nv.count(r["beijing.registered"].previous)],
        ["到市集访", nv.count(r["visits.city_group_batches"].value), nv.count(r["visits.city_group_persons"].value),
         nv.count(r["visits.city_group_persons"].previous)],
        ["到市个访", nv.count(r["visits.city_individual_batches"].value),
         nv.count(r["visits.city_individual_persons"].value), nv.count(r["visits.city_individual_persons"].previous)],
    ], columns=["类别", "批次", "人次", "上年同期人次"])
    return TablePart(frame, "进京上访及到市集访、个访情况")


def _table_units(ctx: ReportContext) -> TablePart:
    rows = []
    for u in ctx.active_units:
        ind = ctx.per_unit[u]
        rows.append([u, nv.count(ind["total.registrations"].value), nv.count(ind["national.volume"].value),
                     nv.count(ind["beijing.registered"].value),
                     nv.ratio_percent(ind["resolution.demand_first"].numerator,
                                      ind["resolution.demand_first"].denominator, sign=ctx.sign)])
    frame = pd.DataFrame(rows, columns=["单位", "信访总量（件次）", "到国家信访局信访量（件人次）",
                                        "在国家信访局登记（人次）", "求决类初次信访一次性化解率"])
    frame["_k"] = [-(ctx.per_unit[u]["national.volume"].value or 0) for u in ctx.active_units]
    frame = frame.sort_values("_k", kind="stable").drop(columns="_k").reset_index(drop=True)
    frame.insert(0, "序号", range(1, len(frame) + 1))
    return TablePart(frame, "各单位信访情况（按到国家信访局信访量排序）")


def _chart_beijing_units(ctx: ReportContext) -> charts.Chart:
    values = pd.Series({u: ctx.per_unit[u]["beijing.registered"].value or 0 for u in ctx.active_units})
    values = values[values > 0].sort_values(ascending=False, kind="stable")
    return charts.unit_ranking(values, title="各单位在国家信访局登记人次", unit="人次", highlight=ctx.unit)


def _chart_volume_units(ctx: ReportContext) -> charts.Chart:
    values = pd.Series({u: ctx.per_unit[u]["national.volume"].value or 0 for u in ctx.active_units})
    values = values.sort_values(ascending=False, kind="stable")
    return charts.unit_ranking(values, title="各单位到国家信访局信访量", unit="件人次", highlight=ctx.unit)


@section("预算执行", "预算执行情况")
def budget(ctx: ReportContext) -> list[Part]:
    """The budget indicators in one paragraph, the 预算执行 table and its chart."""
    if ctx.budget is None:
        return [Text("未提供预算执行表，预算执行情况从略。")]
    from ..budget import budget_frame

    b, sign = ctx.budget.results, ctx.sign

    def pct(key):
        return nv.percent(b[key].value, sign=sign)

    change = b["budget.three_public_change"].value
    three = ("同比持平" if change == 0 else
             f"同比{'下降' if change < 0 else '上升'}{nv.percent(abs(change), sign=sign)}") \
        if change is not None else "无可比数据"
    text = (f"{ctx.bureau}全年预算执行率{pct('budget.execution_rate')}"
            f"（实际支出{nv.count(round(b['budget.execution_rate'].numerator, 2), '万元')}，"
            f"调整后预算{nv.count(round(b['budget.execution_rate'].denominator, 2), '万元')}），"
            f"结转结余率{pct('budget.carryover_rate')}，“三公”经费{three}，"
            f"政府采购执行率{pct('budget.procurement_rate')}。")
    table = ctx.budget.table
    frame = budget_frame(table, by="item")
    out = pd.DataFrame({"类别": table.frame["category"].tolist(), "项目": frame["item"],
                        "调整后预算（万元）": [nv.count(v) if v == v else "—" for v in frame["budget"]],
                        "实际支出（万元）": [nv.count(v) for v in frame["actual"]]})
    return [Text(text), TablePart(out, "预算执行情况"),
            ChartPart(lambda: charts.budget_bars(budget_frame(table, by="category"), title="预算执行情况（万元）"))]


# ----------------------------------------------------------------- analyst chapters
def _analyst(ctx: ReportContext, key: str, title: str) -> list[Part]:
    text = ctx.analyst_text(key)
    if text:
        return [Text(text)]
    folder = f"params/{ctx.params['year']}/" + (f"{ctx.file_stem}/" if ctx.unit else "")
    name = (ctx.params.get("text") or {}).get(key) or f"{title}.md"
    return [Text(f"（{title}由分析人员在 {folder}{name} 中撰写，本期未提供。）")]


@section("主要做法", "主要做法")
def practices(ctx: ReportContext) -> list[Part]:
    return _analyst(ctx, "practices", "主要做法")


@section("下步打算", "下步打算")
def plans(ctx: ReportContext) -> list[Part]:
    return _analyst(ctx, "plans", "下步打算")


@section("存在问题", "存在问题")
def problems(ctx: ReportContext) -> list[Part]:
    """Generated findings as a numbered list, then the analyst's own text."""
    parts: list[Part] = []
    found = findings(ctx)
    if found:
        parts.append(Text("\n".join(f"{i}. {text}" for i, text in enumerate(found, start=1))))
    extra = ctx.analyst_text("problems")
    if extra:
        parts.append(Text(extra))
    return parts or [Text("")]


def findings(ctx: ReportContext) -> list[str]:
    """Generated findings: volumes that rose, rates under target, units with most 进京 registrations."""
    r = ctx.results
    out = []
    rose = []
    for key in ("national.volume", "national.letters", "national.visits", "national.online",
                "national.first_demand", "total.registrations", "beijing.registered"):
        ind = r[key]
        if ind.value is not None and ind.previous is not None and ind.value > ind.previous:
            rose.append(f"{ctx.label(key).split('（')[0]}{nv.count(ind.value, ind.unit)}，{ctx.yoy(key)}")
    if rose:
        out.append("信访总量高位运行。" + "；".join(rose) + "。")
    under = []
    for key, target in (ctx.params.get("targets") or {}).items():
        ind = r.get(key)
        if ind is None or ind.value is None or target is None:
            continue
        if ind.value < float(target):
            under.append(f"{ctx.label(key)}{ctx.pct(key)}，低于目标值{nv.percent(target, sign=ctx.sign)}")
    if under:
        out.append("部分指标未达目标。" + "；".join(under) + "。")
    if r["beijing.registered"].value:
        if ctx.unit:
            out.append(f"进京登记问题突出。本单位在国家信访局登记{ctx.cnt('beijing.registered')}。")
        else:
            top = ctx.beijing_by_unit().head(3)
            out.append("进京登记问题集中。在国家信访局登记人次最多的单位是"
                       + "、".join(f"{u}（{nv.count(v, '人次')}）" for u, v in top.items()) + "。")
    if r["visits.city_group_batches"].value:
        out.append(f"到市集访、个访仍然较多。到市集访{nv.count(r['visits.city_group_batches'].value, '批')}"
                   f"{nv.count(r['visits.city_group_persons'].value, '人次')}，"
                   f"个访{nv.count(r['visits.city_individual_batches'].value, '批')}"
                   f"{nv.count(r['visits.city_individual_persons'].value, '人次')}。")
    return out


# ----------------------------------------------------------------- 附件
def _scoring_title(ctx: ReportContext) -> str:
    return "绩效评价指标评分表（信访工作部分）" if ctx.unit and ctx.scorecard is not None else "绩效评价指标评分表"


@section("评分表", _scoring_title)
def scoring(ctx: ReportContext) -> list[Part]:
    """The 评价结论 and the 绩效评价指标评分表 (a unit's report scores the petition part only)."""
    card = ctx.scorecard
    if card is None:
        return [Text("未配置评分框架。")]
    if ctx.unit:
        part = card.petition_leaves()
        got = sum(s.score for s in part)
        full = sum(s.weight for s in part)
        text = (f"按{card.name}中由信访数据计算的指标评分，本单位得{nv.count(round(got, 2))}分"
                f"（满分{nv.count(round(full, 2))}分）。预算与定性指标仅对区信访局整体评价。")
    else:
        parts = "，".join(f"{k}{nv.count(v)}分" for k, v in card.level1.items())
        text = (f"评价结论：按《{card.name}》评分，{ctx.bureau}整体支出绩效评价总分"
                f"{nv.count(card.total)}分，评价等级为“{card.grade}”。\n"
                f"其中{parts}。各项得分的规则、目标值与实际值见下表，指标口径见附件2。")
    frame = card.to_frame(percent=ctx.sign)
    if ctx.unit:
        keep = set(map(id, card.petition_leaves()))
        frame = frame.iloc[[i for i, s in enumerate(card.leaves) if id(s) in keep]].reset_index(drop=True)
    for col in ("权重", "得分"):
        frame[col] = [nv.count(v) for v in frame[col]]
    return [Text(text), TablePart(frame, "绩效评价指标评分表", numbered=False)]


@section("口径说明", "口径说明")
def calibers(ctx: ReportContext) -> list[Part]:
    rows = []
    for key, ind in ctx.results.items():
        value = ctx.pct(key) if ind.is_rate else nv.count(ind.value, ind.unit)
        frac = f"{ind.numerator}/{ind.denominator}" if ind.is_rate else "—"
        rows.append([ctx.label(key), key, value, frac, ind.caliber])
    frame = pd.DataFrame(rows, columns=["指标", "指标代码", "本期值", "分子/分母", "口径"])
    return [Text("各指标的计算口径如下表。统计期内登记指登记日期在统计期内（含首尾两日）；"
                 "“件人次”为来信件次、网上信访件次与来访人次之和；分母为0的比率记为“—”，不记为0。"),
            TablePart(frame, "口径说明表", numbered=False)]


@section("数据说明", "数据说明")
def data_notes(ctx: ReportContext) -> list[Part]:
    from pathlib import Path

    from .. import __version__

    p = ctx.params
    missing = "；未提供：" + "、".join(ctx.inputs.missing) if ctx.inputs.missing else ""
    text = (f"统计期：{ctx.period.label}；同比期：{ctx.period.previous().label}。"
            f"报告范围：{ctx.scope}。生成工具：xinfang {__version__}。"
            f"单位名册：{Path(ctx.inputs.units.path).name}（{len(ctx.inputs.units.units)}个单位）{missing}。"
            "输入文件及其 SHA-256 校验值如下表；信访人姓名、证件号码、联系电话、住址等个人信息在读取时即已剔除，不进入任何报告。")
    keys = ", ".join(f"{k}={p[k]}" for k in ("year", "period_start", "period_end", "percent_sign") if k in p)
    frame = pd.DataFrame([[f["table"], f["file"], f["rows"], f["sha256"]] for f in ctx.inputs.files],
                         columns=["数据表", "文件", "行数", "SHA-256"])
    return [Text(text + f"\n\n参数：{keys}。"), TablePart(frame, "输入文件", numbered=False)]
