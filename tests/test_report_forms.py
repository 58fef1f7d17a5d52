"""Report forms: numbering is generated from the place of a section in its form."""
from __future__ import annotations

import pandas as pd
import pytest

from xinfang.errors import ParameterError
from xinfang.report import forms as forms_mod
from xinfang.blocks import Heading, Paragraph, Table
from xinfang.report.sections import SECTIONS, TablePart, Text, section


@pytest.fixture
def fake_sections(monkeypatch):
    """Three throw-away sections: one with a table, one empty, one with text only."""
    added = {}

    def reg(name, title, parts):
        monkeypatch.delitem(SECTIONS, name, raising=False)
        section(name, title)(lambda ctx: parts)
        added[name] = True

    reg("甲", "甲节", [Text("正文甲"), TablePart(pd.DataFrame({"a": [1]}), "甲表")])
    reg("乙", "乙节", [])
    reg("丙", "丙节", [Text("正文丙"), TablePart(pd.DataFrame({"a": [2]}), "丙表"),
                     TablePart(pd.DataFrame({"a": [3]}), "不编号", numbered=False)])
    yield
    for name in added:
        SECTIONS.pop(name, None)


def _cell(text, header=False):
    from xinfang.blocks import Cell

    return Cell(text, header=header)


def _label(block):
    if isinstance(block, Heading):
        return f"H{block.level} {block.full_text}"
    if isinstance(block, Paragraph):
        return "".join(s.text for s in block.spans)
    return block.caption


def _use_form(monkeypatch, entries):
    monkeypatch.setattr(forms_mod, "load_forms", lambda: {"测试": tuple(entries)})


def test_numbers_close_up_over_an_empty_section(fake_sections, monkeypatch):
    _use_form(monkeypatch, [forms_mod.Chapter("基本情况", ("甲", "乙")), "丙"])
    out = forms_mod.assemble(object(), "测试")
    # the chapter heading goes with its first section; 乙 is left out, and 丙 becomes 二、
    # headings are blocks, not Markdown text
    assert out["甲"][:3] == [Heading(2, "一、基本情况"), Heading(3, "（一）甲节"), Paragraph("正文甲")]
    assert out["甲"][3] == Table("表1 甲表", [[_cell("a", True)]], [[_cell("1")]])
    assert "乙" not in out
    assert [_label(o) for o in out["丙"]] == ["H2 二、丙节", "正文丙", "表2 丙表", "不编号"]


def test_a_chapter_whose_sections_are_all_empty_is_left_out(fake_sections, monkeypatch):
    _use_form(monkeypatch, [forms_mod.Chapter("基本情况", ("乙",)), forms_mod.Chapter("其他", ("甲",))])
    out = forms_mod.assemble(object(), "测试")
    assert list(out) == ["甲"] and [_label(o) for o in out["甲"][:2]] == ["H2 一、其他", "H3 （一）甲节"]


def test_annex_sections_are_numbered_as_attachments(fake_sections, monkeypatch):
    _use_form(monkeypatch, [forms_mod.Chapter("附件", ("甲", "丙"))])
    out = forms_mod.assemble(object(), "测试")
    assert [_label(o) for o in out["甲"][:2]] == ["H2 附件1 甲节", "正文甲"]
    assert [_label(o) for o in out["丙"][:2]] == ["H2 附件2 丙节", "正文丙"]
    assert out["甲"][0] == Heading(2, "甲节", label="附件1")  # the label apart: a new page, then the title


def test_the_annex_list_goes_before_the_signature_and_one_attachment_is_not_numbered(fake_sections, monkeypatch):
    from xinfang.blocks import Signature, Span

    monkeypatch.delitem(SECTIONS, "丁", raising=False)
    section("丁", None)(lambda ctx: [Text("结尾。"), Signature(("某办公室", "2024年1月2日"))])
    try:
        _use_form(monkeypatch, ["甲", "丁", forms_mod.Chapter("附件", ("丙", "甲2"))])
        monkeypatch.setitem(SECTIONS, "甲2", SECTIONS["甲"])
        out = forms_mod.assemble(object(), "测试")
        para = out["丁"][1]
        assert para == Paragraph([Span("附件：1.丙节"), Span("", br=True), Span("2.甲节")], role="annex_list")
        assert out["丁"][2] == Signature(("某办公室", "2024年1月2日"))
        _use_form(monkeypatch, ["丁", forms_mod.Chapter("附件", ("丙",))])
        out = forms_mod.assemble(object(), "测试")
        assert out["丁"][1] == Paragraph("附件：丙节", role="annex_list")
        assert out["丙"][0] == Heading(2, "丙节", label="附件")
    finally:
        SECTIONS.pop("丁", None)


def test_consecutive_texts_are_one_run_of_markdown(monkeypatch):
    # a list spread over two texts is one list; a table note becomes a note paragraph
    monkeypatch.delitem(SECTIONS, "丁", raising=False)
    section("丁", None)(lambda ctx: [Text("- 一"), Text("- 二"),
                                     TablePart(pd.DataFrame({"a": [" x  y "]}), "丁表", note="注： 截至 \n 12月")])
    try:
        _use_form(monkeypatch, ["丁"])
        (items, table, note) = forms_mod.assemble(object(), "测试")["丁"]
    finally:
        SECTIONS.pop("丁", None)
    assert [item[0].spans[0].text for item in items.items] == ["一", "二"]
    assert table.body[0][0].text == "x y"  # white space as a browser shows it
    assert note == Paragraph("注： 截至 12月", role="note")


def test_every_form_names_only_real_sections():
    shipped = forms_mod.load_forms()
    assert {"自评报告", "单位报告"} <= set(shipped)
    for entries in shipped.values():
        assert set(forms_mod._names(entries)) <= set(SECTIONS)


def test_an_unknown_section_in_a_form_is_an_error(tmp_path, monkeypatch):
    bad = tmp_path / "forms.yaml"
    bad.write_text("自评报告:\n  - 标题\n  - 不存在的节\n", encoding="utf-8")
    monkeypatch.setattr(forms_mod, "FORMS_FILE", bad)
    forms_mod.load_forms.cache_clear()
    try:
        with pytest.raises(ParameterError, match="不存在的节"):
            forms_mod.load_forms()
    finally:
        monkeypatch.undo()
        forms_mod.load_forms.cache_clear()


def test_a_section_name_is_registered_once():
    with pytest.raises(ValueError):
        section("标题")(lambda ctx: [])


def test_the_sample_report_gives_headings_as_blocks():
    # the district report of the sample: its title and numbered headings are Heading blocks,
    # and no paragraph carries a Markdown heading for the renderer to parse back
    from pathlib import Path

    import xinfang.report as xr

    report = xr.load_report(2023, Path(__file__).resolve().parent.parent / "params")
    first = report.outputs[report.sections[0]]
    assert [type(b).__name__ for b in first[:2]] == ["DocumentInfo", "Heading"]
    assert first[1] == Heading(1, report.title)
    heads = [(b.level, b.text) for name in report.sections for b in report.outputs[name] if isinstance(b, Heading)]
    assert heads[1:4] == [(2, "一、基本情况"), (3, "（一）部门概况"), (3, "（二）年度预算及执行情况")]
    assert not [b for name in report.sections for b in report.outputs[name]
                if isinstance(b, Paragraph) and b.spans and b.spans[0].text.startswith("#")]
