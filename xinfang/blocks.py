"""The one document model: what a report section emits and what :mod:`xinfang.render` writes.

A document is a sequence of blocks (frozen dataclasses). Sections build them
(:mod:`xinfang.report.forms`), :mod:`xinfang.display` carries them through a notebook as one
versioned JSON MIME bundle per block, :mod:`xinfang.render.reader` reads them back, and the
HTML and Word writers lay them out. A document without a notebook (the 督办单) goes straight
from blocks to :func:`xinfang.render.document.render_document`.

=================  ==================================================================
block              what it prints
=================  ==================================================================
:class:`Heading`   a heading; ``level`` as in Markdown (1 = the document title)
:class:`Paragraph` a paragraph of :class:`Span` runs; ``role="note"``: a table's note
:class:`ListBlock` an ordered or bullet list; each item is a tuple of blocks
:class:`Quote`     a block quote of blocks
:class:`CodeBlock` preformatted text
:class:`Rule`      a thematic break (HTML only)
:class:`Table`     a table of :class:`Cell` rows (header rows, body rows) with its caption
:class:`Figure`    a picture with its alternative text
:class:`Signature` the 落款 (right) or the 主送 line (left)
:class:`Colophon`  the 版记 (抄送, 印发机关, 印发日期) at the end
:class:`ErrorBox`  a cell that failed to run
:class:`DocumentInfo` what the document says about itself (title, subtitle, date); prints
                   nothing and is taken out of the body when a :class:`Document` is built
=================  ==================================================================

Sequences given as lists are stored as tuples, so that a block is immutable all the way down.
This module imports nothing but the standard library.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Union

__all__ = [
    "Span", "Heading", "Paragraph", "ListBlock", "Quote", "CodeBlock", "Rule", "Cell", "Table",
    "Figure", "Signature", "Colophon", "ErrorBox", "DocumentInfo", "Block", "TocEntry", "Document",
    "DEFAULT_DATE", "DEFAULT_ALT", "plain", "clean_text", "cell_text", "squash",
]

#: Creation date of a document that gives none (DOCX core properties).
DEFAULT_DATE = dt.date(2000, 1, 1)
#: The alt text of a picture that came without one.
DEFAULT_ALT = "图表"
#: CJK characters and full-width punctuation (one em wide; no space at a line join).
CJK = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\uf900-\ufaff]")
#: Characters XML cannot hold (control characters other than tab and newline).
XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _freeze(obj: Any, name: str, depth: int = 1) -> None:
    """Store ``obj.name`` as a tuple (of tuples, ``depth`` levels down)."""
    def conv(value: Any, d: int) -> Any:
        if d == 0:
            return value
        return tuple(conv(v, d - 1) for v in value)

    object.__setattr__(obj, name, conv(getattr(obj, name), depth))


@dataclass(frozen=True)
class Span:
    """A run of inline text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False
    strike: bool = False
    br: bool = False  # a hard line break (text is empty)


def _spans(value: Any) -> tuple[Span, ...]:
    return (Span(value),) if isinstance(value, str) else tuple(value)


@dataclass(frozen=True)
class Heading:
    """A heading; ``level`` is the Markdown level (1 = ``#``, the title). ``spans`` may be
    given as a plain string. ``anchor`` (``sec-1`` …) is given when the document is built.

    ``label`` marks an attachment (附件, GB/T 9704 §7.3.8): ``"附件1"`` (or ``"附件"`` when
    there is one), printed on its own line at the top left of a new page, the spans being the
    attachment's title, centred below it."""

    level: int
    spans: tuple[Span, ...]
    anchor: str = ""
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "spans", _spans(self.spans))

    @property
    def text(self) -> str:
        return plain(self.spans)

    @property
    def full_text(self) -> str:
        """The text with its attachment label: ``附件1 绩效评价指标评分表``."""
        return f"{self.label} {self.text}" if self.label else self.text


@dataclass(frozen=True)
class Paragraph:
    """A paragraph; ``spans`` may be given as a plain string.

    ``role``: ``""`` body text; ``"note"`` the note under a table, set smaller;
    ``"annex_list"`` the 附件说明 after the body (GB/T 9704 §7.3.4: "附件：1.…", hard breaks
    between the items, which line up under the first)."""

    spans: tuple[Span, ...]
    role: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "spans", _spans(self.spans))


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    start: int
    items: tuple[tuple[Any, ...], ...]

    def __post_init__(self) -> None:
        _freeze(self, "items", 2)


