"""An executed report notebook (nbformat v4) read into the document model.

* code cells never show their source; only their outputs are kept. Of an output's MIME types
  the first present is read: xinfang's own :data:`~xinfang.display.BLOCK_MIMETYPE` (Markdown,
  tables and figures as data, see :mod:`xinfang.display`) > ``text/markdown`` > ``text/html``
  > ``image/png`` (``image/jpeg``) > ``text/plain``;
* cells tagged ``remove_cell``, ``parameters``, ``injected-parameters`` (and papermill's error
  banner) are dropped, ``remove_output`` drops a cell's outputs; stream outputs (stdout and
  stderr) are always dropped; error outputs become an error box.
"""
from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
from typing import Any

import nbformat
from PIL import Image, UnidentifiedImageError

from xinfang.display import (BLOCK_MIMETYPE, KIND_DOCUMENT, KIND_FIGURE, KIND_MARKDOWN, KIND_SIGNATURE, KIND_TABLE,
                             PNG_MIMETYPE)
from xinfang.errors import RenderError
from xinfang.render.blocks import (
    DEFAULT_ALT, DEFAULT_DATE, Block, Cell, CodeBlock, Document, ErrorBox, FigureBlock, Heading,
    Paragraph, Span, TableBlock, clean_text, DocInfoBlock, SignatureBlock,
)
from xinfang.render.html_output import html_blocks, squash
from xinfang.render.markdown import markdown_blocks

__all__ = ["read_notebook", "output_blocks", "REMOVE_CELL_TAGS", "REMOVE_OUTPUT_TAGS"]

#: Cell tags whose whole cell is dropped from a report.
REMOVE_CELL_TAGS = frozenset(
    {"remove_cell", "parameters", "injected-parameters", "papermill-error-cell-tag"}
)
#: Cell tags whose outputs are dropped (the source is never shown anyway).
REMOVE_OUTPUT_TAGS = frozenset({"remove_output"})

_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
#: text/plain reprs that say nothing to a reader: <Figure size 640x480 with 1 Axes>, <… object at 0x…>
_OBJECT_REPR = re.compile(r"^<(?:Figure size [^<>\n]*|[^<>\n]* object(?: at 0x[0-9a-fA-F]+)?)>$")


def read_notebook(nb: nbformat.NotebookNode | dict) -> Document:
    """Read a report notebook (nbformat v4) into the document model.

    Title: ``metadata["xinfang"]["title"]``, else the text of the first ``#`` heading, else
    "报告". The ``#`` heading equal to the title is printed once, as the title, not again in
    the body. Heading anchors are ``sec-1``, ``sec-2``, … in document order.
    """
    blocks: list[Block] = []
    for cell in nb.get("cells", []):
        tags = set(cell.get("metadata", {}).get("tags", []) or [])
        if tags & REMOVE_CELL_TAGS:
            continue
        kind = cell.get("cell_type")
        if kind == "markdown":
            blocks.extend(markdown_blocks(clean_text(cell.get("source"))))
        elif kind == "code" and not tags & REMOVE_OUTPUT_TAGS:
            for output in cell.get("outputs", []):
                blocks.extend(output_blocks(output))

    # what the notebook's outputs say about the document; the runner's metadata wins over it
    meta = {}
    for info in [b for b in blocks if isinstance(b, DocInfoBlock)]:
        meta.update({k: v for k, v in info.info.items() if v})
        blocks.remove(info)
    meta.update({k: v for k, v in (nb.get("metadata", {}).get("xinfang") or {}).items() if v})
    title = clean_text(meta.get("title")).strip()
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
    return Document(
        title=title,
        subtitle=clean_text(meta.get("subtitle")).strip() or None,
        author=clean_text(meta.get("author")).strip() or None,
        date=_parse_date(date_value) if date_value else DEFAULT_DATE,
        date_given=bool(date_value),
        blocks=blocks,
        title_lines=_title_lines(meta, title),
    )


def _title_lines(meta: dict, title: str) -> list[str] | None:
    lines = [clean_text(x).strip() for x in meta.get("title_lines") or []]
    return lines if len(lines) > 1 and "".join(lines) == title else None


