"""What a section is made of, and the registry of sections by name.

A section function takes the :class:`~xinfang.report.context.ReportContext` and returns its
body as a list of parts, or an empty list when it has nothing to show (it is then left out,
heading and number too). Sections never type a number:

* :class:`Sub` is a numbered heading one level below the section's own (（一） under 一、,
  1. under （一）);
* :class:`TablePart` and :class:`ChartPart` get 表N / 图N;
* a :class:`Text` (Markdown: paragraphs, lists) cites them by name: ``{表:核心}`` and ``{图:渠道}`` become 表1 and 图2, and
  ``{附件:口径说明}`` the number of that attachment (附件2).

Anything else a section returns is a block of the document model (:mod:`xinfang.blocks`), kept
as it is: the document's title is a :class:`~xinfang.blocks.Heading` of level 1, the 落款 a
:class:`~xinfang.blocks.Signature`. The numbers are given by :mod:`xinfang.report.forms` from
the section's place in its form, which turns every part into blocks.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Union

import pandas as pd

from ...blocks import Block, DocumentInfo, Heading, Signature
from ..context import ReportContext


class _Charts:
    """:mod:`xinfang.charts` (matplotlib), imported when a section first draws a chart: a batch
    worker that writes 督办单 imports the sections, and draws nothing."""

    def __getattr__(self, name: str):
        from ... import charts as module

        return getattr(module, name)


charts = _Charts()


@dataclass(frozen=True)
class Text:
    """A run of Markdown (paragraphs, lists); may cite tables and figures by name."""

    markdown: str


@dataclass(frozen=True)
class Sub:
    """A numbered heading inside a section, one level below the section's."""

    title: str


@dataclass(frozen=True)
class TablePart:
    """A data table; ``numbered`` tables get 表N before their caption."""

    frame: pd.DataFrame
    caption: str
    numbered: bool = True
    note: str = ""
    name: str | None = None        # for citations: {表:name}
    merge: tuple[str, ...] = ()    # columns whose repeated values are merged cells (一级指标, 二级指标)


@dataclass(frozen=True)
class ChartPart:
    """A chart, drawn only when it is displayed (drawing is the dear part of a report).

    ``draw`` takes the title to draw (with its number: 图2 …) and returns a
    :class:`~xinfang.charts.Chart`.
    """

    draw: Callable[[str], Any]
    title: str
    name: str | None = None        # for citations: {图:name}
    numbered: bool = True
    number: int | None = field(default=None, compare=False)

    def chart(self):
        return self.draw(f"图{self.number} {self.title}" if self.number else self.title)


def DocInfo(metadata: dict) -> DocumentInfo:
    """What the document says about itself (title, title lines, subtitle, date), from a
    report's metadata: printed by the renderer at the top, carried in the notebook so that any
    tool that executes it keeps it."""
    return DocumentInfo.from_metadata(metadata)


#: What a section returns: numbering placeholders (:class:`Text` with citations, :class:`Sub`,
#: :class:`TablePart`, :class:`ChartPart`) and blocks of :mod:`xinfang.blocks` as they are
#: (:class:`~xinfang.blocks.Heading`, :class:`~xinfang.blocks.Signature`,
#: :class:`~xinfang.blocks.DocumentInfo` …).
Part = Union[Text, Sub, TablePart, ChartPart, Block]
Title = Union[str, Callable[[ReportContext], str], None]


@dataclass(frozen=True)
class SectionSpec:
    name: str
    title: Title
    build: Callable[[ReportContext], list[Part]]

    def title_for(self, ctx: ReportContext) -> str | None:
        return self.title(ctx) if callable(self.title) else self.title


SECTIONS: dict[str, SectionSpec] = {}


def section(name: str, title: Title = None):
    """Register ``func`` as the section ``name`` with heading ``title`` (None: no heading)."""
    def register(func: Callable[[ReportContext], list[Part]]):
        if name in SECTIONS:
            raise ValueError(f"section {name!r} registered twice")
        SECTIONS[name] = SectionSpec(name, title, func)
        return func
    return register


def analyst(ctx: ReportContext, key: str) -> list[Part]:
    """The analyst's text for ``key`` as a section body, or nothing (the section is left out)."""
    text = ctx.analyst_text(key)
    return [Text(text)] if text else []
