"""Sections of the 通报 on what the month was about: the 问题领域 most petitions concerned, the
group visits to the city (到市集访) by unit, and the 治重化积 campaign's progress at the cut-off.

Every share is computed from the count written beside it (a domain's 件次 ÷ the month's 件次,
both in the sentence); a table that was not provided leaves its part out, never a zero.
"""
from __future__ import annotations

import pandas as pd

from ... import narrative as nv
from ...indicators import domain_counts
from ...markdown import literal
from .base import Part, TablePart, Text, section

#: the places of the 问题领域 named (ties at the last place included, up to :data:`MAX_DOMAINS`)
TOP_DOMAINS, MAX_DOMAINS = 3, 5
CAMPAIGN_BATCHES = (("b12", "第一、二批"), ("b3", "第三批"))


def top_domains(counts: pd.Series, places: int = TOP_DOMAINS, most: int = MAX_DOMAINS) -> pd.Series:
    """The domains of the first ``places`` counts, largest first; a tie at the last place is
    named whole unless that makes more than ``most`` domains, then the tied place is left out.

    >>> top_domains(pd.Series({"甲": 9, "乙": 5, "丙": 3, "丁": 3, "戊": 1})).to_dict()
    {'甲': 9, '乙': 5, '丙': 3, '丁': 3}
    >>> top_domains(pd.Series({"甲": 9, "乙": 2, "丙": 2, "丁": 2, "戊": 2, "己": 2})).to_dict()
    {'甲': 9}
    """
    counts = counts[counts > 0]
    if len(counts) <= places:
        return counts
    last = counts.iloc[places - 1]
    chosen = counts[counts >= last]
    return chosen if len(chosen) <= most else counts[counts > last]


@section("问题领域")
def domains(ctx) -> list[Part]:
    """The month's registrations by 问题领域: the leading domains with their 件次 and share of
    the month's 件次 (the same total the sentence states)."""
    counts = domain_counts(ctx.inputs.register, ctx.period)
    total = int(counts.sum())
    if not total:
        return []
    if len(counts[counts > 0]) == 1:
        return [Text(f"从反映的问题看，本月登记的{nv.count(total, '件次')}均属{literal(counts.index[0])}领域。")]
    top = top_domains(counts)
    named = "、".join(f"{literal(d)}{nv.count(n, '件次')}（占{nv.ratio_percent(n, total, sign=ctx.sign)}）"
                     for d, n in top.items())
    return [Text(f"从反映的问题看，本月登记的{nv.count(total, '件次')}中，件次较多的问题领域是{named}。")]


@section("集访")
def group_visits(ctx) -> list[Part]:
    """到市集访 of the month, in total and by unit (批次 and 人次)."""
    by_unit = {u: (int(r["visits.city_group_batches"].value or 0), int(r["visits.city_group_persons"].value or 0))
               for u, r in ctx.per_unit.items()}
    by_unit = {u: bp for u, bp in by_unit.items() if bp[0]}
    if not by_unit:
        return [Text("本月全区未发生到市集访。")]
    batches, persons = sum(b for b, _ in by_unit.values()), sum(p for _, p in by_unit.values())
    named = "、".join(f"{u}{nv.count(b, '批次')}{nv.count(p, '人次')}" for u, (b, p) in by_unit.items())
    return [Text(f"本月全区到市集访{nv.count(batches, '批次')}{nv.count(persons, '人次')}，其中{named}。")]


@section("治重化积进展", "治重化积工作进展")
def campaign_progress(ctx) -> list[Part]:
    """The 治重化积 matters assigned, reported and resolved as of the cut-off (resolutions dated
    after it do not count yet), by batch; the units with matters still open are an attachment."""
    r = ctx.cumulative_results
    if r["campaign.b12.assigned"].value is None:      # the campaign table was not provided
        return []
    day = ctx.date_text(ctx.cutoff)
    clauses = []
    for tag, label in CAMPAIGN_BATCHES:
        assigned = int(r[f"campaign.{tag}.assigned"].value or 0)
        if not assigned:
            continue
        reported, resolved = int(r[f"campaign.{tag}.reported"].numerator), int(r[f"campaign.{tag}.resolved"].numerator)
        done = ("已全部审核化解" if resolved == assigned else
                f"已审核化解{nv.count(resolved, '件')}（{nv.ratio_percent(resolved, assigned, sign=ctx.sign)}），"
                f"尚未化解{nv.count(assigned - resolved, '件')}")
        clauses.append(f"{label}交办{nv.count(assigned, '件')}，已汇报{nv.count(reported, '件')}"
                       f"（{nv.ratio_percent(reported, assigned, sign=ctx.sign)}），{done}")
    if not clauses:
        return []
    open_units = len(open_matters(ctx))
    tail = f"尚有未化解事项的{open_units}个单位见{{附件:治重化积各单位}}。" if open_units else ""
    return [Text(f"截至{day}，“治重化积”专项工作" + "；".join(clauses) + "。" + tail)]


def open_matters(ctx) -> pd.DataFrame:
    """Units with 治重化积 matters not resolved by the cut-off, most open first."""
    rows = []
    for u, res in ctx.per_unit_cumulative.items():
        if res["campaign.b12.assigned"].value is None:
            return pd.DataFrame()
        assigned = sum(int(res[f"campaign.{t}.assigned"].value or 0) for t, _ in CAMPAIGN_BATCHES)
        resolved = sum(int(res[f"campaign.{t}.resolved"].numerator or 0) for t, _ in CAMPAIGN_BATCHES)
        reported = sum(int(res[f"campaign.{t}.reported"].numerator or 0) for t, _ in CAMPAIGN_BATCHES)
        if assigned > resolved:
            rows.append({"单位": u, "交办件数": assigned, "已汇报": reported, "已化解": resolved, "未化解": assigned - resolved})
    if not rows:
        return pd.DataFrame()
    return pd.DataFrame(rows).sort_values("未化解", ascending=False, kind="stable").reset_index(drop=True)


@section("治重化积各单位", "“治重化积”尚有未化解事项的单位")
def campaign_units(ctx) -> list[Part]:
    """附件: the units with matters still open at the cut-off, most open first."""
    frame = open_matters(ctx)
    if not len(frame):
        return []
    return [TablePart(frame, f"截至{ctx.date_text(ctx.cutoff)}尚有未化解事项的单位",
                      note="交办件数为第一、二批和第三批之和；已化解为截止日前（含）审核化解的件数。")]
