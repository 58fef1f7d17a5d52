"""Issue 23, points 10 and 11: text from the register or the parameters is text in every output:
never document structure (a heading, bold), never live HTML in the executed notebook."""
from __future__ import annotations

import pytest
import yaml
from conftest import HEADERS, copy_params, row

from xinfang.blocks import Heading, ListBlock, Paragraph
from xinfang.errors import ParameterError

HOSTILE = "\n\n## 伪造章节 **加粗** <script>alert(1)</script> [点此](javascript:alert(2)) {表:核心}"


def hostile_report(tmp_path, unit=None):
    from openpyxl import Workbook

    from xinfang.report import load_report

    params = copy_params(tmp_path / "params", tmp_path / "out")
    rows = [row(f"A{i}", f"M{i}", "2023-03-01", unit="中心路街道", domain=HOSTILE if i % 2 else "城乡建设")
            for i in range(4)]
    register = tmp_path / "r.xlsx"   # a workbook cell may hold line breaks; a CSV line may not
    wb = Workbook()
    wb.active.append(HEADERS)
    for r in rows:
        wb.active.append([r[h] for h in HEADERS])
    wb.save(register)
    return load_report(2023, params, unit, register=str(register))


def blocks_of(report) -> list:
    out = []
    for outputs in report.outputs.values():
        out.extend(b for b in outputs if isinstance(b, (Heading, Paragraph, ListBlock)))
    return out


@pytest.mark.parametrize("unit", [None, "中心路街道"])
def test_point11_register_text_never_becomes_a_heading_or_bold(unit, tmp_path):
    blocks = blocks_of(hostile_report(tmp_path, unit))
    assert not [b for b in blocks if isinstance(b, Heading) and "伪造章节" in b.text]
    spans = [s for b in blocks if isinstance(b, Paragraph) for s in b.spans]
    assert not [s for s in spans if "加粗" in s.text and s.bold]
    said = [b for b in blocks if isinstance(b, Paragraph) and "伪造章节" in "".join(s.text for s in b.spans)]
    assert said, "the domain is named in a sentence"
    text = "".join(s.text for s in said[0].spans)
    assert "## 伪造章节 **加粗** <script>alert(1)</script> [点此](javascript:alert(2)) {表:核心}" in text


def test_point10_register_text_reaches_the_notebook_outputs_as_text(tmp_path):
    import nbformat
    from nbconvert import HTMLExporter

    from xinfang.display import bundle

    report = hostile_report(tmp_path)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={k: v for k, v in bundle(b)[0].items()
                                                                  if k in ("text/markdown", "text/plain", "text/html")})
                    for b in blocks_of(report)]
    nb.cells = [cell]
    html, _ = HTMLExporter().from_notebook_node(nb)
    body = html[html.index("<body"):]
    assert "<script>alert(1)" not in body and 'href="javascript:' not in body
    assert "伪造章节</h" not in body and "<strong>加粗" not in body


@pytest.mark.parametrize("key", ["bureau", "district", "signature"])
@pytest.mark.parametrize("value", ["信访局<script>", "**信访局**", "信访局[链接]"])
def test_point10_names_in_parameters_carry_no_markup(key, value, tmp_path):
    from xinfang.config import load_params

    params = copy_params(tmp_path / "params", tmp_path / "out")
    doc = yaml.safe_load((params / "defaults.yaml").read_text(encoding="utf-8"))
    doc[key] = value
    (params / "defaults.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ParameterError) as err:
        load_params(params, 2023)
    assert key in str(err.value) and "markup" in str(err.value)
