"""Sections of figures, shared by the forms: 绩效目标完成情况, 治重化积, 进京越级访 and 到市访,
预算执行, 综合评价结论.

Number rules (:mod:`xinfang.narrative`): 100％ and 0％ whole; changes in 个百分点 from the
displayed values; below the minimum base a change is told in counts; a figure that cannot be
computed is left out of its sentence and said once.
"""
from __future__ import annotations

import pandas as pd

from ... import narrative as nv
from ...markdown import literal
from ...indicators import channel_volumes, domain_counts, monthly_counts
from ..context import ReportContext
from .base import ChartPart, Part, TablePart, Text, charts, section

#: The figures of the annual report's 基本情况, in its order: (key, how the sentence names it).
KEY_FIGURES = (
    ("handling.timely_acceptance", "责任单位及时受理率"),
    ("handling.on_time_reply", "按期答复率"),
    ("handling.participation", "信访事项责任单位参评率"),
    ("handling.satisfaction", "参评满意率"),
)
RESOLUTION_FIGURES = (
    ("resolution.demand_first", "全系统求决类初次信访一次性化解率"),
    ("resolution.national_online_first", "到国家信访局初次网信一次性化解率（全类别）"),
    ("resolution.national_letters_first", "到国家信访局初次来信一次性化解率（全类别）"),
    ("repeat.national_letters", "到国家信访局来信重复率"),
)
CORE_KEYS = ("national.volume", "national.letters", "national.visits", "national.online", "total.registrations",
             "national.share", "national.first_demand", "handling.timely_acceptance", "handling.on_time_reply",
             "handling.participation", "handling.satisfaction", "resolution.demand_first",
             "resolution.national_online_first", "resolution.national_letters_first", "repeat.national_letters")


def short_name(ctx: ReportContext, key: str) -> str:
    """The indicator's name without its unit in brackets: 到国家信访局信访量（件人次） → 到国家信访局信访量."""
    return ctx.label(key).split("（件")[0].split("（人次")[0].split("（批")[0]


def rate_clauses(ctx: ReportContext, pairs) -> tuple[list[str], list[str]]:
    """"名称X％" for each defined rate; the names of those that cannot be computed."""
    said, missing = [], []
    for key, name in pairs:
        (said if ctx.defined(key) else missing).append(f"{name}{ctx.pct(key)}" if ctx.defined(key) else name)
    return said, missing


def count_clause(ctx: ReportContext, key: str, name: str) -> str:
    """"名称N件人次，同比…" (the 同比 left out when there is no comparison)."""
    text = f"{name}{ctx.cnt(key)}"
    change = ctx.yoy(key)
    return text if change == nv.NO_COMPARISON else f"{text}，{change}"


def share_clause(ctx: ReportContext) -> str:
    """"，占全区信访总量（N件次）的Z％", where Z is over registrations (件次): it stands beside
    the 件人次 volume only when the two are the same number (every national visit a single
    person); otherwise the 件次 count it is computed from is named first."""
    if not ctx.defined("national.share"):
        return ""
    share = ctx.results["national.share"]
    clause = f"占{ctx.who}信访总量（{ctx.cnt('total.registrations')}）的{ctx.pct('national.share')}"
    if share.numerator == ctx.results["national.volume"].value:
        return "，" + clause
    return f"；到国家信访局登记{nv.count(share.numerator, '件次')}，{clause}"


def overdue_sentence(ctx: ReportContext) -> str:
    """"截至…，全区（本单位）超期未受理N件、超期未答复M件，清单见…。" when there are any at the
    period's end (the counts of ``overdue.acceptance`` and ``overdue.reply``), else ""."""
    acc, rep = (int(ctx.results[k].value or 0) for k in ("overdue.acceptance", "overdue.reply"))
    if not acc and not rep:
        return ""
    end = ctx.period.end
    said = "、".join(t for t in (f"超期未受理{acc}件" if acc else "", f"超期未答复{rep}件" if rep else "") if t)
    return f"截至{end.year}年{end.month}月{end.day}日，{ctx.who}尚有{said}。"


