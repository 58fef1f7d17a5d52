"""Turn an executed report notebook into a self-contained HTML file and a Word (.docx) file.

Two nbconvert exporters, registered as entry points (``jupyter nbconvert --to xinfang_html``
and ``--to xinfang_docx``), and :func:`render_notebook`, which writes both files atomically.

Both exporters read the notebook through one function, :func:`build_report`, into a small
document model (headings, paragraphs, lists, tables, figures, error boxes), so that what the
reader sees in HTML and in Word is the same content:

* code cells never show their source; only their outputs are kept, by preference
  ``text/markdown`` > ``text/html`` > ``image/png`` (``image/jpeg``) > ``text/plain``;
* cells tagged ``remove_cell``, ``parameters``, ``injected-parameters`` (and papermill's error
  banner) are dropped, ``remove_output`` drops a cell's outputs; stream outputs (stdout and
  stderr) are always dropped;
* Markdown (cells and ``text/markdown`` outputs) is parsed with mistune 3; raw HTML inside it is
  kept as literal, escaped text, never as markup; ``text/html`` outputs are parsed and only their
  tables, headings and text survive, rebuilt from scratch (nothing of the original markup, no
  ``<script>``, no ``style``, no links to the network).

The Word file follows GB/T 9704-2012 (党政机关公文格式): A4, margins 3.7 / 3.5 / 2.8 / 2.6 cm,
title 方正小标宋简体 22 pt, body 仿宋_GB2312 16 pt with exact 28 pt line spacing, headings
黑体 / 楷体_GB2312 / 仿宋_GB2312 bold, page numbers "— N —" in 宋体 14 pt (odd pages right, even
pages left, one character from the edge), and its bytes depend only on the notebook.
"""
from __future__ import annotations

import base64
import datetime as dt
import html
import io
import re
import struct
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Union

import mistune
import nbformat
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm
from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup
from nbconvert.exporters import Exporter, HTMLExporter, TemplateExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import default

from xinfang.errors import RenderError
from xinfang.fileio import normalize_zip, write_bytes_atomic

__all__ = [
    "Report",
    "build_report",
    "markdown_blocks",
    "html_blocks",
    "output_blocks",
    "report_html",
    "report_docx",
    "render_notebook",
    "ReportHTMLExporter",
    "ReportDocxExporter",
]

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "xinfang_report"

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: Cell tags whose whole cell is dropped from a report.
REMOVE_CELL_TAGS = frozenset(
    {"remove_cell", "parameters", "injected-parameters", "papermill-error-cell-tag"}
)
#: Cell tags whose outputs are dropped (the source is never shown anyway).
REMOVE_OUTPUT_TAGS = frozenset({"remove_output"})

# --- GB/T 9704-2012 geometry and fonts --------------------------------------------------
FONT_LATIN = "Times New Roman"
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_H3 = "仿宋_GB2312"
FONT_PAGE = "宋体"
SIZE_TITLE = 22.0  # 二号
SIZE_BODY = 16.0  # 三号
SIZE_CAPTION = 14.0  # 四号
SIZE_PAGE = 14.0  # 四号
SIZE_CELL = 12.0  # 小四
SIZE_CELL_WIDE = 10.5  # 五号
LINE_BODY = 28.0  # exact line spacing in pt (22 lines on the page)
PAGE_W_CM, PAGE_H_CM = 21.0, 29.7
MARGIN_TOP_CM, MARGIN_BOTTOM_CM, MARGIN_LEFT_CM, MARGIN_RIGHT_CM = 3.7, 3.5, 2.8, 2.6
TEXT_WIDTH_CM = PAGE_W_CM - MARGIN_LEFT_CM - MARGIN_RIGHT_CM  # 15.6
FIGURE_WIDTH_CM = 15.0
#: Footer distance: the page-number line sits about 7 mm below the text block.
FOOTER_DISTANCE_CM = 2.3
HEADER_DISTANCE_CM = 1.5
DEFAULT_DATE = dt.date(2000, 1, 1)
#: Fixed time stamp of every entry in the .docx zip container.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)

_TWIPS_PER_CM = 1440 / 2.54


# =========================================================================================
# Document model
# =========================================================================================
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
        return _plain(self.spans)


@dataclass
class Paragraph:
    spans: list[Span]
    role: str = ""  # "note": a note under a table (``<p class="xf-note">``), set smaller


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
class Table:
    caption: str
    head: list[list[Cell]]
    body: list[list[Cell]]


@dataclass
class Figure:
    data: bytes
    mimetype: str  # image/png or image/jpeg
    width: int | None = None  # CSS pixels, from output metadata or the PNG's resolution
    height: int | None = None
    alt: str = "图表"


@dataclass
class ErrorBox:
    ename: str
    evalue: str
    traceback: str


Block = Union[Heading, Paragraph, ListBlock, Quote, CodeBlock, Rule, Table, Figure, ErrorBox]


@dataclass
class TocEntry:
    anchor: str
    text: str
    children: list["TocEntry"] = field(default_factory=list)


@dataclass
class Report:
    """A report notebook read into the document model (see :func:`build_report`)."""

    title: str
    subtitle: str | None
    author: str | None
    date: dt.date  # fixed creation date (DOCX core properties)
    date_given: bool  # whether the date came from the notebook metadata (then it is printed)
    blocks: list[Block]

    @property
    def date_text(self) -> str | None:
        """The printed date line, ``2023年12月31日``, or None when the notebook gave no date."""
        if not self.date_given:
            return None
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


# =========================================================================================
# Reading a notebook
# =========================================================================================
_MARKDOWN = mistune.create_markdown(renderer=None, plugins=["table", "strikethrough"])
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
#: text/plain reprs that say nothing to a reader: <Figure size 640x480 with 1 Axes>, <… object at 0x…>
_OBJECT_REPR = re.compile(r"^<(?:Figure size [^<>\n]*|[^<>\n]* object(?: at 0x[0-9a-fA-F]+)?)>$")
_CJK_PUNCT = re.compile(r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\uf900-\ufaff]")
_NUMBER = re.compile(
    r"^[+\-−]?[¥$￥]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:%|％|‰|个百分点)?$"
)
_PLACEHOLDER = frozenset({"—", "-", "–", "——", "", "nan", "NaN", "None", "<NA>"})


def _text(value: Any) -> str:
    """nbformat multiline strings may be lists of lines; characters XML cannot hold (control
    characters other than tab and newline) are dropped, so neither format chokes on them."""
    if isinstance(value, list):
        value = "".join(value)
    return "" if value is None else _XML_BAD.sub("", str(value))


