"""预算执行表: the budget indicators and the 预算执行情况 table of the 整体支出绩效评价.

The table itself (columns, rules, reading and validation) belongs to the input layer:
:mod:`xinfang.inputs.validate_budget` (:func:`~xinfang.inputs.read_budget`, :class:`~xinfang.inputs.BudgetTable`).

Indicators (:func:`budget_indicators`), all rates as fractions, ``None`` when the denominator is 0:

* ``budget.execution_rate`` 预算执行率 = Σ 决算 ÷ Σ 调整预算 over 基本支出 + 项目支出;
* ``budget.carryover_rate`` 结转结余率 = Σ 结转结余 ÷ Σ 调整预算 over 基本支出 + 项目支出;
* ``budget.three_public_change`` “三公”经费变动率 = (Σ 决算 − Σ 上年决算) ÷ Σ 上年决算
  over “三公”经费 rows (negative = 压减); ``previous`` is the 上年 amount, ``previous +
  numerator`` the 本年 amount (also in :func:`budget_rows`);
* ``budget.procurement_rate`` 政府采购执行率 = Σ 决算 ÷ Σ 调整预算 over 政府采购 rows.

The table (:func:`budget_rows`, numbers; :func:`budget_display`, text) shows parts as parts:
基本支出 and 项目支出 with their lines as 其中, their 合计, then “三公”经费 and 政府采购 as 其中 of the
合计 (they are contained in 基本/项目支出 and never added to them).

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
    "AMOUNT_COLUMNS",
    "BUDGET_KEYS",
    "CATEGORIES",
    "budget_display",
    "budget_frame",
    "budget_indicators",
    "budget_rows",
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
    * 预算执行率 = Σ 决算 ÷ Σ 调整预算 (基本支出 + 项目支出);
    * 结转结余率 = Σ 结转结余 ÷ Σ 调整预算 (基本支出 + 项目支出);
    * “三公”经费变动率 = (本年 − 上年) ÷ 上年, numerator = 本年 − 上年, ``previous`` = 上年决算;
    * 政府采购执行率 = Σ 决算 ÷ Σ 调整预算 (政府采购 rows).

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
            caliber="决算 ÷ 调整预算，基本支出与项目支出合计（万元）"),
        "budget.carryover_rate": Indicator(
            key="budget.carryover_rate", name="结转结余率",
            value=_rate(carry, budget), numerator=_number(carry), denominator=_number(budget),
            unit="%",
            caliber="结转结余 ÷ 调整预算，基本支出与项目支出合计；未填结转结余的行按"
                    "调整预算 − 决算计"),
        "budget.three_public_change": Indicator(
            key="budget.three_public_change", name="“三公”经费变动率",
            value=_rate(three_now - three_prev, three_prev) if has_three else None,
            numerator=_number(three_now - three_prev) if has_three else None,
            denominator=_number(three_prev) if has_three else None,
            unit="%", previous=_number(three_prev) if has_three else None,
            caliber="（本年“三公”经费决算 − 上年决算）÷ 上年决算；负值为压减"),
        "budget.procurement_rate": Indicator(
            key="budget.procurement_rate", name="政府采购执行率",
            value=_rate(proc_actual, proc_budget) if has_proc else None,
            numerator=_number(proc_actual) if has_proc else None,
            denominator=_number(proc_budget) if has_proc else None,
            unit="%",
            caliber="政府采购决算 ÷ 政府采购调整预算"),
    }


def budget_frame(table: BudgetTable, by: str = "category") -> pd.DataFrame:
    """Budget vs actual for a chart: columns ``item, budget, actual`` (万元, float).

    ``by="category"`` gives one row per 类别 present (in :data:`CATEGORIES` order);
    ``by="item"`` one row per budget line in file order. A 类别 whose 调整预算 cells are all
    blank has ``budget`` NaN. For the report's table use :func:`budget_display` (parts marked
    其中, 合计 rows); this frame lists “三公”经费 and 政府采购 beside 基本/项目支出.
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
# the 预算执行情况 table: parts as parts

#: The amount columns of :func:`budget_rows` / :func:`budget_display` (万元), and their
#: internal names in :attr:`BudgetTable.frame <xinfang.inputs.BudgetTable>`.
AMOUNT_COLUMNS: dict[str, str] = {"年初预算": "initial_budget", "调整预算": "budget", "决算": "actual",
                                  "上年决算": "previous_actual"}
PART = "其中："
TOTAL = "合计"


def _amounts(part: pd.DataFrame) -> dict[str, float]:
    """Exact sums per amount column; NaN where any row of ``part`` left the cell blank (a
    subtotal of some lines only would mislead), or ``part`` is empty."""
    out = {}
    for label, column in AMOUNT_COLUMNS.items():
        values = list(part[column])
        out[label] = (math.nan if not values or any(v is None for v in values)
                      else float(sum(values, Decimal(0))))
    return out


def _row(label: str, kind: str, category: str, part: pd.DataFrame) -> dict:
    amounts = _amounts(part)
    budget, actual = amounts["调整预算"], amounts["决算"]
    defined = budget == budget and budget != 0 and actual == actual
    rate = float(Decimal(repr(actual)) / Decimal(repr(budget))) if defined else math.nan
    return {"项目": label, "行": kind, "类别": category, **amounts, "执行率": rate}


