"""Display objects: each gives one output, the documented JSON block plus standard fallbacks."""
from __future__ import annotations

import base64
import json

import nbformat
import pandas as pd
import pytest
from IPython.core.formatters import DisplayFormatter

from xinfang import display
from xinfang.display import BLOCK_MIMETYPE

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)


def _format(obj) -> tuple[dict, dict]:
    """What IPython puts into a display_data output for ``obj``."""
    return DisplayFormatter().format(obj)


def test_the_mime_type_is_a_json_type():
    # nbformat keeps the value of an application/…+json type as a JSON object
    assert BLOCK_MIMETYPE == "application/vnd.xinfang.block+json"
    out = nbformat.v4.new_output("display_data", data={BLOCK_MIMETYPE: {"kind": "markdown", "text": "甲"}})
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [out]
    nb.cells = [cell]
    again = nbformat.reads(nbformat.writes(nb), as_version=4)
    nbformat.validate(again)
    assert again.cells[0].outputs[0].data[BLOCK_MIMETYPE] == {"kind": "markdown", "text": "甲"}


def test_markdown_bundle():
    data, metadata = _format(display.Markdown("## 一、基本情况\n\n正文"))
    assert data == {
        BLOCK_MIMETYPE: {"kind": "markdown", "text": "## 一、基本情况\n\n正文"},
        "text/markdown": "## 一、基本情况\n\n正文",
        "text/plain": "## 一、基本情况\n\n正文",
    }
    assert metadata == {}


def test_table_bundle_is_data():
    frame = pd.DataFrame({"责任单位": ["城南街道", "城北<街道>"], "件次": [27, None], "同比": [94.64, float("nan")]})
    table = display.Table(frame, caption="表1 信访量", note="注：截至12月31日。")
    data, _ = _format(table)
    assert set(data) == {BLOCK_MIMETYPE, "text/html", "text/plain"}
    assert data[BLOCK_MIMETYPE] == {
        "kind": "table",
        "caption": "表1 信访量",
        "note": "注：截至12月31日。",
        "columns": ["责任单位", "件次", "同比"],
        # the cells as a reader sees them; a missing value is empty
        "rows": [["城南街道", "27.0", "94.64"], ["城北<街道>", "", ""]],
    }
    json.dumps(data[BLOCK_MIMETYPE])  # plain JSON types only
    # the fallback for viewers is escaped HTML with the caption and the note
    html = data["text/html"]
    assert html.startswith('<table class="xf-table"><caption>表1 信访量</caption><thead><tr><th>责任单位</th>')
    assert "<td>城北&lt;街道&gt;</td>" in html and html.endswith("<p class=\"xf-note\">注：截至12月31日。</p>")
    assert data["text/plain"].startswith("表1 信访量\n")


def test_table_without_caption_or_note():
    data, _ = _format(display.Table(pd.DataFrame({"a": [1]})))
    block = data[BLOCK_MIMETYPE]
    assert (block["caption"], block["note"]) == ("", "")
    assert "<caption>" not in data["text/html"] and "xf-note" not in data["text/html"]


def test_figure_bundle_refers_to_its_png():
    figure = display.Figure(PNG, title="信访量", alt="信访量。来信156件次", width_cm=15.0, height_cm=8.0)
    data, metadata = _format(figure)
    assert set(data) == {BLOCK_MIMETYPE, "image/png", "text/plain"} and metadata == {}
    assert data[BLOCK_MIMETYPE] == {"kind": "figure", "title": "信访量", "alt": "信访量。来信156件次",
                                    "width_cm": 15.0, "height_cm": 8.0}
    assert base64.b64decode(data["image/png"]) == PNG  # the picture once, as base64


@pytest.mark.parametrize("value, text", [(None, ""), (float("nan"), ""), (0, "0"), ("—", "—"), (1.5, "1.5")])
def test_cell_text(value, text):
    assert display.cell_text(value) == text


def test_display_imports_nothing_of_xinfang():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(display.__file__).read_text(encoding="utf-8"))
    modules = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(m.startswith("xinfang") or m.startswith(".") for m in modules), modules
    assert not any(isinstance(n, ast.ImportFrom) and n.level for n in ast.walk(tree))
