"""Sections of a unit's report: what a 乡镇街道 or 区直部门 leader acts on.

Everything is drawn from the figures: the score in 百分制 with its grade and the rank among
peers of the same kind; the unit's figures beside last year's and the district's; 成效 and
问题, each gated (a fall is a fall, a met target is never a problem, "较多" only above the
peers' median); one 整改要求 line per problem (params ``rectification``); the cases behind
the figures, without personal data.
"""
from __future__ import annotations

import pandas as pd

from ... import narrative as nv
from ...markdown import literal
from ...indicators import domain_counts, monthly_counts
from ...scoring import grade, to_hundred
from ..context import ReportContext, rectification_lines
from .base import ChartPart, Part, TablePart, Text, charts, section
from .figures import count_clause, overdue_sentence, short_name

#: The figures of a unit report, in the order of the annual report.
UNIT_KEYS = ("national.volume", "national.letters", "national.visits", "national.online", "total.registrations",
             "national.first_demand", "handling.timely_acceptance", "handling.on_time_reply",
             "handling.participation", "handling.satisfaction", "resolution.demand_first",
             "resolution.national_online_first", "resolution.national_letters_first", "repeat.national_letters",
             "beijing.registered", "visits.city_group_persons", "visits.city_individual_persons")
#: The rank column of the unit's figures: counts where more is worse, so the first place is the most.
RANK_HEADER = "同类单位中的位次（第1位为最多）"
#: Counts where more is worse: compared with the peers' median.
WORSE_WHEN_MORE = ("national.volume", "total.registrations", "national.first_demand", "visits.city_group_persons")


def rank_text(ctx: ReportContext, key: str, *, ascending: bool = False) -> str | None:
    """"居乡镇街道第N位" / "并列第N位" among the peers with a value; None when the unit has
    nothing to rank on (a zero or no value) or is alone."""
    value = ctx.results[key].value
    if not value:
        return None
    every = ctx.unit_values(key)
    values = {u: every[u] for u in ctx.peers() if every[u]}
    if len(values) < 2:
        return None
    better = sum(1 for v in values.values() if (v < value if ascending else v > value))
    ties = sum(1 for v in values.values() if v == value)
    place = better + 1
    return f"{'并列' if ties > 1 else ''}第{place}位"


def score_rank(ctx: ReportContext) -> tuple[int, int, bool] | None:
    """(place, peers, tied) of the unit on the petition score among its peers."""
    scores = {u: ctx.petition_score(u) for u in ctx.peers()}
    scores = {u: s[0] / s[1] for u, s in scores.items() if s}
    if ctx.unit not in scores:
        return None
    mine = scores[ctx.unit]
    return (sum(1 for v in scores.values() if v > mine) + 1, len(scores),
            sum(1 for v in scores.values() if v == mine) > 1)


@section("单位总体评价", "总体评价")
def overall(ctx: ReportContext) -> list[Part]:
    got = ctx.petition_score(ctx.unit)
    kind = ctx.kind_of(ctx.unit) or "单位"
    if got is None:
        return [Text("本单位在统计期内的信访工作情况如下。评分框架未配置，本报告不评分。")]
    score, full = got
    hundred = to_hundred(score, full)
    rows = ctx.scorecard.petition_rows() if ctx.scorecard is not None else ()
    left_out = [s for s in rows if not s.applies]
    unscored = [s for s in rows if not s.scored and s.applies]
    text = f"按绩效评价指标体系中由信访数据计算的指标评分，本单位得{nv.count(score)}分（满分{nv.count(full)}分"
    if left_out:
        text += f"，{len(left_out)}项指标本单位不适用，不计入满分"
    text += f"），折合百分制{nv.count(hundred)}分"
    if unscored:
        text += ("；" + "、".join(f"{s.level3}（{s.unscored_reason.split('：')[0]}）" for s in unscored)
                 + "未评分，评价等级暂不确定")
    else:
        text += f"，评价等级为“{grade(hundred)}”"
    rank = score_rank(ctx)
    if rank:
        place, n, tied = rank
        text += f"，得分在全区{n}个{kind}中{'并列' if tied else ''}居第{place}位（第1位得分最高）"
    return [Text(text + "。等级按百分制划分：90分以上为“优”，80分至90分为“良”，60分至80分为“中”，60分以下为“差”。")]


