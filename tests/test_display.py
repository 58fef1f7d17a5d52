"""The display serialiser: every block → one versioned MIME bundle, and back through the reader."""
from __future__ import annotations

import base64
import json

import nbformat
import pytest
from IPython.core.formatters import DisplayFormatter

from xinfang import display
from xinfang.blocks import (
    Cell, CodeBlock, Colophon, DocumentInfo, ErrorBox, Figure, Heading, ListBlock, Paragraph, Quote, Rule, Signature,
    Span, Table,
)
from xinfang.display import BLOCK_MIMETYPE
from xinfang.errors import RenderError
from xinfang.render.reader import bundle_blocks, output_blocks

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)

#: One block of every kind, with the fields that differ from their defaults set.
EVERY_KIND = [
    Heading(2, [Span("一、"), Span("基本情况", bold=True)]),
    Paragraph([Span("同比上升"), Span("94.64％", bold=True, italic=True), Span("", br=True),
               Span("x", code=True), Span("旧", strike=True)]),
    Paragraph("注：截至12月31日。", role="note"),
    ListBlock(True, 3, [[Paragraph("甲")], [Paragraph("乙"), ListBlock(False, 1, [[Paragraph("丙")]])]]),
    Quote([Paragraph("引文"), CodeBlock("a = 1")]),
    CodeBlock("  缩进\n第二行"),
    Rule(),
    Table("表1 信访量", [[Cell("单位", header=True), Cell("件次", header=True, colspan=2)]],
          [[Cell("城南街道", rowspan=2), Cell("27", align="right"), Cell("—")], [Cell("5"), Cell("")]]),
    Figure(PNG, "image/png", 384, 240, alt="信访量柱状图", title="图1 信访量"),
    Signature(["某某区信访局", "2024年1月1日"]),
    Signature(["各乡镇街道："], align="left"),
    ErrorBox("ValueError", "坏了", "Traceback …"),
    DocumentInfo("标题", ("标", "题"), "（样例）", "2023-12-31", "分析组"),
    DocumentInfo("通报", ("通报",), "", "2024-01-02", number="大信联办〔2023〕12号"),
    Heading(2, "评分表", label="附件1"),
    Paragraph([Span("附件：1.评分表"), Span("", br=True), Span("2.口径说明")], role="annex_list"),
    Colophon(("区委办公室", "区政府办公室"), "某区信访工作联席会议办公室", "2024年1月2日"),
]


def _stored(block) -> nbformat.NotebookNode:
    """The output a notebook stores when a cell displays ``block``, written to disk and read back."""
    data, metadata = DisplayFormatter().format(display.Output(block))
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=metadata)]
    nb.cells = [cell]
    again = nbformat.reads(nbformat.writes(nb), as_version=4)
    nbformat.validate(again)
    return again.cells[0].outputs[0]


@pytest.mark.parametrize("block", EVERY_KIND, ids=lambda b: type(b).__name__)
def test_every_kind_survives_the_round_trip(block):
    assert output_blocks(_stored(block)) == [block]


def test_every_block_kind_is_in_the_round_trip():
    assert {type(b) for b in EVERY_KIND} == set(display.KINDS)


def test_the_version_is_in_the_bundle_metadata():
    data, metadata = display.bundle(Paragraph("甲"))
    assert metadata == {"application/vnd.xinfang.block+json": {"version": 2}}
    assert data == {BLOCK_MIMETYPE: {"kind": "paragraph", "spans": [{"text": "甲"}]},
                    "text/markdown": "甲", "text/plain": "甲"}


@pytest.mark.parametrize("metadata", [{}, {BLOCK_MIMETYPE: {"version": 1}}, {BLOCK_MIMETYPE: {"version": 3}},
                                      {BLOCK_MIMETYPE: {"version": "2"}}])
def test_an_unknown_version_is_refused(metadata):
    data = {BLOCK_MIMETYPE: {"kind": "paragraph", "spans": [{"text": "甲"}]}, "text/markdown": "甲"}
    with pytest.raises(RenderError, match="版本") as err:
        bundle_blocks(data, metadata)
    assert "re-run the notebook" in str(err.value)


def test_heading_bundle_is_a_block_not_markdown():
    data, _ = display.bundle(Heading(3, "（一）信访总量"))
    assert data[BLOCK_MIMETYPE] == {"kind": "heading", "level": 3, "spans": [{"text": "（一）信访总量"}]}
    assert data["text/markdown"] == "### （一）信访总量"  # for other viewers only


def test_table_bundle_is_data():
    table = Table.from_rows(["责任单位", "件次"], [["城北<街道>", None], ["城南  街道", 27.0]], "表1 信访量")
    data, _ = display.bundle(table)
    assert set(data) == {BLOCK_MIMETYPE, "text/html", "text/plain"}
    assert data[BLOCK_MIMETYPE] == {
        "kind": "table", "caption": "表1 信访量",
        "head": [[{"text": "责任单位", "header": True}, {"text": "件次", "header": True}]],
        "body": [[{"text": "城北<街道>"}, {"text": ""}], [{"text": "城南 街道"}, {"text": "27.0"}]],
    }
    json.dumps(data[BLOCK_MIMETYPE])  # plain JSON types only
    assert "<td>城北&lt;街道&gt;</td>" in data["text/html"]
    assert data["text/html"].startswith('<table class="xf-table"><caption>表1 信访量</caption>')


def test_figure_bundle_refers_to_its_png():
    data, _ = display.bundle(Figure(PNG, alt="信访量。来信156件次", title="信访量"))
    assert set(data) == {BLOCK_MIMETYPE, "image/png", "text/plain"}
    assert data[BLOCK_MIMETYPE] == {"kind": "figure", "title": "信访量", "alt": "信访量。来信156件次",
                                    "mimetype": "image/png", "width": None, "height": None}
    assert base64.b64decode(data["image/png"]) == PNG  # the picture once, as base64


def test_blocks_are_frozen_and_lists_become_tuples():
    para = Paragraph([Span("甲")])
    assert para.spans == (Span("甲"),) and para == Paragraph("甲")
    with pytest.raises(AttributeError):
        para.role = "note"  # type: ignore[misc]
    assert Table("", [[Cell("a")]], []).head == ((Cell("a"),),)


def test_not_a_block_is_a_type_error():
    with pytest.raises(TypeError, match="str"):
        display.bundle("## 标题")  # type: ignore[arg-type]


@pytest.mark.parametrize("value, text", [(None, ""), (float("nan"), ""), (0, "0"), ("—", "—"), (1.5, "1.5")])
def test_cell_text(value, text):
    assert display.cell_text(value) == text


def test_display_imports_only_the_block_model():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(display.__file__).read_text(encoding="utf-8"))
    modules = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert {m for m in modules if m.startswith("xinfang")} == {"xinfang.blocks"}, modules
    assert not any(isinstance(n, ast.ImportFrom) and n.level for n in ast.walk(tree))
