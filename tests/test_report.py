"""The district report of the sample, end to end: figures, HTML hygiene, GB/T 9704 Word layout."""
from __future__ import annotations

import hashlib
import re
import subprocess
import zipfile
from html.parser import HTMLParser

import pytest
from conftest import ROOT, XINFANG, assert_no_pii, copy_params, docx_text, html_text
from docx import Document
from docx.shared import Cm

pytestmark = pytest.mark.slow

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

#: Every figure of section 一 of the original 2023 report, as the reader sees it.
FIGURES = ["508件人次", "同比上升94.64％", "27.56％", "156", "194.34％", "65", "306.25％", "287", "49.48％",
           "99.44％", "99.53％", "55.84％", "98.65％", "88.81％", "80.00％", "321.43％", "126", "184", "58",
           "77批1487人次", "489批684人次"]


class _Tables(HTMLParser):
    """Every <table> of an HTML page as rows of cell texts; a cell spanning rows (rowspan) is
    read in each of its rows, as a reader sees it."""

    def __init__(self):
        super().__init__()
        self.tables, self.cell, self.span, self.below = [], None, 1, {}

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
            self.below = {}  # column → (text, rows still covered)
        elif tag == "tr":
            self.tables[-1].append([])
            self._fill()
        elif tag in ("td", "th"):
            self.cell = []
            self.span = int(dict(attrs).get("rowspan") or 1)

    def _fill(self):
        row = self.tables[-1][-1]
        while len(row) in self.below:
            text, left = self.below.pop(len(row))
            row.append(text)
            if left > 1:
                self.below[len(row) - 1] = (text, left - 1)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            row = self.tables[-1][-1]
            text = "".join(self.cell).strip()
            if self.span > 1:
                self.below[len(row)] = (text, self.span - 1)
            row.append(text)
            self.cell = None
            self._fill()

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def html_tables(path) -> list[list[list[str]]]:
    p = _Tables()
    p.feed(path.read_text(encoding="utf-8"))
    return p.tables


@pytest.mark.parametrize("fmt", ["html", "docx"])
@pytest.mark.parametrize("figure", FIGURES)
def test_every_figure_of_the_original_is_in_the_report(district_report, fmt, figure):
    text = html_text(district_report["html"]) if fmt == "html" else docx_text(district_report["docx"])
    assert figure in text


def test_sentences_carry_the_figures_in_context(district_report):
    text = docx_text(district_report["docx"])
    assert "到国家信访局信访量508件人次，同比上升94.64％" in text
    assert "来信156件次，同比上升194.34％" in text
    assert "来访65人次，同比上升306.25％" in text
    assert "网上信访287件次，同比上升49.48％" in text
    assert "在国家信访局登记58人次，分别是城南街道27人次，火车南站街道7人次" in text
    assert "到市集访77批1487人次，同比上升88.95％；个访489批684人次" in text


def test_html_is_self_contained_and_clean(district_report):
    html = district_report["html"].read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert not re.search(r"<link[^>]+href=", html, re.I)
    for attr in re.findall(r'(?:src|href)\s*=\s*["\']([^"\']*)', html, re.I):
        assert not attr.lower().startswith(("http:", "https:", "//")), attr
    imgs = re.findall(r"<img[^>]*>", html)
    assert len(imgs) >= 3
    for img in imgs:
        assert re.search(r'src="data:image/png;base64,', img), img[:80]
    # no code, no prompts, no stderr
    for needle in ("load_report", "import xinfang", "In&nbsp;[", "jp-InputArea", "jp-OutputPrompt",
                   "stderr", "Warning", "Traceback"):
        assert needle not in html, needle


def test_docx_page_setup_follows_gbt_9704(district_report):
    doc = Document(district_report["docx"])
    s = doc.sections[0]
    assert abs(s.page_width - Cm(21.0)) < Cm(0.01) and abs(s.page_height - Cm(29.7)) < Cm(0.01)
    for got, want in ((s.top_margin, 3.7), (s.bottom_margin, 3.5), (s.left_margin, 2.8), (s.right_margin, 2.6)):
        assert abs(got - Cm(want)) < Cm(0.01)


def _east_asia(run_el) -> str | None:
    fonts = run_el.find(f"{W}rPr/{W}rFonts")
    return None if fonts is None else fonts.get(f"{W}eastAsia")