@section("单位基本情况", "基本情况")
def figures(ctx: ReportContext) -> list[Part]:
    c = ctx
    text = (f"统计期内（{ctx.period.label}），本单位{count_clause(c, 'total.registrations', '信访总量')}，"
            f"其中{count_clause(c, 'national.volume', '到国家信访局信访量')}"
            + (f"，{count_clause(c, 'beijing.registered', '在国家信访局登记')}" if c.defined("beijing.registered") else "")
            + "。" + overdue_sentence(c) + "各项指标与上年同期、与全区的对比见{表:单位指标}，月度变化见{图:单位月度}。")
    rows = []
    for key in UNIT_KEYS:
        ind = ctx.results[key]
        dist = ctx.district[key]
        if ind.is_rate:
            if not ind.denominator:
                continue
            now, prev = ctx.pct(key), nv.percent(ind.previous, sign=ctx.sign) if ind.previous is not None else ""
            # a rate on a base under the minimum moves by whole steps: its change says nothing
            change = ctx.rate_change(key) if ind.previous is not None and ind.denominator >= ctx.min_base else ""
            whole = nv.ratio_percent(dist.numerator, dist.denominator, sign=ctx.sign) if dist.denominator else ""
        else:
            if ind.value is None:
                continue
            now, prev = nv.count(ind.value), nv.count(ind.previous) if ind.previous is not None else ""
            change = ctx.yoy(key).removeprefix("同比") if ind.previous is not None else ""
            whole = nv.count(dist.value)
        rank = rank_text(ctx, key) if key in WORSE_WHEN_MORE + ("beijing.registered",) else ""
        rows.append([ctx.label(key), now, prev, change if change != nv.NO_COMPARISON else "", whole, rank or ""])
    frame = pd.DataFrame(rows, columns=["指标", "本单位", "上年同期", "同比", "全区", RANK_HEADER])
    note = ""
    repeat = ctx.results["repeat.national_letters"]
    if repeat.denominator and repeat.value > 1:
        note = ("注：到国家信访局来信重复率为同一事项的重件数与对应初件数之比，可超过100％；"
                f"基数小于{ctx.min_base}的比率不计同比。")
    elif any(ctx.results[k].is_rate and ctx.results[k].denominator and ctx.results[k].denominator < ctx.min_base
             for k in UNIT_KEYS):
        note = f"注：基数小于{ctx.min_base}的比率不计同比。"
    return [Text(text), TablePart(frame, f"{ctx.unit}主要指标", name="单位指标", note=note),
            ChartPart(lambda t: _monthly(ctx, t), f"{ctx.unit}月度信访量（件次）", name="单位月度"),
            Text(_domains_sentence(ctx)),
            ChartPart(lambda t: charts.domain_bars(domain_counts(ctx.inputs.register, ctx.period, unit=ctx.unit),
                                                   title=t), f"{ctx.unit}信访问题领域分布", name="单位领域")]


def _monthly(ctx: ReportContext, title: str) -> charts.Chart:
    reg = ctx.scoped_register()
    return charts.monthly_trend(monthly_counts(reg, ctx.period), monthly_counts(reg, ctx.period.previous()),
                                title=title)


def _domains_sentence(ctx: ReportContext) -> str:
    counts = domain_counts(ctx.inputs.register, ctx.period, unit=ctx.unit)
    total = int(counts.sum())
    if not total:
        return "统计期内本单位没有登记信访事项。"
    if (counts > 0).sum() == 1:   # one domain: "占100％" of itself says nothing
        return (f"统计期内本单位登记的{nv.count(total, '件次')}均属{literal(counts.index[0])}领域"
                "（见{图:单位领域}）。")
    top = counts.sort_values(ascending=False, kind="stable").head(3)
    named = "、".join(f"{literal(d)}{nv.count(int(n), '件次')}（占{nv.ratio_percent(int(n), total, sign=ctx.sign)}）"
                      for d, n in top.items() if n)
    return f"本单位信访反映较多的领域是{named}（见{{图:单位领域}}）。"


def achievements(ctx: ReportContext) -> list[str]:
    """What went well: counts that fell, targets met, no 进京登记."""
    out = []
    for key in ("national.volume", "total.registrations", "national.first_demand", "visits.city_group_persons"):
        ind = ctx.results[key]
        if ind.value is not None and ind.previous and ind.value < ind.previous:
            out.append(f"{short_name(ctx, key)}{nv.count(ind.value, ind.unit)}，{ctx.yoy(key)}")
    met = [f"{ctx.label(k)}{ctx.pct(k)}" for k in ctx.targets if ctx.meets_target(k)]
    if met:
        out.append("、".join(met) + "，达到年度目标")
    if ctx.results["beijing.registered"].value == 0:
        out.append("统计期内无在国家信访局登记的进京上访")
    return out


def problems_found(ctx: ReportContext) -> list[tuple[str, str]]:
    """(indicator key, finding) for each problem, by severity: the rule book of
    :mod:`xinfang.report.findings` (overdue cases, targets missed, score-table leaves that lost
    points, high growth, counts above the peers' median, 进京登记)."""
    from ..findings import findings

    return [(f.key, f.sentence) for f in findings(ctx)]


@section("工作成效", "工作成效")
def results_section(ctx: ReportContext) -> list[Part]:
    done = achievements(ctx)
    if not done:
        return []
    return [Text("\n".join(f"{i}. {t}。" for i, t in enumerate(done, start=1)))]


