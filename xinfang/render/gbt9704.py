"""GB/T 9704-2012 (党政机关公文格式) for Word: page geometry, fonts, sizes, and the
WordprocessingML run, paragraph and table-cell properties that carry them.

A4, margins 3.7 / 3.5 / 2.8 / 2.6 cm; title 方正小标宋简体 22 pt; body 仿宋_GB2312 16 pt with
exact 28 pt line spacing and a two-character first-line indent; headings 黑体 / 楷体_GB2312 /
仿宋_GB2312 bold; page numbers "— N —" in 宋体 14 pt. Fonts are always explicit (never theme
fonts) and the East Asian font is set on every run (``w:eastAsia``), as Word needs.
"""
from __future__ import annotations

import html
from dataclasses import dataclass

from docx.oxml.ns import nsdecls

from xinfang.render.blocks import CJK, XML_BAD

# --- geometry and fonts --------------------------------------------------------------------
FONT_LATIN = "Times New Roman"
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_H1 = "黑体"
FONT_H2 = "楷体_GB2312"
FONT_H3 = "仿宋_GB2312"
FONT_PAGE = "宋体"
SIZE_TITLE = 22.0  # 二号
SIZE_BODY = 16.0  # 三号
SIZE_CAPTION = 14.0  # 四号
SIZE_PAGE = 14.0  # 四号
SIZE_CELL = 12.0  # 小四
SIZE_CELL_WIDE = 10.5  # 五号
LINE_BODY = 28.0  # exact line spacing in pt (22 lines on the page)
PAGE_W_CM, PAGE_H_CM = 21.0, 29.7
MARGIN_TOP_CM, MARGIN_BOTTOM_CM, MARGIN_LEFT_CM, MARGIN_RIGHT_CM = 3.7, 3.5, 2.8, 2.6
TEXT_WIDTH_CM = PAGE_W_CM - MARGIN_LEFT_CM - MARGIN_RIGHT_CM  # 15.6
FIGURE_WIDTH_CM = 15.0
#: Footer distance: the page-number line sits about 7 mm below the text block.
FOOTER_DISTANCE_CM = 2.3
HEADER_DISTANCE_CM = 1.5
#: Fixed time stamp of every entry in the .docx zip container.
ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)

TWIPS_PER_CM = 1440 / 2.54


def twips(cm: float) -> int:
    """Centimetres in twips (1/20 pt), as Word counts lengths."""
    return round(cm * TWIPS_PER_CM)


def rpr_xml(
    east_asia: str,
    size: float,
    bold: bool = False,
    latin: str = FONT_LATIN,
    italic: bool = False,
    strike: bool = False,
) -> str:
    """Run properties: explicit fonts (never theme fonts), weight, black, size, zh-CN."""
    half = round(size * 2)
    b = "<w:b/><w:bCs/>" if bold else '<w:b w:val="0"/><w:bCs w:val="0"/>'
    b += "<w:i/><w:iCs/>" if italic else ""
    b += "<w:strike/>" if strike else ""
    return (
        f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" '
        f'w:eastAsia="{east_asia}" w:cs="{latin}" w:hint="eastAsia"/>{b}'
        f'<w:color w:val="000000"/><w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'
        f'<w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr>'
    )


def ppr_xml(
    jc: str = "both",
    line: float | None = LINE_BODY,
    first_chars: int = 200,
    first_pt: float = 2 * SIZE_BODY,
    outline: int | None = None,
    keep_next: bool = False,
    after_pt: float = 0,
    before_pt: float = 0,
) -> str:
    """Paragraph properties; ``line`` = exact line spacing in pt, None = single spacing."""
    around = f'w:before="{round(before_pt * 20)}" w:after="{round(after_pt * 20)}"'
    spacing = (
        f'<w:spacing {around} w:line="{round(line * 20)}" w:lineRule="exact"/>'
        if line
        else f'<w:spacing {around} w:line="240" w:lineRule="auto"/>'
    )
    ind = (
        f'<w:ind w:firstLineChars="{first_chars}" w:firstLine="{round(first_pt * 20)}"/>'
        if first_chars
        else '<w:ind w:left="0" w:right="0" w:firstLineChars="0" w:firstLine="0"/>'
    )
    keep = "<w:keepNext/><w:keepLines/>" if keep_next else ""
    outline_xml = f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else ""
    return (
        f'<w:pPr {nsdecls("w")}>{keep}<w:widowControl/><w:snapToGrid w:val="0"/>{spacing}{ind}'
        f'<w:jc w:val="{jc}"/>{outline_xml}</w:pPr>'
    )


@dataclass(frozen=True)
class ParaStyle:
    """A paragraph kind: its Word style (by name), East Asian font, size, weight, and pPr."""

    style: str
    east_asia: str
    size: float
    bold: bool
    ppr: str


