"""Blocks of the document model (:mod:`xinfang.blocks`) as notebook outputs: a versioned serialiser.

Each block is one output. Its content travels as data in one JSON MIME type,
:data:`BLOCK_MIMETYPE`; the output's metadata says which version of the schema wrote it
(``metadata[BLOCK_MIMETYPE]["version"]``, :data:`VERSION`), and
:func:`xinfang.render.reader.output_blocks` refuses a version it does not know. The same bundle
carries standard fallbacks so that JupyterLab or any other viewer still shows it.

Schema (version 2), one JSON object per output, ``kind`` first:

=============  ============================================================  ================
``kind``       fields                                                        fallbacks
=============  ============================================================  ================
``heading``    ``level``, ``spans``, ``label`` (an attachment's 附件1, if any)  text/markdown
``paragraph``  ``spans``, ``role`` (``"note"``: a table's note; ``"annex_list"``:
               the 附件说明; else ``""``)                                     text/markdown
``list``       ``ordered``, ``start``, ``items`` (each a list of blocks)     text/markdown
``quote``      ``blocks``                                                    text/markdown
``code``       ``text``                                                      text/plain
``rule``       (none)                                                        text/plain
``table``      ``caption``, ``head`` and ``body`` (rows of cells)            text/html
``figure``     ``title``, ``alt``, ``mimetype``, ``width``, ``height``       the picture
``signature``  ``lines``, ``align`` (``"right"``: the 落款; ``"left"``: 主送)   text/markdown
``colophon``   ``cc``, ``printer``, ``date`` (the 版记)                        text/markdown
``error``      ``ename``, ``evalue``, ``traceback``                          text/plain
``document``   ``title``, ``title_lines``, ``subtitle``, ``date``, ``author``,
               ``number`` (the 文号)                                          text/plain
=============  ============================================================  ================

A span is ``{"text": …}`` with ``"bold"``, ``"italic"``, ``"code"``, ``"strike"`` or ``"br"``
set to ``true`` where they hold; a cell is ``{"text": …}`` with ``"header"``, ``"colspan"``,
``"rowspan"``, ``"align"`` where they differ from the default. Every text is already what a
reader sees. A figure's picture is not in the JSON: it is the ``image/png`` (or ``image/jpeg``)
entry of the same bundle, base64 as every notebook image is, so that a notebook holds it once;
``width`` and ``height`` are CSS pixels or ``null`` (then the picture's own dpi decides).
Every output gets ``text/plain``. ``label``, ``number`` and the kind ``colophon`` were added to
version 2 without changing it: they are optional, and a reader without them prints the rest.

Examples
--------
>>> from xinfang.blocks import Heading
>>> data, metadata = bundle(Heading(2, "一、基本情况"))
>>> data[BLOCK_MIMETYPE], metadata
({'kind': 'heading', 'level': 2, 'spans': [{'text': '一、基本情况'}]}, {'application/vnd.xinfang.block+json': {'version': 2}})
"""
from __future__ import annotations

import base64
import html
import re
from dataclasses import fields
from typing import Any

from xinfang.blocks import (
    Block, Cell, CodeBlock, Colophon, DocumentInfo, ErrorBox, Figure, Heading, ListBlock, Paragraph, Quote, Rule,
    Signature, Span, Table, cell_text,
)

__all__ = ["BLOCK_MIMETYPE", "PNG_MIMETYPE", "VERSION", "KINDS", "bundle", "to_json", "Output",
           "cell_text"]

#: The one MIME type of every xinfang output; its value is a JSON object (see above).
BLOCK_MIMETYPE = "application/vnd.xinfang.block+json"
#: The version of the schema above; a reader refuses any other.
VERSION = 2
#: Where a figure's picture is, in the same bundle (``image/jpeg`` for a JPEG).
PNG_MIMETYPE = "image/png"

#: The ``kind`` of each block type.
KINDS: dict[type, str] = {
    Heading: "heading", Paragraph: "paragraph", ListBlock: "list", Quote: "quote", CodeBlock: "code",
    Rule: "rule", Table: "table", Figure: "figure", Signature: "signature", Colophon: "colophon", ErrorBox: "error",
    DocumentInfo: "document",
}


def _span_json(span: Span) -> dict:
    out: dict[str, Any] = {"text": span.text}
    out.update({f.name: True for f in fields(Span) if f.name != "text" and getattr(span, f.name)})
    return out


def _cell_json(cell: Cell) -> dict:
    out: dict[str, Any] = {"text": cell.text}
    if cell.header:
        out["header"] = True
    if cell.colspan != 1:
        out["colspan"] = cell.colspan
    if cell.rowspan != 1:
        out["rowspan"] = cell.rowspan
    if cell.align:
        out["align"] = cell.align
    return out


