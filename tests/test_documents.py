"""Every report read as its reader reads it: no machinery, no placeholders, figures that agree.

The district report of 2023 in both forms, the district report of 2022, and every unit report of
2023 are made once by the installed command, and their visible text (HTML and DOCX) is checked.
"""
from __future__ import annotations

import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT, XINFANG, copy_params, docx_text, html_text

DISTRICT = "大祥区_{year}_整体支出绩效评价报告"

#: ASCII words a Chinese official document may carry (kept short on purpose).
ALLOWED_ASCII = {"HTML", "DOCX", "PDF", "Excel", "Word", "WPS"}


def _run(*args: str, cwd: Path) -> None:
    proc = subprocess.run([*XINFANG, *args], capture_output=True, text=True, cwd=cwd)
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, dict]:
    """name → {"html": visible text, "docx": visible text, "docx_path"} of every report."""
    base = tmp_path_factory.mktemp("documents")
    out = base / "output"
    params = copy_params(base / "params", out)
    _run("report", "--year", "2023", "--params", str(params), cwd=base)
    _run("report", "--year", "2022", "--params", str(params), cwd=base)
    _run("batch", "--year", "2023", "--by", "unit", "--params", str(params), "--quiet", cwd=base)
    docs = {}
    for year in (2023, 2022):
        stem = out / str(year) / DISTRICT.format(year=year)
        docs[f"自评报告{year}"] = _texts(stem)
    for unit in sorted((out / "2023" / "units").glob("*.html")):
        docs[unit.stem] = _texts(unit.with_suffix(""))
    # form B: the same year and output folder with --form 评价报告, beside form A
    form_a = out / "2023" / DISTRICT.format(year=2023)
    before = {suffix: (form_a.parent / f"{form_a.name}{suffix}").read_bytes() for suffix in (".html", ".docx")}
    _run("report", "--year", "2023", "--form", "评价报告", "--params", str(params), cwd=base)
    docs["评价报告2023"] = _texts(form_a.parent / f"{form_a.name}_评价报告")
    docs["评价报告2023"]["自评报告 before"] = before
    return docs


def _texts(stem: Path) -> dict:
    html, docx = stem.parent / f"{stem.name}.html", stem.parent / f"{stem.name}.docx"
    return {"html": html_text(html), "docx": docx_text(docx), "docx_path": docx}


FORBIDDEN = [
    ("a placeholder", re.compile(r"样例|请撰写|中撰写|None|\bnan\b|NaN")),
    ("a dash inside a sentence", re.compile(r"—[，。；、]")),
    ("100.00％ or 0.00％ (written 100％ and 0％)", re.compile(r"(?<![\d.])(?:100|0)\.00[％%]")),
    ("a doubled unit or name", re.compile(r"人次人次|件次件次|区区|件人次件人次")),
    ("a file name", re.compile(r"\w+\.(?:yaml|yml|md|csv|xlsx|ipynb)\b")),
    ("a hash", re.compile(r"\b[0-9a-f]{16,}\b")),
    ("an indicator code", re.compile(r"\b[a-z_]+\.[a-z_]+(?:\.[a-z_]+)?\b")),
    ("a row count of an input file", re.compile(r"行）")),
    ("an expression", re.compile(r"=是")),
    ("a file the reader does not have", re.compile(r"指标汇总表")),
]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_no_machinery_or_placeholder_in_any_report(documents, fmt):
    problems = []
    for name, texts in documents.items():
        text = texts[fmt]
        for what, pattern in FORBIDDEN:
            for m in pattern.finditer(text):
                problems.append(f"{name}: {what}: …{text[max(0, m.start() - 20):m.end() + 20]}…")
        for word in re.findall(r"[A-Za-z]{4,}", text):
            if word not in ALLOWED_ASCII:
                problems.append(f"{name}: English word {word!r}")
    assert not problems, "\n".join(problems[:30])


_RATE_ROW = re.compile(r"([\d.]+)[％%]\s*\|\s*([\d.]+)[％%]\s*\|\s*(上升|下降)([\d.]+)个百分点")


@pytest.mark.slow
def test_every_percentage_point_change_is_the_difference_of_the_shown_rates(documents):
    """In every table row with two rates and a 个百分点 change, the change is the difference of
    the two values as printed (27.56％ against 19.38％ is 8.18, not 8.19)."""
    from docx import Document

    seen = 0
    for texts in documents.values():
        for table in Document(texts["docx_path"]).tables:
            for row in table.rows:
                line = " | ".join(c.text.replace("\n", "") for c in row.cells)  # lines of a cell: one text
                m = _RATE_ROW.search(line)
                if not m:
                    continue
                now, prev, word, points = m.groups()
                diff = Decimal(now) - Decimal(prev)
                assert (word == "上升") == (diff > 0) and abs(diff) == Decimal(points), line
                seen += 1
    assert seen >= 10