def output_blocks(output: dict) -> list[Block]:
    """Blocks for one code-cell output (streams give none)."""
    kind = output.get("output_type")
    if kind == "stream":
        return []
    if kind == "error":
        tb = _ANSI.sub("", "\n".join(clean_text(line) for line in output.get("traceback", [])))
        return [ErrorBox(clean_text(output.get("ename")), _ANSI.sub("", clean_text(output.get("evalue"))), tb)]
    if kind not in ("display_data", "execute_result"):
        return []
    data = output.get("data", {})
    metadata = output.get("metadata", {})
    if BLOCK_MIMETYPE in data:
        blocks = _display_blocks(_block_json(data[BLOCK_MIMETYPE]), data, metadata)
        if blocks is not None:
            return blocks
    if "text/markdown" in data:
        return markdown_blocks(clean_text(data["text/markdown"]))
    if "text/html" in data:
        return html_blocks(clean_text(data["text/html"]))
    for mimetype in (PNG_MIMETYPE, "image/jpeg"):
        if mimetype in data:
            fig = _figure(data, metadata, mimetype)
            return [fig] if fig else []
    if "text/plain" in data:
        text = _ANSI.sub("", clean_text(data["text/plain"])).strip("\n")
        if text.strip() and not _OBJECT_REPR.match(text.strip()):
            return [CodeBlock(text)]
    return []


# --- xinfang's display objects ---------------------------------------------------------------
def _block_json(value: Any) -> dict:
    if isinstance(value, (str, list)):  # a JSON text, as some tools store it
        try:
            value = json.loads(clean_text(value))
        except ValueError as exc:
            raise RenderError(f"{BLOCK_MIMETYPE} 不是合法的 JSON / is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise RenderError(f"{BLOCK_MIMETYPE} 应为 JSON 对象 / must be a JSON object, got {type(value).__name__}")
    return value


def _display_blocks(block: dict, data: dict, metadata: dict) -> list[Block] | None:
    """Blocks of one :mod:`xinfang.display` object; None for a kind this renderer does not
    know (the bundle's standard MIME types are read instead)."""
    kind = block.get("kind")
    if kind == KIND_MARKDOWN:
        return markdown_blocks(clean_text(block.get("text")))
    if kind == KIND_TABLE:
        return _table_blocks(block)
    if kind == KIND_FIGURE:
        if PNG_MIMETYPE not in data:
            raise RenderError(f"图表输出缺少 {PNG_MIMETYPE} / a figure output lacks its {PNG_MIMETYPE}")
        fig = _figure(data, metadata, PNG_MIMETYPE)
        if fig is None:
            return []
        fig.alt = clean_text(block.get("alt")).strip() or DEFAULT_ALT
        return [fig]
    if kind == KIND_SIGNATURE:
        lines = [clean_text(x).strip() for x in block.get("lines") or [] if clean_text(x).strip()]
        return [SignatureBlock(lines, "left" if block.get("align") == "left" else "right")]
    if kind == KIND_DOCUMENT:
        return [DocInfoBlock(dict(block))]
    return None


def _table_blocks(block: dict) -> list[Block]:
    """The table (header row from ``columns``), then its note as a note paragraph.

    Cell texts are shown as a browser shows them: runs of white space as one space.
    """
    def text(value: Any) -> str:
        return squash(clean_text(value))

    columns = block.get("columns") or []
    head = [[Cell(text(c), header=True) for c in columns]] if columns else []
    body = [[Cell(text(v)) for v in row] for row in block.get("rows") or [] if row]
    blocks: list[Block] = [TableBlock(text(block.get("caption")), head, body)]
    note = text(block.get("note"))
    if note:
        blocks.append(Paragraph([Span(note)], role="note"))
    return blocks


# --- pictures -----------------------------------------------------------------------------
def _figure(data: dict, metadata: dict, mimetype: str) -> FigureBlock | None:
    """A picture; its width in CSS pixels from the output metadata, else from a PNG's dpi."""
    try:
        raw = base64.b64decode(clean_text(data[mimetype]))
    except (ValueError, TypeError):
        return None
    if not raw:
        return None
    meta = metadata.get(mimetype, {}) if isinstance(metadata, dict) else {}
    width = meta.get("width") if isinstance(meta, dict) else None
    height = meta.get("height") if isinstance(meta, dict) else None
    if width is None and mimetype == PNG_MIMETYPE:
        css = _css_size(raw)
        if css:
            width, height = css
    alt = meta.get("alt") if isinstance(meta, dict) else None
    return FigureBlock(
        raw, mimetype, _int_or_none(width), _int_or_none(height), alt=clean_text(alt).strip() or DEFAULT_ALT
    )


def _css_size(raw: bytes) -> tuple[int, int] | None:
    """(width, height) in CSS pixels (96 per inch) of a picture that states its dpi, else None."""
    try:
        with Image.open(io.BytesIO(raw)) as image:
            (width, height), dpi = image.size, image.info.get("dpi")
    except (OSError, ValueError, UnidentifiedImageError, Image.DecompressionBombError):
        return None
    if not dpi or not dpi[0] > 0:
        return None
    return round(width * 96 / dpi[0]), round(height * 96 / dpi[0])


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


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
