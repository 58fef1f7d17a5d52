"""Validation of the 预算执行表 (the expenditure part of the 整体支出绩效评价).

Layout of the 预算执行表 (one sheet, header in row 1, one row per budget line, amounts in 万元)
-----------------------------------------------------------------------------------------------

=============  ========  ===================================================================
header         required  rule
=============  ========  ===================================================================
类别           yes       基本支出 / 项目支出 / “三公”经费 / 政府采购 (三公经费 and "三公"经费 are
                         accepted and normalised); a 合计 / 小计 row has no 类别: delete it
项目           yes       the budget line, non-empty text (工资福利支出, 信访接待专项, 公务接待费 …);
                         (类别, 项目) unique
年初预算       no        number ≥ 0 or blank (shown, not used by the indicators)
调整预算       yes       number ≥ 0; required in rows of 基本支出, 项目支出 and 政府采购
决算           yes       number ≥ 0; required in every row (the year's actual expenditure)
结转结余       no        number ≥ 0 or blank; blank = max(调整预算 − 决算, 0), the unspent
                         balance of the line (fill it in where part of it was 收回 to the treasury)
上年决算       no        number ≥ 0; required in rows of “三公”经费 (the 同比 of “三公”经费)
=============  ========  ===================================================================

The former headers 调整后预算, 实际支出 and 上年实际支出 are accepted for 调整预算, 决算 and 上年决算
(:data:`~xinfang.inputs.tables.BUDGET_HEADER_VARIANTS`); messages name the header as written.
Headers may carry a unit suffix such as ``调整预算（万元）``; other columns (备注 …) are ignored.
Numbers may be written with thousands separators (``1,234.5``). Completely blank rows are skipped.

“三公”经费 rows (公务接待费, 公务用车购置及运行维护费, 因公出国（境）费) and 政府采购 rows are
breakdowns: they are already contained in 基本支出 / 项目支出 and are never added to them.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Mapping

import pandas as pd

from ..errors import InputError, Problem
from .read import RawTable, read_table
from .tables import (BASIC, BUDGET, BUDGET_COLUMNS, BUDGET_HEADER_VARIANTS, CATEGORIES, CATEGORY_ALIASES,
                     PROCUREMENT, PROJECT, THREE_PUBLIC)

_CATEGORY_ALIASES = CATEGORY_ALIASES
_REQUIRED_HEADERS = tuple(BUDGET.header_of[c] for c in BUDGET.required)
_AMOUNT_HEADERS = ("年初预算", "调整预算", "决算", "结转结余", "上年决算")
_FORMER = {v: k for k, v in BUDGET_HEADER_VARIANTS.items()}


@dataclass(frozen=True)
class BudgetTable:
    """A validated 预算执行表.

    ``frame`` has the internal columns ``excel_row, category, item, initial_budget, budget,
    actual, carryover, previous_actual``; amounts are :class:`~decimal.Decimal` in 万元 or
    ``None`` for a blank cell; ``carryover`` is already filled with its default.
    ``file`` is the name used in messages and in the 数据说明; ``source`` (file, sha256, rows,
    encoding) is filled when the table was read from a file.
    """

    file: str
    frame: pd.DataFrame
    source: Mapping = field(default_factory=dict, compare=False)

    def __len__(self) -> int:
        return len(self.frame)


def read_budget(path: str | Path) -> BudgetTable:
    """Read and validate a 预算执行表 (.xlsx/.xls via calamine, or CSV).

    CSV is decoded as UTF-8 (with or without BOM), else GB18030 (the detection of every input
    table). Every problem is collected and raised together as one
    :class:`~xinfang.errors.InputError` (file, Excel row, header, value, rule); see the module
    docstring for the columns.
    """
    return validate_budget_table(read_table(path, "budget"))


def validate_budget_table(raw: RawTable, units=None, *, today=None) -> BudgetTable:
    """:func:`validate_budget` of a table read by :func:`~xinfang.inputs.read.read_table`
    (the signature of every validator of :mod:`xinfang.inputs.load`; ``units`` and ``today``
    are not used by this table)."""
    table = validate_budget(raw.frame, file=raw.name)
    source = {"file": raw.name, "sha256": raw.sha256, "rows": len(table.frame), "encoding": raw.encoding}
    return BudgetTable(table.file, table.frame, source)


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
    headers: dict[str, object] = {}   # current header → column of ``raw``
    written: dict[str, str] = {}      # current header → header as written (for messages)
    for c in raw.columns:
        shown = _header(c)
        h = BUDGET_HEADER_VARIANTS.get(shown, shown)
        if h in headers:
            problems.append(Problem(file, None, shown, None, f"与列「{written[h]}」重复（同一列的两种写法）",
                                    "duplicate column"))
            continue
        headers[h], written[h] = c, shown
    missing = [h for h in _REQUIRED_HEADERS if h not in headers]
    for h in missing:
        problems.append(Problem(file, None, h, None, "缺少必需列", "missing column",
                                hint="必需列：" + "、".join(
                                    f"{r}（或{_FORMER[r]}）" if r in _FORMER else r for r in _REQUIRED_HEADERS)))
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
                problems.append(Problem(file, excel_row, written[header], _cell_text(value),
                                        f"{parsed}（金额单位：万元，≥ 0）", "non-negative number"))
                record[column] = None
            else:
                record[column] = parsed

        needed = ["决算"]
        if cat_text in (BASIC, PROJECT, PROCUREMENT):
            needed.append("调整预算")
        if cat_text == THREE_PUBLIC:
            needed.append("上年决算")
        for header in needed:
            if header not in headers:
                continue  # reported once below
            if _is_blank(cells.get(header)):
                problems.append(Problem(file, excel_row, written[header], None,
                                        f"{written[header]}必填（类别 {cat_text}）", "required"))
        if record["carryover"] is None and cat_text in (BASIC, PROJECT):
            budget, actual = record["budget"], record["actual"]
            if budget is not None and actual is not None:
                record["carryover"] = max(budget - actual, Decimal(0))
        records.append(record)

    if "上年决算" not in headers and any(r["category"] == THREE_PUBLIC for r in records):
        problems.append(Problem(file, None, "上年决算", None,
                                "缺少列（有“三公”经费行时必需；也可写作上年实际支出）", "missing column"))
    if not records and not problems:
        problems.append(Problem(file, None, None, None, "没有数据行", "no data rows"))
    if problems:
        raise InputError(problems)
    columns = ["excel_row", "category", "item", *(BUDGET_COLUMNS[h] for h in _AMOUNT_HEADERS)]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame = frame.astype({c: object for c in columns if c not in ("excel_row",)})
    return BudgetTable(file=file, frame=frame)
