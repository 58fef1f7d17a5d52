"""预算执行表: the budget indicators of the 整体支出绩效评价.

The table itself (columns, rules, reading and validation) belongs to the input layer:
:mod:`xinfang.inputs.validate_budget` (:func:`~xinfang.inputs.read_budget`, :class:`~xinfang.inputs.BudgetTable`).

Indicators (:func:`budget_indicators`), all rates as fractions, ``None`` when the denominator is 0:

* ``budget.execution_rate`` 预算执行率 = Σ 实际支出 ÷ Σ 调整后预算 over 基本支出 + 项目支出;
* ``budget.carryover_rate`` 结转结余率 = Σ 结转结余 ÷ Σ 调整后预算 over 基本支出 + 项目支出;
* ``budget.three_public_change`` "三公"经费变动率 = (Σ 实际支出 − Σ 上年实际支出) ÷ Σ 上年实际支出
  over "三公"经费 rows (negative = 压减);
* ``budget.procurement_rate`` 政府采购执行率 = Σ 实际支出 ÷ Σ 调整后预算 over 政府采购 rows.

Sums are exact decimal sums of the amounts as written (no float drift), then converted to float.
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import pandas as pd

from .indicators.catalogue import BUDGET_KEYS
from .inputs.tables import BASIC, CATEGORIES, PROCUREMENT, PROJECT, THREE_PUBLIC
from .result import Indicator

if TYPE_CHECKING:
    from .inputs.validate_budget import BudgetTable

__all__ = [
    "BUDGET_KEYS",
    "CATEGORIES",
    "budget_frame",
    "budget_indicators",
    "sample_budget",
]


# ---------------------------------------------------------------------------------------------
# indicators


def _sum(table: BudgetTable, categories: tuple[str, ...], column: str) -> Decimal:
    frame = table.frame
    values = frame.loc[frame["category"].isin(categories), column]
    return sum((v for v in values if v is not None), Decimal(0))


def _has(table: BudgetTable, category: str) -> bool:
    return bool((table.frame["category"] == category).any())


def _rate(numerator: Decimal, denominator: Decimal) -> float | None:
    """numerator ÷ denominator, ``None`` when the denominator is 0 (undefined, never 0)."""
    if denominator == 0:
        return None
    return float(numerator / denominator)


def _number(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def budget_indicators(table: BudgetTable) -> dict[str, Indicator]:
    """The four budget indicators of :data:`BUDGET_KEYS`, as :class:`Indicator` results.

    Notes
    -----
    * 预算执行率 = Σ 实际支出 ÷ Σ 调整后预算 (基本支出 + 项目支出);
    * 结转结余率 = Σ 结转结余 ÷ Σ 调整后预算 (基本支出 + 项目支出);
    * "三公"经费变动率 = (本年 − 上年) ÷ 上年, numerator = 本年 − 上年, ``previous`` = 上年;
    * 政府采购执行率 = Σ 实际采购 ÷ Σ 采购预算 (政府采购 rows).

    A zero denominator (or no row of the category) gives ``value=None``.
    """
    main = (BASIC, PROJECT)
    budget = _sum(table, main, "budget")
    actual = _sum(table, main, "actual")
    carry = _sum(table, main, "carryover")
    three_now = _sum(table, (THREE_PUBLIC,), "actual")
    three_prev = _sum(table, (THREE_PUBLIC,), "previous_actual")
    proc_budget = _sum(table, (PROCUREMENT,), "budget")
    proc_actual = _sum(table, (PROCUREMENT,), "actual")
    has_three = _has(table, THREE_PUBLIC)
    has_proc = _has(table, PROCUREMENT)
    return {
        "budget.execution_rate": Indicator(
            key="budget.execution_rate", name="预算执行率",
            value=_rate(actual, budget), numerator=_number(actual), denominator=_number(budget),
            unit="%",
            caliber="实际支出 ÷ 调整后预算，基本支出与项目支出合计（万元）"),
        "budget.carryover_rate": Indicator(
            key="budget.carryover_rate", name="结转结余率",
            value=_rate(carry, budget), numerator=_number(carry), denominator=_number(budget),
            unit="%",
            caliber="结转结余 ÷ 调整后预算，基本支出与项目支出合计；未填结转结余的行按"
                    "调整后预算 − 实际支出计"),
        "budget.three_public_change": Indicator(
            key="budget.three_public_change", name='"三公"经费变动率',
            value=_rate(three_now - three_prev, three_prev) if has_three else None,
            numerator=_number(three_now - three_prev) if has_three else None,
            denominator=_number(three_prev) if has_three else None,
            unit="%", previous=_number(three_prev) if has_three else None,
            caliber='（本年"三公"经费实际支出 − 上年实际支出）÷ 上年实际支出；负值为压减'),
        "budget.procurement_rate": Indicator(
            key="budget.procurement_rate", name="政府采购执行率",
            value=_rate(proc_actual, proc_budget) if has_proc else None,
            numerator=_number(proc_actual) if has_proc else None,
            denominator=_number(proc_budget) if has_proc else None,
            unit="%",
            caliber="政府采购实际支出 ÷ 政府采购预算（调整后预算）"),
    }


def budget_frame(table: BudgetTable, by: str = "category") -> pd.DataFrame:
    """Budget vs actual for a chart: columns ``item, budget, actual`` (万元, float).

    ``by="category"`` gives one row per 类别 present (in :data:`CATEGORIES` order);
    ``by="item"`` one row per budget line in file order. A 类别 whose 调整后预算 cells are all
    blank has ``budget`` NaN.
    """
    frame = table.frame
    if by == "item":
        return pd.DataFrame({
            "item": frame["item"].astype(str).tolist(),
            "budget": [math.nan if v is None else float(v) for v in frame["budget"]],
            "actual": [math.nan if v is None else float(v) for v in frame["actual"]],
        })
    if by != "category":
        raise ValueError(f"by must be 'category' or 'item', not {by!r}")
    rows = []
    for category in CATEGORIES:
        part = frame[frame["category"] == category]
        if part.empty:
            continue
        budgets = [v for v in part["budget"] if v is not None]
        rows.append({
            "item": category,
            "budget": float(sum(budgets, Decimal(0))) if budgets else math.nan,
            "actual": float(sum((v for v in part["actual"] if v is not None), Decimal(0))),
        })
    return pd.DataFrame(rows, columns=["item", "budget", "actual"])


# ---------------------------------------------------------------------------------------------
# sample data

# (类别, 项目, 年初预算, 调整后预算, 实际支出, 上年实际支出), 万元, calibrated for 2023
_SAMPLE_2023: tuple[tuple[str, str, str | None, str | None, str, str | None], ...] = (
    (BASIC, "工资福利支出", "228.60", "236.80", "236.80", "224.35"),
    (BASIC, "商品和服务支出", "50.00", "52.60", "49.85", "51.20"),
    (BASIC, "对个人和家庭的补助", "12.40", "12.40", "12.40", "11.90"),
    (PROJECT, "信访接待及矛盾纠纷化解专项经费", "80.00", "86.00", "82.15", "78.60"),
    (PROJECT, "进京赴省劝返及驻点工作经费", "40.00", "42.00", "40.36", "36.80"),
    (PROJECT, "信访信息化建设及运维经费", "18.50", "18.50", "15.92", "17.30"),
    (PROJECT, "信访救助资金", "10.00", "10.00", "9.60", "8.50"),
    (THREE_PUBLIC, "公务接待费", "1.50", "1.50", "1.20", "1.56"),
    (THREE_PUBLIC, "公务用车运行维护费", "5.00", "5.00", "4.80", "5.35"),
    (THREE_PUBLIC, "因公出国（境）费", "0", "0", "0", "0"),
    (PROCUREMENT, "办公设备购置", "6.00", "6.00", "5.62", None),
    (PROCUREMENT, "信息系统运维服务", "12.00", "12.00", "11.40", None),
)


def sample_budget(year: int) -> pd.DataFrame:
    """A plausible 预算执行表 of a district petition bureau (Chinese headers, 万元).

    For 2023: 基本支出 301.80 万, 项目支出 156.50 万 (调整后预算), 预算执行率 ≈ 97.3 %,
    "三公"经费 6.00 万 against 6.91 万 the year before. Other years scale the 2023 amounts by
    1.03 per year (rounded to 0.01 万, ROUND_HALF_UP), so the rates stay plausible.

    >>> df = sample_budget(2023)
    >>> list(df.columns)
    ['类别', '项目', '年初预算', '调整后预算', '实际支出', '上年实际支出']
    >>> round(float(df.loc[df["类别"].isin(["基本支出", "项目支出"]), "调整后预算"].sum()), 2)
    458.3
    """
    factor = Decimal("1.03") ** (year - 2023) if year >= 2023 else 1 / Decimal("1.03") ** (2023 - year)
    cent = Decimal("0.01")

    def amount(text: str | None) -> float | None:
        if text is None:
            return None
        return float((Decimal(text) * factor).quantize(cent, rounding=ROUND_HALF_UP))

    rows = [
        {"类别": c, "项目": i, "年初预算": amount(a), "调整后预算": amount(b),
         "实际支出": amount(x), "上年实际支出": amount(p)}
        for c, i, a, b, x, p in _SAMPLE_2023
    ]
    return pd.DataFrame(rows, columns=["类别", "项目", "年初预算", "调整后预算", "实际支出", "上年实际支出"])
