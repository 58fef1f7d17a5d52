"""Layout helpers both writers share, and the document model's names as the renderer knew them.

The model itself is :mod:`xinfang.blocks` (one model for sections, notebook bundles and
writers); it is re-exported here under its former names (``TableBlock`` is
:class:`xinfang.blocks.Table`, ``FigureBlock`` :class:`~xinfang.blocks.Figure`,
``SignatureBlock`` :class:`~xinfang.blocks.Signature`, ``DocInfoBlock``
:class:`~xinfang.blocks.DocumentInfo`). The table layout helpers (:func:`grid`,
:func:`numeric_columns`, :func:`cell_align`) are here because both writers lay tables out the
same way.
"""
from __future__ import annotations

import re

from xinfang.blocks import (
    CJK, DEFAULT_ALT, DEFAULT_DATE, XML_BAD, Block, Cell, CodeBlock, Colophon, Document, DocumentInfo, ErrorBox, Figure,
    Heading, ListBlock, Paragraph, Quote, Rule, Signature, Span, Table, TocEntry, clean_text, plain,
)

__all__ = [
    "Span", "Heading", "Paragraph", "ListBlock", "Quote", "CodeBlock", "Rule", "Cell",
    "TableBlock", "FigureBlock", "SignatureBlock", "DocInfoBlock", "Colophon", "ErrorBox", "Block", "TocEntry",
    "Document", "DEFAULT_DATE", "DEFAULT_ALT", "plain", "is_number", "clean_text", "grid",
    "numeric_columns", "cell_align",
]

TableBlock = Table
FigureBlock = Figure
SignatureBlock = Signature
DocInfoBlock = DocumentInfo

_NUMBER = re.compile(
    r"^[+\-−]?[¥$￥]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:%|％|‰|个百分点)?$"
)
#: Cell texts that stand for "no value" (a numeric column stays numeric with them).
PLACEHOLDER = frozenset({"—", "-", "–", "——", "", "nan", "NaN", "None", "<NA>"})


# --- text ---------------------------------------------------------------------------------
def is_number(text: str) -> bool:
    """Whether a cell text is a number (thousands separators, ％, ‰, 个百分点 allowed).

    >>> is_number("1,234.5"), is_number("94.64％"), is_number("城南街道")
    (True, True, False)
    """
    return bool(_NUMBER.match(text.strip()))


# --- table layout ---------------------------------------------------------------------------
def grid(rows: list[list[Cell]]) -> list[list[tuple[Cell, bool] | None]]:
    """Lay rows out on a grid honouring colspan/rowspan: (cell, is_origin) per position."""
    out: list[list[tuple[Cell, bool] | None]] = []
    for r, row in enumerate(rows):
        while len(out) <= r:
            out.append([])
        c = 0
        for cell in row:
            while c < len(out[r]) and out[r][c] is not None:
                c += 1
            for dr in range(cell.rowspan if r + cell.rowspan <= len(rows) else len(rows) - r):
                while len(out) <= r + dr:
                    out.append([])
                line = out[r + dr]
                while len(line) < c + cell.colspan:
                    line.append(None)
                for dc in range(cell.colspan):
                    line[c + dc] = (cell, dr == 0 and dc == 0)
            c += cell.colspan
    width = max((len(r) for r in out), default=0)
    for line in out:
        line.extend([None] * (width - len(line)))
    return out


def numeric_columns(table: TableBlock) -> set[int]:
    """Columns (grid positions) whose body cells are all numbers or placeholders."""
    body = grid(table.body)
    numeric: set[int] = set()
    ncols = max((len(r) for r in body), default=0)
    for c in range(ncols):
        texts = [
            row[c][0].text for row in body
            if c < len(row) and row[c] is not None and row[c][1] and not row[c][0].header
        ]
        if any(is_number(t) for t in texts) and all(
            is_number(t) or t.strip() in PLACEHOLDER for t in texts
        ):
            numeric.add(c)
    return numeric


def cell_align(cell: Cell, col: int, numeric: set[int], in_head: bool) -> str:
    """Header cells centred; numbers (and placeholders in numeric columns) right; text left."""
    if in_head:
        return "center"
    if cell.align:
        return cell.align
    if is_number(cell.text) or (col in numeric and cell.text.strip() in PLACEHOLDER):
        return "right"
    return "left"