@dataclass(frozen=True)
class Quote:
    blocks: tuple[Any, ...]

    def __post_init__(self) -> None:
        _freeze(self, "blocks")


@dataclass(frozen=True)
class CodeBlock:
    """Preformatted text (fenced code in Markdown, or a ``text/plain`` output)."""

    text: str


@dataclass(frozen=True)
class Rule:
    pass


@dataclass(frozen=True)
class Cell:
    text: str
    header: bool = False
    colspan: int = 1
    rowspan: int = 1
    align: str | None = None  # "left" | "center" | "right"; None = decide from content


@dataclass(frozen=True)
class Table:
    """A table: header rows and body rows of cells, and the caption printed above it."""

    caption: str
    head: tuple[tuple[Cell, ...], ...]
    body: tuple[tuple[Cell, ...], ...]

    def __post_init__(self) -> None:
        _freeze(self, "head", 2)
        _freeze(self, "body", 2)

    @classmethod
    def from_rows(cls, columns: Iterable[Any], rows: Iterable[Iterable[Any]], caption: str = "",
                  merge: Iterable[Any] = ()) -> "Table":
        """A table with one header row; every value as a reader sees it (:func:`cell_text`),
        runs of white space as one space (as a browser shows a cell).

        ``merge`` names columns (by header text) whose equal values in consecutive rows are one
        cell spanning those rows (一级指标, 二级指标 …), each within the runs of the columns
        named before it: a 二级指标 never spans two 一级指标.

        >>> Table.from_rows(["单位", "件次"], [["城南  街道", 27], ["城北街道", None]]).body[1][1].text
        ''
        >>> t = Table.from_rows(["一级", "二级", "分"], [["决策", "目标", 1], ["决策", "目标", 2], ["过程", "目标", 3]],
        ...                     merge=["一级", "二级"])
        >>> [[(c.text, c.rowspan) for c in row] for row in t.body]
        [[('决策', 2), ('目标', 2), ('1', 1)], [('2', 1)], [('过程', 1), ('目标', 1), ('3', 1)]]
        """
        def text(value: Any) -> str:
            return squash(clean_text(cell_text(value)))

        columns = list(columns)
        head = [[Cell(text(c), header=True) for c in columns]] if columns else []
        body = [[text(v) for v in row] for row in rows]
        body = [row for row in body if row]
        names = [text(c) for c in columns]
        merged = [names.index(text(m)) for m in merge if text(m) in names]
        spans = _row_spans(body, merged)
        cells = [[Cell(v, rowspan=spans.get((r, c), 1)) for c, v in enumerate(row) if spans.get((r, c), 1) > 0]
                 for r, row in enumerate(body)]
        return cls(text(caption), head, cells)

    @classmethod
    def from_frame(cls, frame: Any, caption: str = "", merge: Iterable[Any] = ()) -> "Table":
        """A table of a DataFrame: its columns are the header row, its index is not shown."""
        return cls.from_rows(frame.columns, frame.itertuples(index=False, name=None), caption, merge)


def _row_spans(body: list[list[str]], columns: list[int]) -> dict[tuple[int, int], int]:
    """(row, column) → rowspan for the merged columns: n > 1 at the top of a run, 0 below it
    (the cell is covered). Runs of equal, non-empty values; each column's runs are cut where
    the runs of the columns before it are."""
    spans: dict[tuple[int, int], int] = {}
    cuts = {0, len(body)}
    for c in columns:
        start = 0
        for r in range(1, len(body) + 1):
            if r in cuts or r == len(body) or body[r][c] != body[start][c] or not body[start][c]:
                if r - start > 1:
                    spans[(start, c)] = r - start
                    spans.update({(k, c): 0 for k in range(start + 1, r)})
                start = r
        cuts |= {r for r in range(len(body) + 1) if spans.get((r, c), 1) != 0}
    return spans


@dataclass(frozen=True)
class Figure:
    """A picture (PNG or JPEG bytes). ``width``/``height`` in CSS pixels, or None."""

    data: bytes
    mimetype: str = "image/png"
    width: int | None = None
    height: int | None = None
    alt: str = DEFAULT_ALT
    title: str = ""


@dataclass(frozen=True)
class Signature:
    """The 落款: the issuing office and the date, right-aligned (GB/T 9704 §7.3.5); with
    ``align="left"`` the 主送 line under the title, flush left (§7.3.2)."""

    lines: tuple[str, ...]
    align: str = "right"

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(str(x) for x in self.lines))


