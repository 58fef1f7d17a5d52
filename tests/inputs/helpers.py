"""Registers written as exports come: CSV lines as text, workbooks with openpyxl."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import HEADERS, row

TODAY = dt.date(2026, 11, 26)


def rows(n: int, **kw) -> list[dict]:
    """``n`` valid registrations C0 … of 城南街道, each with its own personal data."""
    out = []
    for i in range(n):
        r = row(f"C{i}", f"M{i}", "2023-03-01", **kw)
        r.update({"信访人": f"王{i}", "证件号码": f"43050319900101{i:04d}", "联系电话": f"139{i:08d}",
                  "住址": f"幸福路{i}号"})
        out.append(r)
    return out


def csv_text(records: list[dict], headers=HEADERS, sep: str = ",") -> str:
    """Header + records, fields joined as a simple exporter joins them (no quoting)."""
    return "\n".join([sep.join(headers)] + [sep.join(str(r.get(h, "")) for h in headers) for r in records]) + "\n"


def workbook(path: Path, sheets: list[tuple[str, list[list]]], *, hidden=(), active: int = 0) -> Path:
    """A workbook with ``sheets`` (name, rows), some hidden, one active."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, values in sheets:
        ws = wb.create_sheet(name)
        for r in values:
            ws.append(r)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.active = active
    wb.save(path)
    return path


def sheet_rows(records: list[dict], headers=HEADERS) -> list[list]:
    return [list(headers)] + [[r.get(h, "") for h in headers] for r in records]
