"""Sections of the monthly 通报 (form 月度通报): each reads a
:class:`~xinfang.report.bulletin.BulletinContext` and returns its parts.

Findings are gated: a unit's volume "rose two months running" only when each of the last two
months was above the one before; a rate is a problem only when its displayed value is below
its target; counts (进京登记, 超期件) only when above zero.
"""
from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from ... import narrative as nv
from ...blocks import Colophon
from .base import DocInfo, Heading, Part, Signature, Sub, TablePart, Text, section

RATES = (("handling.timely_acceptance", "及时受理率"), ("handling.on_time_reply", "按期答复率"),
         ("handling.participation", "参评率"), ("handling.satisfaction", "参评满意率"),
         ("resolution.demand_first", "求决类初次信访一次性化解率"))


def _cnt(n, unit: str) -> str:
    return nv.count(n, unit)


def _vs(ctx, cur: int, prev: int, unit: str, label: str) -> str:
    """环比 / 同比 wording under the number rules (below the minimum base, in counts)."""
    text = nv.change(cur, prev, sign=ctx.sign, unit=unit, min_base=ctx.min_base)
    if text.startswith("同比"):
        return label + text[2:]
    if text == "上年同期为0":
        return f"{label}由0{unit}增至{cur}{unit}"
    return f"{label}{text}"


@section("通报标题")
def bulletin_title(ctx) -> list[Part]:
    """Title, 主送 and the opening sentence."""
    recipients = ctx.settings.recipients or "各乡镇街道，区直有关单位："
    p = ctx.period
    opening = (f"现将{ctx.year}年{ctx.month}月（{p.start.month}月{p.start.day}日至{p.end.month}月{p.end.day}日）"
               f"全区信访工作情况通报如下，办理情况统计截至{ctx.date_text(ctx.cutoff)}。")
    return [DocInfo(ctx.metadata()), Heading(1, ctx.title), Signature((recipients,), align="left"), Text(opening)]


@section("总体情况", "总体情况")
def overview(ctx) -> list[Part]:
    """本月 and 累计 volume by channel and level, 环比 and 同比, and the month's rates at C."""
    v, prev, ly = ctx.volumes["本月"], ctx.volumes["上月"], ctx.volumes["上年同月"]
    cum, ly_cum = ctx.volumes["累计"], ctx.volumes["上年累计"]
    month = (f"本月全区共登记信访事项{_cnt(v['件次'], '件次')}（{_cnt(v['件人次'], '件人次')}），"
             f"{_vs(ctx, v['件次'], prev['件次'], '件次', '环比')}，{_vs(ctx, v['件次'], ly['件次'], '件次', '同比')}。"
             f"其中来信{_cnt(v['来信'], '件次')}，来访{_cnt(v['来访批次'], '批次')}{_cnt(v['来访人次'], '人次')}，"
             f"网上信访{_cnt(v['网上信访'], '件次')}；到国家信访局{_cnt(v['国家'], '件次')}，到省{_cnt(v['省'], '件次')}，"
             f"到市{_cnt(v['市'], '件次')}，在区{_cnt(v['区'], '件次')}。")
    nat = ctx.results["national.volume"]
    month += (f"到国家信访局信访量{_cnt(nat.value, '件人次')}，"
              f"{_vs(ctx, nat.value, ctx.previous_results['national.volume'].value or 0, '件人次', '环比')}，"
              f"{_vs(ctx, nat.value, nat.previous or 0, '件人次', '同比')}。")
    bj = ctx.results["beijing.registered"]
    if bj.value is not None:
        month += f"在国家信访局登记{_cnt(bj.value, '人次')}。"
    cumulative = (f"1月至{ctx.month}月，全区累计登记信访事项{_cnt(cum['件次'], '件次')}（{_cnt(cum['件人次'], '件人次')}），"
                  f"{_vs(ctx, cum['件次'], ly_cum['件次'], '件次', '同比')}。其中来信{_cnt(cum['来信'], '件次')}，"
                  f"来访{_cnt(cum['来访批次'], '批次')}{_cnt(cum['来访人次'], '人次')}，网上信访{_cnt(cum['网上信访'], '件次')}；"
                  f"到国家信访局{_cnt(cum['国家'], '件次')}，到省{_cnt(cum['省'], '件次')}，到市{_cnt(cum['市'], '件次')}，"
                  f"在区{_cnt(cum['区'], '件次')}。") if ctx.month > 1 else ""
    rates = []
    for key, label in RATES:
        ind = ctx.results[key]
        if ind.denominator:
            rates.append(f"{label}{ctx.pct(ind)}")
    parts: list[Part] = [Text(month)]
    if cumulative:
        parts.append(Text(cumulative))
    if rates:
        over = ctx.overdue_count(ctx.results)
        tail = (f"全区超期未受理{_cnt(ctx.results['overdue.acceptance'].value, '件')}、"
                f"超期未答复{_cnt(ctx.results['overdue.reply'].value, '件')}"
                if over else "全区无超期未受理、超期未答复的信访件")
        soon = ctx.results["due_soon.reply"].value or 0
        if soon:
            tail += f"，即将到期未答复{_cnt(soon, '件')}"
        parts.append(Text(f"截至{ctx.date_text(ctx.cutoff)}，本月登记信访事项的" + "，".join(rates) + f"；{tail}。"))
    parts.append(TablePart(_volume_table(ctx), f"{ctx.month}月全区信访情况", name="总体"))
    return parts


