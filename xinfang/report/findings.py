"""Findings as data: what the figures of one entity (the district or a unit) say is wrong.

One rule book, written once and used by every document that states a 问题 (the district's 存在问题,
a unit's 存在问题 and 整改要求): a :class:`Finding` names the indicator, the kind of problem, the
figures it rests on and a severity; documents list findings by severity. The thresholds are
params (``findings.min_base``, ``findings.high_growth``). The rules (docs/architecture.md §13):

* ``overdue``: cases overdue at the period end (超期未受理 ``overdue.acceptance``, 超期未答复
  ``overdue.reply``), for the district and for every unit that has any;
* ``target_missed``: a rate below its target (params ``targets``), with the gap in 个百分点;
* ``lost_points``: every other scored leaf of the 评分表 below full marks: a change scored
  against its target, a repeat rate, a budget leaf, a manual leaf with its 扣分理由 (the district
  only: a unit is scored on petition leaves), worst first;
* ``high_growth``: a count that rose by at least ``findings.high_growth`` on a base of at least
  ``findings.min_base``, whatever the peers do;
* ``above_peers``: (units) a count above the median of the units of the same kind, that did
  not fall;
* ``beijing``: 在国家信访局登记 (进京登记) at all; a unit's rank is said only among units with
  any, and never when it has the fewest.

Nothing that does not apply is a finding: a rate with no cases, a change with no comparison
data or on a base below the minimum. A fall is never a problem.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from .. import narrative as nv
from .context import ReportContext

#: Kinds in the order documents list them (then by severity within a kind).
KINDS = ("overdue", "target_missed", "lost_points", "high_growth", "above_peers", "beijing", "city_group")
#: Counts where more is worse, watched for growth and against the peers.
GROWTH_KEYS = ("national.volume", "total.registrations", "national.first_demand", "visits.city_group_persons")


@dataclass(frozen=True)
class Finding:
    """One problem the figures show: ``key`` is the indicator key (or the leaf id of a manual or
    budget leaf), ``text`` the sentence documents print, ``severity`` orders findings of a kind
    (larger first), ``figures`` the numbers it rests on."""

    kind: str
    key: str
    text: str
    severity: float = 0.0
    figures: dict = field(default_factory=dict, compare=False)


def growth(ind) -> float | None:
    """(value − previous) ÷ previous, or None without a comparable previous value."""
    if ind.value is None or not ind.previous or not ind.comparable:
        return None
    return (ind.value - ind.previous) / ind.previous


def peer_median(ctx: ReportContext, key: str) -> float | None:
    """The median of ``key`` over the units of the same kind with data."""
    every = ctx.unit_values(key)
    values = [every[u] for u in ctx.peers() if every[u] is not None]
    return statistics.median(values) if values else None


def rank_among_nonzero(ctx: ReportContext, key: str) -> str | None:
    """"第N位" / "并列第N位" of the unit among its peers with a non-zero ``key``, most first;
    None when it has none, is alone, or has the fewest (the best place is not a problem)."""
    value = ctx.results[key].value
    if not value:
        return None
    every = ctx.unit_values(key)
    values = {u: every[u] for u in ctx.peers() if every[u]}
    if len(values) < 2 or value == min(values.values()):
        return None
    place = sum(1 for v in values.values() if v > value) + 1
    tied = sum(1 for v in values.values() if v == value) > 1
    return f"{'并列' if tied else ''}第{place}位"


def _name(ctx: ReportContext, key: str) -> str:
    return ctx.label(key).split("（件")[0].split("（人次")[0].split("（批")[0]


def _overdue(ctx: ReportContext) -> list[Finding]:
    end = ctx.period.end
    acc, rep = (int(ctx.results[k].value or 0) for k in ("overdue.acceptance", "overdue.reply"))
    if not acc and not rep:
        return []
    parts = [f"超期未受理{acc}件" if acc else "", f"超期未答复{rep}件" if rep else ""]
    text = (f"存在超期未办信访件。截至{end.year}年{end.month}月{end.day}日，{ctx.who}"
            + "、".join(p for p in parts if p) + "，须逐件限期办结")
    key = "overdue.acceptance" if acc >= rep else "overdue.reply"
    return [Finding("overdue", key, text, acc + rep, {"overdue.acceptance": acc, "overdue.reply": rep})]


def _targets(ctx: ReportContext) -> list[Finding]:
    out = []
    for key, target in ctx.targets.items():
        if ctx.meets_target(key) is False:
            shown = nv.shown_percent(nv.exact_rate(ctx.results[key]))
            gap = nv.shown_percent(target) - shown
            out.append(Finding("target_missed", key,
                               f"{ctx.label(key)}{ctx.pct(key)}，低于目标值{nv.percent(target, sign=ctx.sign)}，"
                               f"差{gap:f}个百分点", float(gap), {"value": ctx.results[key].value, "target": target}))
    return out


def _lost(ctx: ReportContext, reported: set[str]) -> list[Finding]:
    card = ctx.scorecard
    if card is None:
        return []
    leaves = card.petition_leaves() if ctx.unit else card.leaves
    out = []
    for s in leaves:
        if not s.lost_points or (s.indicator and s.indicator in reported):
            continue
        lost = nv.count(round(s.lost, 2))
        if s.rule == "manual":
            why = s.reason or s.evidence or "未达评分标准"
            text = f"{s.level3}失{lost}分：{why}"
        else:
            text = (f"{s.level3}{s.actual_text.replace('%', ctx.sign)}，目标值{s.target_text.replace('%', ctx.sign)}，"
                    f"评分失{lost}分（满分{nv.count(s.weight)}分）")
        out.append(Finding("lost_points", s.indicator or s.id, text, float(s.lost),
                           {"score": s.score, "weight": s.weight, "lost": s.lost}))
    return out


def _growth(ctx: ReportContext) -> list[Finding]:
    high = float(ctx.params.findings.high_growth)
    out = []
    for key in GROWTH_KEYS:
        ind = ctx.results[key]
        g = growth(ind)
        if g is None or ind.previous < ctx.min_base or g < high:
            continue
        out.append(Finding("high_growth", key, f"{_name(ctx, key)}{nv.rise_word(g)}。{_name(ctx, key)}"
                                               f"{nv.count(ind.value, ind.unit)}，{ctx.yoy(key)}", g,
                           {"value": ind.value, "previous": ind.previous}))
    return out


def _above_peers(ctx: ReportContext, reported: set[str]) -> list[Finding]:
    out = []
    kind = ctx.kind_of(ctx.unit) or "同类单位"
    for key in GROWTH_KEYS:
        ind, median = ctx.results[key], peer_median(ctx, key)
        if key in reported or ind.value is None or median is None or ind.value <= median or ind.value < ctx.min_base:
            continue
        if ind.previous is not None and ind.comparable and ind.value < ind.previous:
            continue  # it fell: an achievement, not a problem
        rose = ind.previous is not None and ind.comparable and ind.value > ind.previous
        text = (f"{_name(ctx, key)}{nv.count(ind.value, ind.unit)}，高于{kind}中位数{nv.count(median, ind.unit)}"
                + (f"，{ctx.yoy(key)}" if rose else ""))
        out.append(Finding("above_peers", key, text, float(ind.value - median), {"value": ind.value, "median": median}))
    return out


def _beijing(ctx: ReportContext) -> list[Finding]:
    registered = ctx.results["beijing.registered"]
    if not registered.value:
        return []
    if ctx.unit:
        rank = rank_among_nonzero(ctx, "beijing.registered")
        kind = ctx.kind_of(ctx.unit) or "同类单位"
        text = f"出现进京登记。本单位在国家信访局登记{ctx.cnt('beijing.registered')}" + (
            f"，在有进京登记的{kind}中居{rank}" if rank else "")
        return [Finding("beijing", "beijing.registered", text, float(registered.value))]
    top = ctx.beijing_by_unit()
    head = "、".join(f"{u}{nv.count(v, '人次')}" for u, v in top.head(3).items())
    share = nv.ratio_percent(int(top.head(3).sum()), int(top.sum()), sign=ctx.sign)
    many = len(top) > 3 and top.iloc[2] == top.iloc[3]  # a tie at the third place: name them all
    if many:
        tied = top[top >= top.iloc[2]]
        head = "、".join(f"{u}{nv.count(v, '人次')}" for u, v in tied.items())
        share = nv.ratio_percent(int(tied.sum()), int(top.sum()), sign=ctx.sign)
    text = f"进京登记集中在少数单位。在国家信访局登记{ctx.cnt('beijing.registered')}，其中{head}，合计占{share}"
    return [Finding("beijing", "beijing.registered", text, float(registered.value))]


def _city_group(ctx: ReportContext) -> list[Finding]:
    r = ctx.results
    group = r["visits.city_group_persons"]
    g = growth(group)
    if not group.value or g is None or g <= 0 or group.previous < ctx.min_base:
        return []
    return [Finding("city_group", "visits.city_group_persons",
                    f"到市集访{nv.rise_word(g)}。到市集访{nv.count(r['visits.city_group_batches'].value, '批')}"
                    f"{ctx.cnt('visits.city_group_persons')}，{ctx.yoy('visits.city_group_persons')}", g)]


def findings(ctx: ReportContext) -> list[Finding]:
    """Every finding of the report's entity (``ctx.unit``, or the district), listed by kind
    (:data:`KINDS`) and, within a kind, by severity."""
    found = _overdue(ctx) + _targets(ctx)
    found += _lost(ctx, {f.key for f in found})
    found += _growth(ctx)
    if ctx.unit:
        found += _above_peers(ctx, {f.key for f in found})
    found += _beijing(ctx)
    if not ctx.unit and not any(f.key == "visits.city_group_persons" for f in found):
        found += _city_group(ctx)
    order = {k: i for i, k in enumerate(KINDS)}
    return sorted(found, key=lambda f: (order[f.kind], -f.severity))


def all_clear(ctx: ReportContext) -> bool:
    """Whether a document may say that every target was met and nothing needs fixing: no
    finding, and no leaf of its score table lost points."""
    return not findings(ctx)
