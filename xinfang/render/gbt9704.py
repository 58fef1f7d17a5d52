"""GB/T 9704-2012 (党政机关公文格式) for Word: page geometry, fonts, sizes, and the
WordprocessingML run, paragraph and table-cell properties that carry them.

A4, margins 3.7 / 3.5 / 2.8 / 2.6 cm; title 方正小标宋简体 22 pt; body 仿宋_GB2312 16 pt with
exact 28 pt line spacing and a two-character first-line indent; headings 黑体 / 楷体_GB2312 /
仿宋_GB2312 bold; page numbers "— N —" in 宋体 14 pt. Fonts are always explicit (never theme
fonts) and the East Asian font is set on every run (``w:eastAsia``), as Word needs.
"""
from __future__ import annotations

import html
import re
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
SIZE_CELL_SMALL = 9.0  # 小五: a table whose words do not fit at 五号
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
#: The 发文字号 above the title: centred, one empty line below it.
NUMBER_PPR = ppr_xml(jc="center", first_chars=0, after_pt=LINE_BODY)
#: An attachment: "附件1" on the first line of a new page, flush left (§7.3.8) …
ANNEX_LABEL_PPR = ppr_xml(jc="left", first_chars=0, keep_next=True).replace(
    "<w:keepLines/>", "<w:keepLines/><w:pageBreakBefore/>")
#: … and its title centred on the third line, one empty line below it.
ANNEX_TITLE_PPR = ppr_xml(jc="center", line=36.0, first_chars=0, keep_next=True, before_pt=LINE_BODY,
                          after_pt=LINE_BODY, outline=0)
#: 附件说明 (§7.3.4): one empty line below the body, "附件：" two characters in; the items
#: after the first line up under the first one's number.
ANNEX_LIST_PPR = ppr_xml(jc="left", first_chars=0, before_pt=LINE_BODY).replace(
    '<w:ind w:left="0" w:right="0" w:firstLineChars="0" w:firstLine="0"/>',
    f'<w:ind w:left="{round(5 * SIZE_BODY * 20)}" w:right="0" w:hanging="{round(3 * SIZE_BODY * 20)}"/>')
#: The paragraph after the last table of a document: one point high.
LAST_PPR = (f'<w:pPr {nsdecls("w")}><w:widowControl/><w:snapToGrid w:val="0"/>'
            '<w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
            '<w:ind w:left="0" w:right="0" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/>'
            f'{rpr_xml(FONT_BODY, 1).replace(f" {nsdecls(chr(119))}", "")}</w:pPr>')
#: The 版记: 4号 (14 pt) 仿宋.
SIZE_COLOPHON = 14.0


def colophon_ppr(first: bool, last: bool, tab: bool) -> str:
    """A line of the 版记: one character in from both sides, a rule above the first line (thick,
    0.35 mm) and below each line (thin, 0.25 mm; thick under the last); with ``tab`` a right tab
    stop one character from the right edge for the 印发日期."""
    char = round(SIZE_COLOPHON * 20)
    rule = {True: 'w:val="single" w:sz="8" w:space="1" w:color="000000"',
            False: 'w:val="single" w:sz="6" w:space="1" w:color="000000"'}
    borders = (f"<w:top {rule[True]}/>" if first else "") + f"<w:bottom {rule[last]}/>"
    tabs = f'<w:tabs><w:tab w:val="right" w:pos="{twips(TEXT_WIDTH_CM) - 2 * char}"/></w:tabs>' if tab else ""
    keep = "<w:keepNext/><w:keepLines/>" if not last else "<w:keepLines/>"
    before = round(LINE_BODY * 20) if first else 0
    return (f'<w:pPr {nsdecls("w")}>{keep}<w:widowControl/><w:pBdr>{borders}</w:pBdr>{tabs}'
            f'<w:snapToGrid w:val="0"/><w:spacing w:before="{before}" w:after="0" w:line="{round(LINE_BODY * 20)}" '
            f'w:lineRule="exact"/><w:ind w:left="{char if tab else 4 * char}" w:right="{char}" w:hanging="{0 if tab else 3 * char}"/>'
            '<w:jc w:val="left"/></w:pPr>')
