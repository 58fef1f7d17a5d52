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
#: The channels of the national volume: a rise is said inside the volume's finding when it has one.
CHANNEL_KEYS = ("national.letters", "national.visits", "national.online")
#: Every other count of a unit's 表1 whose rise is a problem.
OTHER_GROWTH_KEYS = ("visits.city_individual_persons",)


@dataclass(frozen=True)
class Finding:
    """One problem the figures show: ``key`` is the indicator key (or the leaf id of a manual or
    budget leaf), ``text`` what the figures show, ``points`` the points its leaf lost in the score
    table ("评分失2.4分（满分8分）", or ""), ``severity`` orders findings (larger first),
    ``figures`` the numbers it rests on. Documents print :attr:`sentence`."""

    kind: str
    key: str
    text: str
    severity: float = 0.0
    figures: dict = field(default_factory=dict, compare=False)
    brief: str = ""      # the figures in a clause ("本单位超期未答复2件"), for the 整改要求 line
    points: str = ""

    @property
    def sentence(self) -> str:
        """What documents print: the finding, then the points it cost."""
        return f"{self.text}，{self.points}" if self.points else self.text

    @property
    def clause(self) -> str:
        """The figures the finding rests on, as a clause (its text when no brief was given)."""
        return self.brief or self.text


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