def missing_note(missing: list[str]) -> str:
    """One sentence for the figures left out because they have no base."""
    if not missing:
        return ""
    return f"{'、'.join(missing)}本期没有可计算的基数（分母为0），未列出。"


# ----------------------------------------------------------------- 绩效目标完成情况
@section("绩效目标完成情况", "绩效目标完成情况")
def targets_and_figures(ctx: ReportContext) -> list[Part]:
    """Every figure of the annual report's 基本情况, in its order and idiom; the 绩效目标 table."""
    end = ctx.period.end
    head = (f"截至{end.year}年{end.month}月{end.day}日（统计期为{ctx.period.label}），{ctx.who}"
            + count_clause(ctx, "national.volume", "到国家信访局信访量") + share_clause(ctx))
    channels = "，".join(count_clause(ctx, k, n) for k, n in (("national.letters", "来信"),
                                                             ("national.visits", "来访"),
                                                             ("national.online", "网上信访")))
    rates, missing = rate_clauses(ctx, KEY_FIGURES)
    resolved, missing2 = rate_clauses(ctx, RESOLUTION_FIGURES)
    first = count_clause(ctx, "national.first_demand", "到国家信访局求决类初次信访")
    text = (f"{head}，其中{channels}。"
            + ("，".join(rates) + "。" if rates else "")
            + first + ("，" + "，".join(resolved) if resolved else "") + "。"
            + overdue_sentence(ctx)
            + missing_note(missing + missing2)
            + "各项指标本期与上年同期的对比见{表:核心}，分渠道、分月和分领域的情况见{图:渠道}至{图:领域}。")
    parts: list[Part] = [Text(text), TablePart(_core_frame(ctx), f"{ctx.scope}信访工作重点考核指标",
                                               note=_over_100_note(ctx), name="核心"),
                         ChartPart(lambda t: _chart_channels(ctx, t), f"{ctx.scope}到国家信访局信访量（分渠道）",
                                   name="渠道"),
                         ChartPart(lambda t: _chart_monthly(ctx, t), f"{ctx.scope}月度信访量（件次）", name="月度"),
                         Text(_domain_sentence(ctx)),
                         ChartPart(lambda t: _chart_domains(ctx, t), f"{ctx.scope}信访问题领域分布", name="领域")]
    if ctx.targets:
        parts += [Text(_targets_sentence(ctx)),
                  TablePart(_targets_frame(ctx), "年度绩效目标完成情况", name="目标"),
                  ChartPart(lambda t: _chart_rates(ctx, t), f"{ctx.scope}主要指标完成情况", name="达标")]
    return parts


def _over_100_note(ctx: ReportContext) -> str:
    ind = ctx.results["repeat.national_letters"]
    if ind.value is not None and ind.value > 1:
        return ("注：到国家信访局来信重复率为统计期内同一事项的重件数与对应初件数之比，"
                "一件初件可对应多件重件，故可超过100％。")
    return ""


def _core_frame(ctx: ReportContext) -> pd.DataFrame:
    rows = []
    for key in CORE_KEYS:
        ind = ctx.results[key]
        if ind.is_rate:
            now = ctx.pct(key)
            prev = nv.percent(ind.previous, sign=ctx.sign)
            change = ctx.rate_change(key)
            frac = f"{ind.numerator}/{ind.denominator}" if ind.denominator else "—"
        else:
            now = nv.count(ind.value)
            prev = nv.count(ind.previous)
            change = ctx.yoy(key).removeprefix("同比")
            frac = "—"
        rows.append([ctx.label(key), now, prev, change, frac])
    return pd.DataFrame(rows, columns=["指标", "本期", "上年同期", "同比", "分子/分母"])


