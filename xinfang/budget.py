"""预算执行表: read, validate, and the budget indicators of the 整体支出绩效评价.

Layout of the 预算执行表 (one sheet, header in row 1, one row per budget line, amounts in 万元)
-----------------------------------------------------------------------------------------------

=============  ========  ===================================================================
header         required  rule
=============  ========  ===================================================================
类别           yes       基本支出 / 项目支出 / "三公"经费 / 政府采购 (三公经费 and “三公”经费 are
                         accepted and normalised); a 合计 / 小计 row has no 类别: delete it
项目           yes       the budget line, non-empty text (工资福利支出, 信访接待专项, 公务接待费 …);
                         (类别, 项目) unique
年初预算       no        number ≥ 0 or blank (shown, not used by the indicators)
调整后预算     yes       number ≥ 0; required in rows of 基本支出, 项目支出 and 政府采购
实际支出       yes       number ≥ 0; required in every row
结转结余       no        number ≥ 0 or blank; blank = max(调整后预算 − 实际支出, 0), the unspent
                         balance of the line (fill it in where part of it was 收回 to the treasury)
上年实际支出   no        number ≥ 0; required in rows of "三公"经费
=============  ========  ===================================================================

Headers may carry a unit suffix such as ``调整后预算（万元）``; other columns (备注 …) are ignored.
Numbers may be written with thousands separators (``1,234.5``). Completely blank rows are skipped.

"三公"经费 rows (公务接待费, 公务用车购置及运行维护费, 因公出国（境）费) and 政府采购 rows are
breakdowns: they are already contained in 基本支出 / 项目支出 and are never added to them.

Indicators (:func:`budget_indicators`), all rates as fractions, ``None`` when the denominator is 0:

* ``budget.execution_rate`` 预算执行率 = Σ 实际支出 ÷ Σ 调整后预算 over 基本支出 + 项目支出;
* ``budget.carryover_rate`` 结转结余率 = Σ 结转结余 ÷ Σ 调整后预算 over 基本支出 + 项目支出;
* ``budget.three_public_change`` "三公"经费变动率 = (Σ 实际支出 − Σ 上年实际支出) ÷ Σ 上年实际支出
  over "三公"经费 rows (negative = 压减);
* ``budget.procurement_rate`` 政府采购执行率 = Σ 实际支出 ÷ Σ 调整后预算 over 政府采购 rows.

Sums are exact decimal sums of the amounts as written (no float drift), then converted to float.
"""
from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd

from xinfang.errors import InputError, Problem
from xinfang.result import Indicator

__all__ = [
    "BUDGET_COLUMNS",
    "BUDGET_KEYS",
    "CATEGORIES",
    "BudgetTable",
    "budget_frame",
    "budget_indicators",
    "read_budget",
    "sample_budget",
    "validate_budget",
]

BASIC = "基本支出"
PROJECT = "项目支出"
THREE_PUBLIC = '"三公"经费'
PROCUREMENT = "政府采购"
CATEGORIES: tuple[str, ...] = (BASIC, PROJECT, THREE_PUBLIC, PROCUREMENT)
"""Allowed values of 类别, in report order."""

_CATEGORY_ALIASES = {
    "三公经费": THREE_PUBLIC,
    "“三公”经费": THREE_PUBLIC,
    "‘三公’经费": THREE_PUBLIC,
    "'三公'经费": THREE_PUBLIC,
    "＂三公＂经费": THREE_PUBLIC,
    "政府采购支出": PROCUREMENT,
}

#: Chinese header → internal column name.
BUDGET_COLUMNS: dict[str, str] = {
    "类别": "category",
    "项目": "item",
    "年初预算": "initial_budget",
    "调整后预算": "budget",
    "实际支出": "actual",
    "结转结余": "carryover",
    "上年实际支出": "previous_actual",
}
_REQUIRED_HEADERS = ("类别", "项目", "调整后预算", "实际支出")
_AMOUNT_HEADERS = ("年初预算", "调整后预算", "实际支出", "结转结余", "上年实际支出")

#: Keys of the budget indicators, usable in a scoring framework.
BUDGET_KEYS: tuple[str, ...] = (
    "budget.execution_rate",
    "budget.carryover_rate",
    "budget.three_public_change",
    "budget.procurement_rate",
)


@dataclass(frozen=True)
class BudgetTable:
    """A validated 预算执行表.

    ``frame`` has the internal columns ``excel_row, category, item, initial_budget, budget,
    actual, carryover, previous_actual``; amounts are :class:`~decimal.Decimal` in 万元 or
    ``None`` for a blank cell; ``carryover`` is already filled with its default.
    ``file`` is the name used in messages and in the 数据说明.
    """

    file: str
    frame: pd.DataFrame

    def __len__(self) -> int:
        return len(self.frame)


# ---------------------------------------------------------------------------------------------
# reading and validation


