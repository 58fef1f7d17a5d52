"""An executed report notebook rendered: notebook → reader → :class:`~xinfang.blocks.Document` →
:func:`~xinfang.render.document.render_document`."""
from __future__ import annotations

from pathlib import Path

import nbformat

from xinfang.errors import RenderError
from xinfang.render.document import check_stem, document_files, render_document
from xinfang.render.html import document_html
from xinfang.render.reader import read_notebook

__all__ = ["notebook_files", "render_notebook", "report_html"]


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


def report_html(nb: nbformat.NotebookNode | dict) -> str:
    """The self-contained HTML page of a report notebook."""
    return document_html(read_notebook(nb))


def _document(nb, stem: str):
    check_stem(stem)
    notebook = _load(nb)
    try:
        return read_notebook(notebook)
    except RenderError:
        raise
    except Exception as exc:
        raise RenderError(f"报告「{stem}」渲染失败 / rendering {stem!r} failed: {type(exc).__name__}: {exc}") from exc


def notebook_files(nb: nbformat.NotebookNode | str | Path, stem: str) -> dict[str, bytes]:
    """The bytes of ``<stem>.html`` and ``<stem>.docx`` of an executed report notebook, by
    extension, rendered in memory (for a caller that writes them with other files as one set).
    Raises :class:`~xinfang.errors.RenderError`."""
    return document_files(_document(nb, stem), stem)


def render_notebook(
    nb: nbformat.NotebookNode | str | Path, out_dir: Path, stem: str
) -> dict[str, Path]:
    """Write ``<stem>.html`` and ``<stem>.docx`` of an executed report notebook into ``out_dir``
    (through :func:`~xinfang.render.document.render_document`: in memory first, then each
    file atomically; a failure leaves no partial file).

    Returns ``{"html": path, "docx": path}``. Raises :class:`~xinfang.errors.RenderError`.
    """
    return render_document(_document(nb, stem), out_dir, stem)
