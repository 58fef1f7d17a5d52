"""What a report notebook displays: Markdown text, data tables and figures, as typed objects.

Each object gives exactly one notebook output (``_repr_mimebundle_``). Its content travels as
data in one JSON MIME type, :data:`BLOCK_MIMETYPE`, which :mod:`xinfang.render` reads; the same
bundle carries standard fallbacks so that JupyterLab or any other viewer still shows it:

==============  =============================================  =============================
object          ``application/vnd.xinfang.block+json``         fallbacks
==============  =============================================  =============================
:class:`Markdown`  ``{"kind": "markdown", "text"}``            text/markdown, text/plain
:class:`Table`     ``{"kind": "table", "caption", "note",      text/html, text/plain
                   "columns", "rows"}``
:class:`Figure`    ``{"kind": "figure", "title", "alt",        image/png, text/plain
                   "width_cm", "height_cm"}``
:class:`Signature` ``{"kind": "signature", "lines"}``          text/markdown, text/plain
:class:`DocumentInfo` ``{"kind": "document", "title",          text/plain
                   "title_lines", "subtitle", "date"}``
==============  =============================================  =============================

Schema of the JSON object (one per output):

``kind``
    ``"markdown"``, ``"table"`` or ``"figure"``.
``text`` (markdown)
    The Markdown source.
``caption``, ``note`` (table)
    The caption printed above the table (``表1 …``) and the note printed under it; ``""`` for none.
``columns`` (table)
    The header row: one string per column.
``rows`` (table)
    The body: a list of rows, each a list of strings as a reader sees them (already formatted;
    a missing value, ``None`` or NaN, is ``""``). Every row has as many cells as ``columns``.
``title``, ``alt`` (figure)
    The figure's title, and the alternative text for a reader who cannot see it (HTML ``alt``,
    Word picture description).
``width_cm``, ``height_cm`` (figure)
    The size the figure was drawn for, or ``null``.
``lines``, ``align`` (signature)
    The 落款: who issues the document, then the date, each printed right-aligned; with
    ``align: "left"`` the 主送 line, printed flush left without indent.
``title``, ``title_lines``, ``subtitle``, ``date`` (document)
    What the renderer prints at the top of the document: the title, the same title cut into
    balanced lines (only between words), a subtitle, and the ISO date of the document. The
    notebook's own metadata, where a runner put it, wins over this block; the block lets a
    notebook executed by any tool carry it.
The picture itself is not in the JSON: it is the ``image/png`` entry of the same bundle
(base64, as every notebook image is), so that a notebook holds it once.

This module imports nothing from the rest of xinfang; the renderer imports only its constants.

Examples
--------
>>> import pandas as pd
>>> data = Table(pd.DataFrame({"单位": ["城南街道"], "件次": [27]}), caption="表1 信访量")._repr_mimebundle_()
>>> data[BLOCK_MIMETYPE]
{'kind': 'table', 'caption': '表1 信访量', 'note': '', 'columns': ['单位', '件次'], 'rows': [['城南街道', '27']]}
"""
from __future__ import annotations

import base64
import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BLOCK_MIMETYPE", "KIND_MARKDOWN", "KIND_TABLE", "KIND_FIGURE", "KIND_SIGNATURE", "KIND_DOCUMENT",
           "PNG_MIMETYPE", "Markdown", "Table", "Figure", "Signature", "DocumentInfo", "cell_text"]

#: The one MIME type of every xinfang display object; its value is a JSON object (see above).
BLOCK_MIMETYPE = "application/vnd.xinfang.block+json"
KIND_MARKDOWN = "markdown"
KIND_TABLE = "table"
KIND_FIGURE = "figure"
KIND_SIGNATURE = "signature"
KIND_DOCUMENT = "document"
#: Where a figure's picture is, in the same bundle.
PNG_MIMETYPE = "image/png"