def read_budget(path: str | Path) -> BudgetTable:
    """Read and validate a 预算执行表 (.xlsx/.xls via calamine, or CSV).

    CSV is decoded as UTF-8 (with or without BOM), else GB18030. Every problem is collected and
    raised together as one :class:`~xinfang.errors.InputError` (file, Excel row, header, value,
    rule); see the module docstring for the columns.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise InputError(Problem(name, None, None, None, "文件不存在", "file not found"))
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        try:
            raw = pd.read_excel(path, engine="calamine", dtype=object, header=0)
        except Exception as exc:  # calamine raises its own error types
            raise InputError(Problem(name, None, None, None, f"无法读取 Excel 文件：{exc}",
                                     "unreadable xlsx")) from exc
    elif path.suffix.lower() in (".csv", ".txt"):
        raw = _read_csv(path)
    else:
        raise InputError(Problem(name, None, None, path.suffix, "不支持的文件类型（应为 .xlsx 或 .csv）",
                                 "unsupported file type"))
    return validate_budget(raw, file=name)


def _read_csv(path: Path) -> pd.DataFrame:
    data = path.read_bytes()
    if not data.strip():
        raise InputError(Problem(path.name, None, None, None, "文件为空", "empty file"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        try:
            return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                               skip_blank_lines=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError(Problem(path.name, None, None, None, f"CSV 格式错误：{exc}",
                                     "malformed csv")) from exc
    raise InputError(Problem(path.name, None, None, None,
                             "无法识别文件编码（应为 UTF-8 或 GB18030）", "unknown encoding"))


def _header(name: object) -> str:
    """``' 调整后预算（万元） '`` → ``'调整后预算'``."""
    text = str(name).strip()
    return re.sub(r"\s*[（(]\s*万元\s*[)）]\s*$", "", text)


def _is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def _cell_text(value: object) -> str:
    """A cell as the user sees it: ``-5.0`` → ``'-5'``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _amount(value: object) -> Decimal | str:
    """Parse an amount; return a Decimal, or a Chinese rule text when it is not a number ≥ 0."""
    if isinstance(value, bool):
        return "应为数字"
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        if math.isinf(value):
            return "应为有限数字"
        number = Decimal(repr(value))
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace(" ", "")
        try:
            number = Decimal(text)
        except ArithmeticError:
            return "应为数字"
        if not number.is_finite():
            return "应为有限数字"
    if number < 0:
        return "金额不能为负数"
    return number


def validate_budget(raw: pd.DataFrame, file: str = "预算执行表") -> BudgetTable:
    """Validate a 预算执行表 read as-is (Chinese headers, row 0 = Excel row 2).

    Raises :class:`~xinfang.errors.InputError` with every problem found.
    """
    problems: list[Problem] = []
    headers = {_header(c): c for c in raw.columns}
    missing = [h for h in _REQUIRED_HEADERS if h not in headers]
    for h in missing:
        problems.append(Problem(file, None, h, None, "缺少必需列", "missing column",
                                hint="必需列：" + "、".join(_REQUIRED_HEADERS)))
    if raw.empty and not missing:
        problems.append(Problem(file, None, None, None, "没有数据行", "no data rows"))
    if problems:
        raise InputError(problems)

    records = []
    seen: dict[tuple[str, str], int] = {}
    for pos, (_, row) in enumerate(raw.iterrows()):
        excel_row = pos + 2
        cells = {h: row[c] for h, c in headers.items() if h in BUDGET_COLUMNS}
        if all(_is_blank(v) for v in row.tolist()):
            continue
        record: dict[str, object] = {"excel_row": excel_row}

        category = cells["类别"]
        cat_text = "" if _is_blank(category) else str(category).strip()
        cat_text = _CATEGORY_ALIASES.get(cat_text, cat_text)
        if not cat_text:
            problems.append(Problem(file, excel_row, "类别", None, "类别必填", "required",
                                    hint="合计、小计行请删除；类别应为 " + " / ".join(CATEGORIES)))
        elif cat_text not in CATEGORIES:
            problems.append(Problem(file, excel_row, "类别", cat_text, "类别不在允许值内",
                                    "bad enum value", hint="应为 " + " / ".join(CATEGORIES)))
        record["category"] = cat_text

        item = cells["项目"]
        item_text = "" if _is_blank(item) else str(item).strip()
        if not item_text:
            problems.append(Problem(file, excel_row, "项目", None, "项目必填", "required"))
        elif cat_text:
            key = (cat_text, item_text)
            if key in seen:
                problems.append(Problem(file, excel_row, "项目", item_text,
                                        f"项目重复（与第{seen[key]}行相同）", "duplicate item"))
            else:
                seen[key] = excel_row
        record["item"] = item_text

        for header in _AMOUNT_HEADERS:
            column = BUDGET_COLUMNS[header]
            value = cells.get(header)
            if _is_blank(value):
                record[column] = None
                continue
            parsed = _amount(value)
            if isinstance(parsed, str):
                problems.append(Problem(file, excel_row, header, _cell_text(value),
                                        f"{parsed}（金额单位：万元，≥ 0）", "non-negative number"))
                record[column] = None
            else:
                record[column] = parsed

        needed = ["实际支出"]
        if cat_text in (BASIC, PROJECT, PROCUREMENT):
            needed.append("调整后预算")
        if cat_text == THREE_PUBLIC:
            needed.append("上年实际支出")
        for header in needed:
            if header not in headers:
                continue  # reported once below
            if _is_blank(cells.get(header)):
                problems.append(Problem(file, excel_row, header, None,
                                        f"{header}必填（类别 {cat_text}）", "required"))
        if record["carryover"] is None and cat_text in (BASIC, PROJECT):
            budget, actual = record["budget"], record["actual"]
            if budget is not None and actual is not None:
                record["carryover"] = max(budget - actual, Decimal(0))
        records.append(record)

    if "上年实际支出" not in headers and any(r["category"] == THREE_PUBLIC for r in records):
        problems.append(Problem(file, None, "上年实际支出", None,
                                '缺少列（有"三公"经费行时必需）', "missing column"))
    if not records and not problems:
        problems.append(Problem(file, None, None, None, "没有数据行", "no data rows"))
    if problems:
        raise InputError(problems)
    columns = ["excel_row", "category", "item", *(BUDGET_COLUMNS[h] for h in _AMOUNT_HEADERS)]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame = frame.astype({c: object for c in columns if c not in ("excel_row",)})
    return BudgetTable(file=file, frame=frame)


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