def to_json(block: Block) -> dict:
    """The JSON object of one block (plain JSON types only; a figure's picture left out)."""
    kind = KINDS.get(type(block))
    if kind is None:
        raise TypeError(f"not a block of xinfang.blocks: {type(block).__name__}")
    out: dict[str, Any] = {"kind": kind}
    if isinstance(block, Heading):
        out.update(level=block.level, spans=[_span_json(s) for s in block.spans])
        if block.label:
            out["label"] = block.label
    elif isinstance(block, Paragraph):
        out["spans"] = [_span_json(s) for s in block.spans]
        if block.role:
            out["role"] = block.role
    elif isinstance(block, ListBlock):
        out.update(ordered=block.ordered, start=block.start,
                   items=[[to_json(b) for b in item] for item in block.items])
    elif isinstance(block, Quote):
        out["blocks"] = [to_json(b) for b in block.blocks]
    elif isinstance(block, CodeBlock):
        out["text"] = block.text
    elif isinstance(block, Table):
        out.update(caption=block.caption, head=[[_cell_json(c) for c in row] for row in block.head],
                   body=[[_cell_json(c) for c in row] for row in block.body])
    elif isinstance(block, Figure):
        out.update(title=block.title, alt=block.alt, mimetype=block.mimetype, width=block.width,
                   height=block.height)
    elif isinstance(block, Signature):
        out.update(lines=list(block.lines), align=block.align)
    elif isinstance(block, Colophon):
        out.update(cc=list(block.cc), printer=block.printer, date=block.date)
    elif isinstance(block, ErrorBox):
        out.update(ename=block.ename, evalue=block.evalue, traceback=block.traceback)
    elif isinstance(block, DocumentInfo):
        out.update(title=block.title, title_lines=list(block.title_lines), subtitle=block.subtitle,
                   date=block.date, author=block.author)
        if block.number:
            out["number"] = block.number
    return out


def bundle(block: Block) -> tuple[dict, dict]:
    """``(data, metadata)`` of the notebook output that shows ``block``."""
    data: dict[str, Any] = {BLOCK_MIMETYPE: to_json(block)}
    text = _markdown(block)
    if isinstance(block, Table):
        data["text/html"] = _table_html(block)
    elif isinstance(block, Figure):
        data[block.mimetype] = base64.b64encode(block.data).decode("ascii")
    elif text is not None:
        data["text/markdown"] = text
    data["text/plain"] = text if text is not None else _plain(block)
    return data, {BLOCK_MIMETYPE: {"version": VERSION}}


class Output:
    """A block as something a notebook displays (``IPython.display.display(Output(block))``)."""

    def __init__(self, block: Block) -> None:
        self.block = block

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict, dict]:
        return bundle(self.block)

    def __repr__(self) -> str:
        return _plain(self.block)


# --- fallbacks ---------------------------------------------------------------------------
#: ASCII punctuation that Markdown reads as markup or raw HTML; a backslash makes it literal.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>~#|!&])")


def _md_spans(spans: tuple[Span, ...]) -> str:
    """Spans as Markdown; their text stays text (``<script>`` is shown, never run)."""
    out = []
    for s in spans:
        if s.br:
            out.append("  \n")
            continue
        text = _MD_SPECIAL.sub(r"\\\1", s.text)
        text = f"<code>{html.escape(s.text)}</code>" if s.code else text
        if s.strike:
            text = f"~~{text}~~"
        if s.italic:
            text = f"*{text}*"
        if s.bold:
            text = f"**{text}**"
        out.append(text)
    return "".join(out)


def _markdown(block: Block) -> str | None:
    """The Markdown fallback of a text block; None for the others."""
    if isinstance(block, Heading):
        label = _MD_SPECIAL.sub(r"\\\1", block.label) + " " if block.label else ""
        return "#" * max(1, min(block.level, 6)) + " " + label + _md_spans(block.spans)
    if isinstance(block, Paragraph):
        return _md_spans(block.spans)
    if isinstance(block, ListBlock):
        lines = []
        for i, item in enumerate(block.items):
            marker = f"{block.start + i}." if block.ordered else "-"
            body = "\n\n".join(t for t in (_markdown(b) for b in item) if t is not None)
            lines.append(f"{marker} " + body.replace("\n", "\n   "))
        return "\n".join(lines)
    if isinstance(block, Quote):
        inner = "\n\n".join(t for t in (_markdown(b) for b in block.blocks) if t is not None)
        return "\n".join("> " + line for line in inner.split("\n"))
    if isinstance(block, Signature):
        return "\n\n".join(_MD_SPECIAL.sub(r"\\\1", line) for line in block.lines)
    if isinstance(block, Colophon):
        lines = ([f"抄送：{'，'.join(block.cc)}。"] if block.cc else []) + [f"{block.printer}　{block.date}印发"]
        return "\n\n".join(_MD_SPECIAL.sub(r"\\\1", line) for line in lines)
    return None


def _plain(block: Block) -> str:
    if isinstance(block, Table):
        rows = [[c.text for c in row] for row in block.head + block.body]
        return "\n".join([block.caption] + ["\t".join(r) for r in rows]).strip("\n")
    if isinstance(block, Figure):
        return f"<图 {block.title or block.alt}: {len(block.data)} bytes>"
    if isinstance(block, CodeBlock):
        return block.text
    if isinstance(block, Rule):
        return "---"
    if isinstance(block, ErrorBox):
        return f"{block.ename}: {block.evalue}"
    if isinstance(block, DocumentInfo):
        return block.title
    text = _markdown(block)
    return text if text is not None else ""


def _table_html(table: Table) -> str:
    """The fallback for viewers: escaped cells, the caption, the header rows."""
    esc = html.escape

    def row(cells: tuple[Cell, ...], tag: str) -> str:
        return "<tr>" + "".join(f"<{tag}>{esc(c.text)}</{tag}>" for c in cells) + "</tr>"

    caption = f"<caption>{esc(table.caption)}</caption>" if table.caption else ""
    head = "".join(row(r, "th") for r in table.head)
    body = "".join(row(r, "td") for r in table.body)
    return f'<table class="xf-table">{caption}<thead>{head}</thead><tbody>{body}</tbody></table>'