def _plain(spans: Iterable[Span]) -> str:
    return "".join("\n" if s.br else s.text for s in spans).strip()


def _is_number(text: str) -> bool:
    return bool(_NUMBER.match(text.strip()))


def _inline(tokens: list[dict], bold=False, italic=False, strike=False) -> list[Span]:
    """Flatten mistune inline tokens into spans; raw HTML is kept as literal text."""
    out: list[Span] = []
    for tok in tokens:
        kind = tok["type"]
        if kind in ("text", "inline_html", "block_html"):
            out.append(Span(tok.get("raw", ""), bold, italic, strike=strike))
        elif kind == "codespan":
            out.append(Span(tok.get("raw", ""), bold, italic, code=True, strike=strike))
        elif kind == "strong":
            out.extend(_inline(tok["children"], True, italic, strike))
        elif kind == "emphasis":
            out.extend(_inline(tok["children"], bold, True, strike))
        elif kind == "strikethrough":
            out.extend(_inline(tok["children"], bold, italic, True))
        elif kind == "link":
            # Links are reduced to their text: a report loads nothing and points nowhere.
            out.extend(_inline(tok.get("children", []), bold, italic, strike))
        elif kind == "image":
            alt = _plain(_inline(tok.get("children", [])))
            if alt:
                out.append(Span(f"[{alt}]", bold, italic, strike=strike))
        elif kind == "linebreak":
            out.append(Span("", br=True))
        elif kind == "softbreak":
            out.append(Span("\x00soft", bold, italic, strike=strike))
        elif "children" in tok:
            out.extend(_inline(tok["children"], bold, italic, strike))
        elif "raw" in tok:
            out.append(Span(tok["raw"], bold, italic, strike=strike))
    return _resolve_softbreaks(out)


def _resolve_softbreaks(spans: list[Span]) -> list[Span]:
    """A source line break is a space between Latin words and nothing between Chinese."""
    out: list[Span] = []
    for i, span in enumerate(spans):
        if span.text != "\x00soft":
            out.append(span)
            continue
        before = out[-1].text[-1:] if out and out[-1].text else ""
        after = next((s.text[:1] for s in spans[i + 1 :] if s.text and s.text != "\x00soft"), "")
        joiner = "" if _CJK_PUNCT.match(before or " ") or _CJK_PUNCT.match(after or " ") else " "
        if joiner:
            out.append(Span(joiner, span.bold, span.italic, strike=span.strike))
    return [s for s in out if s.text or s.br]


def _md_blocks(tokens: list[dict]) -> list[Block]:
    blocks: list[Block] = []
    for tok in tokens:
        kind = tok["type"]
        if kind == "heading":
            blocks.append(Heading(int(tok["attrs"]["level"]), _inline(tok["children"])))
        elif kind in ("paragraph", "block_text"):
            spans = _inline(tok["children"])
            if spans:
                blocks.append(Paragraph(spans))
        elif kind == "block_html":
            text = tok.get("raw", "").strip()
            if text:
                blocks.append(Paragraph([Span(text)]))
        elif kind == "list":
            attrs = tok.get("attrs", {})
            items = [_md_blocks(item.get("children", [])) for item in tok.get("children", [])]
            blocks.append(ListBlock(bool(attrs.get("ordered")), int(attrs.get("start", 1)), items))
        elif kind == "block_quote":
            blocks.append(Quote(_md_blocks(tok.get("children", []))))
        elif kind == "block_code":
            blocks.append(CodeBlock(tok.get("raw", "").rstrip("\n")))
        elif kind == "thematic_break":
            blocks.append(Rule())
        elif kind == "table":
            blocks.append(_md_table(tok))
    return blocks


def _md_table(tok: dict) -> Table:
    head: list[list[Cell]] = []
    body: list[list[Cell]] = []
    for part in tok.get("children", []):
        if part["type"] == "table_head":
            head.append([_md_cell(c) for c in part.get("children", [])])
        elif part["type"] == "table_body":
            for row in part.get("children", []):
                body.append([_md_cell(c) for c in row.get("children", [])])
    return Table("", head, body)


def _md_cell(tok: dict) -> Cell:
    attrs = tok.get("attrs", {})
    return Cell(_plain(_inline(tok.get("children", []))), bool(attrs.get("head")), align=attrs.get("align"))


def markdown_blocks(text: str) -> list[Block]:
    """Parse Markdown into blocks; raw HTML stays literal text.

    >>> markdown_blocks("## 一、基本情况\\n\\n同比上升**94.64％**。")[0].text
    '一、基本情况'
    >>> [s.text for s in markdown_blocks("<script>alert(1)</script>")[0].spans]
    ['<script>alert(1)</script>']
    """
    return _md_blocks(_MARKDOWN(text))


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _html_table(table: Any) -> Table:
    caption_el = table.find("caption")
    caption = _squash(caption_el.text_content()) if caption_el is not None else ""
    head: list[list[Cell]] = []
    body: list[list[Cell]] = []
    for tr in table.iter("tr"):
        # skip rows of tables nested inside this one
        if next((a for a in tr.iterancestors("table")), None) is not table:
            continue
        cells = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            cells.append(
                Cell(
                    _squash(td.text_content()),
                    header=td.tag == "th",
                    colspan=_span_attr(td.get("colspan")),
                    rowspan=_span_attr(td.get("rowspan")),
                )
            )
        if not cells:
            continue
        parent = tr.getparent()
        (head if parent is not None and parent.tag == "thead" else body).append(cells)
    if not head and body and all(c.header for c in body[0]):
        head.append(body.pop(0))
    for row in head:
        for c in row:
            c.header = True
    return Table(caption, head, body)


