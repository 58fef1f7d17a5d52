"""xinfang.render.docx / gbt9704: the layout of attachments, tables and the formal parts, read
from the DOCX XML; and, where LibreOffice is installed, from the PDF it makes of it."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import XINFANG, copy_params
from lxml import etree

from xinfang.blocks import Cell, Colophon, DocumentInfo, Heading, Paragraph, Signature, Span, Table
from xinfang.render.document import build_document
from xinfang.render.docx import report_docx
from xinfang.render.gbt9704 import text_em, tokens

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
DATES = ["2023年10月22日", "2023年12月31日", "2024年1月2日"]


def _budget_table() -> Table:
    return Table.from_rows(["项目", "年初预算（万元）", "调整预算（万元）", "决算（万元）", "上年决算（万元）", "执行率", "完成情况"],
                           [["基本支出", "291.00", "301.80", "299.05", "287.45", "99.09％", "完成"],
                            ["项目支出", "120.00", "118.00", "110.10", "100.00", "93.31％", "未完成"]], "表1 预算执行情况")


def _score_table() -> Table:
    rows = [["决策", "绩效目标", "目标合理性", 3], ["决策", "绩效目标", "指标明确性", 3], ["决策", "资金投入", "预算编制", 4],
            ["过程", "资金管理", "执行率", 5], ["过程", "资金管理", "合规性", 5]]
    return Table.from_rows(["一级指标", "二级指标", "三级指标", "得分"], rows, "", merge=["一级指标", "二级指标"])


def _dated_table(n: int) -> Table:
    return Table.from_rows(["序号", "信访件编号", "登记日期", "应办日期", "问题领域"],
                           [[i + 1, f"DX2023-{i:06d}", DATES[i % 3], DATES[(i + 1) % 3], "城乡建设"] for i in range(n)],
                           "案件清单")


def document(rows: int = 40):
    blocks = [DocumentInfo("关于某事项的通报", ("关于某事项的通报",), "", "2024-01-02", number="大信联办〔2023〕12号"),
              Heading(1, "关于某事项的通报"), Signature(("各乡镇街道：",), align="left"),
              *[Paragraph("正文一段，说明有关情况。" * 6) for _ in range(12)],
              Paragraph([Span("附件：1.预算执行情况"), Span("", br=True), Span("2.评分表"), Span("", br=True), Span("3.案件清单")],
                        role="annex_list"),
              Signature(("大祥区信访工作联席会议办公室", "2024年1月2日")),
              Heading(2, "预算执行情况", label="附件1"), _budget_table(),
              Heading(2, "评分表", label="附件2"), _score_table(),
              Heading(2, "案件清单", label="附件3"), _dated_table(rows),
              Colophon(("区委办公室", "区人民政府办公室"), "大祥区信访工作联席会议办公室", "2024年1月2日")]
    return build_document(blocks)


def xml(doc=None) -> etree._Element:
    data = report_docx(doc or document())
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml"))


def text(el) -> str:
    return "".join(el.itertext())


def test_every_attachment_starts_a_page_label_top_left_title_centred():
    body = xml().find("w:body", NS)
    paras = body.findall("w:p", NS)
    labels = [p for p in paras if text(p) in ("附件1", "附件2", "附件3")]
    assert [text(p) for p in labels] == ["附件1", "附件2", "附件3"]
    for p in labels:
        assert p.find("w:pPr/w:pageBreakBefore", NS) is not None
        assert p.find("w:pPr/w:keepNext", NS) is not None
        title = p.getnext()
        assert title.find("w:pPr/w:jc", NS).get(f"{{{W}}}val") == "center"
    assert text(labels[0].getnext()) == "预算执行情况"


def test_the_annex_list_comes_after_the_body_and_before_the_signature():
    paras = [text(p) for p in xml().iter(f"{{{W}}}p")]
    i = paras.index("附件：1.预算执行情况2.评分表3.案件清单")
    assert paras[i - 1].startswith("正文一段") and paras.index("大祥区信访工作联席会议办公室") > i
    assert paras.index("大祥区信访工作联席会议办公室") < paras.index("附件1")


def test_the_number_is_above_the_title_and_the_colophon_closes_the_document():
    root = xml()
    paras = root.findall("w:body/w:p", NS)
    assert text(paras[0]) == "大信联办〔2023〕12号" and text(paras[1]) == "关于某事项的通报"
    cc, printed = paras[-2], paras[-1]
    assert text(cc) == "抄送：区委办公室，区人民政府办公室。"
    assert text(printed) == "大祥区信访工作联席会议办公室\t2024年1月2日印发".replace("\t", "")
    assert cc.find("w:pPr/w:pBdr/w:top", NS).get(f"{{{W}}}sz") == "8"       # thick rule above
    assert printed.find("w:pPr/w:pBdr/w:bottom", NS).get(f"{{{W}}}sz") == "8"  # and below


def test_no_trailing_page_the_paragraph_after_the_last_table_is_one_point_high():
    doc = build_document([Heading(1, "表"), _dated_table(3)])
    last = xml(doc).findall("w:body/w:p", NS)[-1]
    assert last.find("w:pPr/w:spacing", NS).get(f"{{{W}}}line") == "20"


def test_repeated_indicator_names_are_merged_cells():
    tbl = [t for t in xml().iter(f"{{{W}}}tbl")][1]
    rows = tbl.findall("w:tr", NS)[1:]
    def merge(r, c):
        v = rows[r].findall("w:tc", NS)[c].find("w:tcPr/w:vMerge", NS)
        return None if v is None else (v.get(f"{{{W}}}val") or "continue")
    # 决策 spans rows 0–2, 绩效目标 rows 0–1, 资金投入 alone; 过程 and 资金管理 rows 3–4
    assert [merge(r, 0) for r in range(5)] == ["restart", "continue", "continue", "restart", "continue"]
    assert [merge(r, 1) for r in range(5)] == ["restart", "continue", None, "restart", "continue"]
    assert [text(rows[r].findall("w:tc", NS)[0]) for r in range(5)] == ["决策", "", "", "过程", ""]


def test_columns_are_wider_than_every_header_word_date_and_number():
    for tbl in xml().iter(f"{{{W}}}tbl"):
        widths = [int(g.get(f"{{{W}}}w")) for g in tbl.findall("w:tblGrid/w:gridCol", NS)]
        margin = int(tbl.find("w:tblPr/w:tblCellMar/w:left", NS).get(f"{{{W}}}w"))
        for r, tr in enumerate(tbl.findall("w:tr", NS)):
            col = 0
            for tc in tr.findall("w:tc", NS):
                span = tc.find("w:tcPr/w:gridSpan", NS)
                span = int(span.get(f"{{{W}}}val")) if span is not None else 1
                size = int(tc.find(".//w:sz", NS).get(f"{{{W}}}val")) / 2 if tc.find(".//w:sz", NS) is not None else 12
                room = sum(widths[col:col + span]) - 2 * margin
                for line in [t.text or "" for t in tc.iter(f"{{{W}}}t")]:
                    for piece in tokens(line, header=r == 0):
                        assert text_em(piece, r == 0) * size * 20 <= room, (line, piece)
                col += span


def test_a_table_keeps_its_header_with_its_first_rows():
    tbl = [t for t in xml().iter(f"{{{W}}}tbl")][2]
    rows = tbl.findall("w:tr", NS)
    kept = [r.find("w:tc/w:p/w:pPr/w:keepNext", NS) is not None for r in rows]
    assert kept[:3] == [True, True, True] and kept[3] is False and kept[-2] is True and kept[-1] is False


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="LibreOffice (soffice) and pdftotext are not installed")
def test_in_libreoffice_attachments_start_pages_no_blank_last_page_no_broken_words(tmp_path):
    path = tmp_path / "通报.docx"
    path.write_bytes(report_docx(document(rows=40)))
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    out = subprocess.run(["pdftotext", "-layout", str(tmp_path / "通报.pdf"), "-"], capture_output=True,
                         text=True, check=True).stdout
    pages = [re.sub(r"[ \u3000]+", "", p) for p in out.split("\f") if p.strip()]
    starts = [p.lstrip("\n").split("\n", 1)[0] for p in pages]
    for label in ("附件1", "附件2", "附件3"):
        assert label in starts, (label, starts)
    assert re.sub(r"[—\s\d]", "", pages[-1])          # the last page has text, not only its number
    lines = [line for p in pages for line in p.split("\n")]
    for word in ("年初预算", "（万元）", "决算", "完成情况", "执行率", *DATES):
        assert any(word in line for line in lines), word


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="LibreOffice (soffice) and pdftotext are not installed")
def test_in_libreoffice_the_district_report_attachments_start_pages_and_the_last_page_has_text(district_report, tmp_path):
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(district_report["docx"])], check=True, capture_output=True, timeout=300)
    pdf = next(tmp_path.glob("*.pdf"))
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = [re.sub(r"[ \u3000]+", "", p) for p in out.split("\f") if p.strip()]
    starts = [p.lstrip("\n").split("\n", 1)[0] for p in pages]
    assert [s for s in starts if s.startswith("附件")] == ["附件1", "附件2", "附件3", "附件4"]
    assert re.sub(r"[—\s\d]", "", pages[-1])
    lines = [line for p in pages for line in p.split("\n")]
    for word in ("年初预算", "（万元）", "决算", "执行率", "完成情况", "上年决算", "一级", "二级指标", "三级指标"):
        assert any(word in line for line in lines), word


def _pdf_pages(docx: Path, tmp_path: Path) -> tuple[list[str], str]:
    """The pages of ``docx`` as LibreOffice prints them (pdftotext -layout, spaces removed) and the
    whole text in reading order without any whitespace."""
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=300)
    pdf = tmp_path / (docx.stem + ".pdf")
    layout = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"[ \u3000]+", "", p) for p in layout.split("\f") if p.strip()], re.sub(r"\s+", "", flat)


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="LibreOffice (soffice) and pdftotext are not installed")
def test_in_libreoffice_both_forms_print_every_table_row_and_start_each_attachment_on_a_page(district_report, tmp_path):
    from docx import Document

    params = copy_params(tmp_path / "params", tmp_path / "output")  # the shared report's folder stays as it is
    proc = subprocess.run([*XINFANG, "report", "--year", "2023", "--form", "评价报告", "--params", str(params)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    evaluation = tmp_path / "output" / "2023" / "大祥区_2023_整体支出绩效评价报告_评价报告.docx"
    for docx, attachments in ((district_report["docx"], 4), (evaluation, 3)):
        pages, flat = _pdf_pages(docx, tmp_path)
        starts = [p.lstrip("\n").split("\n", 1)[0] for p in pages]
        assert [s for s in starts if s.startswith("附件")] == [f"附件{i}" for i in range(1, attachments + 1)], docx.name
        assert re.sub(r"[—\s\d]", "", pages[-1]), docx.name       # the last page has text, not only its number
        rows = [row for table in Document(str(docx)).tables for row in table.rows]
        assert len(rows) > 100
        for row in rows:  # every row is printed: its first cell's text is in the PDF
            first = re.sub(r"\s+", "", row.cells[0].text)
            assert first in flat, (docx.name, first)