def _domain_sentence(ctx: ReportContext) -> str:
    counts = domain_counts(ctx.inputs.register, ctx.period, unit=ctx.unit)
    total = int(counts.sum())
    if not total:
        return "统计期内没有登记信访事项，问题领域从略。"
    top = counts.sort_values(ascending=False, kind="stable").head(3)
    parts = [f"{literal(name)}{nv.count(int(n), '件次')}（占{nv.ratio_percent(int(n), total, sign=ctx.sign)}）"
             for name, n in top.items()]
    share = nv.ratio_percent(int(top.sum()), total, sign=ctx.sign)
    return (f"从问题领域看，信访反映较多的是{'、'.join(parts)}，三者合计占{ctx.who}登记量的{share}"
            "（见{图:领域}）。")


def _targets_sentence(ctx: ReportContext) -> str:
    met = [k for k in ctx.targets if ctx.meets_target(k)]
    unmet = [k for k in ctx.targets if ctx.meets_target(k) is False]
    text = f"年度绩效目标{len(ctx.targets)}项（见{{表:目标}}、{{图:达标}}），完成{len(met)}项"
    if unmet:
        text += "；未完成的是" + "、".join(
            f"{ctx.label(k)}{ctx.pct(k)}（目标{nv.percent(ctx.targets[k], sign=ctx.sign)}）" for k in unmet)
    return text + "。"


def _targets_frame(ctx: ReportContext) -> pd.DataFrame:
    rows = []
    for key, target in ctx.targets.items():
        if key not in ctx.results:
            continue
        ok = ctx.meets_target(key)
        rows.append([ctx.label(key), nv.percent(target, sign=ctx.sign), ctx.pct(key),
                     {True: "完成", False: "未完成", None: "无法计算"}[ok]])
    return pd.DataFrame(rows, columns=["绩效目标", "目标值", "实际值", "完成情况"])


def _chart_channels(ctx: ReportContext, title: str) -> charts.Chart:
    cur, prev = channel_volumes(ctx.results)
    return charts.channel_comparison(cur, prev, title=title)


def _chart_monthly(ctx: ReportContext, title: str) -> charts.Chart:
    reg = ctx.scoped_register()
    return charts.monthly_trend(monthly_counts(reg, ctx.period), monthly_counts(reg, ctx.period.previous()),
                                title=title)


def _chart_domains(ctx: ReportContext, title: str) -> charts.Chart:
    return charts.domain_bars(domain_counts(ctx.inputs.register, ctx.period, unit=ctx.unit), title=title)


def _chart_rates(ctx: ReportContext, title: str) -> charts.Chart:
    rows = [{"name": ctx.label(k).replace("（全类别）", ""), "value": ctx.results[k].value, "target": t}
            for k, t in ctx.targets.items() if k in ctx.results]
    return charts.rates_vs_targets(pd.DataFrame(rows, columns=["name", "value", "target"]), title=title)


# ----------------------------------------------------------------- 治重化积
@section("治重化积", "“治重化积”专项工作情况")
def campaign(ctx: ReportContext) -> list[Part]:
    if ctx.results["campaign.b12.assigned"].value is None:
        return []
    parts = []
    for tag, label in (("b12", "第一、二批"), ("b3", "第三批")):
        if not ctx.results[f"campaign.{tag}.assigned"].value:
            continue
        rates, _ = rate_clauses(ctx, ((f"campaign.{tag}.reported", "汇报率"), (f"campaign.{tag}.resolved", "审核化解率"),
                                      (f"campaign.{tag}.repeated", "再次信访率")))
        lead = "“治重化积”专项工作" if not parts else ""
        parts.append(f"{lead}{label}交办信访事项{ctx.cnt(f'campaign.{tag}.assigned')}，" + "，".join(rates))
    rows = [[label, ctx.cnt(f"campaign.{tag}.assigned"), ctx.pct(f"campaign.{tag}.reported"),
             ctx.pct(f"campaign.{tag}.resolved"), ctx.pct(f"campaign.{tag}.repeated")]
            for tag, label in (("b12", "第一、二批"), ("b3", "第三批"))]
    frame = pd.DataFrame(rows, columns=["交办批次", "交办件数", "汇报率", "审核化解率", "再次信访率"])
    return [Text("；".join(parts) + "（见{表:治重}）。"), TablePart(frame, "“治重化积”专项工作情况", name="治重")]