#: Table cells: no extra space between Chinese and Latin text or digits (Word's and LibreOffice's
#: autoSpaceDE / autoSpaceDN), so that a cell is as wide as its text measures.
CELL_PPR = {
    align: ppr_xml(jc=align, line=None, first_chars=0).replace(
        "<w:widowControl/>", '<w:widowControl/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>')
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
    width: int, span: int, vmerge: str | None, align: str, text: str | None, size: float, bold: bool,
    keep_next: bool = False,
) -> str:
    """One w:tc: width, span, vertical merge, centred vertically, one paragraph.

    ``text`` None writes an empty paragraph (no run) for the covered part of a merged cell; a
    newline in ``text`` is a line break (the lines :func:`cell_lines` chose). ``keep_next``
    keeps the row on the page of the next one.
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
    if keep_next:
        ppr = ppr.replace("<w:pPr>", "<w:pPr><w:keepNext/>", 1)
    run = ""
    if text is not None:
        rpr = rpr_xml(FONT_BODY, size, bold).replace(_W_NS, "")
        run = "<w:br/>".join(f'<w:t xml:space="preserve">{xml_text(line)}</w:t>' for line in text.split("\n"))
        run = f"<w:r>{rpr}{run}</w:r>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{ppr}{run}</w:p></w:tc>"


#: Advance widths (1/1000 em) of Times New Roman, the Latin font of every run (Adobe's
#: Times-Roman metrics, which Times New Roman and Liberation Serif share); CJK characters and
#: full-width punctuation of 仿宋_GB2312 / 黑体 are one em.
_TIMES = dict(zip(
    " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
    (250, 333, 408, 500, 500, 833, 778, 333, 333, 333, 500, 564, 250, 333, 250, 278, *(500,) * 10, 278, 278,
     564, 564, 564, 444, 921, 722, 667, 667, 722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556,
     722, 667, 556, 611, 722, 722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444,
     333, 500, 500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444,
     480, 200, 480, 541)))


#: The space a viewer may put between Chinese and a Latin letter or digit, in em: table cells
#: ask for none (w:autoSpaceDE / autoSpaceDN off, which Word follows), LibreOffice puts about a
#: fifth of an em all the same; counted, so that the widths hold in both.
ASIAN_LATIN_GAP = 0.25
_ALNUM = re.compile(r"[A-Za-z0-9]")


def text_em(text: str, bold: bool = False) -> float:
    """Width of a text in em in the document's fonts: CJK, full-width and other non-ASCII
    characters (set in the East Asian font) 1 em; ASCII by Times New Roman's widths; bold 8 ％
    wider, to be safe; :data:`ASIAN_LATIN_GAP` at each change between Chinese and a Latin letter
    or digit.

    >>> text_em("2023年10月22日")      # 4 + 2 + 2 digits of 0.5 em, 3 characters, 5 changes
    8.25
    """
    latin = sum(_TIMES.get(ch, 1000) for ch in text if ord(ch) < 128) / 1000
    changes = sum(1 for a, b in zip(text, text[1:])
                  if (ord(a) >= 128 and _ALNUM.match(b)) or (ord(b) >= 128 and _ALNUM.match(a)))
    return latin * (1.08 if bold else 1.0) + sum(1.0 for ch in text if ord(ch) >= 128) + changes * ASIAN_LATIN_GAP


#: What never breaks across lines: a date, a number with its unit (8.18个百分点, 第19名), a code
#: (DX2023-001397), a bracketed unit of up to six characters.
_TOKEN = re.compile(
    r"\d{4}年\d{1,2}月(?:\d{1,2}日)?|\d{1,2}月\d{1,2}日"
    r"|[A-Za-z][A-Za-z0-9\-_/.]*"
    r"|[第≤≥<>]?[+\-−]?[\d,]+(?:\.\d+)?(?:个百分点|件人次|件次|人次|批次|万元|[％%‰件人批分元日天位名项次个年月])?"
    r"|[（(][^（()）]{1,6}[）)]|\S")
#: Inside a long run of CJK characters (a header), where a line may break: after 局 类 性, and
#: after 访 unless a word goes on (信访局, 信访事项, 信访量, 信访人 …).
_BREAK_AFTER = "局类性"
_FANG_GOES_ON = "局事量人件次率"
#: A run of CJK characters up to this long is one word.
WORD_MAX = 6
#: A body cell up to this long never wraps (绩效目标合理性, 并列，前三名); a longer one may wrap,
#: down to :data:`WORD_MAX` characters a line.
CELL_WORD_MAX = 7


def tokens(text: str, header: bool = False) -> list[str]:
    """The pieces a line may break between (their concatenation is ``text`` without spaces).

    In a header a run of CJK characters up to :data:`WORD_MAX` long is one piece, a longer one
    is cut after 局, 类, 性 and 访 (unless 信访局 … goes on), and 指标 at the end is a word of its own; in body text every CJK character
    is a piece (Chinese prose breaks anywhere) except within a date or a number with its unit.

    >>> tokens("决算（万元）", header=True), tokens("求决类初次信访一次性化解率", header=True)
    (['决算', '（万元）'], ['求决类', '初次信访', '一次性', '化解率'])
    >>> tokens("上升8.18个百分点")
    ['上', '升', '8.18个百分点']
    """
    pieces = _TOKEN.findall(text)
    if not header:
        return pieces
    out: list[str] = []
    run = ""
    for piece in pieces + [""]:
        if len(piece) == 1 and CJK.match(piece) and piece not in "（）()":
            run += piece
            continue
        out.extend(_cut(run))
        run = ""
        if piece:
            out.append(piece)
    return out


def _cut(run: str) -> list[str]:
    if len(run) > 2 and run.endswith("指标"):  # 一级指标, 三级指标: two words
        return _cut(run[:-2]) + ["指标"]
    if len(run) <= WORD_MAX:
        return [run] if run else []
    parts, start = [], 0
    for i in range(1, len(run)):
        prev, nxt = run[i - 1], run[i]
        if prev in _BREAK_AFTER or (prev == "访" and nxt not in _FANG_GOES_ON):
            parts.append(run[start:i])
            start = i
    parts.append(run[start:])
    return parts


def line_layout(pieces: list[str], width_em: float, bold: bool = False) -> list[str]:
    """Pieces packed greedily into lines no wider than ``width_em`` (a piece wider than the
    line gets a line of its own)."""
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and text_em(line + piece, bold) > width_em:
            lines.append(line)
            line = piece
        else:
            line += piece
    if line:
        lines.append(line)
    return lines


def two_line_em(pieces: list[str], bold: bool = False) -> float:
    """The narrowest width that holds ``pieces`` on at most two lines, breaking between pieces."""
    best = text_em("".join(pieces), bold)
    for i in range(1, len(pieces)):
        best = min(best, max(text_em("".join(pieces[:i]), bold), text_em("".join(pieces[i:]), bold)))
    return best


def column_ems(table, positions) -> tuple[list[float], list[float], list[float]]:
    """The widest (no wrapping; header cells on two lines, broken between words), narrowest
    wanted and narrowest possible width of each column of a table, in em of the cell font.

    Possible: a header never narrower than its longest word, a date, a number with its unit or
    a code never broken. Wanted, besides: a cell of up to :data:`CELL_WORD_MAX` characters on
    one line, other text down to :data:`WORD_MAX` characters a line. Word and HTML lay tables
    out from the same widths."""
    from xinfang.render.blocks import is_number

    ncols = len(positions[0]) if positions else 0
    max_em = [2.0] * ncols
    min_em = [2.0] * ncols
    hard_em = [1.0] * ncols
    for r, line in enumerate(positions):
        for c, pos in enumerate(line):
            if pos is None or not pos[1] or pos[0].colspan != 1:
                continue
            head = r < len(table.head)
            if "\n" in pos[0].text:  # lines given (a form's blank cell): the longest decides
                lines = pos[0].text.split("\n")
                wide = max(text_em(line, head) for line in lines)
                max_em[c], min_em[c], hard_em[c] = (max(x[c], wide) for x in (max_em, min_em, hard_em))
                continue
            text = pos[0].text
            pieces = tokens(text, header=head)
            em = text_em(text, head)
            widest_piece = max((text_em(p, head) for p in pieces), default=0.0)
            hard_em[c] = max(hard_em[c], em if not head and is_number(text) else widest_piece)
            if head:
                max_em[c] = max(max_em[c], two_line_em(pieces, True))
                min_em[c] = max(min_em[c], widest_piece)
            else:
                max_em[c] = max(max_em[c], em)
                short = is_number(text) or len(text) <= CELL_WORD_MAX  # 完成情况, 绩效目标合理性: one word
                floor = em if short else max(min(em, float(WORD_MAX)), widest_piece)
                min_em[c] = max(min_em[c], floor)
    return max_em, min_em, hard_em


#: Left and right margin of a table cell, in twips: Word's default (0.19 cm), or 0.1 cm in a
#: table too wide for it; a little air is added to every column.
CELL_MARGIN, CELL_MARGIN_NARROW, CELL_AIR = 108, 57, 30


@dataclass(frozen=True)
class TableLayout:
    """How a table is set: cell font size (pt), cell margin and column widths (twips)."""

    size: float
    margin: int
    widths: list[int]

    @property
    def pad(self) -> int:
        return 2 * self.margin + CELL_AIR


def table_layout(table, positions) -> TableLayout:
    """The layout of a table across the text width: 小四, or 五号 when the table is wide (more
    than 7 columns, or too wide at 小四); when even then the narrowest wanted widths do not fit,
    the narrow cell margin, then 小五, then only the narrowest possible widths (short text may
    wrap, a header word, date, number or code still does not)."""
    max_em, min_em, hard_em = column_ems(table, positions)
    total = twips(TEXT_WIDTH_CM)

    def tw(ems: list[float], size: float, margin: int) -> list[float]:
        return [w * size * 20 + 2 * margin + CELL_AIR for w in ems]

    size = SIZE_CELL if sum(tw(max_em, SIZE_CELL, CELL_MARGIN)) <= total and len(max_em) <= 7 else SIZE_CELL_WIDE
    tries = [(size, CELL_MARGIN, min_em), (size, CELL_MARGIN_NARROW, min_em),
             (SIZE_CELL_SMALL, CELL_MARGIN_NARROW, min_em), (SIZE_CELL_SMALL, CELL_MARGIN_NARROW, hard_em)]
    for size, margin, floor in tries:  # the last one is kept even if it does not fit (then scaled)
        if sum(tw(floor, size, margin)) <= total:
            break
    return TableLayout(size, margin, fit_widths(tw(max_em, size, margin), total, tw(floor, size, margin)))


def cell_lines(text: str, width_twips: int, size: float, header: bool, pad: int = 2 * CELL_MARGIN + CELL_AIR) -> list[str]:
    """The lines a cell is set in, when its breaks matter: a header, or a short cell holding a
    date or a number with its unit, broken between words; one line (the renderer wraps it) for
    prose. ``pad``: the cell's margins and air, in twips."""
    room = (width_twips - pad) / (size * 20)
    if "\n" in text:
        return text.split("\n")
    if text_em(text, header) <= room:
        return [text]
    pieces = tokens(text, header=header)
    if not header and (len(text) > 24 or all(len(p) == 1 for p in pieces)):
        return [text]  # prose: the renderer wraps it
    return line_layout(pieces, room, header)