def test_docx_fonts_carry_east_asia(district_report):
    doc = Document(district_report["docx"])
    # the title breaks between the issuer and the kind of report (balanced lines)
    title = next(p for p in doc.paragraphs if p.text == "2023年邵阳市大祥区信访局\n整体支出绩效评价报告")
    assert {_east_asia(r._r) for r in title.runs} == {"方正小标宋简体"}
    body = next(p for p in doc.paragraphs if "到国家信访局信访量508件人次" in p.text)
    assert {_east_asia(r._r) for r in body.runs} == {"仿宋_GB2312"}
    heading = next(p for p in doc.paragraphs if p.text == "一、基本情况")
    assert {_east_asia(r._r) for r in heading.runs} == {"黑体"}
    # every run of the document body says which East Asian font it uses
    runs = doc.element.body.iter(f"{W}r")
    assert all(_east_asia(r) for r in runs if r.find(f"{W}t") is not None)


def test_docx_has_real_tables_pictures_and_page_numbers(district_report):
    with zipfile.ZipFile(district_report["docx"]) as z:
        body = z.read("word/document.xml").decode("utf-8")
        footers = [z.read(n).decode("utf-8") for n in z.namelist() if re.match(r"word/footer\d*\.xml", n)]
    assert body.count("<w:tbl>") >= 3
    assert body.count("<w:tblHeader") >= 3
    assert body.count("<pic:pic") >= 3
    assert any("PAGE" in f and "—" in f for f in footers)


def test_docx_core_properties_are_fixed_and_impersonal(district_report):
    props = Document(district_report["docx"]).core_properties
    assert props.title == "2023年邵阳市大祥区信访局整体支出绩效评价报告"
    assert props.author in ("", None) and props.last_modified_by in ("", None)
    assert props.created.date().isoformat() == "2024-03-14"  # the report date: the last reply its figures count


@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_scoring_table_adds_up_and_grade_matches(district_report, fmt):
    if fmt == "docx":
        doc = Document(district_report["docx"])
        # a header set on two lines (一级 / 指标) reads as one word
        table = next(t for t in doc.tables if t.rows[0].cells[0].text.replace("\n", "") == "一级指标")
        rows = [[c.text.replace("\n", "") for c in r.cells] for r in table.rows]
        text = docx_text(district_report["docx"])
    else:
        rows = next(t for t in html_tables(district_report["html"]) if t and t[0] and t[0][0] == "一级指标")
        text = html_text(district_report["html"])
    header, body = rows[0], rows[1:]
    score_col = header.index("得分")
    leaves = [float(r[score_col]) for r in body if r[0] != "合计"]
    total = next(r for r in body if r[0] == "合计")
    assert round(sum(leaves), 2) == float(total[score_col])
    t = float(total[score_col])
    grade = "优" if t >= 90 else "良" if t >= 80 else "中" if t >= 60 else "差"
    assert f"评价等级为“{grade}”" in text
    assert f"得分{total[score_col]}分" in text
    assert len(leaves) >= 15


def test_no_personal_data_in_any_output(district_report):
    assert_no_pii(district_report["dir"])


def test_same_inputs_give_byte_identical_html_and_docx(district_report, tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "output")
    proc = subprocess.run([*XINFANG, "report", "--year", "2023", "--params", str(params)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    for ext in ("html", "docx"):
        first = district_report[ext].read_bytes()
        second = (tmp_path / "output" / "2023" / district_report[ext].name).read_bytes()
        assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest(), ext


def test_bad_input_writes_nothing(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "output")
    bad = tmp_path / "bad.csv"
    import csv
    import io

    rows = list(csv.reader(io.StringIO((ROOT / "seeds" / "信访事项登记表.csv").read_bytes().decode("gb18030"))))
    rows[5][rows[0].index("信访形式")] = "电报"   # Excel row 6
    with open(bad, "w", encoding="gb18030", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    proc = subprocess.run([*XINFANG, "report", "--year", "2023", "--params", str(params), "--data", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "第6行" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "output").exists() or not any((tmp_path / "output").rglob("*.*"))


def test_a_foreign_python3_kernelspec_is_not_used(tmp_path):
    # An analyst's machine often has ~/.local/share/jupyter/kernels/python3 pointing at another
    # Python without xinfang: reports must run in the interpreter that runs xinfang.
    import json
    import os

    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({"argv": ["/bin/false", "{connection_file}"],
                                                  "display_name": "foreign", "language": "python"}))
    params = copy_params(tmp_path / "params", tmp_path / "output")
    env = dict(os.environ, JUPYTER_DATA_DIR=str(tmp_path / "jupyter"), JUPYTER_PREFER_ENV_PATH="0",
               XINFANG_FORK_KERNELS="0")
    proc = subprocess.run([*XINFANG, "report", "--year", "2023", "--params", str(params)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