def cell_text(value: Any) -> str:
    """A table value as a reader sees it: ``None`` and NaN are empty, anything else ``str()``.

    >>> cell_text(None), cell_text(float("nan")), cell_text(27), cell_text("94.64％")
    ('', '', '27', '94.64％')
    """
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


class Markdown:
    """Markdown text that a notebook displays as one output."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return {
            BLOCK_MIMETYPE: {"kind": KIND_MARKDOWN, "text": self.text},
            "text/markdown": self.text,
            "text/plain": self.text,
        }

    def __repr__(self) -> str:
        return self.text


class Table:
    """A data table with a caption and a note, displayed as one output.

    The frame's columns are the header row; its index is not shown.
    """

    def __init__(self, frame: pd.DataFrame, caption: str = "", note: str = "") -> None:
        self.frame = frame
        self.caption = caption
        self.note = note

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    @property
    def rows(self) -> list[list[str]]:
        return [[cell_text(v) for v in row] for row in self.frame.itertuples(index=False, name=None)]

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        columns, rows = self.columns, self.rows
        block = {"kind": KIND_TABLE, "caption": self.caption, "note": self.note,
                 "columns": columns, "rows": rows}
        return {BLOCK_MIMETYPE: block, "text/html": self._html(columns, rows), "text/plain": repr(self)}

    def _html(self, columns: list[str], rows: list[list[str]]) -> str:
        """The fallback for viewers: escaped cells, the caption, a header row, the note."""
        esc = html.escape
        head = "".join(f"<th>{esc(c)}</th>" for c in columns)
        body = "".join("<tr>" + "".join(f"<td>{esc(v)}</td>" for v in row) + "</tr>" for row in rows)
        caption = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
        table = (f'<table class="xf-table">{caption}<thead><tr>{head}</tr></thead>'
                 f"<tbody>{body}</tbody></table>")
        if self.note:
            table += f'<p class="xf-note">{esc(self.note)}</p>'
        return table

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.frame.to_string(index=False)}"


class Figure:
    """A picture (PNG bytes) with its title and alt text, displayed as one output."""

    def __init__(self, png: bytes, title: str = "", alt: str = "",
                 width_cm: float | None = None, height_cm: float | None = None) -> None:
        self.png = png
        self.title = title
        self.alt = alt
        self.width_cm = width_cm
        self.height_cm = height_cm

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        block = {"kind": KIND_FIGURE, "title": self.title, "alt": self.alt,
                 "width_cm": self.width_cm, "height_cm": self.height_cm}
        return {
            BLOCK_MIMETYPE: block,
            PNG_MIMETYPE: base64.b64encode(self.png).decode("ascii"),
            "text/plain": repr(self),
        }

    def __repr__(self) -> str:
        return f"<Figure {self.title!r}: {len(self.png)} bytes>"


class Signature:
    """The 落款 of a document: the issuing office and the date, printed right-aligned; or, with
    ``align="left"``, the 主送机关 line under the title, flush left (GB/T 9704 §7.3.2)."""

    def __init__(self, lines: list[str], align: str = "right") -> None:
        self.lines = [str(x) for x in lines]
        self.align = align

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        text = "\n\n".join(self.lines)
        block = {"kind": KIND_SIGNATURE, "lines": self.lines}
        if self.align != "right":
            block["align"] = self.align
        return {BLOCK_MIMETYPE: block, "text/markdown": text, "text/plain": text}

    def __repr__(self) -> str:
        return " / ".join(self.lines)


class DocumentInfo:
    """What a document says about itself (title, its lines, subtitle, date); prints nothing."""

    def __init__(self, title: str, title_lines: list[str] | None = None, subtitle: str = "",
                 date: str | None = None) -> None:
        self.info = {"kind": KIND_DOCUMENT, "title": title, "title_lines": list(title_lines or [title]),
                     "subtitle": subtitle, "date": date}

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return {BLOCK_MIMETYPE: dict(self.info), "text/plain": self.info["title"]}

    def __repr__(self) -> str:
        return self.info["title"]