# ----------------------------------------------------------------- 进京越级访 and 到市访
@section("进京越级访", "进京越级访治理及到市集访、个访情况")
def visits(ctx: ReportContext) -> list[Part]:
    r = ctx.results
    s = []
    if r["beijing.persons"].value is not None:
        s.append(f"统计期内，{ctx.who}进京上访{ctx.cnt('beijing.persons')}，"
                 f"在国家信访局登记{ctx.cnt('beijing.registered')}")
        top = ctx.beijing_by_unit()
        if not ctx.unit and len(top):
            s.append("，分别是" + "，".join(f"{u}{nv.count(v, '人次')}" for u, v in top.items()))
        s.append("。")
    group = f"到市集访{nv.count(r['visits.city_group_batches'].value, '批')}{ctx.cnt('visits.city_group_persons')}"
    single = f"个访{nv.count(r['visits.city_individual_batches'].value, '批')}{ctx.cnt('visits.city_individual_persons')}"
    s.append(f"{group}，{ctx.yoy('visits.city_group_persons')}；{single}，{ctx.yoy('visits.city_individual_persons')}"
             "（见{表:进京}）。")
    parts: list[Part] = [Text("".join(s))]
    analysis = ctx.analyst_text("visits_analysis")
    if analysis:
        parts.append(Text(analysis))
    frame = pd.DataFrame([
        ["进京上访", "", nv.count(r["beijing.persons"].value), nv.count(r["beijing.persons"].previous)],
        ["其中：在国家信访局登记", "", nv.count(r["beijing.registered"].value),
         nv.count(r["beijing.registered"].previous)],
        ["到市集访", nv.count(r["visits.city_group_batches"].value), nv.count(r["visits.city_group_persons"].value),
         nv.count(r["visits.city_group_persons"].previous)],
        ["到市个访", nv.count(r["visits.city_individual_batches"].value),
         nv.count(r["visits.city_individual_persons"].value), nv.count(r["visits.city_individual_persons"].previous)],
    ], columns=["类别", "批次", "人次", "上年同期人次"])
    parts.append(TablePart(frame, "进京上访及到市集访、个访情况", name="进京"))
    if not ctx.unit and r["beijing.registered"].value:
        parts += [Text("各单位在国家信访局登记人次见{图:进京单位}，各单位主要指标见{附件:各单位主要指标}。"),
                  ChartPart(lambda t: _chart_beijing_units(ctx, t), "各单位在国家信访局登记人次", name="进京单位")]
    return parts


def _chart_beijing_units(ctx: ReportContext, title: str) -> charts.Chart:
    values = pd.Series({u: ctx.per_unit[u]["beijing.registered"].value or 0 for u in ctx.active_units})
    values = values[values > 0].sort_values(ascending=False, kind="stable")
    return charts.unit_ranking(values, title=title, unit="人次", highlight=ctx.unit)