def budget_rows(table: BudgetTable, *, items: bool = True) -> pd.DataFrame:
    """The 预算执行情况 table as numbers: parts marked 其中, with 合计 rows.

    Columns: ``项目`` (the label as printed), ``行`` (``类别`` a category's subtotal, ``明细`` one
    of its lines, ``合计`` the total, ``其中`` a part of the total), ``类别``, ``年初预算``,
    ``调整预算``, ``决算``, ``上年决算`` (万元, float; NaN where a line left the cell blank) and
    ``执行率`` (决算 ÷ 调整预算, a fraction; NaN when 调整预算 is 0 or blank).

    Rows, in order: 基本支出 and its lines (``其中：工资福利支出`` …, unless ``items=False``),
    项目支出 and its lines, 合计 (基本支出 + 项目支出), then ``其中：“三公”经费`` and
    ``其中：政府采购`` — parts of the 合计, never added to it. A category without rows is left out.

    Notes
    -----
    Subtotals are exact decimal sums of the lines; a subtotal is NaN when any of its lines left
    that amount blank. The 合计 and its 执行率 are those of the indicator 预算执行率
    (``budget.execution_rate``).
    """
    frame = table.frame
    rows = []
    main = frame[frame["category"].isin((BASIC, PROJECT))]
    for category in (BASIC, PROJECT):
        part = frame[frame["category"] == category]
        if part.empty:
            continue
        rows.append(_row(category, "类别", category, part))
        if items:
            rows.extend(_row(f"{PART}{item}", "明细", category, part[part["item"] == item])
                        for item in part["item"])
    if not main.empty:
        rows.append(_row(TOTAL, "合计", TOTAL, main))
    for category in (THREE_PUBLIC, PROCUREMENT):
        part = frame[frame["category"] == category]
        if not part.empty:
            rows.append(_row(f"{PART}{category}", "其中", category, part))
    columns = ["项目", "行", "类别", *AMOUNT_COLUMNS, "执行率"]
    return pd.DataFrame(rows, columns=columns)


def _money(value: float) -> str:
    """万元 with two decimals, ROUND_HALF_UP; a blank amount is "—".

    >>> _money(86.0), _money(82.145), _money(float("nan"))
    ('86.00', '82.15', '—')
    """
    if value != value:
        return "—"
    return f"{Decimal(repr(float(value))).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"


def _percent_text(value: float, sign: str) -> str:
    """A fraction as a percentage with two decimals (exactly 100 and 0 whole); NaN is "—"."""
    if value != value:
        return "—"
    shown = (Decimal(repr(float(value))) * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{abs(int(shown))}{sign}" if shown in (0, 100) else f"{shown:f}{sign}"


def budget_display(table: BudgetTable, *, items: bool = True, percent: str = "％") -> pd.DataFrame:
    """The 预算执行情况 table for the report: :func:`budget_rows` as text.

    Columns 项目, 年初预算, 调整预算, 决算, 上年决算 (万元, two decimals: ``"86.00"``), 执行率
    (``"95.52％"``; exactly 100％ and 0％ whole; ``percent`` is the sign). A blank amount is "—".
    Labels use Chinese quotes (“三公”经费); parts are marked ``其中：``.
    """
    rows = budget_rows(table, items=items)
    out = pd.DataFrame({"项目": rows["项目"]})
    for column in AMOUNT_COLUMNS:
        out[column] = [_money(v) for v in rows[column]]
    out["执行率"] = [_percent_text(v, percent) for v in rows["执行率"]]
    return out


# ---------------------------------------------------------------------------------------------
# sample data

# (类别, 项目, 年初预算, 调整预算, 决算, 上年决算), 万元, calibrated for 2023
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
    (PROCUREMENT, "办公设备购置", "6.00", "6.00", "5.62", "4.85"),
    (PROCUREMENT, "信息系统运维服务", "12.00", "12.00", "11.40", "11.40"),
)
_SAMPLE_COLUMNS = ["类别", "项目", "年初预算", "调整预算", "决算", "上年决算"]


def sample_budget(year: int) -> pd.DataFrame:
    """A plausible 预算执行表 of a district petition bureau (Chinese headers, 万元).

    For 2023: 基本支出 301.80 万, 项目支出 156.50 万 (调整预算), 预算执行率 ≈ 97.3 %,
    “三公”经费 6.00 万 against 6.91 万 the year before. Other years scale the 2023 amounts by
    1.03 per year (rounded to 0.01 万, ROUND_HALF_UP), so the rates stay plausible.

    >>> df = sample_budget(2023)
    >>> list(df.columns)
    ['类别', '项目', '年初预算', '调整预算', '决算', '上年决算']
    >>> round(float(df.loc[df["类别"].isin(["基本支出", "项目支出"]), "调整预算"].sum()), 2)
    458.3
    """
    factor = Decimal("1.03") ** (year - 2023) if year >= 2023 else 1 / Decimal("1.03") ** (2023 - year)
    cent = Decimal("0.01")

    def amount(text: str | None) -> float | None:
        if text is None:
            return None
        return float((Decimal(text) * factor).quantize(cent, rounding=ROUND_HALF_UP))

    rows = [dict(zip(_SAMPLE_COLUMNS, (c, i, amount(a), amount(b), amount(x), amount(p))))
            for c, i, a, b, x, p in _SAMPLE_2023]
    return pd.DataFrame(rows, columns=_SAMPLE_COLUMNS)