def _volume_table(ctx) -> pd.DataFrame:
    rows = [("信访总量（件次）", "件次"), ("信访总量（件人次）", "件人次"), ("来信（件次）", "来信"),
            ("来访（批次）", "来访批次"), ("来访（人次）", "来访人次"), ("网上信访（件次）", "网上信访"),
            ("到国家信访局（件次）", "国家"), ("到省（件次）", "省"), ("到市（件次）", "市"), ("在区（件次）", "区")]
    v = ctx.volumes
    return pd.DataFrame([[label, v["本月"][k], v["上月"][k], v["上年同月"][k], v["累计"][k], v["上年累计"][k]]
                         for label, k in rows],
                        columns=["项目", "本月", "上月", "上年同月", "1月至本月", "上年同期累计"])


def _score_text(score: float) -> str:
    """A score as written: 100, 97.5, 92.25 (no trailing zeros)."""
    text = f"{score:.2f}".rstrip("0").rstrip(".")
    return text


def unit_table(ctx, *, ranked: bool = True) -> pd.DataFrame:
    """The ranking table: every unit's figures and, with an assessment, its score and rank."""
    def pct(ind):
        return ctx.pct(ind) if ind.denominator else "无应办件"

    rows = []
    order = list(ctx.per_unit)
    a = ctx.assessment
    if ranked and a is not None:
        order = list(a["单位"])
        by_unit = a.set_index("单位")
    for u in order:
        r, c = ctx.per_unit[u], ctx.per_unit_cumulative[u]
        row = {}
        if ranked and a is not None:
            row["名次"] = int(by_unit.loc[u, "名次"])
        row.update({"单位": u, "本月": r["total.registrations"].value,
                    "累计": c["total.registrations"].value,
                    "到国家局": r["national.volume"].value,
                    "国家局登记": r["beijing.registered"].value if r["beijing.registered"].value is not None else "未提供",
                    "到市集访": r["visits.city_group_batches"].value,
                    "超期件": ctx.overdue_count(r)})
        if ranked and a is not None:
            row["考核得分"] = _score_text(by_unit.loc[u, "得分"])
            marks = (["并列"] if by_unit.loc[u, "并列"] else []) + ([by_unit.loc[u, "标记"]] if by_unit.loc[u, "标记"] else [])
            row["备注"] = "，".join(marks)
        else:
            row.update({"及时受理率": pct(r["handling.timely_acceptance"]), "按期答复率": pct(r["handling.on_time_reply"])})
        rows.append(row)
    return pd.DataFrame(rows)


@section("各单位情况", "各单位情况")
def units(ctx) -> list[Part]:
    """The ranking of every unit by its 月度考核 score (ties 并列; top and bottom three marked)."""
    a = ctx.assessment
    parts: list[Part] = []
    if a is not None and len(a):
        text = ranking_sentence(a)
        parts.append(Text(text))
        note = ("本月、累计为登记件次，到国家局为件人次，国家局登记为人次，到市集访为批次；名次按月度考核得分排列，"
                "得分相同的并列；超期件为截止日超期未受理与超期未答复件数之和；各单位的办理率见附件1。")
        parts.append(TablePart(unit_table(ctx), f"{ctx.month}月各单位信访工作情况及考核排名", note=note, name="排名"))
    else:
        parts.append(TablePart(unit_table(ctx, ranked=False), f"{ctx.month}月各单位信访工作情况", name="排名"))
    return parts