def median_text(ctx: ReportContext, key: str, unit: str) -> str:
    """The peers' median as a reader says it: "中位数31件人次"; a median between two middle
    values (an even number of peers) is no count of anything ("31.5件人次"), so those two are
    named instead: "中位水平（居中的两个单位为31件人次、32件人次）"."""
    every = ctx.unit_values(key)
    values = sorted(every[u] for u in ctx.peers() if every[u] is not None)
    median = statistics.median(values)
    if float(median).is_integer():
        return f"中位数{nv.count(int(median), unit)}"
    low, high = values[len(values) // 2 - 1], values[len(values) // 2]
    return f"中位水平（居中的两个单位为{nv.count(low, unit)}、{nv.count(high, unit)}）"


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
    brief = f"{ctx.who}" + "、".join(p for p in parts if p)
    return [Finding("overdue", key, text, acc + rep, {"overdue.acceptance": acc, "overdue.reply": rep}, brief)]


def _targets(ctx: ReportContext) -> list[Finding]:
    out = []
    for key, target in ctx.targets.items():
        if ctx.meets_target(key) is False:
            shown = nv.shown_percent(nv.exact_rate(ctx.results[key]))
            gap = nv.shown_percent(target) - shown
            brief = f"{ctx.label(key)}{ctx.pct(key)}，低于目标值{nv.percent(target, sign=ctx.sign)}"
            out.append(Finding("target_missed", key, f"{brief}，差{nv.points(gap)}个百分点", float(gap),
                               {"value": ctx.results[key].value, "target": target}, brief))
    return out


def _lost_leaves(ctx: ReportContext) -> list:
    """The leaves of the entity's score table that lost points (a unit: its petition leaves)."""
    card = ctx.scorecard
    if card is None:
        return []
    return [s for s in (card.petition_leaves() if ctx.unit else card.leaves) if s.lost_points]


def _points(s) -> str:
    return f"评分失{nv.count(round(s.lost, 2))}分（满分{nv.count(s.weight)}分）"


def _lost(ctx: ReportContext, found: list[Finding]) -> list[Finding]:
    """Points lost, said once: beside the finding of the same indicator (a target missed, a
    rise) when there is one, else as a finding of their own; manual and budget leaves grouped by
    一级指标 with their 扣分理由."""
    out, by_key = [], {f.key: i for i, f in enumerate(found)}
    groups: dict[str, list] = {}
    for s in _lost_leaves(ctx):
        if s.rule == "manual" or (s.indicator or "").startswith("budget."):
            groups.setdefault(s.level1, []).append(s)
        elif s.indicator in by_key:
            i = by_key[s.indicator]
            f = found[i]
            said = ctx.yoy(s.indicator)
            change = (f"；{said}" if s.field == "yoy" and f.kind not in ("high_growth", "city_group")
                      and said not in f.text else "")  # never the same change twice in one sentence
            found[i] = Finding(f.kind, f.key, f"{f.text}{change}", float(s.lost),
                               f.figures | {"lost": s.lost}, f.brief, _points(s))
        else:
            text = f"{s.level3}{s.actual_text.replace('%', ctx.sign)}，目标值{s.target_text.replace('%', ctx.sign)}"
            brief = f"{s.level3}{s.actual_text.replace('%', ctx.sign)}（目标值{s.target_text.replace('%', ctx.sign)}）"
            out.append(Finding("lost_points", s.indicator, text, float(s.lost),
                               {"score": s.score, "weight": s.weight, "lost": s.lost}, brief, _points(s)))
    for level1, leaves in groups.items():
        items = []
        for s in leaves:
            if s.rule == "manual":
                items.append(f"{s.level3}（{s.reason or s.evidence or '未达评分标准'}）")
            else:
                items.append(f"{s.level3}{s.actual_text.replace('%', ctx.sign)}（目标值"
                             f"{s.target_text.replace('%', ctx.sign)}，失{nv.count(round(s.lost, 2))}分）")
        lost = round(sum(s.lost for s in leaves), 2)
        out.append(Finding("lost_points", leaves[0].id, f"{level1}指标失{nv.count(lost)}分。" + "；".join(items),
                           float(lost), {"lost": lost, "leaves": [s.id for s in leaves]}))
    return out


def _rises(ctx: ReportContext, keys) -> list[tuple[str, float]]:
    """(key, growth) of each count in ``keys`` that rose by at least ``findings.high_growth`` on
    a base of at least ``findings.min_base``."""
    high = float(ctx.params.findings.high_growth)
    out = []
    for key in keys:
        ind = ctx.results[key]
        g = growth(ind)
        if g is not None and ind.previous >= ctx.min_base and g >= high:
            out.append((key, g))
    return out


def _rise_text(ctx: ReportContext, key: str) -> str:
    return f"{_name(ctx, key)}{nv.count(ctx.results[key].value, ctx.results[key].unit)}，{ctx.yoy(key)}"


def _growth(ctx: ReportContext) -> list[Finding]:
    """Every count of the entity's figures that rose by at least ``findings.high_growth`` on a
    base of at least ``findings.min_base``, whatever the peers do; the channels of the national
    volume are said inside its finding when it has one."""
    out = []
    volume = ctx.results["national.volume"].value
    # a channel that is the whole volume adds nothing to it
    channels = [(k, g) for k, g in _rises(ctx, CHANNEL_KEYS) if ctx.results[k].value != volume]
    for key, g in _rises(ctx, GROWTH_KEYS + OTHER_GROWTH_KEYS):
        ind = ctx.results[key]
        text = f"{_name(ctx, key)}{nv.rise_word(g)}。{_rise_text(ctx, key)}"
        if key == "national.volume" and channels:
            text += "，其中" + "，".join(_rise_text(ctx, k).removeprefix("到国家信访局") for k, _ in channels)
            channels = []
        out.append(Finding("high_growth", key, text, g, {"value": ind.value, "previous": ind.previous},
                           _rise_text(ctx, key)))
    for key, g in channels:  # the volume did not rise enough, a channel did
        ind = ctx.results[key]
        out.append(Finding("high_growth", key, f"{_name(ctx, key)}{nv.rise_word(g)}。{_rise_text(ctx, key)}", g,
                           {"value": ind.value, "previous": ind.previous}, _rise_text(ctx, key)))
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
        text = (f"{_name(ctx, key)}{nv.count(ind.value, ind.unit)}，高于{kind}{median_text(ctx, key, ind.unit)}"
                + (f"，{ctx.yoy(key)}" if rose else ""))
        out.append(Finding("above_peers", key, text, float(ind.value - median), {"value": ind.value, "median": median},
                           f"{_name(ctx, key)}{nv.count(ind.value, ind.unit)}"))
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
        return [Finding("beijing", "beijing.registered", text, float(registered.value), {},
                        f"在国家信访局登记{ctx.cnt('beijing.registered')}")]
    top = ctx.beijing_by_unit()
    third = top.iloc[min(2, len(top) - 1)]
    above, tied = top[top > third], top[top == third]
    named = top[top >= third] if len(above) + len(tied) <= 5 else above  # a tie at the third place is named whole
    head = "、".join(f"{u}{nv.count(v, '人次')}" for u, v in named.items())
    if len(named) < len(above) + len(tied):
        head += f"，另有{len(tied)}个单位各{nv.count(third, '人次')}"
        named = top[top >= third]
    share = nv.ratio_percent(int(named.sum()), int(top.sum()), sign=ctx.sign)
    if len(named) == len(top):
        text = (f"出现进京登记。在国家信访局登记{ctx.cnt('beijing.registered')}，涉及{len(top)}个单位：{head}")
    else:
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
    """Every finding of the report's entity (``ctx.unit``, or the district), by severity:
    overdue cases first, then the findings that cost points in the score table (most points
    first), then the others by kind (:data:`KINDS`) and size. Computed once per context: every
    section that states a problem reads the same list."""
    cache = ctx.__dict__
    if "_findings" not in cache:
        cache["_findings"] = tuple(_findings(ctx))
    return list(cache["_findings"])


def _findings(ctx: ReportContext) -> list[Finding]:
    found = _targets(ctx) + _growth(ctx)
    if ctx.unit:
        found += _above_peers(ctx, {f.key for f in found})
    found += _beijing(ctx)
    if not ctx.unit and not any(f.key == "visits.city_group_persons" for f in found):
        found += _city_group(ctx)
    found += _lost(ctx, found)
    order = {k: i for i, k in enumerate(KINDS)}
    scored = sorted((f for f in found if "lost" in f.figures), key=lambda f: (-f.severity, order[f.kind]))
    other = sorted((f for f in found if "lost" not in f.figures), key=lambda f: (order[f.kind], -f.severity))
    return _overdue(ctx) + scored + other


def all_clear(ctx: ReportContext) -> bool:
    """Whether a document may say that every target was met and nothing needs fixing: no
    finding, and no leaf of its score table lost points."""
    return not findings(ctx)
