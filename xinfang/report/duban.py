"""The 督办单 and 提示单 of a month: who must do what by when, as documents of blocks.

After each monthly 通报, every unit with cases overdue at the cut-off C gets a
**信访事项督办单** (those cases), and every unit with cases whose reply falls due within
``bulletin.due_soon_days`` after C gets a **信访事项到期提示单** (a reminder, not a 督办). A unit
with both gets both. Each sheet carries:

* its 文号: ``<duban_code>〔year〕month-NN号`` (params ``bulletin.duban_code``), NN numbering
  every sheet of the month in the unit register's order, a unit's 督办单 before its 提示单;
* the addressee (承办单位), the cases — 信访件编号, 登记日期, 反映问题 (the case's 问题领域 and
  信访目的, never the petitioner or the summary), the step that is late and by how much;
* 督办要求 (or, on a 提示单, what to do before each case's due date), with one deadline: the
  ``bulletin.duban_days``-th working day after the issue date;
* the 落款 (the issuing office, the issue date: the first working day after C, see
  :mod:`xinfang.workdays`), the office's 经办人 and 联系电话 (params) as an 附注;
* a 回执 as its attachment, one row per case (办理结果, 责任人, 完成日期) to fill in and send back.

Sheets are rendered in-process through :func:`~xinfang.render.document.render_document` (no
notebook, no kernel). This module reads a :class:`~xinfang.report.bulletin.BulletinContext`
but does not import it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..blocks import Block, Cell, DocumentInfo, Heading, ListBlock, Paragraph, Signature, Span, Table

__all__ = ["DUBAN", "REMINDER", "Sheet", "sheets", "sheet_blocks", "sheet_document", "write_duban",
           "matter_text"]

DUBAN = "督办单"
REMINDER = "提示单"
TITLES = {DUBAN: "信访事项督办单", REMINDER: "信访事项到期提示单"}
_SOON = "即将到期"
_STEP = {"超期未受理": "受理", "超期未答复": "答复"}
_BLANK = "\u3000"  # a full-width space: room to write in


@dataclass(frozen=True)
class Sheet:
    """One 督办单 or 提示单: its kind, unit, 文号, cases and dates."""

    kind: str                  # DUBAN | REMINDER
    unit: str
    number: str                # 文号
    cases: pd.DataFrame        # the rows of BulletinContext.cases for this sheet
    issued: dt.date            # 印发日期: the first working day after the cut-off
    deadline: dt.date          # the duban_days-th working day after ``issued``

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    @property
    def stem(self) -> str:
        """The file name without suffix: ``<unit>_督办单`` or ``<unit>_提示单``."""
        from ..fileio import safe_filename

        return safe_filename(f"{self.unit}_{self.kind}")


def matter_text(domain: Any, purpose: Any) -> str:
    """反映问题 as the register classifies it: 问题领域 and 信访目的 (no personal data).

    >>> matter_text("城乡建设", "求决"), matter_text("劳动社保", None)
    ('城乡建设领域求决类', '劳动社保领域')
    """
    def text(value: Any) -> str:
        return "" if value is None or value != value else str(value).strip()

    d, p = text(domain), text(purpose)
    return (f"{d}领域" if d else "") + (f"{p}类" if p else "") or "未分类"


def sheets(ctx) -> list[Sheet]:
    """Every sheet of the month, numbered: units in register order, 督办单 before 提示单."""
    cases = ctx.cases
    settings = ctx.settings
    issued = ctx.report_date
    deadline = ctx.calendar.add(issued, settings.duban_days)
    code = settings.duban_code or "督办"
    out: list[Sheet] = []
    for unit in dict.fromkeys(cases["责任单位"]):
        mine = cases[cases["责任单位"] == unit]
        for kind, rows in ((DUBAN, mine[mine["类别"] != _SOON]), (REMINDER, mine[mine["类别"] == _SOON])):
            if len(rows):
                number = f"{code}〔{ctx.year}〕{ctx.month}-{len(out) + 1:02d}号"
                out.append(Sheet(kind, str(unit), number, rows.reset_index(drop=True), issued, deadline))
    return out


def _date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _case_table(ctx, sheet: Sheet) -> Table:
    c = sheet.cases
    matters = [matter_text(d, p) for d, p in zip(c["问题领域"], c.get("信访目的", [None] * len(c)))]
    if sheet.kind == DUBAN:
        columns = ["序号", "信访件编号", "登记日期", "反映问题", "超期环节", "应办日期", "超期天数"]
        rows = zip(range(1, len(c) + 1), c["信访件编号"], map(_date, c["登记日期"]), matters,
                   [f"未{_STEP.get(k, '办结')}" for k in c["类别"]], map(_date, c["应办日期"]), c["超期天数"])
        caption = "督办事项"
    else:
        columns = ["序号", "信访件编号", "登记日期", "反映问题", "答复期限"]
        rows = zip(range(1, len(c) + 1), c["信访件编号"], map(_date, c["登记日期"]), matters,
                   map(_date, c["应办日期"]))
        caption = "即将到期事项"
    return Table.from_rows(columns, rows, caption)


def _requirements(ctx, sheet: Sheet) -> list[str]:
    office = ctx.issuer
    by = f"{_date(sheet.deadline)}前（{ctx.settings.duban_days}个工作日内）"
    if sheet.kind == DUBAN:
        steps = set(sheet.cases["类别"])
        what = []
        if "超期未受理" in steps:
            what.append("超期未受理的，依法作出受理或者不予受理的决定并告知信访人")
        if "超期未答复" in steps:
            what.append("超期未答复的，出具处理意见书并答复信访人")
        return [f"请于{by}办结：{'；'.join(what)}；确需延期的，依规办理延期手续。",
                f"办理结果填写附件回执，加盖公章后于{_date(sheet.deadline)}前报送{office}；"
                "逾期未办结的，在月度通报中通报并扣分。"]
    return ["请在各件答复期限（见上表）届满前出具处理意见书并答复信访人；确需延期的，在期限届满前依规办理延期手续。",
            f"办理结果填写附件回执，于{by}报送{office}；期限届满仍未答复的，转为督办。"]


def _receipt(ctx, sheet: Sheet) -> list[Block]:
    """The 回执: the sheet's number and unit, one row per case to fill in, and where to send it."""
    c = sheet.cases
    head = [[Cell(t, header=True) for t in ("序号", "信访件编号", "办理结果", "责任人", "完成日期")]]
    # room to write: the 办理结果 cell three lines high and wide, the others a few characters
    body = [[Cell(str(i)), Cell(str(case)), Cell("\n".join([_BLANK * 8] * 3)), Cell(_BLANK * 4),
             Cell(f"{_BLANK}年{_BLANK}月{_BLANK}日")]
            for i, case in enumerate(c["信访件编号"], start=1)]
    phone = f"（联系电话：{ctx.settings.phone}）" if ctx.settings.phone else ""
    return [Heading(2, f"{sheet.title}回执", label="附件"),
            Paragraph(f"文号：{sheet.number}"),
            Paragraph(f"承办单位：{sheet.unit}"),
            Table("", head, body),
            Paragraph(f"单位负责人（签字）：{_BLANK * 8}（单位盖章）"),
            Paragraph(f"填报日期：{_BLANK * 3}年{_BLANK * 2}月{_BLANK * 2}日"),
            Paragraph(f"请于{_date(sheet.deadline)}前将本回执报送{ctx.issuer}{phone}。")]