#: Every figure of the original report's 基本情况 1, and the facts of its 主要做法 and 访情.
ORIGINAL_FIGURES = ["508件人次", "94.64％", "27.56％", "156件次", "194.34％", "65人次", "306.25％", "287件次",
                    "49.48％", "及时受理率100％", "按期答复率100％", "99.44％", "99.53％", "120件人次", "55.84％",
                    "98.65％", "88.81％", "80.00％", "321.43％", "126件", "15件", "再次信访率0％", "58人次",
                    "城南街道27人次", "火车南站街道7人次", "77批1487人次", "489批684人次"]
FACTS = ["18次", "30批48人次", "6件", "方案6个", "22名区级领导", "80件", "43个", "12个", "46件", "11批次109份",
         "城南街道、火车南站街道", "30余名", "五个方面", "一是提高站位", "二是强化督导", "三是创新举措"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_form_a_carries_every_figure_and_fact_of_the_original(documents, fmt):
    text = documents["自评报告2023"][fmt]
    missing = [f for f in ORIGINAL_FIGURES + FACTS if f not in text]
    assert not missing, missing
    for heading in ("一、基本情况", "（一）部门概况", "绩效目标完成情况", "综合评价结论", "二、主要做法",
                    "三、存在问题", "四、下步打算", "附件1", "附件2", "附件3"):
        assert heading in text, heading
    # dated the last reply its figures count (2024-03-14 in the sample), not New Year's Day
    assert "2024年3月14日" in text and "2024年1月1日" not in text


@pytest.mark.slow
def test_the_evaluation_report_is_written_beside_the_self_assessment_and_leaves_it_in_place(documents):
    """``report --form 评价报告`` writes its own files; the 自评报告 of the same year stays, byte for byte."""
    form_a = documents["自评报告2023"]["docx_path"]
    before = documents["评价报告2023"]["自评报告 before"]
    assert documents["评价报告2023"]["docx_path"].name == "大祥区_2023_整体支出绩效评价报告_评价报告.docx"
    assert form_a.read_bytes() == before[".docx"]
    assert form_a.with_suffix(".html").read_bytes() == before[".html"]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_form_b_carries_every_figure_of_the_original_before_its_attachments_and_is_signed_by_the_evaluator(documents, fmt):
    text = documents["评价报告2023"][fmt]
    body = text[:text.index("附件：1.")]   # the body ends with the 附件说明, before the 落款 and the attachments
    missing = [f for f in ORIGINAL_FIGURES if f not in body]
    assert not missing, missing
    signature = text[text.index("附件：1."):text.index("绩效评价指标评分表", text.index("附件：1.") + 20)]
    assert "大祥区财政局绩效评价工作组" in signature and "2024年3月29日" in signature
    assert "主要做法、存在问题和下步打算" not in body


@pytest.mark.slow
def test_form_a_has_the_self_assessment_table_as_its_first_attachment(documents):
    text = documents["自评报告2023"]["docx"]
    assert "附件：1.部门整体支出绩效自评表" in text
    for header in ("年度总体目标", "实际完成情况", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"):
        assert header in text, header


@pytest.mark.slow
def test_form_b_names_every_leaf_that_lost_points_with_its_reason(documents):
    from xinfang.report import load_report

    text = documents["评价报告2023"]["docx"]
    for heading in ("一、基本概况", "二、绩效评价工作开展情况", "三、绩效评价指标体系、评价标准和评价方法",
                    "四、综合评价结论", "五、绩效指标分析", "六、主要经验做法", "七、存在问题及原因分析",
                    "八、有关建议", "九、其他需要说明的问题"):
        assert heading in text, heading
    card = load_report(2023, ROOT / "params").context.scorecard
    lost = [s for s in card.leaves if s.scored and s.score < s.weight]
    assert len(lost) >= 5
    analysis = text[text.index("五、绩效指标分析"):text.index("六、主要经验做法")]
    for leaf in lost:
        line = next((x for x in analysis.splitlines() if re.sub(r"^\d+\.\s*", "", x).startswith(leaf.level3)), None)
        assert line, leaf.level3
        why = line.split("：", 1)[1]
        if leaf.rule == "manual":
            assert leaf.reason and leaf.reason.rstrip("。") in why, line  # the 扣分理由 of the params
        else:
            assert f"实际值{leaf.actual_text.replace('%', '％')}" in why or "上年同期为0" in why, line


@pytest.mark.slow
@pytest.mark.parametrize("strip_metadata", [False, True])
def test_nbconvert_on_the_kept_notebook_gives_the_same_document(district_report, tmp_path, strip_metadata):
    """``jupyter nbconvert --to xinfang_html|xinfang_docx`` on the executed notebook gives the very
    bytes of ``xinfang report``: what the renderer needs travels in the notebook — in its
    metadata, and in its outputs when a tool that executed it wrote no metadata."""
    import json
    import sys

    nb = json.loads(district_report["ipynb"].read_text(encoding="utf-8"))
    if strip_metadata:
        nb["metadata"].pop("xinfang", None)
    source = tmp_path / "report.ipynb"
    source.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    for to, ext in (("xinfang_html", "html"), ("xinfang_docx", "docx")):
        proc = subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", to, str(source),
                               "--output-dir", str(tmp_path), "--output", f"out_{to}"],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-2000:]
        made = tmp_path / f"out_{to}.{ext}"
        assert made.read_bytes() == district_report[ext].read_bytes(), ext