BODY = ParaStyle("Normal", FONT_BODY, SIZE_BODY, False, ppr_xml())
TITLE = ParaStyle(
    "Title", FONT_TITLE, SIZE_TITLE, False, ppr_xml(jc="center", line=36.0, first_chars=0)
)
SUBTITLE = ParaStyle("Subtitle", FONT_H2, SIZE_BODY, False, ppr_xml(jc="center", first_chars=0))
H1 = ParaStyle("Heading 1", FONT_H1, SIZE_BODY, False, ppr_xml(outline=0, keep_next=True))
H2 = ParaStyle("Heading 2", FONT_H2, SIZE_BODY, False, ppr_xml(outline=1, keep_next=True))
H3 = ParaStyle("Heading 3", FONT_H3, SIZE_BODY, True, ppr_xml(outline=2, keep_next=True))
CAPTION = ParaStyle(
    "Caption", FONT_H1, SIZE_CAPTION, False,
    ppr_xml(jc="center", line=None, first_chars=0, keep_next=True, after_pt=3, before_pt=7),
)
QUOTE = ParaStyle("Quote", FONT_H2, SIZE_BODY, False, ppr_xml())
PLAIN_PPR = ppr_xml(jc="left", first_chars=0)
SIGNATURE_PPR = ppr_xml(jc="right", first_chars=0).replace('w:right="0"', f'w:right="{round(4 * SIZE_BODY * 20)}"')
FIGURE_PPR = ppr_xml(jc="center", line=None, first_chars=0)
SPACER_PPR = ppr_xml(jc="left", line=None, first_chars=0).replace(
    "</w:pPr>", rpr_xml(FONT_BODY, 8).replace(f' {nsdecls("w")}', "") + "</w:pPr>"
)
STYLE_IDS = {
    "Normal": "Normal", "Title": "Title", "Subtitle": "Subtitle", "Heading 1": "Heading1",
    "Heading 2": "Heading2", "Heading 3": "Heading3", "Caption": "Caption", "Quote": "Quote",
}
NOTE_PPR = ppr_xml(jc="both", line=None, first_chars=0, after_pt=6)
CELL_PPR = {
    align: ppr_xml(jc=align, line=None, first_chars=0)
    for align in ("left", "center", "right", "both")
}


def fit_widths(widest: list[float], total: int, narrowest: list[float] | None = None) -> list[int]:
    """Column widths (twips) summing to ``total``, like a browser's automatic table layout.

    If every column fits at its widest, the spare width is shared in proportion. If not,
    each column gets its narrowest width and the rest is shared in proportion to how much
    more each one would need (long text columns get most). If even the narrowest widths do
    not fit, they are scaled down.

    >>> fit_widths([100, 100], 400)
    [200, 200]
    >>> fit_widths([100, 300, 700], 600, [100, 100, 100])  # spare 300 shared 200 : 600
    [100, 175, 325]
    """
    narrowest = list(narrowest or widest)
    if sum(widest) <= total:
        widths = [total * w / sum(widest) for w in widest]
    elif sum(narrowest) >= total:
        widths = [total * w / sum(narrowest) for w in narrowest]
    else:
        need = [max(w - m, 0.0) for w, m in zip(widest, narrowest)]
        spare = total - sum(narrowest)
        widths = [m + spare * n / sum(need) for m, n in zip(narrowest, need)]
    out = [int(w) for w in widths]
    out[-1] += total - sum(out)
    return out


_W_NS = f' {nsdecls("w")}'


def xml_text(text: str) -> str:
    """Text for a w:t element: characters XML cannot hold removed, markup escaped."""
    return html.escape(XML_BAD.sub("", text), quote=False)


def tc_xml(
    width: int, span: int, vmerge: str | None, align: str, text: str | None, size: float, bold: bool
) -> str:
    """One w:tc: width, span, vertical merge, centred vertically, one paragraph.

    ``text`` None writes an empty paragraph (no run) for the covered part of a merged cell.
    """
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    props += '<w:vAlign w:val="center"/>'
    ppr = CELL_PPR.get(align, CELL_PPR["left"]).replace(_W_NS, "")
    run = ""
    if text is not None:
        rpr = rpr_xml(FONT_BODY, size, bold).replace(_W_NS, "")
        run = f'<w:r>{rpr}<w:t xml:space="preserve">{xml_text(text)}</w:t></w:r>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{ppr}{run}</w:p></w:tc>"


def text_em(text: str) -> float:
    """Width of a text in em: CJK and full-width characters 1, others 0.55."""
    return sum(1.0 if CJK.match(ch) else 0.55 for ch in text)



def column_ems(table, positions) -> tuple[list[float], list[float]]:
    """The widest (no wrapping; header cells on two lines) and narrowest acceptable width of
    each column of a table, in em: numbers never wrap, text may wrap down to 4 characters.
    Word and HTML lay tables out from the same widths."""
    from xinfang.render.blocks import is_number

    ncols = len(positions[0]) if positions else 0
    max_em = [2.0] * ncols
    min_em = [2.0] * ncols
    for r, line in enumerate(positions):
        for c, pos in enumerate(line):
            if pos is None or not pos[1] or pos[0].colspan != 1:
                continue
            em = text_em(pos[0].text)
            if r < len(table.head):
                em = -(-em // 2)
            max_em[c] = max(max_em[c], em)
            min_em[c] = max(min_em[c], em if is_number(pos[0].text) else min(em, 4.0))
    return max_em, min_em