@dataclass(frozen=True)
class Colophon:
    """The 版记 at the end of a document (GB/T 9704 §7.4): 抄送 (``cc``), 印发机关 and 印发日期,
    between full-width rules."""

    cc: tuple[str, ...]
    printer: str
    date: str  # as printed: 2024年1月2日

    def __post_init__(self) -> None:
        object.__setattr__(self, "cc", tuple(str(x) for x in self.cc))


@dataclass(frozen=True)
class ErrorBox:
    ename: str
    evalue: str
    traceback: str


@dataclass(frozen=True)
class DocumentInfo:
    """What a document says about itself; prints nothing. Empty values say nothing."""

    title: str = ""
    title_lines: tuple[str, ...] = ()
    subtitle: str = ""
    date: str | None = None  # ISO date
    author: str = ""
    number: str = ""  # 发文字号 (文号), printed centred above the title

    def __post_init__(self) -> None:
        object.__setattr__(self, "title_lines", tuple(self.title_lines or ()))

    @classmethod
    def from_metadata(cls, metadata: dict) -> "DocumentInfo":
        """From a report's metadata (``title``, ``title_lines``, ``subtitle``, ``date``, ``number``)."""
        return cls(metadata.get("title") or "", tuple(metadata.get("title_lines") or ()),
                   metadata.get("subtitle") or "", metadata.get("date"), number=metadata.get("number") or "")

    def items(self) -> dict:
        """The values it gives (empty ones left out)."""
        values = {"title": self.title, "title_lines": list(self.title_lines), "subtitle": self.subtitle,
                  "date": self.date, "author": self.author, "number": self.number}
        return {k: v for k, v in values.items() if v}


Block = Union[Heading, Paragraph, ListBlock, Quote, CodeBlock, Rule, Table, Figure, ErrorBox, Signature,
              Colophon, DocumentInfo]


@dataclass(frozen=True)
class TocEntry:
    anchor: str
    text: str
    children: list["TocEntry"] = field(default_factory=list, compare=True)


@dataclass(frozen=True)
class Document:
    """A whole document: its title block and its body (built by
    :func:`xinfang.render.document.build_document`)."""

    title: str
    subtitle: str | None
    author: str | None
    date: dt.date  # fixed creation date (DOCX core properties)
    date_given: bool  # whether a date was given (then it is printed)
    blocks: tuple[Block, ...]
    title_lines: list[str] | None = None  # the title cut into balanced lines, only between words
    number: str | None = None  # 发文字号, printed centred above the title

    def __post_init__(self) -> None:
        _freeze(self, "blocks")

    @property
    def date_text(self) -> str | None:
        """The printed date line, ``2023年12月31日``, or None when no date was given."""
        if not self.date_given or any(isinstance(b, Signature) and b.align == "right" for b in self.blocks):
            return None  # a document with a 落款 is dated there, not under its title
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"

    @property
    def toc(self) -> list[TocEntry]:
        """Table of contents from the ``##`` and ``###`` headings, nested."""
        entries: list[TocEntry] = []
        for block in self.blocks:
            if not isinstance(block, Heading) or block.level not in (2, 3):
                continue
            entry = TocEntry(block.anchor, block.full_text)
            if block.level == 3 and entries:
                entries[-1].children.append(entry)
            else:
                entries.append(entry)
        return entries


# --- text ---------------------------------------------------------------------------------
def plain(spans: Iterable[Span]) -> str:
    """The text of spans, hard breaks as newlines."""
    return "".join("\n" if s.br else s.text for s in spans).strip()


def clean_text(value: Any) -> str:
    """A string from a stored value (multiline strings may be lists of lines), with the
    characters XML cannot hold dropped, so neither format chokes on them."""
    if isinstance(value, list):
        value = "".join(value)
    return "" if value is None else XML_BAD.sub("", str(value))


def cell_text(value: Any) -> str:
    """A table value as a reader sees it: ``None`` and NaN are empty, anything else ``str()``.

    >>> cell_text(None), cell_text(float("nan")), cell_text(27), cell_text("94.64％")
    ('', '', '27', '94.64％')
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def squash(text: str) -> str:
    """Runs of white space as one space, none at the ends (as a browser shows a table cell)."""
    return re.sub(r"\s+", " ", text).strip()
