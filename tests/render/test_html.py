"""xinfang.render.html: the formal parts and the table layout in the HTML page."""
from __future__ import annotations

import re

from xinfang.blocks import Colophon, DocumentInfo, Heading, Paragraph, Signature, Span, Table
from xinfang.render.document import build_document
from xinfang.render.html import document_html


def page() -> str:
    return document_html(build_document([
        DocumentInfo("通报", ("通报",), "", "2024-01-02", number="大信联办〔2023〕12号"), Heading(1, "通报"),
        Paragraph("正文。"),
        Paragraph([Span("附件：1.统计表"), Span("", br=True), Span("2.清单")], role="annex_list"),
        Signature(("某办公室", "2024年1月2日")),
        Heading(2, "统计表", label="附件1"),
        Table.from_rows(["一级指标", "决算（万元）", "登记日期"], [["决策", "1.00", "2023年10月22日"], ["决策", "2.00", "2023年10月2日"]],
                        merge=["一级指标"]),
        Colophon(("区委办公室",), "某办公室", "2024年1月2日")]))


def test_number_above_the_title_annex_on_a_new_page_annex_list_and_colophon():
    html = page()
    assert html.index('<p class="xf-number">大信联办〔2023〕12号</p>') < html.index('<h1 class="xf-title">')
    assert ('<h2 id="sec-1" class="xf-annex"><span class="xf-annex-label">附件1</span>'
            '<span class="xf-annex-title">统计表</span></h2>') in html
    assert re.search(r"h2\.xf-annex \{[^}]*break-before: page", html)
    assert '<p class="xf-annex-list">附件：1.统计表<br>2.清单</p>' in html
    assert html.index("xf-annex-list") < html.index('<div class="xf-signature">')
    assert ('<div class="xf-colophon"><p class="xf-cc">抄送：区委办公室。</p><p class="xf-printed"><span>某办公室</span>'
            '<span>2024年1月2日印发</span></p></div>') in html


def test_header_words_and_dates_do_not_wrap_and_repeated_names_are_one_cell():
    html = page()
    assert '<span class="xf-nobr">决算</span><span class="xf-nobr">（万元）</span>' in html
    assert '<span class="xf-nobr">2023年10月22日</span>' in html
    assert '<td rowspan="2" class="xf-left">决策</td>' in html
    assert html.count(">决策<") == 1
