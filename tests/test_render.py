"""Tests of xinfang.render: report HTML and GB/T 9704 Word files from an executed notebook."""
from __future__ import annotations

import base64
import html
import io
import json
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from docx import Document  # noqa: E402
from docx.enum.text import WD_LINE_SPACING  # noqa: E402
from IPython.core.formatters import DisplayFormatter  # noqa: E402
from lxml import etree  # noqa: E402

from xinfang import blocks, charts, display, render  # noqa: E402
from xinfang.markdown import markdown_blocks  # noqa: E402
from xinfang.render.blocks import FigureBlock  # noqa: E402
import xinfang.render.document  # noqa: E402,F401  (render.document for monkeypatching)
from xinfang.errors import RenderError  # noqa: E402

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}
FIGURE_TEXT = "同比上升94.64％"


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _png(seed: int) -> str:
    """A small deterministic chart, base64 as in a notebook output."""
    fig, ax = plt.subplots(figsize=(4, 2.5), dpi=50)
    ax.bar(["a", "b", "c"], [seed, seed + 2, seed + 1])
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _display(data: dict, metadata: dict | None = None) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})


def make_notebook() -> nbformat.NotebookNode:
    """A report notebook as papermill leaves it, with everything a report must not show."""
    v4 = nbformat.v4
    nb = v4.new_notebook()
    nb.metadata["xinfang"] = {
        "title": "大祥区2023年度信访工作整体支出绩效评价报告",
        "subtitle": "（样例）",
        "date": "2023-12-31",
        "author": None,
    }
    params = v4.new_code_cell("year = 2023", metadata={"tags": ["parameters"]})
    injected = v4.new_code_cell("year = 2024", metadata={"tags": ["injected-parameters"]})
    removed = v4.new_code_cell("import xinfang", metadata={"tags": ["remove_cell"]})
    removed.outputs = [_display({"text/plain": "REMOVED_OUTPUT"})]
    title = v4.new_markdown_cell("# 大祥区2023年度信访工作整体支出绩效评价报告")

    prose = v4.new_code_cell("SECRET_SOURCE = 1")
    prose.outputs = [
        nbformat.v4.new_output("stream", name="stderr", text="Warning: secret\n"),
        nbformat.v4.new_output("stream", name="stdout", text="stdout chatter\n"),
        _display({
            "text/markdown": (
                "## 一、基本情况\n\n"
                f"全区到国家信访局信访量508件人次，{FIGURE_TEXT}。\n\n"
                "### （一）信访总量\n\n#### 1. 来信\n\n来信156件次，**同比上升**。"
            ),
            "text/plain": "<IPython.core.display.Markdown object>",
        }),
    ]
    tables = v4.new_code_cell("tables()")
    for i in range(3):
        df = pd.DataFrame(
            {"责任单位": ["城南街道", "城北路街道"], "件次": [27 + i, 7], "同比": ["94.64％", "—"]}
        )
        html = df.to_html(index=False).replace("<thead>", f"<caption>表{i + 1} 信访量</caption><thead>", 1)
        tables.outputs.append(_display({"text/html": html, "text/plain": repr(df)}))
    charts = v4.new_code_cell("charts()")
    for i in range(3):
        charts.outputs.append(
            _display({"image/png": _png(i + 1), "text/plain": "<Figure size 400x250 with 1 Axes>"})
        )
    analyst = v4.new_markdown_cell(
        "## 二、主要做法\n\n分析人员文字<script>alert(1)</script>。\n\n"
        "- 第一项\n- 第二项\n\n| 指标 | 数值 |\n|---|---:|\n| 参评率 | 99.44％ |\n"
    )
    nb.cells = [params, injected, removed, title, prose, tables, charts, analyst]
    return nb


@pytest.fixture(scope="module")
def nb() -> nbformat.NotebookNode:
    return make_notebook()


@pytest.fixture(scope="module")
def html_text(nb) -> str:
    return render.report_html(nb)


@pytest.fixture(scope="module")
def docx_bytes(nb) -> bytes:
    body, _ = render.ReportDocxExporter().from_notebook_node(nb)
    return body


# --- HTML ---------------------------------------------------------------------------------
def test_html_is_self_contained_and_clean(html_text):
    lower = html_text.lower()
    assert "<script" not in lower
    assert "<link" not in lower
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", lower)
    assert "@font-face" not in lower and "@import" not in lower
    for secret in ("SECRET_SOURCE", "Warning: secret", "stdout chatter", "REMOVED_OUTPUT", "year = 20"):
        assert secret not in html_text
    assert "In&nbsp;[" not in html_text and "In [" not in html_text
    assert html_text.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html_text and '<meta charset="utf-8">' in html_text


