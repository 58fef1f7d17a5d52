"""xinfang.render.document: a document from blocks, and its files, without any notebook."""
from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import nbformat
import pytest
from docx import Document as WordDocument

from xinfang import display
from xinfang.blocks import Cell, DocumentInfo, Heading, Paragraph, Signature, Table
from xinfang.errors import RenderError
from xinfang.render import ReportHTMLExporter
from xinfang.render.document import build_document, render_document
from xinfang.render.html import document_html

ROOT = Path(__file__).resolve().parents[2]

BLOCKS = [
    DocumentInfo("某区信访工作通报", ("某区信访工作", "通报"), "第12期", "2023-12-31"),
    Heading(1, "某区信访工作通报"),
    Heading(2, "一、基本情况"),
    Paragraph("全区信访量508件次。"),
    Heading(3, "（一）来信"),
    Table("表1 信访量", [[Cell("单位", header=True), Cell("件次", header=True)]], [[Cell("城南街道"), Cell("27")]]),
    Heading(2, "二、下步工作"),
    Signature(["某区信访局", "2024年1月1日"]),
]


def test_build_document_takes_out_the_title_and_numbers_the_headings():
    doc = build_document(BLOCKS)
    assert (doc.title, doc.title_lines, doc.subtitle) == ("某区信访工作通报", ["某区信访工作", "通报"], "第12期")
    assert (doc.date, doc.date_given) == (dt.date(2023, 12, 31), True)
    # the level-1 heading is the title, printed once; the DocumentInfo prints nothing
    assert [type(b).__name__ for b in doc.blocks] == ["Heading", "Paragraph", "Heading", "Table", "Heading",
                                                      "Signature"]
    assert [(b.anchor, b.text) for b in doc.blocks if isinstance(b, Heading)] == [
        ("sec-1", "一、基本情况"), ("sec-2", "（一）来信"), ("sec-3", "二、下步工作")]
    assert [(e.text, [c.text for c in e.children]) for e in doc.toc] == [
        ("一、基本情况", ["（一）来信"]), ("二、下步工作", [])]
    assert doc.date_text is None  # dated by its 落款


def test_metadata_wins_over_the_blocks_and_a_bad_date_is_a_render_error():
    doc = build_document(BLOCKS, {"title": "另一个标题", "subtitle": None})
    assert (doc.title, doc.subtitle) == ("另一个标题", "第12期")
    assert doc.blocks[0] == Heading(1, "某区信访工作通报", anchor="sec-1")  # not the title any more: kept
    assert build_document([Paragraph("正文")]).title == "报告"
    with pytest.raises(RenderError, match="YYYY-MM-DD"):
        build_document([DocumentInfo(date="2023年12月31日")])


def test_render_document_writes_both_files(tmp_path):
    paths = render_document(build_document(BLOCKS), tmp_path / "out", "通报")
    assert paths == {"html": tmp_path / "out" / "通报.html", "docx": tmp_path / "out" / "通报.docx"}
    page = paths["html"].read_text(encoding="utf-8")
    assert '<h2 id="sec-1">一、基本情况</h2>' in page and '<h3 id="sec-2">（一）来信</h3>' in page
    assert '<h1 class="xf-title">某区信访工作<br>通报</h1>' in page
    words = [p.text for p in WordDocument(str(paths["docx"])).paragraphs]
    assert words[:3] == ["某区信访工作\n通报", "第12期", "一、基本情况"]  # the title's two lines
    assert words[-2:] == ["某区信访局", "2024年1月1日"]


def test_render_document_writes_only_the_formats_asked_for(tmp_path):
    paths = render_document(build_document(BLOCKS), tmp_path, "x", formats=("docx",))
    assert list(paths) == ["docx"] and sorted(p.name for p in tmp_path.iterdir()) == ["x.docx"]
    with pytest.raises(RenderError, match="pdf"):
        render_document(build_document(BLOCKS), tmp_path, "x", formats=("pdf",))
    with pytest.raises(RenderError, match="invalid output file stem"):
        render_document(build_document(BLOCKS), tmp_path, "../x")


def test_the_notebook_path_gives_the_same_page_as_the_direct_path():
    # blocks → bundles in a notebook → nbconvert exporter (public API) == blocks → document_html
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("report.show()")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=metadata)
                    for data, metadata in map(display.bundle, BLOCKS)]
    nb.cells = [cell]
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    page, _ = ReportHTMLExporter().from_notebook_node(nb)
    assert page == document_html(build_document(BLOCKS))
    assert "report.show()" not in page


def test_the_html_exporter_uses_no_private_nbconvert_api():
    source = (ROOT / "xinfang" / "render" / "exporters.py").read_text(encoding="utf-8")
    assert "._" not in source.replace("self._", "")
    assert not any("_init_resources" in p.read_text(encoding="utf-8")
                   for p in (ROOT / "xinfang" / "render").glob("*.py"))


DUBAN = textwrap.dedent("""
    import datetime as dt, json, sys
    from types import SimpleNamespace
    import pandas as pd
    from xinfang.config.schema import Bulletin
    from xinfang.report.duban import write_duban
    from xinfang.workdays import WorkCalendar

    cases = pd.DataFrame({
        "责任单位": ["城南街道", "城南街道", "城北街道"], "类别": ["超期未答复", "即将到期", "超期未受理"],
        "信访件编号": ["X-001", "X-002", "X-003"],
        "登记日期": [dt.date(2023, 10, 9), dt.date(2023, 12, 4), dt.date(2023, 11, 1)],
        "应办日期": [dt.date(2023, 12, 8), dt.date(2024, 1, 3), dt.date(2023, 11, 16)],
        "超期天数": [23, 0, 45], "问题领域": ["城乡建设", "劳动保障", "农业农村"], "信访目的": ["求决", "申诉", "求决"]})
    ctx = SimpleNamespace(cases=cases, settings=Bulletin(), cutoff=dt.date(2023, 12, 31), report_date=dt.date(2024, 1, 2),
                          calendar=WorkCalendar(), issuer="某区信访局", year=2023, month=12)
    paths = write_duban(ctx, sys.argv[1])
    print(json.dumps({"paths": [p.name for p in paths],
                      "loaded": sorted(m for m in ("nbformat", "nbconvert", "nbclient") if m in sys.modules)}))
""")


def test_duban_is_rendered_without_any_notebook(tmp_path):
    import json

    out = subprocess.run([sys.executable, "-c", DUBAN, str(tmp_path)], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result == {"paths": ["城南街道_督办单.docx", "城南街道_提示单.docx", "城北街道_督办单.docx"], "loaded": []}
    word = WordDocument(str(tmp_path / "城南街道_督办单.docx"))
    texts = [p.text for p in word.paragraphs if p.text]
    # no 机关代字 in the default params: 督办〔2023〕12-01号, above the title
    assert texts[:3] == ["督办〔2023〕12-01号", "信访事项督办单", "城南街道："]
    assert word.core_properties.created.date() == dt.date(2024, 1, 2)
    with zipfile.ZipFile(io.BytesIO((tmp_path / "城北街道_督办单.docx").read_bytes())) as z:
        assert "督办〔2023〕12-03号" in z.read("word/document.xml").decode("utf-8")