def ranking_sentence(a: pd.DataFrame) -> str:
    """The sentence on the 考核 ranking: the first three and the last three, each with its score
    and place. "前三名" names three units; when ties make the set larger it says so and names
    every unit of it, never "…等16个单位"."""
    top = a[a["标记"] == "前三名"]
    bottom = a[a["标记"] == "后三名"]
    text = ("按照月度考核办法，本月各单位考核得分及排名见{表:排名}。"
            + (f"得分前三名的是{_names(top)}" if len(top) <= 3
               else f"得分位列前三（含并列）的{len(top)}个单位是{_names(top)}"))
    if len(bottom):
        text += (f"；后三名的是{_names(bottom)}" if len(bottom) <= 3
                 else f"；位列后三（含并列）的{len(bottom)}个单位是{_names(bottom)}")
        lost = [f"{u}（{note}）" for u, note in zip(bottom["单位"], bottom["扣分说明"]) if note]
        if lost:
            text += "，扣分原因为" + "，".join(lost)
    return text + "。"


def praised(ctx) -> pd.DataFrame:
    """The units the 通报 praises: those marked 前三名 by the 月度考核, best first.

    Empty (no 表扬) when there is no assessment, when the district registered nothing in the month,
    when every unit has the same score, or when the 前三名 (ties included) are not fewer than
    ``bulletin.praise_share`` of the units ranked: a place shared by most units is the norm, not a
    distinction. A unit with nothing to judge in the month (no registration, no overdue case at the
    cut-off) is never praised for it.
    """
    a = ctx.assessment
    if a is None or not len(a) or not ctx.volumes["本月"]["件次"] or a["得分"].nunique() == 1:
        return a.iloc[0:0] if a is not None else pd.DataFrame()
    top = a[a["标记"] == "前三名"]
    if len(top) >= ctx.settings.praise_share * len(a):
        return top.iloc[0:0]
    judged = [bool(ctx.per_unit[u]["total.registrations"].value) or ctx.overdue_count(ctx.per_unit[u]) > 0
              for u in top["单位"]]
    return top[judged]


@section("表扬", "通报表扬")
def praise(ctx) -> list[Part]:
    """表扬: the best units of the 月度考核 (:func:`praised`), with their scores and places."""
    best = praised(ctx)
    if not len(best):
        a = ctx.assessment
        if a is None or not len(a) or not ctx.volumes["本月"]["件次"]:
            return []  # nothing to judge: no 表扬 part
        # the part says why no unit is singled out: a place most units share is no distinction
        top = a[a["标记"] == "前三名"]
        if a["得分"].nunique() == 1:
            return [Text(f"本月参加考核的{len(a)}个单位考核得分相同，不单独通报表扬。")]
        if len(top) >= ctx.settings.praise_share * len(a):
            return [Text(f"本月考核得分位列前三（含并列）的单位有{len(top)}个，占参加考核单位（{len(a)}个）的"
                         f"{nv.ratio_percent(len(top), len(a), sign=ctx.sign)}，不单独通报表扬。")]
        return []  # the first places went to units with nothing to judge
    full = (best["扣分"] == 0).all()
    why = "各项考核均未扣分" if full else "考核得分位列全区前三"
    return [Text(f"根据本月考核结果，{_names(best)}{why}，予以通报表扬。"
                 "希望受到表扬的单位保持成绩，其他单位对照查找差距。")]


def _names(frame: pd.DataFrame) -> str:
    """Units grouped by rank: 甲、乙（100.00分，并列第1名），丙（97.00分，第3名）."""
    out = []
    for rank, group in frame.groupby("名次", sort=True):
        units = list(group["单位"])
        shown = "、".join(units)  # every unit of a tie is named: "等16个单位" hides who is ranked
        tie = "并列" if len(group) > 1 or bool(group["并列"].iloc[0]) else ""
        out.append(f"{shown}（{_score_text(group['得分'].iloc[0])}分，{tie}第{rank}名）")
    return "，".join(out)


class BulletinFinding(NamedTuple):
    """One finding of the month: the indicator it concerns and its sentence in 存在问题."""

    key: str
    text: str


def _by_unit(ctx, key: str) -> dict[str, int]:
    """Units with a non-zero month value of ``key``, in register order, each with its count."""
    return {u: int(r[key].value) for u, r in ctx.per_unit.items() if r[key].value}


