"""The report as a Word (.docx) file in the GB/T 9704-2012 layout, from the document model.

The document is built with python-docx (the layout itself is in :mod:`xinfang.render.gbt9704`);
the nbconvert exporter ``jupyter nbconvert --to xinfang_docx`` is in
:mod:`xinfang.render.exporters`. Data tables are real Word tables, charts are
embedded with their alt text as the picture description, and the bytes depend only on the
notebook: fixed dates, no rsids, a normalised zip.
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from docx import Document as new_word_document
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm

from xinfang.compat import paragraph_element
from xinfang.errors import RenderError
from xinfang.fileio import normalize_zip
from xinfang.render.blocks import (
    Block, CodeBlock, Colophon, Document, ErrorBox, FigureBlock, Heading, ListBlock, Paragraph, Quote, Rule,
    SignatureBlock, Span, TableBlock, XML_BAD, cell_align, grid, numeric_columns,
)
from xinfang.render.gbt9704 import (
    BODY, CAPTION, CELL_PPR, FIGURE_PPR, FIGURE_WIDTH_CM, FONT_BODY, FONT_PAGE, FOOTER_DISTANCE_CM,
    H1, H2, H3, HEADER_DISTANCE_CM, LINE_BODY, MARGIN_BOTTOM_CM, MARGIN_LEFT_CM, MARGIN_RIGHT_CM,
    MARGIN_TOP_CM, NOTE_PPR, PAGE_H_CM, PAGE_W_CM, PLAIN_PPR, QUOTE, SIGNATURE_PPR, SIZE_BODY, SIZE_CELL,
    SIZE_CELL_WIDE, SIZE_PAGE, SPACER_PPR, STYLE_IDS, SUBTITLE, TEXT_WIDTH_CM, TITLE, ZIP_DATE_TIME,
    ANNEX_LABEL_PPR, ANNEX_LIST_PPR, ANNEX_TITLE_PPR, LAST_PPR, NUMBER_PPR, SIZE_COLOPHON,
    ParaStyle, cell_lines, colophon_ppr, ppr_xml, rpr_xml, table_layout, tc_xml, twips,
)

__all__ = ["report_docx", "DOCX_MIMETYPE"]

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _keep(ppr: str) -> str:
    """Paragraph properties with keep-with-next (the first child: there is no w:pStyle here)."""
    if "<w:keepNext/>" in ppr:
        return ppr
    head, rest = ppr.split(">", 1)
    return f"{head}><w:keepNext/>{rest}"


def _set_rpr(run: Any, xml: str) -> None:
    """Give a run exactly these run properties (w:rPr is the run's first child)."""
    r = run.element
    for old in r.findall(qn("w:rPr")):
        r.remove(old)
    r.insert(0, parse_xml(xml))


_STYLE_TAIL = ("tblPr", "trPr", "tcPr", "tblStylePr")


def _restyle(style_el: Any, ppr: str | None, rpr: str | None) -> None:
    """Replace a style's pPr/rPr with ours (in schema order)."""
    for tag in ("w:pPr", "w:rPr"):
        for old in style_el.findall(qn(tag)):
            style_el.remove(old)
    anchor = next((c for c in style_el if c.tag in {qn("w:" + t) for t in _STYLE_TAIL}), None)
    for xml in (ppr, rpr):
        if xml is None:
            continue
        el = parse_xml(xml)
        if anchor is not None:
            anchor.addprevious(el)
        else:
            style_el.append(el)


def _style_el(styles_root: Any, style_id: str) -> Any:
    """A w:style element by its id (python-docx's lookup by name scans every style)."""
    found = styles_root.xpath(f'w:style[@w:styleId="{style_id}"]')
    if not found:
        raise RenderError(f"Word 模板缺少样式 {style_id} / template lacks style {style_id}")
    return found[0]


class _DocxBuilder:
    """Builds one GB/T 9704 report document from the document model."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self._top: list[Block] = []
        self.doc = new_word_document()
        self._clean_template()
        self._setup_styles()
        self._setup_section()

    # -- template -----------------------------------------------------------------------
    def _clean_template(self) -> None:
        doc = self.doc
        body = doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)
        package = doc.part.package
        self.app_xml_name = "docProps/app.xml"
        for rid, rel in list(package.rels.items()):
            if rel.reltype.endswith("/thumbnail"):
                del package.rels[rid]
            elif rel.reltype.endswith("/extended-properties"):  # replaced in the saved zip
                self.app_xml_name = rel.target_part.partname.membername
        for rid, rel in list(doc.part.rels.items()):
            if rel.reltype.endswith(("/customXml", "/stylesWithEffects")):
                del doc.part.rels[rid]
        settings = doc.settings.element
        for tag in ("w:rsids", "w:proofState", "w:attachedTemplate", "w:savePreviewPicture"):
            for el in settings.findall(qn(tag)):
                settings.remove(el)
        for el in [e for e in settings if isinstance(e.tag, str) and e.tag.endswith("}docId")]:
            settings.remove(el)
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")
        doc.settings.odd_and_even_pages_header_footer = True

    def _setup_styles(self) -> None:
        styles = self.doc.styles
        root = styles.element
        defaults = root.find(qn("w:docDefaults"))
        rpr_default = defaults.find(qn("w:rPrDefault"))
        ppr_default = defaults.find(qn("w:pPrDefault"))
        for holder, xml in (
            (rpr_default, rpr_xml(FONT_BODY, SIZE_BODY)),
            (ppr_default, ppr_xml()),
        ):
            for child in list(holder):
                holder.remove(child)
            holder.append(parse_xml(xml))
        for spec in (BODY, TITLE, SUBTITLE, H1, H2, H3, CAPTION, QUOTE):
            _restyle(
                _style_el(root, STYLE_IDS[spec.style]),
                spec.ppr,
                rpr_xml(spec.east_asia, spec.size, spec.bold),
            )
        for style_id in ("Header", "Footer"):
            _restyle(
                _style_el(root, style_id),
                ppr_xml(jc="center", line=None, first_chars=0),
                rpr_xml(FONT_PAGE, SIZE_PAGE, latin=FONT_PAGE),
            )
        grid = _style_el(root, "TableGrid")
        _restyle(grid, CELL_PPR["left"], rpr_xml(FONT_BODY, SIZE_CELL))
        borders = grid.find(qn("w:tblPr")).find(qn("w:tblBorders"))
        for b in borders:
            b.set(qn("w:sz"), "4")
            b.set(qn("w:color"), "000000")

    def _setup_section(self) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width = Cm(PAGE_W_CM)
        section.page_height = Cm(PAGE_H_CM)
        section.top_margin = Cm(MARGIN_TOP_CM)
        section.bottom_margin = Cm(MARGIN_BOTTOM_CM)
        section.left_margin = Cm(MARGIN_LEFT_CM)
        section.right_margin = Cm(MARGIN_RIGHT_CM)
        section.header_distance = Cm(HEADER_DISTANCE_CM)
        section.footer_distance = Cm(FOOTER_DISTANCE_CM)
        sect_pr = self.doc.element.body.sectPr  # the one section's properties
        for attr in [a for a in sect_pr.attrib if "rsid" in a]:
            del sect_pr.attrib[attr]
        # GB/T 9704 §7.5: odd pages right, even pages left, one character (14 pt) from the edge.
        section.footer.is_linked_to_previous = False
        section.even_page_footer.is_linked_to_previous = False
        self._page_number(section.footer, "right")
        self._page_number(section.even_page_footer, "left")

    def _page_number(self, footer: Any, side: str) -> None:
        p = paragraph_element(footer.paragraphs[0])
        for child in list(p):
            p.remove(child)
        indent = round(SIZE_PAGE * 20)
        ind = f'w:right="{indent}"' if side == "right" else f'w:left="{indent}"'
        p.append(parse_xml(
            f'<w:pPr {nsdecls("w")}><w:pStyle w:val="Footer"/><w:spacing w:before="0" w:after="0" '
            f'w:line="240" w:lineRule="auto"/><w:ind {ind} w:firstLineChars="0" w:firstLine="0"/>'
            f'<w:jc w:val="{side}"/></w:pPr>'
        ))
        rpr = rpr_xml(FONT_PAGE, SIZE_PAGE, latin=FONT_PAGE)
        runs = [
            "<w:t xml:space=\"preserve\">\u2014 </w:t>",
            '<w:fldChar w:fldCharType="begin"/>',
            '<w:instrText xml:space="preserve"> PAGE </w:instrText>',
            '<w:fldChar w:fldCharType="separate"/>',
            "<w:t>1</w:t>",
            '<w:fldChar w:fldCharType="end"/>',
            "<w:t xml:space=\"preserve\"> \u2014</w:t>",
        ]
        for content in runs:
            p.append(parse_xml(f'<w:r {nsdecls("w")}>{rpr}{content}</w:r>'))

    # -- paragraphs ---------------------------------------------------------------------
    def _para(self, spec: ParaStyle, spans: list[Span], ppr: str | None = None,
              east_asia: str | None = None, size: float | None = None, bold: bool | None = None):
        p = self.doc.add_paragraph()
        self._set_ppr(p, ppr or spec.ppr, STYLE_IDS[spec.style])
        for span in spans:
            self._run(p, span, east_asia or spec.east_asia, size or spec.size,
                      spec.bold if bold is None else bold)
        return p

    @staticmethod
    def _set_ppr(p: Any, ppr_xml: str, style_id: str | None = None) -> None:
        """Paragraph style (by id; python-docx's lookup by name is slow) and direct
        paragraph properties, so that every viewer agrees."""
        p_el = paragraph_element(p)
        old = p_el.pPr
        if old is not None:
            p_el.remove(old)
        new = parse_xml(ppr_xml)
        if style_id and style_id != "Normal":
            new.insert(0, parse_xml(f'<w:pStyle {nsdecls("w")} w:val="{style_id}"/>'))
        p_el.insert(0, new)

    @staticmethod
    def _run(p: Any, span: Span, east_asia: str, size: float, bold: bool) -> None:
        run = p.add_run()
        _set_rpr(run, rpr_xml(east_asia, size, bold or span.bold, italic=span.italic, strike=span.strike))
        if span.br:
            run.add_break()
        else:
            run.text = XML_BAD.sub("", span.text)

    def add_title(self) -> None:
        r = self.document
        if r.number:  # 发文字号: centred above the title, one empty line between (GB/T 9704 §7.2.5)
            self._para(BODY, [Span(r.number)], ppr=NUMBER_PPR)
        spans = [Span(r.title)]
        if r.title_lines:  # balanced lines, broken only between words
            spans = [s for i, line in enumerate(r.title_lines) for s in ([Span("", br=True)] if i else []) + [Span(line)]]
        last = self._para(TITLE, spans)
        lines = [x for x in (r.subtitle, r.author, r.date_text) if x]
        for line in lines:
            last = self._para(SUBTITLE, [Span(line)])
        # one empty line between the title block and the body (GB/T 9704 §7.3.3)
        spacing = paragraph_element(last).pPr.find(qn("w:spacing"))
        spacing.set(qn("w:after"), str(round(LINE_BODY * 20)))

    def add_body(self) -> None:
        """The document's blocks (the last table of the body is followed by a one-point line)."""
        self._top = list(self.document.blocks)
        self.add_blocks(self._top)

    def add_blocks(self, blocks: list[Block], depth: int = 0, quote: bool = False) -> None:
        for i, b in enumerate(blocks):
            if isinstance(b, Heading) and b.label:
                # an attachment (GB/T 9704 §7.3.8): a new page, 附件N top left in 黑体, the
                # title centred on the third line
                self._para(H1, [Span(b.label)], ppr=ANNEX_LABEL_PPR)
                self._para(TITLE, b.spans, ppr=ANNEX_TITLE_PPR)
            elif isinstance(b, Heading):
                spec = {1: TITLE, 2: H1, 3: H2}.get(b.level, H3)
                self._para(spec, b.spans)
            elif isinstance(b, Paragraph) and b.role == "note":
                self._para(BODY, b.spans, ppr=NOTE_PPR, size=SIZE_CELL)
            elif isinstance(b, Paragraph) and b.role == "annex_list":
                self._keep_previous()
                self._para(BODY, b.spans, ppr=ANNEX_LIST_PPR)  # 附件说明 (§7.3.4)
            elif isinstance(b, Colophon):
                self.add_colophon(b)
            elif isinstance(b, Paragraph):
                spec = QUOTE if quote else BODY
                self._para(spec, b.spans, ppr=self._indented(depth))
            elif isinstance(b, ListBlock):
                for i, item in enumerate(b.items):
                    marker = f"{b.start + i}. " if b.ordered else "• "
                    self._list_item(item, marker, depth, quote)
            elif isinstance(b, Quote):
                self.add_blocks(b.blocks, depth + 1, quote=True)
            elif isinstance(b, CodeBlock):
                for line in b.text.split("\n"):
                    self._para(BODY, [Span(line)], ppr=PLAIN_PPR)
            elif isinstance(b, Rule):
                continue
            elif isinstance(b, TableBlock):
                self.add_table(b)
                following = blocks[i + 1] if i + 1 < len(blocks) else None
                if not (isinstance(following, Paragraph) and following.role == "note"):
                    # a paragraph after a table: Word joins tables that touch. After the last
                    # table of the document it is one point high, so that a table ending at the
                    # foot of a page does not push it onto a blank page of its own.
                    last = following is None and depth == 0 and blocks is self._top
                    self._set_ppr(self.doc.add_paragraph(), LAST_PPR if last else SPACER_PPR)
            elif isinstance(b, FigureBlock):
                self.add_figure(b)
            elif isinstance(b, SignatureBlock) and b.align == "left":
                for line in b.lines:  # 主送机关: flush left, no indent (GB/T 9704 §7.3.2)
                    self._para(BODY, [Span(line)], ppr=PLAIN_PPR)
            elif isinstance(b, SignatureBlock):
                # 落款: one empty line, then the office and the date, right-aligned with four
                # characters of right indent (GB/T 9704 §7.3.5)
                # kept with the last lines of the body: never alone on a page (§7.3.5.5)
                self._keep_previous()
                self._set_ppr(self.doc.add_paragraph(), _keep(SPACER_PPR))
                for line in b.lines:  # and with an 附注 below (a page break before an attachment wins)
                    self._para(BODY, [Span(line)], ppr=_keep(SIGNATURE_PPR))
            elif isinstance(b, ErrorBox):
                self._para(BODY, [Span("【运行错误】", bold=True), Span(f"{b.ename}：{b.evalue}")])

    def _keep_previous(self) -> None:
        """Keep the paragraph written last with the next one."""
        body = self.doc.element.body
        last = body[-2] if len(body) > 1 and body[-1].tag == qn("w:sectPr") else body[-1]
        if last.tag != qn("w:p") or last.pPr is None or last.pPr.find(qn("w:keepNext")) is not None:
            return
        style = last.pPr.find(qn("w:pStyle"))
        el = parse_xml(f'<w:keepNext {nsdecls("w")}/>')
        if style is not None:
            style.addnext(el)
        else:
            last.pPr.insert(0, el)

    @staticmethod
    def _indented(depth: int) -> str | None:
        if depth == 0:
            return None
        left = round(2 * SIZE_BODY * 20 * depth)
        return BODY.ppr.replace("<w:ind ", f'<w:ind w:leftChars="{200 * depth}" w:left="{left}" ')

    def _list_item(self, item: list[Block], marker: str, depth: int, quote: bool) -> None:
        first = True
        for block in item:
            if isinstance(block, Paragraph) and first:
                spec = QUOTE if quote else BODY
                self._para(spec, [Span(marker), *block.spans], ppr=self._indented(depth))
            elif isinstance(block, ListBlock):
                self.add_blocks([block], depth + 1, quote)
            else:
                self.add_blocks([block], depth, quote)
            first = False

    def add_figure(self, fig: FigureBlock) -> None:
        p = self.doc.add_paragraph()
        self._set_ppr(p, FIGURE_PPR)
        run = p.add_run()
        _set_rpr(run, rpr_xml(FONT_BODY, SIZE_BODY))
        try:
            run.add_picture(io.BytesIO(fig.data), width=Cm(FIGURE_WIDTH_CM))
            for doc_pr in run.element.iter(qn("wp:docPr")):
                doc_pr.set("descr", fig.alt)  # alternative text for screen readers
        except Exception as exc:  # python-docx raises several types for unreadable images
            raise RenderError(f"图片无法嵌入 Word 文件 / cannot embed an image: {exc}") from exc

    def add_colophon(self, c: Colophon) -> None:
        """The 版记 (GB/T 9704 §7.4): 抄送 and 印发机关 / 印发日期 in 4号仿宋, one character in from
        either side, between full-width rules (thick above and below, thin between)."""
        lines = ([("抄送：" + "，".join(c.cc) + "。", None)] if c.cc else []) + [(c.printer, f"{c.date}印发")]
        for k, (left, right) in enumerate(lines):
            ppr = colophon_ppr(first=k == 0, last=k == len(lines) - 1, tab=right is not None)
            spans = [Span(left)] + ([Span("\t" + right)] if right else [])
            p = self._para(BODY, [], ppr=ppr, size=SIZE_COLOPHON)
            for span in spans:
                for j, part in enumerate(span.text.split("\t")):
                    if j:
                        run = p.add_run()
                        _set_rpr(run, rpr_xml(FONT_BODY, SIZE_COLOPHON))
                        run.add_tab()
                    if part:
                        self._run(p, Span(part), FONT_BODY, SIZE_COLOPHON, False)

    def add_table(self, table: TableBlock) -> None:
        rows = table.head + table.body
        if not rows:
            return
        positions = grid(rows)
        ncols = len(positions[0]) if positions else 0
        if ncols == 0:
            return
        numeric = numeric_columns(table)
        layout = table_layout(table, positions)
        size, col_tw = layout.size, layout.widths
        total = twips(TEXT_WIDTH_CM)
        n_head, n_body = len(table.head), len(positions) - len(table.head)
        # rows kept with the next one: the header, the first two body rows (a table never
        # leaves its caption, header and one row at the foot of a page), all of a short table,
        # and the row before the last (no last row alone on a page)
        keep = set(range(n_head)) | {n_head + k for k in range(min(2, n_body - 1))}
        if n_body <= 8:
            keep |= set(range(len(positions) - 1))
        elif n_body > 2:
            keep.add(len(positions) - 2)

        if table.caption:
            self._para(CAPTION, [Span(table.caption)])
        # The table is written as XML in one go: python-docx's cell access is quadratic.
        edges = "".join(
            f'<w:{e} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for e in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        xml = [
            f'<w:tbl {nsdecls("w")}>'
            # tblPr children in schema order: tblStyle, tblW, jc, tblBorders, tblLayout, tblCellMar, tblLook
            f'<w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="{total}" w:type="dxa"/>'
            f'<w:jc w:val="center"/><w:tblBorders>{edges}</w:tblBorders>'
            '<w:tblLayout w:type="fixed"/>'
            f'<w:tblCellMar><w:left w:w="{layout.margin}" w:type="dxa"/><w:right w:w="{layout.margin}" w:type="dxa"/>'
            '</w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
            'w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>',
            "".join(f'<w:gridCol w:w="{tw}"/>' for tw in col_tw),
            "</w:tblGrid>",
        ]
        for r, line in enumerate(positions):
            in_head = r < len(table.head)
            xml.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if in_head else "") + "</w:trPr>")
            c = 0
            while c < ncols:
                pos = line[c]
                if pos is None:
                    xml.append(tc_xml(col_tw[c], 1, None, "left", "", size, False, r in keep))
                    c += 1
                    continue
                cell, origin = pos
                span = max(1, min(cell.colspan, ncols - c))
                if origin:
                    vmerge = "restart" if cell.rowspan > 1 and r + 1 < len(positions) else None
                    align = cell_align(cell, c, numeric, in_head)
                    width = sum(col_tw[c : c + span])
                    text = "\n".join(cell_lines(cell.text, width, size, in_head, layout.pad))
                    xml.append(tc_xml(width, span, vmerge, align, text, size, in_head, r in keep))
                else:  # the lower part of a cell spanning rows
                    xml.append(tc_xml(sum(col_tw[c : c + span]), span, "continue", "left", None, size, False,
                                      r in keep))
                c += span
            xml.append("</w:tr>")
        xml.append("</w:tbl>")
        body = self.doc.element.body
        tbl = parse_xml("".join(xml))
        sect_pr = body.find(qn("w:sectPr"))
        if sect_pr is not None:
            sect_pr.addprevious(tbl)
        else:
            body.append(tbl)

    # -- package --------------------------------------------------------------------------
    def core_properties(self) -> None:
        props = self.doc.core_properties
        stamp = dt.datetime.combine(self.document.date, dt.time(0, 0))
        props.title = self.document.title
        props.subject = self.document.subtitle or ""
        props.author = ""
        props.last_modified_by = ""
        props.comments = ""
        props.keywords = ""
        props.category = ""
        props.content_status = ""
        props.identifier = ""
        props.version = ""
        props.language = "zh-CN"
        props.revision = 1
        props.created = stamp
        props.modified = stamp
        props.last_printed = stamp

    def to_bytes(self) -> bytes:
        self.core_properties()
        buffer = io.BytesIO()
        self.doc.save(buffer)
        data = _replace_members(buffer.getvalue(), {self.app_xml_name: _APP_XML})
        return normalize_zip(data, ZIP_DATE_TIME)


_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>xinfang</Application><DocSecurity>0</DocSecurity>"
    b"<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    b"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


def _replace_members(data: bytes, members: dict[str, bytes]) -> bytes:
    """The zip ``data`` with the named members' contents replaced (stored uncompressed:
    :func:`xinfang.fileio.normalize_zip` sets times, order and compression afterwards)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, members.get(info.filename) or src.read(info))
    return out.getvalue()


def report_docx(document: Document) -> bytes:
    """The Word (.docx) bytes of a document; the same document gives the same bytes."""
    builder = _DocxBuilder(document)
    builder.add_title()
    builder.add_body()
    return builder.to_bytes()

