"""An executed report notebook (nbformat v4) read into the document model.

* code cells never show their source; only their outputs are kept. Of an output's MIME types
  the first present is read: xinfang's own :data:`~xinfang.display.BLOCK_MIMETYPE` (every block of
  the document model as data, versioned, see :mod:`xinfang.display`; read back by
  :func:`bundle_blocks`) > ``text/markdown`` > ``text/html``
  > ``image/png`` (``image/jpeg``) > ``text/plain``;
* cells tagged ``remove_cell``, ``parameters``, ``injected-parameters`` (and papermill's error
  banner) are dropped, ``remove_output`` drops a cell's outputs; stream outputs (stdout and
  stderr) are always dropped; error outputs become an error box.
"""
from __future__ import annotations

import base64
import io
import json
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PIL import Image, UnidentifiedImageError

from xinfang.display import BLOCK_MIMETYPE, PNG_MIMETYPE, VERSION
from xinfang.errors import RenderError
from xinfang.render.blocks import (
    DEFAULT_ALT, Block, Cell, CodeBlock, Colophon, Document, DocumentInfo, ErrorBox, FigureBlock, Heading, ListBlock,
    Paragraph, Quote, Rule, SignatureBlock, Span, TableBlock, clean_text,
)
from xinfang.render.document import build_document
from xinfang.render.html_output import html_blocks, squash
from xinfang.markdown import markdown_blocks

if TYPE_CHECKING:
    import nbformat

__all__ = ["read_notebook", "output_blocks", "bundle_blocks", "REMOVE_CELL_TAGS", "REMOVE_OUTPUT_TAGS"]

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

    The blocks of its cells make the document (:func:`~xinfang.render.document.build_document`);
    ``metadata["xinfang"]`` (title, subtitle, date …), where a runner put it, wins over what the
    outputs say about the document.
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

    return build_document(blocks, nb.get("metadata", {}).get("xinfang") or {})


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
        blocks = bundle_blocks(data, metadata)
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


def bundle_blocks(data: dict, metadata: dict | None = None) -> list[Block] | None:
    """The blocks of one :mod:`xinfang.display` bundle (``data`` and ``metadata`` of an output),
    the inverse of :func:`xinfang.display.bundle`; None for a kind this renderer does not know
    (the bundle's standard MIME types are read instead).

    Raises :class:`~xinfang.errors.RenderError` for a bundle of another schema version, or a
    JSON object that is not one.
    """
    meta = metadata.get(BLOCK_MIMETYPE) if isinstance(metadata, dict) else None
    version = meta.get("version") if isinstance(meta, dict) else None
    if version != VERSION:
        raise RenderError(
            f"{BLOCK_MIMETYPE} 的版本为 {version!r}，本程序只读版本 {VERSION}；请用本版本的 xinfang 重新运行该笔记本"
            f" / schema version {version!r} of this output is not the version this renderer reads"
            f" ({VERSION}); re-run the notebook with this xinfang"
        )
    try:
        return _from_json(_block_json(data[BLOCK_MIMETYPE]), data, metadata or {})
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RenderError(f"{BLOCK_MIMETYPE} 的内容不合规范 / malformed block: {type(exc).__name__}: {exc}") from exc


def _text(value: Any) -> str:
    return clean_text(value)


def _spans_of(items: Any) -> list[Span]:
    return [Span(_text(s.get("text")), bool(s.get("bold")), bool(s.get("italic")), bool(s.get("code")),
                 bool(s.get("strike")), bool(s.get("br"))) for s in items or []]


def _cells_of(rows: Any) -> list[list[Cell]]:
    return [[Cell(_text(c.get("text")), bool(c.get("header")), int(c.get("colspan", 1)), int(c.get("rowspan", 1)),
                  c.get("align") if c.get("align") in ("left", "center", "right") else None)
             for c in row] for row in rows or [] if row]


def _children(items: Any, data: dict, metadata: dict) -> list[Block]:
    out: list[Block] = []
    for item in items or []:
        out.extend(_from_json(_block_json(item), data, metadata) or [])
    return out


def _from_json(block: dict, data: dict, metadata: dict) -> list[Block] | None:
    kind = block.get("kind")
    if kind == "heading":
        return [Heading(int(block["level"]), _spans_of(block.get("spans")), label=_text(block.get("label")))]
    if kind == "paragraph":
        role = block.get("role")
        return [Paragraph(_spans_of(block.get("spans")), role if role in ("note", "annex_list") else "")]
    if kind == "list":
        items = [_children(item, data, metadata) for item in block.get("items") or []]
        return [ListBlock(bool(block.get("ordered")), int(block.get("start", 1)), items)]
    if kind == "quote":
        return [Quote(_children(block.get("blocks"), data, metadata))]
    if kind == "code":
        return [CodeBlock(_text(block.get("text")))]
    if kind == "rule":
        return [Rule()]
    if kind == "table":
        return [TableBlock(squash(_text(block.get("caption"))), _cells_of(block.get("head")),
                           _cells_of(block.get("body")))]
    if kind == "figure":
        mimetype = block.get("mimetype") or PNG_MIMETYPE
        if mimetype not in data:
            raise RenderError(f"图表输出缺少 {mimetype} / a figure output lacks its {mimetype}")
        fig = _figure(data, metadata, mimetype)
        if fig is None:
            return []
        width, height = block.get("width"), block.get("height")
        if width is not None:
            fig = replace(fig, width=_int_or_none(width), height=_int_or_none(height))
        return [replace(fig, alt=_text(block.get("alt")).strip() or DEFAULT_ALT, title=_text(block.get("title")))]
    if kind == "signature":
        lines = [_text(x).strip() for x in block.get("lines") or [] if _text(x).strip()]
        return [SignatureBlock(lines, "left" if block.get("align") == "left" else "right")]
    if kind == "colophon":
        return [Colophon([_text(x) for x in block.get("cc") or []], _text(block.get("printer")),
                         _text(block.get("date")))]
    if kind == "error":
        return [ErrorBox(_text(block.get("ename")), _text(block.get("evalue")), _text(block.get("traceback")))]
    if kind == "document":
        return [DocumentInfo(_text(block.get("title")), [_text(x) for x in block.get("title_lines") or []],
                             _text(block.get("subtitle")), block.get("date") or None, _text(block.get("author")),
                             _text(block.get("number")))]
    return None


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