def _listed(counts: dict[str, int], unit: str) -> str:
    return "、".join(f"{u}{_cnt(n, unit)}" for u, n in counts.items())


def bulletin_findings(ctx) -> list[BulletinFinding]:
    """The findings of the month, each gated so that it holds."""
    out = []
    rising = _rising(ctx)
    if len(rising):
        names = "、".join(f"{u}（{a}件次、{b}件次、{c}件次）" for u, (a, b, c) in
                         zip(rising.index, rising[["前两月", "上月", "本月"]].itertuples(index=False, name=None)))
        out.append(BulletinFinding("total.registrations", f"部分单位信访量连续两个月上升。{names}。"))
    bj = _by_unit(ctx, "beijing.registered")
    if bj:
        out.append(BulletinFinding("beijing.registered", f"出现进京登记。本月在国家信访局登记{_cnt(sum(bj.values()), '人次')}，"
                                                         f"涉及{_listed(bj, '人次')}。"))
    cg = _by_unit(ctx, "visits.city_group_batches")
    if cg:
        out.append(BulletinFinding("visits.city_group_batches", f"发生到市集访。本月到市集访{_cnt(sum(cg.values()), '批次')}，"
                                                                f"涉及{_listed(cg, '批次')}。"))
    over = {u: ctx.overdue_count(r) for u, r in ctx.per_unit.items() if ctx.overdue_count(r)}
    if over:
        acc, rep = ctx.results["overdue.acceptance"].value or 0, ctx.results["overdue.reply"].value or 0
        key = "overdue.reply" if rep else "overdue.acceptance"
        out.append(BulletinFinding(key, f"存在超期件。截至{ctx.date_text(ctx.cutoff)}，全区超期未受理{_cnt(acc, '件')}、"
                                        f"超期未答复{_cnt(rep, '件')}，涉及{_listed(over, '件')}，清单见{{附件:超期件清单}}。"))
    for key, label in RATES:
        ind = ctx.results[key]
        if ctx.below_target(ind):
            out.append(BulletinFinding(key, f"{label}未达到目标。本月{label}{ctx.pct(ind)}，"
                                            f"低于目标值{nv.percent(ctx.targets[key], sign=ctx.sign)}。"))
    return out


def _rising(ctx) -> pd.DataFrame:
    """Units whose 件次 rose two months running, on a month of at least ``findings.min_base``
    (a trend on 0, 1, 2 件次 is noise)."""
    t = ctx.unit_trend
    return t[(t["本月"] > t["上月"]) & (t["上月"] > t["前两月"]) & (t["本月"] >= ctx.min_base)]


def requirement_subjects(ctx) -> list[tuple[str, str]]:
    """(indicator key, what the requirement answers, in the month's own figures), one per
    finding, the overdue finding split by kind, and the cases falling due soon."""
    out = []
    day = ctx.date_text(ctx.cutoff)
    for f in bulletin_findings(ctx):
        if f.key == "total.registrations":
            rising = _rising(ctx)
            out.append((f.key, f"{'、'.join(rising.index)}信访量连续两个月上升（本月分别为"
                               f"{'、'.join(_cnt(n, '件次') for n in rising['本月'])}）"))
        elif f.key == "beijing.registered":
            bj = _by_unit(ctx, f.key)
            out.append((f.key, f"本月在国家信访局登记{_cnt(sum(bj.values()), '人次')}（{_listed(bj, '人次')}）"))
        elif f.key == "visits.city_group_batches":
            cg = _by_unit(ctx, f.key)
            out.append((f.key, f"本月到市集访{_cnt(sum(cg.values()), '批次')}（{_listed(cg, '批次')}）"))
        elif f.key.startswith("overdue."):
            for key, label in (("overdue.acceptance", "超期未受理"), ("overdue.reply", "超期未答复")):
                n = _by_unit(ctx, key)
                if n:
                    out.append((key, f"截至{day}{label}{_cnt(sum(n.values()), '件')}（{_listed(n, '件')}）"))
        else:
            ind, label = ctx.results[f.key], dict(RATES)[f.key]
            out.append((f.key, f"本月{label}{ctx.pct(ind)}、低于目标值{nv.percent(ctx.targets[f.key], sign=ctx.sign)}"))
    soon = _by_unit(ctx, "due_soon.reply")
    if soon:
        out.append(("due_soon.reply", f"截至{day}即将到期未答复{_cnt(sum(soon.values()), '件')}（{_listed(soon, '件')}）"))
    return out


