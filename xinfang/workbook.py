"""``indicators.xlsx``: the analyst's workbook (docs/architecture.md §8).

:func:`indicator_sheets` builds the sheets from computed results, each a
:class:`~xinfang.fileio.Sheet` with its number formats, widths and highlights; writing them is
:func:`xinfang.fileio.write_xlsx`'s job, deciding when is the batch's (:mod:`xinfang.run.batch`).

Sheets, in order:

* 全区指标: one row per indicator (指标, 本期值, 分子, 分母, 上年同期, 同比, 单位, 代码);
* 各单位指标: one row per unit, one column per headline indicator, rates below their target
  (params ``targets``) in red by conditional formatting;
* 排名: units ranked on each headline indicator (ties share a rank, "并列第N位"; a count of 0
  and an undefined rate are not ranked);
* 得分排名: units ranked by their petition-part score, with 百分制 and grade;
* 口径: the caliber of every indicator, once;
* 明细: the cases behind the four figures reviewers ask about most (:data:`DETAIL_KEYS`), one
  sheet with a 指标 column (:func:`xinfang.indicators.case_list`).

Values stay numbers: rates are fractions under a percent format, counts integers, amounts
万元 with two decimals.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

import pandas as pd

from .errors import ParameterError
from .fileio import INTEGER, PERCENT, WANYUAN, Highlight, Sheet

#: Headline indicators: the columns of 各单位指标 (targets' keys are added) and the 排名 sheet.
HEADLINE_KEYS = ("national.volume", "national.letters", "national.visits", "national.online",
                 "national.first_demand", "total.registrations", "beijing.persons", "beijing.registered",
                 "visits.city_group_persons", "visits.city_individual_persons",
                 "handling.timely_acceptance", "handling.on_time_reply", "handling.participation",
                 "handling.satisfaction", "resolution.demand_first", "resolution.national_online_first",
                 "resolution.national_letters_first", "repeat.national_letters")
#: Headline indicators of the 排名 sheet.
RANK_KEYS = ("national.volume", "total.registrations", "beijing.registered", "resolution.demand_first",
             "handling.timely_acceptance", "handling.satisfaction", "repeat.national_letters")
#: Indicators where fewer is better: ranked ascending.
RANK_ASCENDING = frozenset({"repeat.national_letters"})
#: The indicators whose cases the 明细 sheet lists.
DETAIL_KEYS = ("national.volume", "beijing.registered", "national.first_demand", "repeat.national_letters")
#: Width of the last, narrow 代码 column.
CODE_WIDTH = 14
SOURCES = {"register": "信访事项登记表", "campaign": "治重化积交办件", "beijing": "进京上访台账", "budget": "预算执行表"}
SCORE_RULE = ("单位得分按《{name}》中由信访数据计算的三级指标评分（各项得分之和）；预算（budget.*）与人工评分指标"
              "只用于区信访局整体评价，不计入。百分制得分 = 得分 ÷ 满分 × 100，等级按百分制（优≥90，良80–89，"
              "中60–79，差<60）。统计期内没有相应信访件、或上年同期基数过小的指标不适用，不计入满分，故各单位满分"
              "可以不同；按百分制得分由高到低排名，同分并列；同类名次在乡镇街道、区直部门内分别排名")


def _unit_text(unit: str) -> str:
    return "比率" if unit == "%" else unit


def _fmt(is_rate: bool) -> str:
    return PERCENT if is_rate else INTEGER


def rank_text(rank: int | None, tied: bool) -> str:
    """``第3位``, ``并列第3位``, or ``不排名``.

    >>> rank_text(3, False), rank_text(3, True), rank_text(None, False)
    ('第3位', '并列第3位', '不排名')
    """
    if rank is None:
        return "不排名"
    return f"{'并列' if tied else ''}第{rank}位"


def ranks(values: pd.Series, *, ascending: bool = False) -> tuple[pd.Series, pd.Series]:
    """Competition ranks (ties share the best rank) and their text; NaN values are not ranked.

    >>> r, t = ranks(pd.Series({"甲": 5.0, "乙": 7.0, "丙": 5.0, "丁": float("nan")}))
    >>> r.tolist(), t.tolist()
    ([2, 1, 2, <NA>], ['并列第2位', '第1位', '并列第2位', '不排名'])
    """
    rank = values.rank(method="min", ascending=ascending).astype("Int64")
    counts = rank.value_counts()
    text = [rank_text(None if pd.isna(r) else int(r), not pd.isna(r) and counts[r] > 1) for r in rank]
    return rank, pd.Series(text, index=values.index)


def _district_sheet(results: Mapping, budget: Mapping | None) -> Sheet:
    rows, value_fmt, count_fmt, yoy_fmt = [], [], [], []
    for ind in list(results.values()) + list((budget or {}).values()):
        money = ind.key.startswith("budget.")
        rows.append([ind.name, ind.value, ind.numerator, ind.denominator, ind.previous, ind.yoy,
                     _unit_text(ind.unit) + ("（分子、分母为万元）" if money and ind.numerator is not None else ""),
                     ind.key])
        value_fmt.append(_fmt(ind.is_rate))
        count_fmt.append(WANYUAN if money else INTEGER)
        yoy_fmt.append(PERCENT)
    frame = pd.DataFrame(rows, columns=["指标", "本期值", "分子", "分母", "上年同期", "同比", "单位", "代码"], dtype=object)
    prev_fmt = [WANYUAN if k == "budget.three_public_change" else f for k, f in zip(frame["代码"], value_fmt)]
    return Sheet(frame, formats={"本期值": value_fmt, "分子": count_fmt, "分母": count_fmt, "上年同期": prev_fmt,
                                 "同比": yoy_fmt},
                 widths={"代码": CODE_WIDTH}, freeze="B2")


def _units_sheet(inputs, per_unit: Mapping, active: Sequence[str], targets: Mapping[str, float]) -> Sheet:
    from .indicators import SPECS

    keys = list(HEADLINE_KEYS) + [k for k in targets if k in SPECS and k not in HEADLINE_KEYS]
    rows = []
    for name, results in per_unit.items():
        row = {"单位": name, "类别": inputs.units.kind_of(name) or "", "统计期内有数据": "是" if name in active else "否"}
        for k in keys:
            row[SPECS[k].name] = results[k].value
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["单位", "类别", "统计期内有数据"] + [SPECS[k].name for k in keys], dtype=object)
    formats = {SPECS[k].name: _fmt(SPECS[k].is_rate) for k in keys}
    highlights = tuple(Highlight(SPECS[k].name, "<", float(t)) for k, t in targets.items() if k in keys)
    return Sheet(frame, formats=formats, highlights=highlights, header_width=16, freeze="B2")


def _ranking_sheet(inputs, per_unit: Mapping, active: Sequence[str]) -> Sheet:
    from .indicators import SPECS

    parts = []
    for key in RANK_KEYS:
        spec = SPECS[key]
        asc = key in RANK_ASCENDING
        values = pd.Series({u: per_unit[u][key].value for u in active}, dtype=float)
        rankable = values if spec.is_rate else values.where(values > 0)
        rank, text = ranks(rankable, ascending=asc)
        why = ["无数据，不排名" if pd.isna(v) else ("为0，不排名" if pd.isna(r) else t)
               for v, r, t in zip(values, rank, text)]
        frame = pd.DataFrame({"指标": spec.name, "排序": "由少到多" if asc else "由多到少",
                              "名次": [None if pd.isna(r) else int(r) for r in rank],
                              "名次说明": why, "单位": values.index,
                              "类别": [inputs.units.kind_of(u) or "" for u in values.index],
                              "值": [per_unit[u][key].value for u in values.index], "代码": key})
        order = frame.assign(_r=rank.to_numpy()).sort_values(["_r", "单位"], na_position="last", kind="stable").index
        parts.append(frame.loc[order])
    frame = (pd.concat(parts, ignore_index=True) if parts else
             pd.DataFrame(columns=["指标", "排序", "名次", "名次说明", "单位", "类别", "值", "代码"]))
    value_fmt = [_fmt(SPECS[k].is_rate) for k in frame["代码"]]
    return Sheet(frame, formats={"名次": INTEGER, "值": value_fmt}, widths={"代码": CODE_WIDTH}, freeze="B2")


def _score_sheet(inputs, per_unit: Mapping, active: Sequence[str], framework: Path | None,
                 policy: Mapping | None) -> tuple[Sheet, str | None]:
    columns = ["名次", "名次说明", "单位", "类别", "同类名次", "得分", "满分", "百分制得分", "等级", "计分指标数"]
    if framework is None or not Path(framework).exists():
        return Sheet(pd.DataFrame(columns=columns)), None
    from .indicators import BUDGET_KEYS, KEYS
    from .scoring import grade, load_framework, score, to_hundred

    fw = load_framework(framework, list(KEYS) + list(BUDGET_KEYS))
    policy = policy or {"min_base": None, "targets": {}}
    rows = []
    for u in active:
        card = score(fw, per_unit[u], min_base=policy["min_base"], targets=policy["targets"])
        part = card.petition_leaves()
        unscored = [s for s in card.petition_rows() if not s.scored and s.applies]
        got, full = round(sum(s.score for s in part), 2), round(sum(s.weight for s in part), 2)
        hundred = to_hundred(got, full) if full else None
        level = "" if hundred is None else ("暂不定级" if unscored else grade(hundred))
        rows.append({"单位": u, "类别": inputs.units.kind_of(u) or "", "得分": got, "满分": full,
                     "百分制得分": hundred, "等级": level, "计分指标数": len(part)})
    frame = pd.DataFrame(rows, columns=["单位", "类别", "得分", "满分", "百分制得分", "等级", "计分指标数"])
    rank, frame["名次说明"] = ranks(frame["百分制得分"])
    frame["名次"] = [int(r) for r in rank]
    frame["同类名次"] = ""
    for kind, group in frame.groupby("类别", sort=False):
        _, text = ranks(group["百分制得分"])
        frame.loc[group.index, "同类名次"] = [f"{kind}中{t}" for t in text]
    frame = frame.sort_values(["名次", "单位"], kind="stable").reset_index(drop=True)[columns]
    formats = {"名次": INTEGER, "得分": WANYUAN, "满分": WANYUAN, "百分制得分": WANYUAN, "计分指标数": INTEGER}
    return Sheet(frame, formats=formats, freeze="D2"), SCORE_RULE.format(name=fw.name)


def _caliber_sheet(results: Mapping, budget: Mapping | None, targets: Mapping[str, float],
                   score_rule: str | None) -> Sheet:
    from .indicators import SPECS

    rows, target_fmt = [], []
    for ind in list(results.values()) + list((budget or {}).values()):
        spec = SPECS.get(ind.key)
        source = SOURCES[spec.source] if spec else SOURCES["budget"]
        caliber = spec.caliber if spec else ind.caliber  # without a "未提供…" note of this run
        rows.append([ind.name, _unit_text(ind.unit), source, caliber, targets.get(ind.key), ind.key])
        target_fmt.append(_fmt(ind.is_rate))
    if score_rule:
        rows.append(["单位得分（得分排名）", "分", "信访事项登记表等", score_rule, None, ""])
        target_fmt.append(None)
    frame = pd.DataFrame(rows, columns=["指标", "单位", "数据来源", "口径", "目标值", "代码"])
    return Sheet(frame, formats={"目标值": target_fmt}, widths={"口径": 70, "代码": CODE_WIDTH}, wrap=("口径",),
                 freeze="B2")


#: Columns of the 明细 sheet (the union of the four lists; a ledger row's 日期 is its 登记日期).
DETAIL_COLUMNS = ("指标", "信访件编号", "登记日期", "责任单位", "信访形式", "登记层级", "问题领域", "信访目的", "初重件",
                  "信访事项编号", "人数", "是否登记", "计入数", "是否计入分母", "是否计入分子", "说明", "代码")


def detail_frame(inputs, keys: Sequence[str] = DETAIL_KEYS) -> pd.DataFrame:
    """The cases behind ``keys`` for the district, one row per case, with a 指标 column."""
    from .indicators import case_list

    parts = []
    for key in keys:
        source = {"campaign": inputs.campaign, "beijing": inputs.beijing}
        try:
            cl = case_list(inputs.register, inputs.period, key, campaign=source["campaign"], beijing=source["beijing"])
        except ParameterError as exc:  # a missing optional table: say so in the sheet
            parts.append(pd.DataFrame({"指标": [key], "说明": [str(exc).split(" / ")[0]], "代码": [key]}))
            continue
        frame = cl.frame.rename(columns={"日期": "登记日期"}).astype(object)
        frame.insert(0, "指标", cl.name)
        frame["代码"] = key
        parts.append(frame)
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return frame.reindex(columns=list(DETAIL_COLUMNS))


def indicator_sheets(inputs, district: Mapping, per_unit: Mapping, active: Sequence[str],
                     framework: Path | None = None, targets: Mapping[str, float] | None = None,
                     policy: Mapping | None = None) -> dict[str, Sheet]:
    """The sheets of ``indicators.xlsx`` (see the module docstring), for :func:`xinfang.fileio.write_xlsx`.

    ``targets`` are the params' 目标值 (key → fraction): they colour 各单位指标 and are listed
    in 口径. ``framework`` (the scoring framework file) gives 得分排名, scored with ``policy``
    (:func:`xinfang.report.handoff.scoring_policy`, as the reports score); without it that sheet
    is empty.
    """
    targets = dict(targets or {})
    budget = None
    if getattr(inputs, "budget", None) is not None:
        from .budget import budget_indicators

        budget = budget_indicators(inputs.budget)
    scores, rule = _score_sheet(inputs, per_unit, active, framework, policy)
    detail = detail_frame(inputs)
    return {
        "全区指标": _district_sheet(district, budget),
        "各单位指标": _units_sheet(inputs, per_unit, active, targets),
        "排名": _ranking_sheet(inputs, per_unit, active),
        "得分排名": scores,
        "口径": _caliber_sheet(district, budget, targets, rule),
        "明细": Sheet(detail, formats={"人数": INTEGER, "计入数": INTEGER}, widths={"说明": 48, "代码": CODE_WIDTH},
                    freeze="C2"),
    }


def workbook_sheets(params, inputs, district: Mapping | None = None, per_unit: Mapping | None = None,
                    active: Sequence[str] | None = None) -> dict[str, Sheet]:
    """The sheets of ``indicators.xlsx`` for a year's params and inputs, as the batch writes it:
    the catalogue of the district and of every unit is computed here unless the caller (a
    batch, which has it already) passes it; the framework and targets come from ``params``. With a
    framework, the district's 自评表 follows 得分排名."""
    from .config.layers import resolve
    from .indicators import compute_all, units_with_data

    if district is None or per_unit is None:
        district, per_unit = compute_all(inputs.register, inputs.period, inputs.units.names,
                                         campaign=inputs.campaign, beijing=inputs.beijing)
    if active is None:
        active = units_with_data(inputs.register, inputs.period)
    from .indicators import BUDGET_KEYS, KEYS
    from .scoring import load_framework
    from .scoring.policy import report_targets, scoring_policy

    from .report.sections.selfeval import self_assessment_sheet

    framework = resolve(params, params.framework)
    leaves = load_framework(framework, list(KEYS) + list(BUDGET_KEYS)).leaves if framework and framework.is_file() else ()
    sheets = indicator_sheets(inputs, district, per_unit, active, framework,
                              targets=report_targets(params, leaves, district), policy=scoring_policy(params))
    sheet = self_assessment_sheet(params, inputs, district, per_unit, active)
    if sheet is not None:  # the 部门整体支出绩效自评表 of the district's 自评报告, after the scores
        names = list(sheets)
        at = names.index("得分排名") + 1
        sheets = dict(list(sheets.items())[:at] + [("自评表", sheet)] + list(sheets.items())[at:])
    return sheets


