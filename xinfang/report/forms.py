"""Report forms: the ordered section lists of ``forms.yaml``, and the numbering they give.

:func:`assemble` walks a form, calls each section function once, and turns the parts into
blocks of the document model (:mod:`xinfang.blocks`) with every heading number (一、 （一）
附件1) and table number (表1 …) generated from the place in the form.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Union

import yaml

from ..errors import ParameterError
from ..blocks import Block, Heading, Paragraph, Signature, Span, Table, clean_text, squash
from ..markdown import markdown_blocks
from .context import ReportContext
from .sections import SECTIONS, ChartPart, Part, Sub, TablePart, Text

FORMS_FILE = Path(__file__).with_name("forms.yaml")
DISTRICT_FORM = "自评报告"
UNIT_FORM = "单位报告"
ANNEX = "附件"
CN_NUM = "一二三四五六七八九十"


@dataclass(frozen=True)
class Chapter:
    """A top-level entry of a form with sections under it (numbered （一）（二）…)."""

    title: str
    sections: tuple[str, ...]


Entry = Union[str, Chapter]


@functools.cache
def load_forms() -> dict[str, tuple[Entry, ...]]:
    """Every form of ``forms.yaml``, checked: each name is a registered section."""
    doc = yaml.load(FORMS_FILE.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    out: dict[str, tuple[Entry, ...]] = {}
    for name, entries in doc.items():
        parsed: list[Entry] = []
        for entry in entries:
            if isinstance(entry, dict):
                (title, children), = entry.items()
                parsed.append(Chapter(str(title), tuple(map(str, children))))
            else:
                parsed.append(str(entry))
        for section in _names(parsed):
            if section not in SECTIONS:
                raise ParameterError(f"{FORMS_FILE.name}: 形式「{name}」中的节「{section}」不存在 / "
                                     f"unknown section; known: {', '.join(SECTIONS)}")
        out[str(name)] = tuple(parsed)
    return out


def _names(entries) -> list[str]:
    return [s for e in entries for s in (e.sections if isinstance(e, Chapter) else (e,))]


def form_for(ctx: ReportContext) -> str:
    """The form a report uses: params ``form``, else 自评报告 (district) or 单位报告 (unit)."""
    name = ctx.params.form or (UNIT_FORM if ctx.unit else DISTRICT_FORM)
    if name not in load_forms():
        raise ParameterError(f"form: 报告形式「{name}」不存在 / unknown report form; "
                             f"可选 / choose from: {', '.join(load_forms())}")
    return name


class _Numbers:
    def __init__(self, annexes: int = 0) -> None:
        self.chapter = self.sub = self.item = self.annex = self.table = self.figure = 0
        self.annexes = annexes  # how many attachments the document has (one is not numbered)

    def heading(self, level: str, title: str) -> Heading:
        """A numbered heading: chapter 一、 (level 2), sub （一） (3), item 1. (4), annex (2, labelled
        附件1, or 附件 when it is the only one: GB/T 9704 §7.3.4)."""
        if level == "chapter":
            self.chapter += 1
            self.sub = 0
            return Heading(2, f"{CN_NUM[self.chapter - 1]}、{title}")
        if level == "sub":
            self.sub += 1
            self.item = 0
            return Heading(3, f"（{CN_NUM[self.sub - 1]}）{title}")
        if level == "item":
            self.item += 1
            return Heading(4, f"{self.item}. {title}")
        self.annex += 1
        self.sub = 0
        return Heading(2, title, label=annex_label(self.annex, self.annexes))


#: The level of a Sub inside a section of each level.
_BELOW = {"chapter": "sub", "annex": "sub", "sub": "item", "item": "item"}
_CITE = re.compile(r"(?<!\\)\{(表|图|附件):([^{}]+)\}")   # not an escaped brace (markdown.literal)

#: One output of a section: a block, or a chart still to be drawn.
Output = Union[Block, ChartPart]


def assemble(ctx: ReportContext, form: str | None = None) -> dict[str, list[Output]]:
    """Each section of the form → its blocks, numbered; consecutive text is parsed as one run
    of Markdown (so that a list spread over two texts is one list).

    Charts stay :class:`ChartPart` (drawn when displayed). A section with nothing to show is
    left out, and so is a chapter all of whose sections are. Citations ``{表:名}`` / ``{图:名}``
    in the text become the numbers the tables and figures are given.
    """
    placed: list[tuple[str, str, str | None, list[Part]]] = []   # (name, level, chapter title, parts)
    for entry in load_forms()[form or form_for(ctx)]:
        if isinstance(entry, Chapter):
            level = "annex" if entry.title == ANNEX else "sub"
            pending = None if entry.title == ANNEX else entry.title
            for name in entry.sections:
                parts = SECTIONS[name].build(ctx)
                if parts:
                    placed.append((name, level, pending, parts))
                    pending = None
        else:
            parts = SECTIONS[entry].build(ctx)
            if parts:
                placed.append((entry, "chapter", None, parts))
    annexes = [name for name, level, _, _ in placed if level == "annex"]
    numbers = _Numbers(len(annexes))
    cites: dict[tuple[str, str], int] = {}
    cites.update({("附件", name): i for i, name in enumerate(annexes, start=1)})
    numbered: list[tuple[str, str, str | None, list[Part]]] = []
    for name, level, chapter, parts in placed:
        out = []
        for part in parts:
            if isinstance(part, TablePart) and part.numbered:
                numbers.table += 1
                if part.name:
                    cites[("表", part.name)] = numbers.table
                part = replace(part, caption=f"表{numbers.table} {part.caption}")
            elif isinstance(part, ChartPart) and part.numbered:
                numbers.figure += 1
                if part.name:
                    cites[("图", part.name)] = numbers.figure
                part = replace(part, number=numbers.figure)
            out.append(part)
        numbered.append((name, level, chapter, out))

    def cite(match: re.Match) -> str:
        key = (match.group(1), match.group(2))
        if key not in cites:
            raise ValueError(f"citation {match.group(0)} names no {key[0]} of this report")
        return f"{key[0]}{cites[key]}"

    result: dict[str, list[Output]] = {}
    for name, level, chapter, parts in numbered:
        outputs: list[Output] = []
        texts: list[str] = []

        def flush() -> None:
            if texts:
                outputs.extend(markdown_blocks(clean_text("\n\n".join(texts))))
                texts.clear()

        if chapter:
            outputs.append(numbers.heading("chapter", chapter))
        title = SECTIONS[name].title_for(ctx)
        if title:
            outputs.append(numbers.heading(level, title))
        for part in parts:
            if isinstance(part, Text):
                texts.append(_CITE.sub(cite, part.markdown))
                continue
            flush()
            if isinstance(part, Sub):
                outputs.append(numbers.heading(_BELOW[level], part.title))
            elif isinstance(part, TablePart):
                outputs.append(Table.from_frame(part.frame, part.caption, part.merge))
                note = squash(clean_text(part.note))
                if note:
                    outputs.append(Paragraph(note, role="note"))
            else:
                outputs.append(part)
        flush()
        result[name] = outputs
    _annex_list(result, placed, [SECTIONS[name].title_for(ctx) or name for name in annexes])
    return result


def annex_label(n: int, total: int) -> str:
    """附件1, 附件2 …; 附件 alone when there is one attachment."""
    return "附件" if total == 1 else f"附件{n}"


def annex_list(titles: list[str]) -> Paragraph | None:
    """附件说明 (GB/T 9704 §7.3.4): "附件：1.评分表", the next items on lines of their own, lined
    up under the first (the renderers indent them); one attachment is not numbered."""
    if not titles:
        return None
    if len(titles) == 1:
        return Paragraph(f"附件：{titles[0]}", role="annex_list")
    spans: list[Span] = []
    for i, title in enumerate(titles, start=1):
        if i > 1:
            spans.append(Span("", br=True))
        spans.append(Span(f"{'附件：' if i == 1 else ''}{i}.{title}"))
    return Paragraph(spans, role="annex_list")


def _annex_list(result: dict[str, list[Output]], placed: list, titles: list[str]) -> None:
    """Put the 附件说明 after the body, before the 落款: in the section just before the first
    attachment, ahead of its right-aligned Signature (or at its end)."""
    para = annex_list(titles)
    names = [name for name, *_ in placed]
    first = next((i for i, (_, level, *_) in enumerate(placed) if level == "annex"), None)
    if para is None or not first:
        return
    outputs = result[names[first - 1]]
    at = next((i for i, o in enumerate(outputs) if isinstance(o, Signature) and o.align == "right"), len(outputs))
    outputs.insert(at, para)