def test_html_content(html_text):
    assert FIGURE_TEXT in html_text
    # the script text of the analyst is shown as text, escaped
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    imgs = re.findall(r"<img\b[^>]*>", html_text)
    assert len(imgs) == 3
    for img in imgs:
        assert re.search(r'src="data:image/png;base64,[A-Za-z0-9+/=]+"', img)
    # 3 data tables with caption above + the pipe table, numbers right-aligned
    assert html_text.count('<table class="xf-table">') == 4
    assert html_text.count("<caption>") == 3
    assert '<td class="xf-right">27</td>' in html_text
    assert 'th class="xf-right"' not in html_text  # header row centred
    # title once, in the title block, with subtitle and date line
    assert html_text.count("大祥区2023年度信访工作整体支出绩效评价报告") == 2  # <title> + <h1>
    assert '<p class="xf-date">2023年12月31日</p>' in html_text


def test_html_toc_links_to_headings(html_text):
    toc = re.search(r'<nav[^>]*class="xf-toc".*?</nav>', html_text, re.S).group(0)
    links = re.findall(r'<a href="#(sec-\d+)">([^<]+)</a>', toc)
    assert [text for _, text in links] == ["一、基本情况", "（一）信访总量", "二、主要做法"]
    for anchor, text in links:
        assert re.search(rf'<h[23] id="{anchor}">{re.escape(text)}</h[23]>', html_text)
    assert '<h4 id="sec-3">1. 来信</h4>' in html_text


def test_html_print_css(html_text):
    assert "@page { size: A4; margin: 3.7cm 2.6cm 3.5cm 2.8cm; }" in html_text
    assert '"FangSong", "仿宋", "仿宋_GB2312"' in html_text


def test_html_is_deterministic(nb, html_text):
    assert render.ReportHTMLExporter().from_notebook_node(nb)[0] == html_text


def test_html_error_output_is_boxed():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("boom()")
    cell.outputs = [nbformat.v4.new_output(
        "error", ename="ValueError", evalue="<b>bad</b> value",
        traceback=["\x1b[0;31mValueError\x1b[0m: bad value"],
    )]
    nb.cells = [cell]
    out = render.report_html(nb)
    assert '<div class="xf-error" role="alert">' in out
    assert "&lt;b&gt;bad&lt;/b&gt; value" in out
    assert "\x1b" not in out and "<b>bad" not in out


# --- document model -----------------------------------------------------------------------
def test_read_notebook_title_and_defaults():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 城南街道报告\n\n## 一、基本情况\n\n正文")]
    report = render.read_notebook(nb)
    assert report.title == "城南街道报告"
    assert str(report.date) == "2000-01-01" and report.date_text is None
    assert [type(b).__name__ for b in report.blocks] == ["Heading", "Paragraph"]
    assert report.blocks[0].anchor == "sec-1"


def test_output_preference_markdown_over_html_over_png():
    out = {"output_type": "display_data", "metadata": {}, "data": {
        "text/markdown": "甲", "text/html": "<p>乙</p>", "image/png": _png(1), "text/plain": "丙"}}
    assert render.output_blocks(out)[0].spans[0].text == "甲"
    del out["data"]["text/markdown"]
    assert render.output_blocks(out)[0].spans[0].text == "乙"
    del out["data"]["text/html"]
    assert isinstance(render.output_blocks(out)[0], FigureBlock)
    del out["data"]["image/png"]
    assert render.output_blocks(out)[0].text == "丙"


def test_bad_metadata_date_is_a_render_error():
    nb = nbformat.v4.new_notebook()
    nb.metadata["xinfang"] = {"date": "2023年"}
    with pytest.raises(RenderError, match="YYYY-MM-DD"):
        render.read_notebook(nb)


def test_merged_header_cells_keep_their_span():
    df = pd.DataFrame([[1, 2, 3, 4]], columns=pd.MultiIndex.from_tuples(
        [("来信", "2023"), ("来信", "2022"), ("来访", "2023"), ("来访", "2022")]))
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("t")
    cell.outputs = [_display({"text/html": df.to_html(index=False)})]
    nb.cells = [cell]
    assert '<th scope="col" colspan="2" class="xf-center">来信</th>' in render.report_html(nb)
    table = Document(io.BytesIO(render.report_docx(render.read_notebook(nb)))).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["来信", "来信", "来访", "来访"]  # merged
    assert table.rows[0]._tr.findall(f".//{{{W}}}gridSpan")[0].get(f"{{{W}}}val") == "2"
    assert [c.text for c in table.rows[2].cells] == ["1", "2", "3", "4"]


