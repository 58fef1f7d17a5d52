"""Both files of one executed report notebook, rendered in memory and written atomically."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat

from xinfang.errors import RenderError
from xinfang.fileio import write_bytes_atomic
from xinfang.render.docx import report_docx
from xinfang.render.html import report_html
from xinfang.render.reader import read_notebook

__all__ = ["render_notebook"]

_BAD_STEM = re.compile(r"[\x00-\x1f\x7f/\\]")


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
        docx_bytes = report_docx(read_notebook(notebook))
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
