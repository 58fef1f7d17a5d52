"""The document model both exporters write: headings, paragraphs, lists, tables, figures.

:func:`xinfang.render.reader.read_notebook` reads an executed notebook into a
:class:`Document`; :mod:`xinfang.render.html` and :mod:`xinfang.render.docx` write it out, so
that what a reader sees in HTML and in Word is the same content. The table layout helpers
(:func:`grid`, :func:`numeric_columns`, :func:`cell_align`) are here because both writers lay
tables out the same way.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Union

__all__ = [
    "Span", "Heading", "Paragraph", "ListBlock", "Quote", "CodeBlock", "Rule", "Cell",
    "TableBlock", "FigureBlock", "ErrorBox", "Block", "TocEntry", "Document", "DEFAULT_DATE",
    "plain", "is_number", "clean_text", "grid", "numeric_columns", "cell_align",
]

#: Creation date of a document whose notebook gives none (DOCX core properties).
DEFAULT_DATE = dt.date(2000, 1, 1)
#: The alt text of a picture that came without one.
DEFAULT_ALT = "图表"

#: CJK characters and full-width punctuation (one em wide; no space at a line join).
CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\uf900-\ufaff]")
_NUMBER = re.compile(
    r"^[+\-−]?[¥$￥]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:%|％|‰|个百分点)?$"
)
#: Cell texts that stand for "no value" (a numeric column stays numeric with them).
PLACEHOLDER = frozenset({"—", "-", "–", "——", "", "nan", "NaN", "None", "<NA>"})
#: Characters XML cannot hold (control characters other than tab and newline).
XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Span:
    """A run of inline text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    strike: bool = False
    br: bool = False  # a hard line break (text is empty)


@dataclass
class Heading:
    """A Markdown heading; ``level`` is the Markdown level (1 = ``#``)."""

    level: int
    spans: list[Span]
    anchor: str = ""

    @property
    def text(self) -> str:
        return plain(self.spans)


@dataclass
class Paragraph:
    spans: list[Span]
    role: str = ""  # "note": the note under a table, set smaller


@dataclass
class ListBlock:
    ordered: bool
    start: int
    items: list[list[Any]]


@dataclass
class Quote:
    blocks: list[Any]


@dataclass
class CodeBlock:
    """Preformatted text (fenced code in Markdown, or a ``text/plain`` output)."""

    text: str


@dataclass
class Rule:
    pass


@dataclass
class Cell:
    text: str
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    align: str | None = None  # "left" | "center" | "right"; None = decide from content


@dataclass
class TableBlock:
    caption: str
    head: list[list[Cell]]
    body: list[list[Cell]]


@dataclass
class FigureBlock:
    data: bytes
    mimetype: str  # image/png or image/jpeg
    width: int | None = None  # CSS pixels, from output metadata or the PNG's resolution
    height: int | None = None
    alt: str = DEFAULT_ALT


@dataclass
class ErrorBox:
    ename: str
    evalue: str
    traceback: str


@dataclass
class SignatureBlock:
    """The 落款: the issuing office and the date, right-aligned (GB/T 9704 §7.3.5)."""

    lines: list[str]
    align: str = "right"  # "left": the 主送 line under the title, flush left


@dataclass
class DocInfoBlock:
    """What a notebook says about its document (title, title lines, subtitle, date); it prints
    nothing and is taken out of the body by the reader."""

    info: dict


Block = Union[Heading, Paragraph, ListBlock, Quote, CodeBlock, Rule, TableBlock, FigureBlock, ErrorBox,
              SignatureBlock, DocInfoBlock]


@dataclass
class TocEntry:
    anchor: str
    text: str
    children: list["TocEntry"] = field(default_factory=list)


@dataclass
class Document:
    """A report notebook read into the document model (see :func:`~xinfang.render.read_notebook`)."""

    title: str
    subtitle: str | None
    author: str | None
    date: dt.date  # fixed creation date (DOCX core properties)
    date_given: bool  # whether the date came from the notebook metadata (then it is printed)
    blocks: list[Block]
    title_lines: list[str] | None = None  # the title cut into balanced lines, only between words

    @property
    def date_text(self) -> str | None:
        """The printed date line, ``2023年12月31日``, or None when the notebook gave no date."""
        if not self.date_given or any(isinstance(b, SignatureBlock) and b.align == "right" for b in self.blocks):
            return None  # a document with a 落款 is dated there, not under its title
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"

    @property
    def toc(self) -> list[TocEntry]:
        """Table of contents from the ``##`` and ``###`` headings, nested."""
        entries: list[TocEntry] = []
        for block in self.blocks:
            if not isinstance(block, Heading) or block.level not in (2, 3):
                continue
            entry = TocEntry(block.anchor, block.text)
            if block.level == 3 and entries:
                entries[-1].children.append(entry)
            else:
                entries.append(entry)
        return entries


# --- text ---------------------------------------------------------------------------------
def plain(spans: Iterable[Span]) -> str:
    """The text of spans, hard breaks as newlines."""
    return "".join("\n" if s.br else s.text for s in spans).strip()


def is_number(text: str) -> bool:
    """Whether a cell text is a number (thousands separators, ％, ‰, 个百分点 allowed).

    >>> is_number("1,234.5"), is_number("94.64％"), is_number("城南街道")
    (True, True, False)
    """
    return bool(_NUMBER.match(text.strip()))


def clean_text(value: Any) -> str:
    """A string from an nbformat value (multiline strings may be lists of lines), with the
    characters XML cannot hold dropped, so neither format chokes on them."""
    if isinstance(value, list):
        value = "".join(value)
    return "" if value is None else XML_BAD.sub("", str(value))


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
