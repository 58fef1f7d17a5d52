"""Generic ``text/html`` outputs (a pandas DataFrame an analyst displays, say) into blocks.

xinfang's own tables never come this way: they travel as data (:mod:`xinfang.display`). An
HTML output of anything else keeps only its tables, headings and text, rebuilt from scratch:
nothing of the original markup, no ``<script>``, no ``style``, no links to the network.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from xinfang.blocks import squash
from xinfang.render.blocks import Block, Cell, Heading, Paragraph, Span, TableBlock

__all__ = ["html_blocks", "squash"]


def html_blocks(source: str) -> list[Block]:
    """Keep the tables, headings and text of an HTML output, nothing of its markup.

    >>> t = html_blocks('<table><caption>表1</caption><thead><tr><th>a</th></tr></thead>'
    ...                 '<tbody><tr><td>1</td></tr></tbody></table>')[0]
    >>> (t.caption, t.head[0][0].text, t.body[0][0].text)
    ('表1', 'a', '1')
    """
    if not source.strip():
        return []
    try:
        root = lxml_html.fragment_fromstring(source, create_parent="div")
    except (etree.ParserError, ValueError):
        return [Paragraph([Span(source)])]
    for bad in root.xpath(".//script|.//style|.//noscript|.//template"):
        bad.getparent().remove(bad)
    blocks: list[Block] = []

    def walk(el: Any) -> None:
        if el.tag == "table":
            blocks.append(_table(el))
            return
        if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = squash(el.text_content())
            if text:
                blocks.append(Heading(int(el.tag[1]), [Span(text)]))
            return
        if el.find(".//table") is None and el.find(".//h2") is None and el.find(".//h3") is None:
            text = squash(el.text_content())
            if text:
                blocks.append(Paragraph([Span(text)]))
            return
        if el.text and el.text.strip():
            blocks.append(Paragraph([Span(squash(el.text))]))
        for child in el:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail and child.tail.strip():
                blocks.append(Paragraph([Span(squash(child.tail))]))

    if root.text and root.text.strip():
        blocks.append(Paragraph([Span(squash(root.text))]))
    for child in root:
        if isinstance(child.tag, str):
            walk(child)
        if child.tail and child.tail.strip():
            blocks.append(Paragraph([Span(squash(child.tail))]))
    return blocks


def _table(table: Any) -> TableBlock:
    caption_el = table.find("caption")
    caption = squash(caption_el.text_content()) if caption_el is not None else ""
    head: list[list[Cell]] = []
    body: list[list[Cell]] = []
    for tr in table.iter("tr"):
        # skip rows of tables nested inside this one
        if next((a for a in tr.iterancestors("table")), None) is not table:
            continue
        cells = []
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            cells.append(
                Cell(
                    squash(td.text_content()),
                    header=td.tag == "th",
                    colspan=_span_attr(td.get("colspan")),
                    rowspan=_span_attr(td.get("rowspan")),
                )
            )
        if not cells:
            continue
        parent = tr.getparent()
        (head if parent is not None and parent.tag == "thead" else body).append(cells)
    if not head and body and all(c.header for c in body[0]):
        head.append(body.pop(0))
    head = [[replace(c, header=True) for c in row] for row in head]
    return TableBlock(caption, head, body)


def _span_attr(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 1000))
    except ValueError:
        return 1