def sheet_blocks(ctx, sheet: Sheet) -> list[Block]:
    """The blocks of one sheet: 文号 and title, addressee, body, cases, requirements, 附件说明,
    落款, the office's contact, and the 回执 as its attachment."""
    c = sheet.cases
    cut = _date(ctx.cutoff)
    if sheet.kind == DUBAN:
        counts = "、".join(f"{k}{n}件" for k, n in c["类别"].value_counts(sort=False).items())
        body = f"截至{cut}，你单位承办的下列信访事项已超过法定办理期限（{counts}），现予督办。"
        note = f"应办日期为应作出受理决定或应答复之日；超期天数计至{cut}。"
    else:
        body = f"截至{cut}，你单位承办的下列{len(c)}件信访事项答复期限即将届满，现予提示，请确保按期答复。"
        note = "答复期限为受理之日起60日加延期天数的最后一日。"
    settings = ctx.settings
    contact = "，".join(x for x in (f"经办人：{settings.contact}" if settings.contact else "",
                                     f"联系电话：{settings.phone}" if settings.phone else "") if x)
    blocks: list[Block] = [
        DocumentInfo(sheet.title, (sheet.title,), "", sheet.issued.isoformat(), number=sheet.number),
        Heading(1, sheet.title), Signature((f"{sheet.unit}：",), align="left"), Paragraph(body),
        _case_table(ctx, sheet), Paragraph(note, role="note"),
        Heading(2, "办理要求" if sheet.kind == REMINDER else "督办要求"),
        ListBlock(True, 1, [[Paragraph(text)] for text in _requirements(ctx, sheet)]),
        Paragraph([Span(f"附件：{sheet.title}回执")], role="annex_list"),
        Signature((ctx.issuer, _date(sheet.issued)))]
    if contact:  # 附注 (GB/T 9704 §7.3.6): under the date, two characters in, in brackets
        blocks.append(Paragraph(f"（{contact}）"))
    return blocks + _receipt(ctx, sheet)


def sheet_document(ctx, sheet: Sheet):
    """One sheet as a :class:`~xinfang.blocks.Document` (no notebook, no kernel)."""
    from ..render.document import build_document

    return build_document(sheet_blocks(ctx, sheet))


def write_duban(ctx, out_dir: str | Path) -> list[Path]:
    """Write ``<out_dir>/<unit>_督办单.docx`` and ``<unit>_提示单.docx`` for every sheet of the
    month; remove sheets of an earlier run that the month no longer has. Returns the paths."""
    from ..render.document import render_document

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for sheet in sheets(ctx):
        written.append(render_document(sheet_document(ctx, sheet), out_dir, sheet.stem, formats=("docx",))["docx"])
    for stale in out_dir.glob("*.docx"):
        if stale not in written:
            stale.unlink()
    return written
