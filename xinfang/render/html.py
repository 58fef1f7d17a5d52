"""The report as one self-contained HTML page, from the document model.

No code, no prompts, no script, nothing loaded from the network, images as data URIs; the page
layout and print CSS are in ``xinfang/templates/xinfang_report``. :func:`document_html` renders a
:class:`~xinfang.blocks.Document` with that template through Jinja alone; the nbconvert
exporter (``jupyter nbconvert --to xinfang_html``, :mod:`xinfang.render.exporters`) renders
the same template through nbconvert's public API.
"""
from __future__ import annotations

import base64
import html
import threading
from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from xinfang.render.blocks import (
    Block, CodeBlock, Colophon, Document, ErrorBox, FigureBlock, Heading, ListBlock, Paragraph, Quote, Rule, Span,
    TableBlock, cell_align, grid, numeric_columns, SignatureBlock,
)
from xinfang.render.gbt9704 import CJK, table_layout, tokens

__all__ = ["document_html", "blocks_html", "page_resources", "ReportHTMLExporter", "ReportPreprocessor",
           "report_html", "TEMPLATES_DIR", "TEMPLATE_NAME"]

TEMPLATES_DIR = Path(__file__).parent.parent / "templates"
TEMPLATE_NAME = "xinfang_report"


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


def _colgroup(table: TableBlock) -> str:
    """Column widths in percent, laid out as the Word table is (same widest / narrowest widths
    across the same text width), so that a column of short labels (一级指标) is not squeezed
    to one character by a long one, and numbers never wrap."""
    positions = grid(table.head + table.body)
    if not positions or not positions[0]:
        return ""
    widths = table_layout(table, positions).widths
    return "<colgroup>" + "".join(f'<col style="width:{w / sum(widths) * 100:.1f}%">' for w in widths) + "</colgroup>"


def _cell_html(text: str, header: bool) -> str:
    """A cell's text; the words a line must not break inside (a header's words, a date, a
    number with its unit) each in a span that does not wrap."""
    pieces = tokens(text, header=header)
    if "".join(pieces) != text.replace(" ", "") or all(len(p) == 1 for p in pieces):
        return _esc(text)
    if len(pieces) == 1 and (len(text) <= 2 or not CJK.search(text)):
        return _esc(text)  # a number or a two-character word: nothing to keep together
    return "".join(f'<span class="xf-nobr">{_esc(p)}</span>' if len(p) > 1 else _esc(p) for p in pieces)


def _table_html(table: TableBlock) -> str:
    numeric = numeric_columns(table)
    out = ['<div class="xf-table-wrap"><table class="xf-table">']
    if table.caption:
        out.append(f"<caption>{_esc(table.caption)}</caption>")
    out.append(_colgroup(table))
    for section, rows, in_head in (("thead", table.head, True), ("tbody", table.body, False)):
        if not rows:
            continue
        out.append(f"<{section}>")
        positions = grid(rows)
        for r, row in enumerate(rows):
            out.append("<tr>")
            cols = [c for c, pos in enumerate(positions[r]) if pos is not None and pos[1]]
            for cell, col in zip(row, cols):
                tag = "th" if cell.header else "td"
                attrs = ""
                if tag == "th":
                    attrs += ' scope="col"' if in_head else ' scope="row"'
                if cell.colspan > 1:
                    attrs += f' colspan="{cell.colspan}"'
                if cell.rowspan > 1:
                    attrs += f' rowspan="{cell.rowspan}"'
                align = cell_align(cell, col, numeric, in_head)
                attrs += f' class="xf-{align}"'
                out.append(f"<{tag}{attrs}>{_cell_html(cell.text, in_head)}</{tag}>")
            out.append("</tr>")
        out.append(f"</{section}>")
    out.append("</table></div>")
    return "".join(out)


def blocks_html(blocks: list[Block]) -> str:
    """The HTML of document blocks; every text is escaped."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading) and b.label:  # an attachment: a new page when printed
            out.append(f'<h2 id="{b.anchor}" class="xf-annex"><span class="xf-annex-label">{_esc(b.label)}</span>'
                       f'<span class="xf-annex-title">{_spans_html(b.spans)}</span></h2>')
        elif isinstance(b, Heading):
            level = min(max(b.level, 1), 6)
            cls = ' class="xf-h1"' if level == 1 else ""
            out.append(f'<h{level} id="{b.anchor}"{cls}>{_spans_html(b.spans)}</h{level}>')
        elif isinstance(b, Paragraph):
            cls = {"note": ' class="xf-note"', "annex_list": ' class="xf-annex-list"'}.get(b.role, "")
            out.append(f"<p{cls}>{_spans_html(b.spans)}</p>")
        elif isinstance(b, ListBlock):
            tag = "ol" if b.ordered else "ul"
            start = f' start="{b.start}"' if b.ordered and b.start != 1 else ""
            items = "".join(f"<li>{_list_item_html(item)}</li>" for item in b.items)
            out.append(f"<{tag}{start}>{items}</{tag}>")
        elif isinstance(b, Quote):
            out.append(f"<blockquote>{blocks_html(b.blocks)}</blockquote>")
        elif isinstance(b, CodeBlock):
            out.append(f'<pre class="xf-plain">{_esc(b.text)}</pre>')
        elif isinstance(b, Rule):
            out.append("<hr>")
        elif isinstance(b, TableBlock):
            out.append(_table_html(b))
        elif isinstance(b, FigureBlock):
            uri = f"data:{b.mimetype};base64,{base64.b64encode(b.data).decode('ascii')}"
            size = f' width="{b.width}"' if b.width else ""
            out.append(f'<figure class="xf-figure"><img src="{uri}" alt="{_esc(b.alt)}"{size}></figure>')
        elif isinstance(b, SignatureBlock):
            cls = "xf-signature" if b.align == "right" else "xf-address"
            out.append(f'<div class="{cls}">' + "".join(f"<p>{_esc(x)}</p>" for x in b.lines) + "</div>")
        elif isinstance(b, Colophon):
            cc = f'<p class="xf-cc">抄送：{_esc("，".join(b.cc))}。</p>' if b.cc else ""
            out.append(f'<div class="xf-colophon">{cc}<p class="xf-printed"><span>{_esc(b.printer)}</span>'
                       f'<span>{_esc(b.date)}印发</span></p></div>')
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
    return blocks_html(blocks)


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    """The page template (``xinfang/templates/xinfang_report/index.html.j2``), in an
    environment configured as nbconvert's: the same template renders the same page whether
    :class:`~xinfang.render.exporters.ReportHTMLExporter` or :func:`document_html` runs it."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR / TEMPLATE_NAME)),  # noqa: S701
                             extensions=["jinja2.ext.loopcontrols"])
    return env.get_template("index.html.j2")


def page_resources(document: Document) -> dict:
    """What the page template reads (``resources.xinfang``): the title block, the table of
    contents and the body's HTML, already escaped."""
    return {
        "title": document.title,
        "title_lines": document.title_lines or [document.title],
        "subtitle": document.subtitle,
        "author": document.author,
        "date_text": document.date_text,
        "number": document.number,
        "toc": document.toc,
        "body": Markup(blocks_html(document.blocks)),  # noqa: S704 (escaped above)
    }


_LOCK = threading.Lock()


def document_html(document: Document) -> str:
    """The self-contained HTML page of a document (no notebook, no nbconvert)."""
    with _LOCK:
        page = _template().render(resources={"xinfang": page_resources(document)})
    return page.lstrip("\r\n")

