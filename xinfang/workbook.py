"""``indicators.xlsx``: every indicator × unit, for analysts (DESIGN.md §7).

:func:`indicator_sheets` builds the sheets from computed results; writing them is
:func:`xinfang.fileio.write_xlsx`'s job, deciding when is the batch's (:mod:`xinfang.run.batch`).
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

#: Headline indicators of the 排名 sheet.
RANK_KEYS = ("national.volume", "total.registrations", "beijing.registered", "resolution.demand_first",
             "handling.timely_acceptance", "handling.satisfaction", "repeat.national_letters")
#: Indicators where fewer is better: ranked ascending in the 排名 sheet.
RANK_ASCENDING = frozenset({"repeat.national_letters"})


def indicator_sheets(inputs, district: Mapping, per_unit: Mapping, active: Sequence[str],
                     framework: Path | None = None) -> dict:
    """The sheets of ``indicators.xlsx``: 指标×单位, 明细, 排名, 得分排名 (rates as fractions)."""
    import pandas as pd

    from .indicators import BUDGET_KEYS, KEYS, SPECS, rank_units, unit_frame

    scope = {inputs.units.district: district, **per_unit}
    values = unit_frame(scope).T  # keys × (district, units)
    values.insert(0, "指标", [SPECS[k].name for k in values.index])
    values.insert(1, "单位（计量）", [SPECS[k].unit for k in values.index])
    values = values.rename_axis("指标代码").reset_index()

    detail = []
    for name, results in scope.items():
        has = name == inputs.units.district or name in active
        for key, ind in results.items():
            detail.append([name, inputs.units.kind_of(name) or "全区", "是" if has else "否", key, ind.name,
                           ind.value, ind.numerator, ind.denominator, ind.unit, ind.previous, ind.yoy])
    detail = pd.DataFrame(detail, columns=["单位", "类别", "统计期内有数据", "指标代码", "指标", "值", "分子", "分母",
                                           "单位（计量）", "上年同期", "同比"])

    ranked = []
    scoped = {u: per_unit[u] for u in active}
    for key in RANK_KEYS:
        asc = key in RANK_ASCENDING
        frame = rank_units(scoped, key, ascending=asc)
        frame.insert(0, "指标", SPECS[key].name)
        frame.insert(0, "指标代码", key)
        frame["排序"] = "由少到多" if asc else "由多到少"
        ranked.append(frame)
    ranking = pd.concat(ranked, ignore_index=True) if ranked else pd.DataFrame()

    scores = pd.DataFrame(columns=["名次", "单位", "得分", "满分", "计分指标数", "说明"])
    if framework is not None and Path(framework).exists():
        from .scoring import load_framework, score

        fw = load_framework(framework, list(KEYS) + list(BUDGET_KEYS))
        rows = []
        for u in active:
            card = score(fw, per_unit[u])
            part = card.petition_leaves()
            rows.append([u, round(sum(s.score for s in part), 2), round(sum(s.weight for s in part), 2), len(part)])
        frame = pd.DataFrame(rows, columns=["单位", "得分", "满分", "计分指标数"])
        frame["名次"] = frame["得分"].rank(method="min", ascending=False).astype("Int64")
        frame = frame.sort_values(["名次", "单位"], kind="stable").reset_index(drop=True)
        frame["说明"] = (f"按《{fw.name}》中由信访数据计算的三级指标评分（各项得分之和）；"
                       "预算（budget.*）与人工评分指标只用于区信访局整体评价，不计入；按得分由高到低排名，同分同名次")
        scores = frame[["名次", "单位", "得分", "满分", "计分指标数", "说明"]]
    sheets = {"指标×单位": values, "明细": detail, "排名": ranking, "得分排名": scores}
    return sheets