# ----------------------------------------------------------------- 预算执行
@section("预算执行", "年度预算及执行情况")
def budget(ctx: ReportContext) -> list[Part]:
    """收入 and 支出 against last year (params ``finance``, where given), then the budget
    indicators in one paragraph, the 预算执行 table (其中 and 合计) and its chart."""
    from .profile import finance_parts

    money = finance_parts(ctx)
    if ctx.budget is None:
        return money + [Text(f"未提供预算执行表，{ctx.bureau}年度预算执行情况在本报告中从略。")]
    from ...budget import budget_display, budget_rows

    b, sign, table = ctx.budget.results, ctx.sign, ctx.budget.table
    rows = budget_rows(table)
    total = rows[rows["行"] == "合计"].iloc[0]

    def amount(x) -> str:
        return f"{float(x):.2f}万元"

    clauses = [f"{ctx.params.year}年{ctx.bureau}调整预算{amount(total['调整预算'])}，"
               f"决算{amount(total['决算'])}，预算执行率{nv.percent(b['budget.execution_rate'].value, sign=sign)}",
               f"结转结余率{nv.percent(b['budget.carryover_rate'].value, sign=sign)}"]
    three = rows[rows["项目"].str.contains("三公")]
    change = b["budget.three_public_change"]
    if len(three) and change.value is not None:
        now, before = three.iloc[0]["决算"], three.iloc[0]["上年决算"]
        word = "持平" if change.value == 0 else ("下降" if change.value < 0 else "上升")
        pct = "" if change.value == 0 else nv.percent(abs(change.value), sign=sign)
        clauses.append(f"“三公”经费决算{amount(now)}，上年{amount(before)}，同比{word}{pct}")
    if b["budget.procurement_rate"].value is not None:
        clauses.append(f"政府采购执行率{nv.percent(b['budget.procurement_rate'].value, sign=sign)}")
    text = "，".join(clauses) + "（见{表:预算}、{图:预算}）。“三公”经费和政府采购分别包含在基本支出和项目支出之中。"
    frame = budget_display(table, percent=sign).rename(columns=lambda c: c if c in ("项目", "执行率") else f"{c}（万元）")
    return money + [Text(text), TablePart(frame, "预算执行情况", name="预算"),
            ChartPart(lambda t: charts.budget_parts(budget_rows(table), title=t), "预算执行情况（万元）", name="预算")]


# ----------------------------------------------------------------- 综合评价结论
@section("综合评价结论", "综合评价结论")
def conclusion(ctx: ReportContext) -> list[Part]:
    card = ctx.scorecard
    if card is None:
        return []
    return [Text(conclusion_text(ctx))]


def conclusion_text(ctx: ReportContext) -> str:
    """Total, grade and the 一级 subtotals in one paragraph. While leaves are unscored, the total
    is out of the weight scored and the grade is withheld (暂不定级)."""
    card = ctx.scorecard
    head = f"按《{card.name}》评分，{ctx.bureau}{ctx.params.year}年度整体支出绩效评价"
    if card.complete and card.not_applicable:
        head += (f"适用指标满分{nv.count(card.scored_weight)}分，得{nv.count(card.total)}分，折合百分制"
                 f"{nv.count(card.hundred)}分，评价等级为“{card.grade}”（"
                 + "、".join(s.level3 for s in card.not_applicable) + "不适用，不计入满分）。")
    elif card.complete:
        head += f"得分{nv.count(card.total)}分，评价等级为“{card.grade}”。"
    else:
        from ...scoring import unscored_text

        head += (f"已评分部分得{nv.count(card.total)}分（已评分部分满分{nv.count(card.scored_weight)}分）。"
                 f"{unscored_text(card.unscored)}，共{len(card.unscored)}项未评分，暂不定级。")
    subtotals = "，".join(
        f"{g.name}{nv.count(g.score)}分（满分{nv.count(g.weight)}分）" if g.scored_weight == g.weight
        else (f"{g.name}未评分（满分{nv.count(g.weight)}分）" if not g.scored_weight
              else f"{g.name}{nv.count(g.score)}分（已评分部分满分{nv.count(g.scored_weight)}分）")
        for g in card.groups())
    return head + f"其中{subtotals}。各项得分、评分规则和依据见{{附件:评分表}}。"


def level1(card) -> list[tuple[str, float, float]]:
    """(一级名称, 得分, 权重) of a scorecard."""
    return [(name, float(score), float(card.weights1.get(name, 0))) for name, score in card.level1.items()]