def _span_attr(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1


def html_blocks(source: str) -> list[Block]:
    """Keep the tables, headings and text of an HTML output, nothing of its markup.

    >>> t = html_blocks('<table><caption>表1</caption><thead><tr><th>a</th></tr></thead>'
    ...                 '<tbody><tr><td>1</td></tr></tbody></table>')[0]
    >>> (t.caption, t.head[0][0].text, t.body[0][0].text)
    ('表1', 'a', '1')
    """
    if not source.strip():
        return []
    try:
        root = lxml_html.fragment_fromstring(source, create_parent="div")
    except (etree.ParserError, ValueError):
        return [Paragraph([Span(source)])]
    for bad in root.xpath(".//script|.//style|.//noscript|.//template"):
        bad.getparent().remove(bad)
    blocks: list[Block] = []

    def walk(el: Any) -> None:
        if el.tag == "table":
            blocks.append(_html_table(el))
            return
        if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = _squash(el.text_content())
            if text:
                blocks.append(Heading(int(el.tag[1]), [Span(text)]))
            return
        if el.find(".//table") is None and el.find(".//h2") is None and el.find(".//h3") is None:
            text = _squash(el.text_content())
            if text:
                note = el.tag == "p" and "xf-note" in (el.get("class") or "").split()
                blocks.append(Paragraph([Span(text)], role="note" if note else ""))
            return
        if el.text and el.text.strip():
            blocks.append(Paragraph([Span(_squash(el.text))]))
        for child in el:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail and child.tail.strip():
                blocks.append(Paragraph([Span(_squash(child.tail))]))

    if root.text and root.text.strip():
        blocks.append(Paragraph([Span(_squash(root.text))]))
    for child in root:
        if isinstance(child.tag, str):
            walk(child)
        if child.tail and child.tail.strip():
            blocks.append(Paragraph([Span(_squash(child.tail))]))
    return blocks


def _image_size(data: bytes) -> tuple[int, int, float | None] | None:
    """(width px, height px, dpi or None) of a PNG, from its IHDR and pHYs chunks."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    dpi = None
    pos = 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"pHYs" and length == 9:
            ppx, _ppy, unit = struct.unpack(">IIB", data[pos + 8 : pos + 17])
            if unit == 1 and ppx > 0:
                dpi = ppx * 0.0254
            break
        if kind in (b"IDAT", b"IEND"):
            break
        pos += 12 + length
    return width, height, dpi


def _figure(data: dict, metadata: dict, mimetype: str) -> Figure | None:
    try:
        raw = base64.b64decode(_text(data[mimetype]))
    except (ValueError, TypeError):
        return None
    if not raw:
        return None
    meta = metadata.get(mimetype, {}) if isinstance(metadata, dict) else {}
    width = meta.get("width") if isinstance(meta, dict) else None
    height = meta.get("height") if isinstance(meta, dict) else None
    if width is None and mimetype == "image/png":
        size = _image_size(raw)
        if size and size[2]:
            width = round(size[0] * 96 / size[2])
            height = round(size[1] * 96 / size[2])
    alt = meta.get("alt") if isinstance(meta, dict) else None
    return Figure(
        raw, mimetype, _int_or_none(width), _int_or_none(height), alt=_text(alt).strip() or "图表"
    )


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def output_blocks(output: dict) -> list[Block]:
    """Blocks for one code-cell output (streams give none)."""
    kind = output.get("output_type")
    if kind == "stream":
        return []
    if kind == "error":
        tb = _ANSI.sub("", "\n".join(_text(line) for line in output.get("traceback", [])))
        return [ErrorBox(_text(output.get("ename")), _ANSI.sub("", _text(output.get("evalue"))), tb)]
    if kind not in ("display_data", "execute_result"):
        return []
    data = output.get("data", {})
    metadata = output.get("metadata", {})
    if "text/markdown" in data:
        return markdown_blocks(_text(data["text/markdown"]))
    if "text/html" in data:
        return html_blocks(_text(data["text/html"]))
    for mimetype in ("image/png", "image/jpeg"):
        if mimetype in data:
            fig = _figure(data, metadata, mimetype)
            return [fig] if fig else []
    if "text/plain" in data:
        text = _ANSI.sub("", _text(data["text/plain"])).strip("\n")
        if text.strip() and not _OBJECT_REPR.match(text.strip()):
            return [CodeBlock(text)]
    return []


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise RenderError(
            f"报告元数据 xinfang.date 应为 YYYY-MM-DD，实为「{value}」"
            f" / notebook metadata xinfang.date must be YYYY-MM-DD, got {value!r}"
        ) from None


def build_report(nb: nbformat.NotebookNode | dict) -> Report:
    """Read a report notebook (nbformat v4) into the document model.

    Title: ``metadata["xinfang"]["title"]``, else the text of the first ``#`` heading, else
    "报告". The ``#`` heading equal to the title is printed once, as the title, not again in
    the body. Heading anchors are ``sec-1``, ``sec-2``, … in document order.
    """
    meta = dict(nb.get("metadata", {}).get("xinfang") or {})
    blocks: list[Block] = []
    for cell in nb.get("cells", []):
        tags = set(cell.get("metadata", {}).get("tags", []) or [])
        if tags & REMOVE_CELL_TAGS:
            continue
        kind = cell.get("cell_type")
        if kind == "markdown":
            blocks.extend(markdown_blocks(_text(cell.get("source"))))
        elif kind == "code" and not tags & REMOVE_OUTPUT_TAGS:
            for output in cell.get("outputs", []):
                blocks.extend(output_blocks(output))

    title = _text(meta.get("title")).strip()
    if not title:
        first_h1 = next((b for b in blocks if isinstance(b, Heading) and b.level == 1), None)
        title = first_h1.text if first_h1 else "报告"
    title_h1 = next(
        (b for b in blocks if isinstance(b, Heading) and b.level == 1 and b.text == title), None
    )
    if title_h1 is not None:
        blocks.remove(title_h1)
    n = 0
    for block in blocks:
        if isinstance(block, Heading):
            n += 1
            block.anchor = f"sec-{n}"
    date_value = meta.get("date")
    return Report(
        title=title,
        subtitle=_text(meta.get("subtitle")).strip() or None,
        author=_text(meta.get("author")).strip() or None,
        date=_parse_date(date_value) if date_value else DEFAULT_DATE,
        date_given=bool(date_value),
        blocks=blocks,
    )


# =========================================================================================
# HTML
# =========================================================================================
def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _spans_html(spans: list[Span]) -> str:
    parts = []
    for s in spans:
        if s.br:
            parts.append("<br>")
            continue
        text = _esc(s.text)
        if s.code:
            text = f"<code>{text}</code>"
        if s.strike:
            text = f"<s>{text}</s>"
        if s.italic:
            text = f"<em>{text}</em>"
        if s.bold:
            text = f"<strong>{text}</strong>"
        parts.append(text)
    return "".join(parts)


def _numeric_columns(table: Table) -> set[int]:
    """Columns (grid positions) whose body cells are all numbers or placeholders."""
    grid = _grid(table.body)
    numeric: set[int] = set()
    ncols = max((len(r) for r in grid), default=0)
    for c in range(ncols):
        texts = [
            row[c][0].text for row in grid
            if c < len(row) and row[c] is not None and row[c][1] and not row[c][0].header
        ]
        if any(_is_number(t) for t in texts) and all(
            _is_number(t) or t.strip() in _PLACEHOLDER for t in texts
        ):
            numeric.add(c)
    return numeric


def _grid(rows: list[list[Cell]]) -> list[list[tuple[Cell, bool] | None]]:
    """Lay rows out on a grid honouring colspan/rowspan: (cell, is_origin) per position."""
    grid: list[list[tuple[Cell, bool] | None]] = []
    for r, row in enumerate(rows):
        while len(grid) <= r:
            grid.append([])
        c = 0
        for cell in row:
            while c < len(grid[r]) and grid[r][c] is not None:
                c += 1
            for dr in range(cell.rowspan if r + cell.rowspan <= len(rows) else len(rows) - r):
                while len(grid) <= r + dr:
                    grid.append([])
                line = grid[r + dr]
                while len(line) < c + cell.colspan:
                    line.append(None)
                for dc in range(cell.colspan):
                    line[c + dc] = (cell, dr == 0 and dc == 0)
            c += cell.colspan
    width = max((len(r) for r in grid), default=0)
    for line in grid:
        line.extend([None] * (width - len(line)))
    return grid


def _cell_align(cell: Cell, col: int, numeric: set[int], in_head: bool) -> str:
    if in_head:
        return "center"
    if cell.align:
        return cell.align
    if _is_number(cell.text) or (col in numeric and cell.text.strip() in _PLACEHOLDER):
        return "right"
    return "left"


def _table_html(table: Table) -> str:
    numeric = _numeric_columns(table)
    out = ['<div class="xf-table-wrap"><table class="xf-table">']
    if table.caption:
        out.append(f"<caption>{_esc(table.caption)}</caption>")
    for section, rows, in_head in (("thead", table.head, True), ("tbody", table.body, False)):
        if not rows:
            continue
        out.append(f"<{section}>")
        grid = _grid(rows)
        for r, row in enumerate(rows):
            out.append("<tr>")
            cols = [c for c, pos in enumerate(grid[r]) if pos is not None and pos[1]]
            for cell, col in zip(row, cols):
                tag = "th" if cell.header else "td"
                attrs = ""
                if tag == "th":
                    attrs += ' scope="col"' if in_head else ' scope="row"'
                if cell.colspan > 1:
                    attrs += f' colspan="{cell.colspan}"'
                if cell.rowspan > 1:
                    attrs += f' rowspan="{cell.rowspan}"'
                align = _cell_align(cell, col, numeric, in_head)
                attrs += f' class="xf-{align}"'
                out.append(f"<{tag}{attrs}>{_esc(cell.text)}</{tag}>")
            out.append("</tr>")
        out.append(f"</{section}>")
    out.append("</table></div>")
    return "".join(out)


def _blocks_html(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            level = min(max(b.level, 1), 6)
            cls = ' class="xf-h1"' if level == 1 else ""
            out.append(f'<h{level} id="{b.anchor}"{cls}>{_spans_html(b.spans)}</h{level}>')
        elif isinstance(b, Paragraph):
            cls = ' class="xf-note"' if b.role == "note" else ""
            out.append(f"<p{cls}>{_spans_html(b.spans)}</p>")
        elif isinstance(b, ListBlock):
            tag = "ol" if b.ordered else "ul"
            start = f' start="{b.start}"' if b.ordered and b.start != 1 else ""
            items = "".join(f"<li>{_list_item_html(item)}</li>" for item in b.items)
            out.append(f"<{tag}{start}>{items}</{tag}>")
        elif isinstance(b, Quote):
            out.append(f"<blockquote>{_blocks_html(b.blocks)}</blockquote>")
        elif isinstance(b, CodeBlock):
            out.append(f'<pre class="xf-plain">{_esc(b.text)}</pre>')
        elif isinstance(b, Rule):
            out.append("<hr>")
        elif isinstance(b, Table):
            out.append(_table_html(b))
        elif isinstance(b, Figure):
            uri = f"data:{b.mimetype};base64,{base64.b64encode(b.data).decode('ascii')}"
            size = f' width="{b.width}"' if b.width else ""
            out.append(f'<figure class="xf-figure"><img src="{uri}" alt="{_esc(b.alt)}"{size}></figure>')
        elif isinstance(b, ErrorBox):
            tb = (
                f"<details><summary>错误详情 / traceback</summary><pre>{_esc(b.traceback)}</pre></details>"
                if b.traceback
                else ""
            )
            out.append(
                '<div class="xf-error" role="alert"><p class="xf-error-label">运行错误：本部分未能生成</p>'
                f"<p><code>{_esc(b.ename)}</code>：{_esc(b.evalue)}</p>{tb}</div>"
            )
    return "\n".join(out)


def _list_item_html(blocks: list[Block]) -> str:
    # tight list items: a single paragraph renders without <p>
    if len(blocks) == 1 and isinstance(blocks[0], Paragraph):
        return _spans_html(blocks[0].spans)
    return _blocks_html(blocks)


class ReportPreprocessor(Preprocessor):
    """Reads the notebook into the document model and puts it in ``resources["xinfang"]``."""

    def preprocess(self, nb, resources):  # noqa: D102 (nbconvert API)
        report = build_report(nb)
        resources["xinfang"] = {
            "title": report.title,
            "subtitle": report.subtitle,
            "author": report.author,
            "date_text": report.date_text,
            "toc": report.toc,
            "body": Markup(_blocks_html(report.blocks)),  # noqa: S704 (escaped above)
        }
        return nb, resources


class ReportHTMLExporter(HTMLExporter):
    """Self-contained report HTML: no code, no prompts, no script, images as data URIs.

    ``jupyter nbconvert --to xinfang_html report.ipynb``
    """

    export_from_notebook = "xinfang 报告 (HTML)"

    @default("template_name")
    def _template_name_default(self):
        return TEMPLATE_NAME

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self):
        return [str(TEMPLATES_DIR)]

    @default("preprocessors")
    def _preprocessors_default(self):
        return [ReportPreprocessor]

    @default("optimistic_validation")
    def _optimistic_validation_default(self):
        return True

    @default("exclude_input")
    def _exclude_input_default(self):
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self):
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self):
        return True

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[override]
        """Render the notebook with the report template; returns ``(html, resources)``.

        HTMLExporter's own pass (code highlighting filters, a BeautifulSoup round trip that
        adds alt texts and tab stops to notebook cells) has nothing to do on this page and
        is skipped: the template's markup is written as is.
        """
        resources = self._init_resources(resources)
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


# =========================================================================================
# DOCX
# =========================================================================================
def _twips(cm: float) -> int:
    return round(cm * _TWIPS_PER_CM)


def _set_rpr(run: Any, rpr_xml: str) -> None:
    """Give a run exactly these run properties (w:rPr is the run's first child)."""
    r = run._r
    for old in r.findall(qn("w:rPr")):
        r.remove(old)
    r.insert(0, parse_xml(rpr_xml))


def _rpr_xml(
    east_asia: str,
    size: float,
    bold: bool = False,
    latin: str = FONT_LATIN,
    italic: bool = False,
    strike: bool = False,
) -> str:
    """Run properties: explicit fonts (never theme fonts), weight, black, size, zh-CN."""
    half = round(size * 2)
    b = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    b += "<w:i/><w:iCs/>" if italic else ""
    b += "<w:strike/>" if strike else ""
    return (
        f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" '
        f'w:eastAsia="{east_asia}" w:cs="{latin}" w:hint="eastAsia"/>{b}'
        f'<w:color w:val="000000"/><w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
        f'<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>'
    )


def _ppr_xml(
    jc: str = "both",
    line: float | None = LINE_BODY,
    first_chars: int = 200,
    first_pt: float = 2 * SIZE_BODY,
    outline: int | None = None,
    keep_next: bool = False,
    after_pt: float = 0,
    before_pt: float = 0,
) -> str:
    """Paragraph properties; ``line`` = exact line spacing in pt, None = single spacing."""
    around = f'w:before="{round(before_pt * 20)}" w:after="{round(after_pt * 20)}"'
    spacing = (
        f'<w:spacing {around} w:line="{round(line * 20)}" w:lineRule="exact"/>'
        if line
        else f'<w:spacing {around} w:line="240" w:lineRule="auto"/>'
    )
    ind = (
        f'<w:ind w:firstLineChars="{first_chars}" w:firstLine="{round(first_pt * 20)}"/>'
        if first_chars
        else '<w:ind w:left="0" w:right="0" w:firstLineChars="0" w:firstLine="0"/>'
    )
    keep = "<w:keepNext/><w:keepLines/>" if keep_next else ""
    outline_xml = f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else ""
    return (
        f'<w:pPr {nsdecls("w")}>{keep}<w:widowControl/><w:snapToGrid w:val="0"/>{spacing}{ind}'
        f'<w:jc w:val="{jc}"/>{outline_xml}</w:pPr>'
    )


_STYLE_TAIL = ("tblPr", "trPr", "tcPr", "tblStylePr")


def _restyle(style_el: Any, ppr: str | None, rpr: str | None) -> None:
    """Replace a style's pPr/rPr with ours (in schema order)."""
    for tag in ("w:pPr", "w:rPr"):
        for old in style_el.findall(qn(tag)):
            style_el.remove(old)
    anchor = next((c for c in style_el if c.tag in {qn("w:" + t) for t in _STYLE_TAIL}), None)
    for xml in (ppr, rpr):
        if xml is None:
            continue
        el = parse_xml(xml)
        if anchor is not None:
            anchor.addprevious(el)
        else:
            style_el.append(el)


def _style_el(styles_root: Any, style_id: str) -> Any:
    """A w:style element by its id (python-docx's lookup by name scans every style)."""
    found = styles_root.xpath(f'w:style[@w:styleId="{style_id}"]')
    if not found:
        raise RenderError(f"Word 模板缺少样式 {style_id} / template lacks style {style_id}")
    return found[0]


@dataclass(frozen=True)
class _ParaStyle:
    style: str
    east_asia: str
    size: float
    bold: bool
    ppr: str


_BODY = _ParaStyle("Normal", FONT_BODY, SIZE_BODY, False, _ppr_xml())
_TITLE = _ParaStyle(
    "Title", FONT_TITLE, SIZE_TITLE, False, _ppr_xml(jc="center", line=36.0, first_chars=0)
)
_SUBTITLE = _ParaStyle("Subtitle", FONT_H2, SIZE_BODY, False, _ppr_xml(jc="center", first_chars=0))
_H1 = _ParaStyle("Heading 1", FONT_H1, SIZE_BODY, False, _ppr_xml(outline=0, keep_next=True))
_H2 = _ParaStyle("Heading 2", FONT_H2, SIZE_BODY, False, _ppr_xml(outline=1, keep_next=True))
_H3 = _ParaStyle("Heading 3", FONT_H3, SIZE_BODY, True, _ppr_xml(outline=2, keep_next=True))
_CAPTION = _ParaStyle(
    "Caption", FONT_H1, SIZE_CAPTION, False,
    _ppr_xml(jc="center", line=None, first_chars=0, keep_next=True, after_pt=3, before_pt=7),
)
_QUOTE = _ParaStyle("Quote", FONT_H2, SIZE_BODY, False, _ppr_xml())
_PLAIN_PPR = _ppr_xml(jc="left", first_chars=0)
_FIGURE_PPR = _ppr_xml(jc="center", line=None, first_chars=0)
_SPACER_PPR = _ppr_xml(jc="left", line=None, first_chars=0).replace(
    "</w:pPr>", _rpr_xml(FONT_BODY, 8).replace(f' {nsdecls("w")}', "") + "</w:pPr>"
)
_STYLE_IDS = {
    "Normal": "Normal", "Title": "Title", "Subtitle": "Subtitle", "Heading 1": "Heading1",
    "Heading 2": "Heading2", "Heading 3": "Heading3", "Caption": "Caption", "Quote": "Quote",
}
_NOTE_PPR = _ppr_xml(jc="both", line=None, first_chars=0, after_pt=6)
_CELL_PPR = {
    align: _ppr_xml(jc=align, line=None, first_chars=0)
    for align in ("left", "center", "right", "both")
}


class _DocxBuilder:
    """Builds one GB/T 9704 report document from the document model."""

    def __init__(self, report: Report) -> None:
        self.report = report
        self.doc = Document()
        self._clean_template()
        self._setup_styles()
        self._setup_section()

    # -- template -----------------------------------------------------------------------
    def _clean_template(self) -> None:
        doc = self.doc
        body = doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        package = doc.part.package
        for rid, rel in list(package.rels.items()):
            if rel.reltype.endswith("/thumbnail"):
                del package.rels[rid]
            elif rel.reltype.endswith("/extended-properties"):
                rel.target_part._blob = _APP_XML
        for rid, rel in list(doc.part.rels.items()):
            if rel.reltype.endswith(("/customXml", "/stylesWithEffects")):
                del doc.part.rels[rid]
        settings = doc.settings.element
        for tag in ("w:rsids", "w:proofState", "w:attachedTemplate", "w:savePreviewPicture"):
            for el in settings.findall(qn(tag)):
                settings.remove(el)
        for el in [e for e in settings if isinstance(e.tag, str) and e.tag.endswith("}docId")]:
            settings.remove(el)
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        doc.settings.odd_and_even_pages_header_footer = True

    def _setup_styles(self) -> None:
        styles = self.doc.styles
        root = styles.element
        defaults = root.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault"))
        ppr_default = defaults.find(qn("w:pPrDefault"))
        for holder, xml in (
            (rpr_default, _rpr_xml(FONT_BODY, SIZE_BODY)),
            (ppr_default, _ppr_xml()),
        ):
            for child in list(holder):
                holder.remove(child)
            holder.append(parse_xml(xml))
        for spec in (_BODY, _TITLE, _SUBTITLE, _H1, _H2, _H3, _CAPTION, _QUOTE):
            _restyle(
                _style_el(root, _STYLE_IDS[spec.style]),
                spec.ppr,
                _rpr_xml(spec.east_asia, spec.size, spec.bold),
            )
        for style_id in ("Header", "Footer"):
            _restyle(
                _style_el(root, style_id),
                _ppr_xml(jc="center", line=None, first_chars=0),
                _rpr_xml(FONT_PAGE, SIZE_PAGE, latin=FONT_PAGE),
            )
        grid = _style_el(root, "TableGrid")
        _restyle(grid, _CELL_PPR["left"], _rpr_xml(FONT_BODY, SIZE_CELL))
        borders = grid.find(qn("w:tblPr")).find(qn("w:tblBorders"))
        for b in borders:
            b.set(qn("w:sz"), "4")
            b.set(qn("w:color"), "000000")

    def _setup_section(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Cm(PAGE_W_CM)
        section.page_height = Cm(PAGE_H_CM)
        section.top_margin = Cm(MARGIN_TOP_CM)
        section.bottom_margin = Cm(MARGIN_BOTTOM_CM)
        section.left_margin = Cm(MARGIN_LEFT_CM)
        section.right_margin = Cm(MARGIN_RIGHT_CM)
        section.header_distance = Cm(HEADER_DISTANCE_CM)
        section.footer_distance = Cm(FOOTER_DISTANCE_CM)
        sect_pr = section._sectPr
        for attr in [a for a in sect_pr.attrib if "rsid" in a]:
            del sect_pr.attrib[attr]
        # GB/T 9704 §7.5: odd pages right, even pages left, one character (14 pt) from the edge.
        section.footer.is_linked_to_previous = False
        section.even_page_footer.is_linked_to_previous = False
        self._page_number(section.footer, "right")
        self._page_number(section.even_page_footer, "left")

    def _page_number(self, footer: Any, side: str) -> None:
        p = footer.paragraphs[0]
        for child in list(p._p):
            p._p.remove(child)
        indent = round(SIZE_PAGE * 20)
        ind = f'w:right="{indent}"' if side == "right" else f'w:left="{indent}"'
        p._p.append(parse_xml(
            f'<w:pPr {nsdecls("w")}><w:pStyle w:val="Footer"/><w:spacing w:before="0" w:after="0" '
            f'w:line="240" w:lineRule="auto"/><w:ind {ind} w:firstLineChars="0" w:firstLine="0"/>'
            f'<w:jc w:val="{side}"/></w:pPr>'
        ))
        rpr = _rpr_xml(FONT_PAGE, SIZE_PAGE, latin=FONT_PAGE)
        runs = [
            f"<w:t xml:space=\"preserve\">\u2014 </w:t>",
            '<w:fldChar w:fldCharType="begin"/>',
            '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
            '<w:fldChar w:fldCharType="separate"/>',
            "<w:t>1</w:t>",
            '<w:fldChar w:fldCharType="end"/>',
            "<w:t xml:space=\"preserve\"> \u2014</w:t>",
        ]
        for content in runs:
            p._p.append(parse_xml(f'<w:r {nsdecls("w")}>{rpr}{content}</w:r>'))

    # -- paragraphs ---------------------------------------------------------------------
    def _para(self, spec: _ParaStyle, spans: list[Span], ppr: str | None = None,
              east_asia: str | None = None, size: float | None = None, bold: bool | None = None):
        p = self.doc.add_paragraph()
        self._set_ppr(p, ppr or spec.ppr, _STYLE_IDS[spec.style])
        for span in spans:
            self._run(p, span, east_asia or spec.east_asia, size or spec.size,
                      spec.bold if bold is None else bold)
        return p

    @staticmethod
    def _set_ppr(p: Any, ppr_xml: str, style_id: str | None = None) -> None:
        """Paragraph style (by id; python-docx's lookup by name is slow) and direct
        paragraph properties, so that every viewer agrees."""
        old = p._p.pPr
        if old is not None:
            p._p.remove(old)
        new = parse_xml(ppr_xml)
        if style_id and style_id != "Normal":
            new.insert(0, parse_xml(f'<w:pStyle {nsdecls("w")} w:val="{style_id}"/>'))
        p._p.insert(0, new)

    @staticmethod
    def _run(p: Any, span: Span, east_asia: str, size: float, bold: bool) -> None:
        run = p.add_run()
        _set_rpr(run, _rpr_xml(east_asia, size, bold or span.bold, italic=span.italic, strike=span.strike))
        if span.br:
            run.add_break()
        else:
            run.text = _XML_BAD.sub("", span.text)

    def add_title(self) -> None:
        r = self.report
        last = self._para(_TITLE, [Span(r.title)])
        lines = [x for x in (r.subtitle, r.author, r.date_text) if x]
        for line in lines:
            last = self._para(_SUBTITLE, [Span(line)])
        # one empty line between the title block and the body (GB/T 9704 §7.3.3)
        spacing = last._p.pPr.find(qn("w:spacing"))
        spacing.set(qn("w:after"), str(round(LINE_BODY * 20)))

    def add_blocks(self, blocks: list[Block], depth: int = 0, quote: bool = False) -> None:
        for i, b in enumerate(blocks):
            if isinstance(b, Heading):
                spec = {1: _TITLE, 2: _H1, 3: _H2}.get(b.level, _H3)
                self._para(spec, b.spans)
            elif isinstance(b, Paragraph) and b.role == "note":
                self._para(_BODY, b.spans, ppr=_NOTE_PPR, size=SIZE_CELL)
            elif isinstance(b, Paragraph):
                spec = _QUOTE if quote else _BODY
                self._para(spec, b.spans, ppr=self._indented(depth))
            elif isinstance(b, ListBlock):
                for i, item in enumerate(b.items):
                    marker = f"{b.start + i}. " if b.ordered else "• "
                    self._list_item(item, marker, depth, quote)
            elif isinstance(b, Quote):
                self.add_blocks(b.blocks, depth + 1, quote=True)
            elif isinstance(b, CodeBlock):
                for line in b.text.split("\n"):
                    self._para(_BODY, [Span(line)], ppr=_PLAIN_PPR)
            elif isinstance(b, Rule):
                continue
            elif isinstance(b, Table):
                self.add_table(b)
                following = blocks[i + 1] if i + 1 < len(blocks) else None
                if not (isinstance(following, Paragraph) and following.role == "note"):
                    # a paragraph after a table: Word joins tables that touch
                    self._set_ppr(self.doc.add_paragraph(), _SPACER_PPR)
            elif isinstance(b, Figure):
                self.add_figure(b)
            elif isinstance(b, ErrorBox):
                self._para(_BODY, [Span("【运行错误】", bold=True), Span(f"{b.ename}：{b.evalue}")])

    @staticmethod
    def _indented(depth: int) -> str | None:
        if depth == 0:
            return None
        left = round(2 * SIZE_BODY * 20 * depth)
        return _BODY.ppr.replace("<w:ind ", f'<w:ind w:leftChars="{200 * depth}" w:left="{left}" ')

    def _list_item(self, item: list[Block], marker: str, depth: int, quote: bool) -> None:
        first = True
        for block in item:
            if isinstance(block, Paragraph) and first:
                spec = _QUOTE if quote else _BODY
                self._para(spec, [Span(marker)] + block.spans, ppr=self._indented(depth))
            elif isinstance(block, ListBlock):
                self.add_blocks([block], depth + 1, quote)
            else:
                self.add_blocks([block], depth, quote)
            first = False

    def add_figure(self, fig: Figure) -> None:
        p = self.doc.add_paragraph()
        self._set_ppr(p, _FIGURE_PPR)
        run = p.add_run()
        _set_rpr(run, _rpr_xml(FONT_BODY, SIZE_BODY))
        try:
            run.add_picture(io.BytesIO(fig.data), width=Cm(FIGURE_WIDTH_CM))
            for doc_pr in run._r.iter(qn("wp:docPr")):
                doc_pr.set("descr", fig.alt)  # alternative text for screen readers
        except Exception as exc:  # python-docx raises several types for unreadable images
            raise RenderError(f"图片无法嵌入 Word 文件 / cannot embed an image: {exc}") from exc

    def add_table(self, table: Table) -> None:
        rows = table.head + table.body
        if not rows:
            return
        grid = _grid(rows)
        ncols = len(grid[0]) if grid else 0
        if ncols == 0:
            return
        numeric = _numeric_columns(table)
        # widest (no wrapping; header cells on two lines) and narrowest acceptable width of
        # each column, in em: numbers never wrap, text may wrap down to 4 characters
        max_em = [2.0] * ncols
        min_em = [2.0] * ncols
        for r, line in enumerate(grid):
            for c, pos in enumerate(line):
                if pos is None or not pos[1] or pos[0].colspan != 1:
                    continue
                em = _text_em(pos[0].text)
                if r < len(table.head):
                    em = -(-em // 2)
                max_em[c] = max(max_em[c], em)
                min_em[c] = max(min_em[c], em if _is_number(pos[0].text) else min(em, 4.0))
        total = _twips(TEXT_WIDTH_CM)
        pad = 2 * 108 + 30  # cell margins left + right, and a little air, in twips

        def tw(ems: list[float], size: float) -> list[float]:
            return [w * size * 20 + pad for w in ems]

        size = SIZE_CELL if sum(tw(max_em, SIZE_CELL)) <= total and ncols <= 7 else SIZE_CELL_WIDE
        col_tw = _fit_widths(tw(max_em, size), total, tw(min_em, size))

        if table.caption:
            self._para(_CAPTION, [Span(table.caption)])
        # The table is written as XML in one go: python-docx's cell access is quadratic.
        edges = "".join(
            f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for e in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        xml = [
            f'<w:tbl {nsdecls("w")}>'
            # tblPr children in schema order: tblStyle, tblW, jc, tblBorders, tblLayout, tblLook
            f'<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{total}" w:type="dxa"/>'
            f'<w:jc w:val="center"/><w:tblBorders>{edges}</w:tblBorders>'
            '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
            'w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
            "".join(f'<w:gridCol w:w="{tw}"/>' for tw in col_tw),
            "</w:tblGrid>",
        ]
        for r, line in enumerate(grid):
            in_head = r < len(table.head)
            xml.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if in_head else "") + "</w:trPr>")
            c = 0
            while c < ncols:
                pos = line[c]
                if pos is None:
                    xml.append(_tc_xml(col_tw[c], 1, None, "left", "", size, False))
                    c += 1
                    continue
                cell, origin = pos
                span = max(1, min(cell.colspan, ncols - c))
                if origin:
                    vmerge = "restart" if cell.rowspan > 1 and r + 1 < len(grid) else None
                    align = _cell_align(cell, c, numeric, in_head)
                    xml.append(_tc_xml(sum(col_tw[c : c + span]), span, vmerge, align, cell.text, size, in_head))
                else:  # the lower part of a cell spanning rows
                    xml.append(_tc_xml(sum(col_tw[c : c + span]), span, "continue", "left", None, size, False))
                c += span
            xml.append("</w:tr>")
        xml.append("</w:tbl>")
        body = self.doc.element.body
        tbl = parse_xml("".join(xml))
        sect_pr = body.find(qn("w:sectPr"))
        if sect_pr is not None:
            sect_pr.addprevious(tbl)
        else:
            body.append(tbl)

    # -- package --------------------------------------------------------------------------
    def core_properties(self) -> None:
        props = self.doc.core_properties
        stamp = dt.datetime.combine(self.report.date, dt.time(0, 0))
        props.title = self.report.title
        props.subject = self.report.subtitle or ""
        props.author = ""
        props.last_modified_by = ""
        props.comments = ""
        props.keywords = ""
        props.category = ""
        props.content_status = ""
        props.identifier = ""
        props.version = ""
        props.language = "zh-CN"
        props.revision = 1
        props.created = stamp
        props.modified = stamp
        props.last_printed = stamp

    def to_bytes(self) -> bytes:
        self.core_properties()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return normalize_zip(buffer.getvalue(), ZIP_DATE_TIME)


_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>xinfang</Application><DocSecurity>0</DocSecurity>"
    b"<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    b"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


def _fit_widths(widest: list[float], total: int, narrowest: list[float] | None = None) -> list[int]:
    """Column widths (twips) summing to ``total``, like a browser's automatic table layout.

    If every column fits at its widest, the spare width is shared in proportion. If not,
    each column gets its narrowest width and the rest is shared in proportion to how much
    more each one would need (long text columns get most). If even the narrowest widths do
    not fit, they are scaled down.

    >>> _fit_widths([100, 100], 400)
    [200, 200]
    >>> _fit_widths([100, 300, 700], 600, [100, 100, 100])  # spare 300 shared 200 : 600
    [100, 175, 325]
    """
    narrowest = list(narrowest or widest)
    if sum(widest) <= total:
        widths = [total * w / sum(widest) for w in widest]
    elif sum(narrowest) >= total:
        widths = [total * w / sum(narrowest) for w in narrowest]
    else:
        need = [max(w - m, 0.0) for w, m in zip(widest, narrowest)]
        spare = total - sum(narrowest)
        widths = [m + spare * n / sum(need) for m, n in zip(narrowest, need)]
    out = [int(w) for w in widths]
    out[-1] += total - sum(out)
    return out


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_W_NS = f' {nsdecls("w")}'


def _xml_text(text: str) -> str:
    """Text for a w:t element: characters XML cannot hold removed, markup escaped."""
    return html.escape(_XML_BAD.sub("", text), quote=False)


def _tc_xml(
    width: int, span: int, vmerge: str | None, align: str, text: str | None, size: float, bold: bool
) -> str:
    """One w:tc: width, span, vertical merge, centred vertically, one paragraph.

    ``text`` None writes an empty paragraph (no run) for the covered part of a merged cell.
    """
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    props += '<w:vAlign w:val="center"/>'
    ppr = _CELL_PPR.get(align, _CELL_PPR["left"]).replace(_W_NS, "")
    run = ""
    if text is not None:
        rpr = _rpr_xml(FONT_BODY, size, bold).replace(_W_NS, "")
        run = f'<w:r>{rpr}<w:t xml:space="preserve">{_xml_text(text)}</w:t></w:r>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{ppr}{run}</w:p></w:tc>"


def _text_em(text: str) -> float:
    """Width of a text in em: CJK and full-width characters 1, others 0.55."""
    return sum(1.0 if _CJK_PUNCT.match(ch) else 0.55 for ch in text)


def report_docx(report: Report) -> bytes:
    """The Word (.docx) bytes of a report; the same report gives the same bytes."""
    builder = _DocxBuilder(report)
    builder.add_title()
    builder.add_blocks(report.blocks)
    return builder.to_bytes()


class ReportDocxExporter(Exporter):
    """Word (.docx) report in the GB/T 9704-2012 layout, built with python-docx.

    ``jupyter nbconvert --to xinfang_docx report.ipynb``
    """

    export_from_notebook = "xinfang 报告 (Word)"
    output_mimetype = DOCX_MIMETYPE

    @default("file_extension")
    def _file_extension_default(self):
        return ".docx"

    @default("optimistic_validation")
    def _optimistic_validation_default(self):
        return True

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[override]
        """Return ``(docx bytes, resources)``."""
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        return report_docx(build_report(nb_copy)), resources


# =========================================================================================
# Convenience API
# =========================================================================================
_LOCK = threading.Lock()
_BAD_STEM = re.compile(r"[\x00-\x1f\x7f/\\]")


@lru_cache(maxsize=1)
def _exporters() -> tuple[ReportHTMLExporter, ReportDocxExporter]:
    return ReportHTMLExporter(), ReportDocxExporter()


def report_html(nb: nbformat.NotebookNode) -> str:
    """The self-contained HTML of a report notebook (through :class:`ReportHTMLExporter`)."""
    html_exporter, _ = _exporters()
    with _LOCK:
        body, _ = html_exporter.from_notebook_node(nb)
    return body


def _load(nb: nbformat.NotebookNode | str | Path) -> nbformat.NotebookNode:
    if isinstance(nb, (str, Path)):
        path = Path(nb)
        try:
            with path.open(encoding="utf-8") as f:
                return nbformat.read(f, as_version=4)
        except (OSError, ValueError) as exc:
            raise RenderError(f"无法读取报告笔记本 {path} / cannot read notebook {path}: {exc}") from exc
    if isinstance(nb, dict):
        return nb if isinstance(nb, nbformat.NotebookNode) else nbformat.from_dict(nb)
    raise RenderError(f"render_notebook 需要笔记本或路径 / expected a notebook or a path, got {type(nb).__name__}")


def render_notebook(
    nb: nbformat.NotebookNode | str | Path, out_dir: Path, stem: str
) -> dict[str, Path]:
    """Write ``<stem>.html`` and ``<stem>.docx`` of an executed report notebook into ``out_dir``.

    Both documents are rendered in memory first, then each file is written to a temporary file
    in ``out_dir``, fsynced and renamed into place: a failure leaves no partial file.
    Returns ``{"html": path, "docx": path}``. Raises :class:`~xinfang.errors.RenderError`.
    """
    if not stem or stem in (".", "..") or _BAD_STEM.search(stem):
        raise RenderError(f"非法的输出文件名「{stem}」/ invalid output file stem {stem!r}")
    notebook = _load(nb)
    out_dir = Path(out_dir)
    try:
        html_text = report_html(notebook)
        report = build_report(notebook)
        docx_bytes = report_docx(report)
    except RenderError:
        raise
    except Exception as exc:
        raise RenderError(f"报告「{stem}」渲染失败 / rendering {stem!r} failed: {type(exc).__name__}: {exc}") from exc
    paths = {"html": out_dir / f"{stem}.html", "docx": out_dir / f"{stem}.docx"}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_bytes_atomic(paths["html"], html_text.encode("utf-8"))
        write_bytes_atomic(paths["docx"], docx_bytes)
    except OSError as exc:
        raise RenderError(f"无法写入报告文件 {out_dir} / cannot write report files: {exc}") from exc
    return paths