@section("通报存在问题", "存在问题")
def problems(ctx) -> list[Part]:
    found = bulletin_findings(ctx)
    if not found:
        return [Text("本月各项指标均达到目标，未发现需要通报的突出问题。")]
    return [Text("\n".join(f"{i}. {f.text}" for i, f in enumerate(found, start=1)))]


@section("工作要求", "工作要求")
def requirements(ctx) -> list[Part]:
    """One line per finding of the month: what it answers, in the month's own figures (units and
    counts), then the params' 整改要求 line of its indicator (``rectification``); a finding whose
    indicator has no line is left out. The analyst's text for the month follows."""
    lines = ctx.rectification()
    chosen = [f"针对{subject}的情况，{lines[key]}" for key, subject in requirement_subjects(ctx) if key in lines]
    parts: list[Part] = []
    if chosen:
        parts.append(Text("\n".join(f"{i}. {text}" for i, text in enumerate(chosen, start=1))))
    extra = ctx.analyst_requirements()
    if extra:
        parts.append(Text(extra))
    return parts


@section("通报落款")
def bulletin_signature(ctx) -> list[Part]:
    d = ctx.report_date
    return [Signature((ctx.issuer, f"{d.year}年{d.month}月{d.day}日"))]


@section("版记")
def colophon(ctx) -> list[Part]:
    """版记 (GB/T 9704 §7.4): 抄送 (params ``bulletin.cc``), 印发机关 (``bulletin.printer``, else the
    落款) and 印发日期 (the date of the 通报)."""
    return [Colophon(tuple(ctx.settings.cc), ctx.settings.printer or ctx.issuer, ctx.date_text(ctx.report_date))]


@section("各单位统计表", "各单位信访情况统计表")
def unit_statistics(ctx) -> list[Part]:
    from ...monthly import volume

    reg = ctx.inputs.register
    rows = []
    for u, r in ctx.per_unit.items():
        v = volume(reg, ctx.period, u)
        # every count in 件次 (来访 counted per registration, as 来信 and 网上信访): 来信 + 来访 +
        # 网上信访 = 本月, a row adds up
        rows.append({"单位": u, "来信": v["来信"], "来访": v["来访批次"], "网上信访": v["网上信访"],
                     "本月": v["件次"], "累计": ctx.per_unit_cumulative[u]["total.registrations"].value,
                     **{label: _rate(ctx, r[key]) for key, label in RATE_COLUMNS}})
    frame = pd.DataFrame(rows)
    total = {"单位": "合计", **{c: int(frame[c].sum()) for c in ("来信", "来访", "网上信访", "本月", "累计")},
             **{label: _rate(ctx, ctx.results[key]) for key, label in RATE_COLUMNS}}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return [TablePart(frame, f"{ctx.month}月各单位信访情况统计表",
                      note="来信、来访、网上信访、本月、累计均为登记件次（来信、来访、网上信访之和为本月）；"
                           "各率按本月登记的信访件、截至截止日的办理情况计算，“无”表示本月无应办件。")]


RATE_COLUMNS = (("handling.timely_acceptance", "及时受理率"), ("handling.on_time_reply", "按期答复率"),
                ("handling.participation", "参评率"), ("handling.satisfaction", "满意率"))


def _rate(ctx, ind) -> str:
    return ctx.pct(ind) if ind.denominator else "无"


@section("超期件清单", "超期件清单")
def overdue_list(ctx) -> list[Part]:
    cases = ctx.cases[ctx.cases["类别"] != "即将到期"]
    if not len(cases):
        return [Text(f"截至{ctx.date_text(ctx.cutoff)}，全区无超期未受理、超期未答复的信访件。")]
    frame = pd.DataFrame({
        "序号": range(1, len(cases) + 1), "信访件编号": cases["信访件编号"].to_list(),
        "责任单位": cases["责任单位"].to_list(),
        "登记日期": [ctx.date_text(d) for d in cases["登记日期"]], "类别": cases["类别"].to_list(),
        "应受理/应答复日期": [ctx.date_text(d) for d in cases["应办日期"]],
        "超期天数": cases["超期天数"].to_list(), "问题领域": cases["问题领域"].to_list()})
    return [TablePart(frame, f"截至{ctx.date_text(ctx.cutoff)}超期件清单")]


__all__ = ["BulletinFinding", "bulletin_findings", "praised", "requirement_subjects", "unit_table", "Sub"]