def _shown(obj) -> nbformat.NotebookNode:
    """The output a notebook stores when a cell displays ``obj``: IPython's formatter, bytes
    base64-encoded as the kernel sends them."""
    data, metadata = DisplayFormatter().format(obj)
    data = {k: base64.b64encode(v).decode("ascii") if isinstance(v, bytes) else v for k, v in data.items()}
    return nbformat.v4.new_output("display_data", data=data, metadata=metadata)


def _notebook_of(*objects) -> nbformat.NotebookNode:
    """A notebook whose one code cell displayed ``objects``, as written to and read from disk."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("t")
    cell.outputs = [_shown(obj) for obj in objects]
    nb.cells = [cell]
    return nbformat.reads(nbformat.writes(nb), as_version=4)


def _descriptions(docx: bytes) -> list[str]:
    return [el.get("descr") for el in _document_xml(docx).iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]


def test_chart_alt_text_reaches_html_and_docx():
    # the join charts → display → render: a chart's computed alt text, not "图表"
    chart = charts.channel_comparison({"来信": 156, "来访": 65, "网上信访": 287},
                                      {"来信": 53, "来访": 16, "网上信访": 192})
    assert chart.alt and chart.alt != "图表"
    nb = _notebook_of(chart)
    html_out = render.report_html(nb)
    assert re.findall(r'<img [^>]*alt="([^"]*)"', html_out) == [chart.alt]
    assert _descriptions(render.report_docx(render.read_notebook(nb))) == [chart.alt]


def test_table_note_and_figure_alt_text():
    table = blocks.Table.from_frame(pd.DataFrame({"单位": ["城南街道"]}), caption="表1")
    note = blocks.Paragraph("注：数据截至12月31日。", role="note")
    figure = blocks.Figure(base64.b64decode(_png(1)), title="信访量", alt="各单位信访量柱状图")
    nb = _notebook_of(*map(display.Output, (table, note, figure)))
    out = render.report_html(nb)
    assert '<p class="xf-note">注：数据截至12月31日。</p>' in out
    assert 'alt="各单位信访量柱状图"' in out
    data = render.report_docx(render.read_notebook(nb))
    body = _document_xml(data).find("w:body", NS)
    kinds = [etree.QName(el).localname for el in body]
    note = body[kinds.index("tbl") + 1]  # the note follows the table directly
    assert "".join(note.itertext()) == "注：数据截至12月31日。"
    assert note.find(".//w:sz", NS).get(_w("val")) == "24"
    assert _descriptions(data) == ["各单位信访量柱状图"]


def test_html_output_class_is_not_a_contract():
    # a generic text/html output is text and tables; its classes mean nothing to the reader
    out = _display({"text/html": '<table><tr><th>单位</th></tr></table><p class="xf-note">注</p>'})
    blocks = render.output_blocks(out)
    assert [type(b).__name__ for b in blocks] == ["Table", "Paragraph"] and blocks[1].role == ""


def test_image_alt_from_output_metadata():
    out = _display({"image/png": _png(1)}, {"image/png": {"alt": "各单位信访量柱状图"}})
    (fig,) = render.output_blocks(out)
    assert fig.alt == "各单位信访量柱状图"
    # the PNG states 50 dpi: 200 × 125 px are 384 × 240 CSS pixels
    assert (fig.width, fig.height) == (384, 240)


# --- the display contract: xinfang.display → JSON block → reader --------------------------------
def test_reader_builds_blocks_from_display_json():
    frame = pd.DataFrame({"责任单位": ["城南街道", "城北  街道"], "件次": [27, None]})
    shown = [blocks.Heading(2, "一、基本情况"), *markdown_blocks("同比上升**94.64％**。"),
             blocks.Table.from_frame(frame, caption="表1 信访量"), blocks.Paragraph("注：截至12月31日。", role="note"),
             blocks.Figure(base64.b64decode(_png(1)), title="信访量", alt="信访量柱状图")]
    nb = _notebook_of(*map(display.Output, shown))
    heading, para, table, note, figure = render.read_notebook(nb).blocks
    assert (heading.level, heading.text) == (2, "一、基本情况")
    assert [(s.text, s.bold) for s in para.spans] == [("同比上升", False), ("94.64％", True), ("。", False)]
    assert table == render.blocks.TableBlock(
        "表1 信访量",
        [[render.blocks.Cell("责任单位", header=True), render.blocks.Cell("件次", header=True)]],
        [[render.blocks.Cell("城南街道"), render.blocks.Cell("27.0")],
         [render.blocks.Cell("城北 街道"), render.blocks.Cell("")]],  # white space as a browser shows it
    )
    assert note == render.blocks.Paragraph([render.blocks.Span("注：截至12月31日。")], role="note")
    assert figure.alt == "信访量柱状图" and figure.data == base64.b64decode(_png(1))
    assert (figure.width, figure.height) == (384, 240)  # from the PNG's 50 dpi, as before


V2 = {display.BLOCK_MIMETYPE: {"version": display.VERSION}}


def test_display_json_is_read_before_the_fallbacks():
    # the JSON block wins even when the fallbacks say something else
    out = _display({display.BLOCK_MIMETYPE: {"kind": "paragraph", "spans": [{"text": "甲"}]},
                    "text/markdown": "乙", "text/html": "<p>丙</p>"}, V2)
    assert render.output_blocks(out)[0].spans[0].text == "甲"
    # a kind this renderer does not know: the standard MIME types are read
    out.data[display.BLOCK_MIMETYPE] = {"kind": "map", "regions": []}
    assert render.output_blocks(out)[0].spans[0].text == "乙"
    # a JSON text instead of an object is accepted
    out.data[display.BLOCK_MIMETYPE] = json.dumps({"kind": "paragraph", "spans": [{"text": "丁"}]})
    assert render.output_blocks(out)[0].spans[0].text == "丁"


def test_broken_display_json_is_a_render_error():
    with pytest.raises(RenderError, match="image/png"):
        render.output_blocks(_display({display.BLOCK_MIMETYPE: {"kind": "figure", "alt": "x"}}, V2))
    with pytest.raises(RenderError, match="JSON"):
        render.output_blocks(_display({display.BLOCK_MIMETYPE: "{not json"}, V2))
    with pytest.raises(RenderError, match="malformed"):
        render.output_blocks(_display({display.BLOCK_MIMETYPE: {"kind": "heading", "level": "二"}}, V2))


def test_object_reprs_are_not_printed():
    for text in ("<Figure size 640x480 with 1 Axes>", "<IPython.core.display.Markdown object>",
                 "<foo.Bar object at 0x7f3a2c>"):
        out = {"output_type": "execute_result", "metadata": {}, "data": {"text/plain": text}}
        assert render.output_blocks(out) == []


# --- DOCX ---------------------------------------------------------------------------------
def _document_xml(data: bytes) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml"))


def test_docx_page_setup(docx_bytes):
    section = Document(io.BytesIO(docx_bytes)).sections[0]
    for value, cm in (
        (section.page_width, 21.0), (section.page_height, 29.7),
        (section.top_margin, 3.7), (section.bottom_margin, 3.5),
        (section.left_margin, 2.8), (section.right_margin, 2.6),
    ):
        assert abs(value.cm - cm) < 0.01


def test_docx_title_and_body_fonts(docx_bytes):
    doc = Document(io.BytesIO(docx_bytes))
    title = doc.paragraphs[0]
    assert title.text == "大祥区2023年度信访工作整体支出绩效评价报告"
    assert title.style.name == "Title" and title.alignment == 1  # centre
    run = title.runs[0]
    assert run._r.rPr.rFonts.get(f"{{{W}}}eastAsia") == "方正小标宋简体"
    assert run.font.size.pt == 22
    body = next(p for p in doc.paragraphs if FIGURE_TEXT in p.text)
    assert body.style.name == "Normal"
    assert body.runs[0]._r.rPr.rFonts.get(f"{{{W}}}eastAsia") == "仿宋_GB2312"
    assert body.runs[0]._r.rPr.rFonts.get(f"{{{W}}}ascii") == "Times New Roman"
    assert body.runs[0].font.size.pt == 16
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY and fmt.line_spacing.pt == 28
    assert fmt.first_line_indent.pt == 32
    assert body._p.pPr.find(f"{{{W}}}ind").get(f"{{{W}}}firstLineChars") == "200"
    assert body.alignment == 3  # justify
    headings = {p.text: p for p in doc.paragraphs if p.style.name.startswith("Heading")}
    expected = {
        "一、基本情况": ("Heading 1", "黑体", False),
        "（一）信访总量": ("Heading 2", "楷体_GB2312", False),
        "1. 来信": ("Heading 3", "仿宋_GB2312", True),
    }
    for text, (style, font, bold) in expected.items():
        p = headings[text]
        assert p.style.name == style
        assert p.runs[0]._r.rPr.rFonts.get(f"{{{W}}}eastAsia") == font
        assert bool(p.runs[0].bold) is bold


def test_docx_every_run_has_east_asian_font(docx_bytes):
    root = _document_xml(docx_bytes)
    runs = root.findall(".//w:r", NS)
    assert len(runs) > 30
    for r in runs:
        fonts = r.find("w:rPr/w:rFonts", NS)
        assert fonts is not None and fonts.get(_w("eastAsia")), etree.tostring(r)[:200]
        assert fonts.get(_w("ascii")) and fonts.get(_w("hAnsi"))


def test_docx_styles_set_east_asian_fonts(docx_bytes):
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
    default = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert default.get(_w("eastAsia")) == "仿宋_GB2312" and default.get(_w("asciiTheme")) is None
    for sid, font in (("Normal", "仿宋_GB2312"), ("Heading1", "黑体"), ("Heading2", "楷体_GB2312"),
                      ("Heading3", "仿宋_GB2312"), ("Title", "方正小标宋简体"), ("TableGrid", "仿宋_GB2312")):
        style = styles.find(f"w:style[@w:styleId='{sid}']", NS)
        assert style.find("w:rPr/w:rFonts", NS).get(_w("eastAsia")) == font
    for sid, level in (("Heading1", "0"), ("Heading2", "1"), ("Heading3", "2")):
        style = styles.find(f"w:style[@w:styleId='{sid}']", NS)
        assert style.find("w:pPr/w:outlineLvl", NS).get(_w("val")) == level


def test_docx_tables_and_pictures(docx_bytes):
    root = _document_xml(docx_bytes)
    tables = root.findall(".//w:tbl", NS)
    assert len(tables) == 4  # 3 HTML tables + 1 pipe table
    for tbl in tables:
        first_row = tbl.find("w:tr", NS)
        assert first_row.find("w:trPr/w:tblHeader", NS) is not None
        assert tbl.find("w:tblPr/w:tblW", NS).get(_w("w")) == "8844"  # 15.6 cm in twips
        for edge in tbl.find("w:tblPr/w:tblBorders", NS):
            assert (edge.get(_w("val")), edge.get(_w("sz"))) == ("single", "4")
        header_run = first_row.find(".//w:r", NS)
        assert header_run.find("w:rPr/w:b", NS).get(_w("val")) is None  # bold on
        cell_p = tbl.find(".//w:tc/w:p", NS)
        assert cell_p.find("w:pPr/w:ind", NS).get(_w("firstLineChars")) == "0"
        assert cell_p.find("w:pPr/w:spacing", NS).get(_w("lineRule")) == "auto"
    doc = Document(io.BytesIO(docx_bytes))
    table = doc.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["责任单位", "件次", "同比"]
    assert [c.text for c in table.rows[1].cells] == ["城南街道", "27", "94.64％"]
    assert table.rows[1].cells[1].paragraphs[0].alignment == 2  # numbers right
    assert table.rows[1].cells[1].paragraphs[0].runs[0].font.size.pt == 12
    # caption above the table: 黑体 14 pt centred
    body = root.find("w:body", NS)
    children = list(body)
    caption = children[children.index(tables[0]) - 1]
    assert "".join(caption.itertext()) == "表1 信访量"
    assert caption.find(".//w:rFonts", NS).get(_w("eastAsia")) == "黑体"
    assert caption.find(".//w:sz", NS).get(_w("val")) == "28"
    pics = root.findall(".//w:drawing//pic:pic", NS)
    assert len(pics) == 3
    for shape in doc.inline_shapes:
        assert abs(shape.width.cm - 15.0) < 0.01


def test_docx_footer_page_number(docx_bytes):
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        footers = [n for n in z.namelist() if re.match(r"word/footer\d+\.xml", n)]
        assert len(footers) == 2  # odd (right) and even (left)
        for name in footers:
            xml = z.read(name).decode("utf-8")
            assert "PAGE" in xml and xml.count("\u2014") == 2
            assert 'w:eastAsia="宋体"' in xml and 'w:sz w:val="28"' in xml
        settings = z.read("word/settings.xml").decode("utf-8")
        assert "<w:evenAndOddHeaders/>" in settings


def test_docx_core_properties_and_no_leftovers(docx_bytes):
    props = Document(io.BytesIO(docx_bytes)).core_properties
    assert props.title == "大祥区2023年度信访工作整体支出绩效评价报告"
    assert props.author == "" and props.last_modified_by == "" and props.comments == ""
    assert props.created.isoformat() == "2023-12-31T00:00:00+00:00"
    assert props.last_printed == props.created
    assert props.modified == props.created and props.revision == 1
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        names = z.namelist()
        assert names[0] == "[Content_Types].xml"
        assert not any("thumbnail" in n or "customXml" in n for n in names)
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
        everything = b"".join(z.read(n) for n in names)
    assert b"python-docx" not in everything
    assert b"SECRET_SOURCE" not in everything and b"Warning: secret" not in everything
    text = "".join(_document_xml(docx_bytes).itertext())
    assert FIGURE_TEXT in text and "<script>alert(1)</script>" in text


def test_docx_is_byte_identical_across_time(nb, docx_bytes, monkeypatch):
    later = time.time() + 3 * 86400
    monkeypatch.setattr(time, "time", lambda: later)
    monkeypatch.setattr(time, "localtime", lambda secs=None: time.gmtime(later))
    again, _ = render.ReportDocxExporter().from_notebook_node(nb)
    assert again == docx_bytes


# --- render_notebook ------------------------------------------------------------------------
def test_render_notebook_writes_both_files(nb, tmp_path, html_text, docx_bytes):
    paths = render.render_notebook(nb, tmp_path / "out", "城南街道")
    assert paths == {"html": tmp_path / "out" / "城南街道.html", "docx": tmp_path / "out" / "城南街道.docx"}
    assert paths["html"].read_text(encoding="utf-8") == html_text
    assert paths["docx"].read_bytes() == docx_bytes
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["城南街道.docx", "城南街道.html"]
    # a path works as well as a notebook node
    nb_file = tmp_path / "r.ipynb"
    nbformat.write(nb, nb_file)
    again = render.render_notebook(str(nb_file), tmp_path / "again", "r")
    assert again["docx"].read_bytes() == docx_bytes


def test_render_notebook_failure_leaves_nothing(tmp_path, monkeypatch):
    def broken(report):
        raise ValueError("disk on fire")

    monkeypatch.setattr(render.document, "report_docx", broken)
    with pytest.raises(RenderError, match="disk on fire"):
        render.render_notebook(make_notebook(), tmp_path, "x")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RenderError):
        render.render_notebook(make_notebook(), tmp_path, "../escape")
    with pytest.raises(RenderError):
        render.render_notebook(tmp_path / "missing.ipynb", tmp_path, "x")


@pytest.mark.slow
def test_jupyter_nbconvert_entry_points(tmp_path):
    jupyter = Path(sys.executable).with_name("jupyter")
    if not jupyter.exists():
        jupyter = shutil.which("jupyter")
    assert jupyter, "jupyter command not found"
    nb = nbformat.v4.new_notebook()
    nb.metadata["xinfang"] = {"title": "测试报告", "date": "2023-12-31"}
    cell = nbformat.v4.new_code_cell("SECRET_SOURCE = 1")
    cell.outputs = [_display({"text/markdown": f"## 一、基本情况\n\n{FIGURE_TEXT}。"})]
    nb.cells = [cell]
    nbformat.write(nb, tmp_path / "r.ipynb")
    for fmt, ext in (("xinfang_html", "html"), ("xinfang_docx", "docx")):
        done = subprocess.run(
            [str(jupyter), "nbconvert", "--to", fmt, "r.ipynb"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0, done.stderr
    html_text = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert FIGURE_TEXT in html_text and "SECRET_SOURCE" not in html_text
    doc = Document(str(tmp_path / "r.docx"))
    assert doc.paragraphs[0].text == "测试报告"
    assert any(FIGURE_TEXT in p.text for p in doc.paragraphs)


@pytest.mark.slow
def test_district_report_charts_carry_their_alt_text(district_report):
    # every chart of the real report: its computed description, in HTML and in Word alike
    html_alts = re.findall(r'<img [^>]*alt="([^"]*)"', district_report["html"].read_text(encoding="utf-8"))
    docx_alts = _descriptions(district_report["docx"].read_bytes())
    assert len(html_alts) >= 6
    assert [html.unescape(a) for a in html_alts] == docx_alts
    assert all(a and a != "图表" for a in docx_alts), docx_alts
    assert any("到国家信访局信访量（分渠道）：来信本期156件人次" in a for a in docx_alts), docx_alts
