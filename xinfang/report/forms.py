"""Report forms: the ordered section lists of ``forms.yaml``, and the numbering they give.

:func:`assemble` walks a form, calls each section function once, and turns the parts into
displayable outputs with every heading number (一、 （一） 附件1) and table number (表1 …)
generated from the place in the form.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Union

import yaml

from ..errors import ParameterError
from .context import ReportContext
from ..display import Markdown, Table
from .sections import SECTIONS, ChartPart, Part, TablePart, Text

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
    doc = yaml.safe_load(FORMS_FILE.read_text(encoding="utf-8"))
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
    name = ctx.params.get("form") or (UNIT_FORM if ctx.unit else DISTRICT_FORM)
    if name not in load_forms():
        raise ParameterError(f"form: 报告形式「{name}」不存在 / unknown report form; "
                             f"可选 / choose from: {', '.join(load_forms())}")
    return name


class _Numbers:
    def __init__(self) -> None:
        self.chapter = self.sub = self.annex = self.table = 0

    def heading(self, level: str, title: str) -> str:
        if level == "chapter":
            self.chapter += 1
            self.sub = 0
            return f"## {CN_NUM[self.chapter - 1]}、{title}"
        if level == "sub":
            self.sub += 1
            return f"### （{CN_NUM[self.sub - 1]}）{title}"
        self.annex += 1
        return f"## 附件{self.annex} {title}"


Output = Union[Markdown, Table, ChartPart]


def assemble(ctx: ReportContext, form: str | None = None) -> dict[str, list[Output]]:
    """Each section of the form → its outputs, numbered; consecutive text is one Markdown output.

    Charts stay :class:`ChartPart` (drawn when displayed). A section with nothing to show is
    left out, and so is a chapter all of whose sections are.
    """
    numbers = _Numbers()
    out: dict[str, list[Output]] = {}
    for entry in load_forms()[form or form_for(ctx)]:
        if isinstance(entry, Chapter) and entry.title == ANNEX:
            for name in entry.sections:
                _add(out, ctx, name, "annex", numbers, None)
        elif isinstance(entry, Chapter):
            pending = [entry.title]
            for name in entry.sections:
                if _add(out, ctx, name, "sub", numbers, pending):
                    pending = None
        else:
            _add(out, ctx, entry, "chapter", numbers, None)
    return out


def _add(out: dict, ctx: ReportContext, name: str, level: str, numbers: _Numbers, chapter: list | None) -> bool:
    spec = SECTIONS[name]
    parts: list[Part] = spec.build(ctx)
    if not parts:
        return False
    texts: list[str] = []
    if chapter:
        texts.append(numbers.heading("chapter", chapter[0]))
    title = spec.title_for(ctx)
    if title:
        texts.append(numbers.heading(level, title))
    outputs: list[Output] = []

    def flush() -> None:
        if texts:
            outputs.append(Markdown("\n\n".join(texts)))
            texts.clear()

    for part in parts:
        if isinstance(part, Text):
            texts.append(part.markdown)
            continue
        flush()
        if isinstance(part, TablePart):
            caption = part.caption
            if part.numbered:
                numbers.table += 1
                caption = f"表{numbers.table} {caption}"
            outputs.append(Table(part.frame, caption, part.note))
        else:
            outputs.append(part)
    flush()
    out[name] = outputs
    return True
