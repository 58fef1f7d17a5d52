"""Markdown (sections' text, notebook cells and ``text/markdown`` outputs) into blocks of
:mod:`xinfang.blocks`, with mistune 3.

Raw HTML inside Markdown is kept as literal, escaped text, never as markup; links are reduced
to their text and images to ``[alt]``: a report loads nothing and points nowhere.
"""
from __future__ import annotations

import re

import mistune

from xinfang.blocks import (
    CJK, Block, Cell, CodeBlock, Heading, ListBlock, Paragraph, Quote, Rule, Span, plain,
)
from xinfang.blocks import Table as TableBlock

__all__ = ["literal", "markdown_blocks"]

_MARKDOWN = mistune.create_markdown(renderer=None, plugins=["table", "strikethrough"])
_SOFT = "\x00soft"  # a source line break, resolved once its neighbours are known


#: ASCII punctuation (CommonMark lets a backslash make each one literal) and the braces of a
#: citation; line breaks and other control characters, which would start a block.
_PUNCT = re.compile(r"([!-/:-@\[-`{-~])")
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def literal(text: object) -> str:
    """``text`` (a value from the data or the parameters) as Markdown that reads back as exactly
    that text on one line: never a heading, a list, bold, a link, raw HTML or a citation.

    This is the one escape of data that a section writes into its Markdown (a
    :class:`~xinfang.report.sections.Text`); line breaks and control characters become one
    space.

    >>> [plain(b.spans) for b in markdown_blocks("领域：" + literal("\\n\\n## 伪造 **粗** <b>{图:领域}"))]
    ['领域： ## 伪造 **粗** <b>{图:领域}']
    """
    return _PUNCT.sub(r"\\\1", _BREAKS.sub(" ", str(text)))


def markdown_blocks(text: str) -> list[Block]:
    """Parse Markdown into blocks; raw HTML stays literal text.

    >>> markdown_blocks("## 一、基本情况\\n\\n同比上升**94.64％**。")[0].text
    '一、基本情况'
    >>> [s.text for s in markdown_blocks("<script>alert(1)</script>")[0].spans]
    ['<script>alert(1)</script>']
    """
    return _blocks(_MARKDOWN(text))


def _blocks(tokens: list[dict]) -> list[Block]:
    blocks: list[Block] = []
    for tok in tokens:
        kind = tok["type"]
        if kind == "heading":
            blocks.append(Heading(int(tok["attrs"]["level"]), _inline(tok["children"])))
        elif kind in ("paragraph", "block_text"):
            spans = _inline(tok["children"])
            if spans:
                blocks.append(Paragraph(spans))
        elif kind == "block_html":
            text = tok.get("raw", "").strip()
            if text:
                blocks.append(Paragraph([Span(text)]))
        elif kind == "list":
            attrs = tok.get("attrs", {})
            items = [_blocks(item.get("children", [])) for item in tok.get("children", [])]
            blocks.append(ListBlock(bool(attrs.get("ordered")), int(attrs.get("start", 1)), items))
        elif kind == "block_quote":
            blocks.append(Quote(_blocks(tok.get("children", []))))
        elif kind == "block_code":
            blocks.append(CodeBlock(tok.get("raw", "").rstrip("\n")))
        elif kind == "thematic_break":
            blocks.append(Rule())
        elif kind == "table":
            blocks.append(_table(tok))
    return blocks


def _inline(tokens: list[dict], bold=False, italic=False, strike=False) -> list[Span]:
    """Flatten mistune inline tokens into spans; raw HTML is kept as literal text."""
    out: list[Span] = []
    for tok in tokens:
        kind = tok["type"]
        if kind in ("text", "inline_html", "block_html"):
            out.append(Span(tok.get("raw", ""), bold, italic, strike=strike))
        elif kind == "codespan":
            out.append(Span(tok.get("raw", ""), bold, italic, code=True, strike=strike))
        elif kind == "strong":
            out.extend(_inline(tok["children"], True, italic, strike))
        elif kind == "emphasis":
            out.extend(_inline(tok["children"], bold, True, strike))
        elif kind == "strikethrough":
            out.extend(_inline(tok["children"], bold, italic, True))
        elif kind == "link":
            out.extend(_inline(tok.get("children", []), bold, italic, strike))
        elif kind == "image":
            alt = plain(_inline(tok.get("children", [])))
            if alt:
                out.append(Span(f"[{alt}]", bold, italic, strike=strike))
        elif kind == "linebreak":
            out.append(Span("", br=True))
        elif kind == "softbreak":
            out.append(Span(_SOFT, bold, italic, strike=strike))
        elif "children" in tok:
            out.extend(_inline(tok["children"], bold, italic, strike))
        elif "raw" in tok:
            out.append(Span(tok["raw"], bold, italic, strike=strike))
    return _resolve_softbreaks(out)


def _resolve_softbreaks(spans: list[Span]) -> list[Span]:
    """A source line break is a space between Latin words and nothing between Chinese."""
    out: list[Span] = []
    for i, span in enumerate(spans):
        if span.text != _SOFT:
            out.append(span)
            continue
        before = out[-1].text[-1:] if out and out[-1].text else ""
        after = next((s.text[:1] for s in spans[i + 1 :] if s.text and s.text != _SOFT), "")
        joiner = "" if CJK.match(before or " ") or CJK.match(after or " ") else " "
        if joiner:
            out.append(Span(joiner, span.bold, span.italic, strike=span.strike))
    return [s for s in out if s.text or s.br]


def _table(tok: dict) -> TableBlock:
    head: list[list[Cell]] = []
    body: list[list[Cell]] = []
    for part in tok.get("children", []):
        if part["type"] == "table_head":
            head.append([_cell(c) for c in part.get("children", [])])
        elif part["type"] == "table_body":
            for row in part.get("children", []):
                body.append([_cell(c) for c in row.get("children", [])])
    return TableBlock("", head, body)


def _cell(tok: dict) -> Cell:
    attrs = tok.get("attrs", {})
    return Cell(plain(_inline(tok.get("children", []))), bool(attrs.get("head")), align=attrs.get("align"))