@section("单位存在问题", "存在问题")
def unit_problems(ctx: ReportContext) -> list[Part]:
    found = problems_found(ctx)
    if not found:
        # no finding: no overdue case, no target missed, no leaf of the score table lost points
        return [Text("统计期内本单位各项指标均达到目标，且不高于同类单位的中位数，未发现需要整改的问题。")]
    parts: list[Part] = [Text("\n".join(f"{i}. {t}。" for i, (_, t) in enumerate(found, start=1)))]
    extra = ctx.analyst_text("problems")
    if extra:
        parts.append(Text(extra))
    return parts


@section("整改要求", "整改要求")
def rectification(ctx: ReportContext) -> list[Part]:
    """One line per problem the figures show: the unit's own figures, the params' 整改要求 for that
    indicator (``rectification``), and the date it is due (``rectification_days`` after the
    report date); then to whom and by when the unit reports back."""
    import datetime as dt

    from ..findings import findings

    lines = rectification_lines(ctx.params)
    due = ctx.report_date + dt.timedelta(days=ctx.params.rectification_days)
    due_text = f"{due.year}年{due.month}月{due.day}日"
    chosen, seen = [], set()
    for f in findings(ctx):
        line = lines.get(f.key)
        if not line or f.key in seen:
            continue
        seen.add(f.key)
        chosen.append(f"针对{f.clause}的问题，{line.rstrip('。')}，{due_text}前整改到位。")
    if not chosen:
        return []
    to = ctx.params.rectification_report_to or ctx.params.signature or ctx.bureau
    chosen.append(f"请于{due_text}前将上述整改情况书面报送{to}。")
    return [Text("\n".join(f"{i}. {t}" for i, t in enumerate(chosen, start=1)))]


@section("案件清单", "案件清单")
def case_lists(ctx: ReportContext) -> list[Part]:
    """The unit's cases behind its figures, newest first, without personal data: 进京登记 (到国家信访局
    来访), repeat matters, and cases overdue or soon due at the period's end. Each list prints its
    first ``case_list_limit`` rows; the whole lists go with the report as a workbook
    (:mod:`xinfang.report.caselists`)."""
    from ..caselists import context_case_lists

    limit = ctx.params.case_list_limit
    lists = context_case_lists(ctx)
    end = ctx.period.end
    at = f"截至{end.year}年{end.month}月{end.day}日"
    parts: list[Part] = []
    parts += _listed(lists["到国家信访局来访登记"], limit, "统计期内本单位到国家信访局来访登记", "到国家信访局来访登记")
    parts += _listed(lists["重复信访事项"], limit, "统计期内本单位重复信访事项", "重复信访事项（按最近登记日期排列）")
    parts += _listed(lists["超期件"], limit, f"{at}本单位超期未受理、超期未答复的信访件", "超期件")
    parts += _listed(lists["即将到期件"], limit, f"{at}本单位即将到期的信访件", "即将到期件")
    return parts


def _listed(frame: pd.DataFrame, limit: int, what: str, caption: str) -> list[Part]:
    if frame.empty:
        return [Text(f"{what}无。")]
    n = len(frame)
    text = f"{what}共{n}条"
    if n > limit:
        text += f"，下表列出最近的{limit}条，全部{n}条见随本报告印发的案件清单（Excel）"
    return [Text(text + "。"), TablePart(frame.head(limit), caption, numbered=False)]


#: Keys whose calibers the short annex of a unit report gives, beside :data:`UNIT_KEYS`.
CUTOFF_KEYS = ("overdue.acceptance", "overdue.reply", "due_soon.reply")


def caliber_reference(ctx: ReportContext) -> str:
    """Where a report sends its reader for the calibers: its own attachment, or (a unit report
    with params ``unit_calibers: none``) the district report's."""
    if ctx.unit and ctx.params.unit_calibers == "none":
        return "全区绩效评价报告的指标口径说明"
    return "{附件:口径说明}"


def unit_calibers(ctx: ReportContext) -> list[Part]:
    """The 口径 annex of a unit report (params ``unit_calibers``): ``short`` gives the caliber of
    each indicator the report shows and nothing else (the full table of every indicator, with its
    numerator and denominator, is the district report's); ``none`` leaves the annex out."""
    if ctx.params.unit_calibers == "none":
        return []
    rows = []
    for key in UNIT_KEYS + CUTOFF_KEYS:
        ind = ctx.results[key]
        if ind.value is None or (ind.is_rate and not ind.denominator):
            continue
        rows.append([ctx.label(key), ind.caliber])
    text = (f"下表列出本报告所用指标的口径（统计期{ctx.period.label}，同比期{ctx.period.previous().label}；"
            "信访人个人信息在读取数据时即已剔除）。全部指标的口径及分子、分母见全区绩效评价报告的指标口径说明。")
    return [Text(text), TablePart(pd.DataFrame(rows, columns=["指标", "口径"]), "指标口径", numbered=False)]