def case_sheets(cases) -> dict[str, Sheet]:
    """The sheets of ``xinfang cases -o FILE.xlsx``: 清单 (the cases) and 口径 (what they add up to)."""
    from .indicators import SPECS

    spec = SPECS[cases.key]
    about = pd.DataFrame([
        ["指标", cases.name], ["代码", cases.key], ["范围", cases.unit or "全区"],
        ["截止日", cases.cutoff.isoformat()] if cases.cutoff else ["统计期", cases.period.label],
        ["数据来源", SOURCES[cases.source]], ["口径", spec.caliber],
        ["分子" if cases.is_rate else "合计", cases.numerator],
        ["分母", cases.denominator if cases.is_rate else None],
        ["本期值", cases.value],
        ["说明", "清单列出分母的全部信访件，“是否计入分子”标明是否计入分子；来信重复率的重件计入分子、不计入分母"
         if cases.is_rate else "清单列出计入该指标的全部记录，“计入数”之和即指标值"],
    ], columns=["项目", "内容"], dtype=object)
    value_fmt = [PERCENT if cases.is_rate and k == "本期值" else INTEGER for k in about["项目"]]
    listed = Sheet(cases.frame, formats={c: INTEGER for c in ("人数", "计入数", "受理用时（日）", "延期天数", "交办批次",
                                                             "超期天数", "剩余天数")},
                   widths={"说明": 48}, freeze="B2")
    return {"清单": listed, "口径": Sheet(about, formats={"内容": value_fmt}, widths={"内容": 70}, wrap=("内容",))}
