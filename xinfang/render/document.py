"""A document from its blocks, and its files: no notebook needed.

:func:`build_document` turns a sequence of blocks (what sections emit, or what
:func:`~xinfang.render.reader.read_notebook` reads out of a notebook) into a
:class:`~xinfang.blocks.Document`; :func:`render_document` writes its HTML and Word files
atomically. The notebook path is notebook → reader → :class:`Document` → this module; the
督办单 comes here directly.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from xinfang.blocks import DEFAULT_DATE, Block, Document, DocumentInfo, Heading, clean_text
from xinfang.errors import RenderError
from xinfang.fileio import write_set
from xinfang.render.docx import report_docx
from xinfang.render.html import document_html

__all__ = ["build_document", "document_files", "render_document", "check_stem", "FORMATS"]

#: The files :func:`render_document` can write, by extension.
FORMATS = ("html", "docx")
_BAD_STEM = re.compile(r"[\x00-\x1f\x7f/\\]")


def build_document(blocks: Iterable[Block], metadata: Mapping[str, Any] | None = None) -> Document:
    """The document of ``blocks``.

    What the blocks say about the document (:class:`~xinfang.blocks.DocumentInfo`, later ones
    win) is taken out of the body; ``metadata`` (a notebook's ``xinfang`` metadata, where a
    runner put it) wins over them. Title: the given one, else the text of the first ``#``
    heading, else "报告". The ``#`` heading equal to the title is printed once, as the title,
    not again in the body. Heading anchors are ``sec-1``, ``sec-2``, … in document order.
    """
    body = list(blocks)
    meta: dict[str, Any] = {}
    for info in [b for b in body if isinstance(b, DocumentInfo)]:
        meta.update(info.items())
        body.remove(info)
    meta.update({k: v for k, v in (metadata or {}).items() if v})
    title = clean_text(meta.get("title")).strip()
    if not title:
        first_h1 = next((b for b in body if isinstance(b, Heading) and b.level == 1), None)
        title = first_h1.text if first_h1 else "报告"
    title_h1 = next((b for b in body if isinstance(b, Heading) and b.level == 1 and b.text == title), None)
    if title_h1 is not None:
        body.remove(title_h1)
    n = 0
    for i, block in enumerate(body):
        if isinstance(block, Heading):
            n += 1
            body[i] = replace(block, anchor=f"sec-{n}")
    date_value = meta.get("date")
    return Document(
        title=title,
        subtitle=clean_text(meta.get("subtitle")).strip() or None,
        author=clean_text(meta.get("author")).strip() or None,
        date=_parse_date(date_value) if date_value else DEFAULT_DATE,
        date_given=bool(date_value),
        blocks=tuple(body),
        title_lines=_title_lines(meta, title),
        number=clean_text(meta.get("number")).strip() or None,
    )


def _title_lines(meta: Mapping[str, Any], title: str) -> list[str] | None:
    lines = [clean_text(x).strip() for x in meta.get("title_lines") or []]
    return lines if len(lines) > 1 and "".join(lines) == title else None


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


def check_stem(stem: str) -> None:
    """Refuse a file stem that is empty, a directory or holds a separator or control character."""
    if not stem or stem in (".", "..") or _BAD_STEM.search(stem):
        raise RenderError(f"非法的输出文件名「{stem}」/ invalid output file stem {stem!r}")


def document_files(document: Document, stem: str, formats: Iterable[str] = FORMATS) -> dict[str, bytes]:
    """The bytes of ``<stem>.html`` and/or ``<stem>.docx`` of ``document``, rendered in memory,
    by extension (what :func:`render_document` writes). Raises :class:`~xinfang.errors.RenderError`."""
    check_stem(stem)
    formats = tuple(formats)
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise RenderError(f"未知的输出格式 {unknown} / unknown output formats; 可选 / choose from: {', '.join(FORMATS)}")
    contents: dict[str, bytes] = {}
    try:
        if "html" in formats:
            contents["html"] = document_html(document).encode("utf-8")
        if "docx" in formats:
            contents["docx"] = report_docx(document)
    except RenderError:
        raise
    except Exception as exc:
        raise RenderError(f"报告「{stem}」渲染失败 / rendering {stem!r} failed: {type(exc).__name__}: {exc}") from exc
    return contents


def render_document(document: Document, out_dir: str | Path, stem: str,
                    formats: Iterable[str] = FORMATS) -> dict[str, Path]:
    """Write ``<stem>.html`` and/or ``<stem>.docx`` of ``document`` into ``out_dir``.

    Every file is rendered in memory first (:func:`document_files`), then the files are written
    as one set (:func:`~xinfang.fileio.write_set`): temporary files beside the targets, fsynced,
    renamed only once all are complete. A render failure raises
    :class:`~xinfang.errors.RenderError`; a failure to write (a full disk) raises the
    :class:`OSError` (the environment, not the report) and leaves the previous files as they
    were. Returns ``{"html": path, "docx": path}`` (the formats asked for).
    """
    contents = document_files(document, stem, formats)
    out_dir = Path(out_dir)
    paths = {fmt: out_dir / f"{stem}.{fmt}" for fmt in FORMATS if fmt in contents}
    write_set({paths[fmt]: contents[fmt] for fmt in paths})
    return paths
