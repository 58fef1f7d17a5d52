"""The monthly 通报 (一月一通报): what it is computed from, and its 督办单.

:func:`load_bulletin` loads the params and inputs of the year, cuts the month out of the
year's period (:mod:`xinfang.monthly`), and computes, as of the cut-off date C:

* the catalogue of the month, of 1月至本月, of the month before (环比) for the district and
  every unit (the catalogue's own ``previous`` is the same month a year earlier: 同比);
* the 月度考核 of every unit (:mod:`xinfang.scoring.assessment`);
* the overdue and soon-due cases at C (no personal data: 信访件编号, unit, dates, 问题领域).

The sections of the form 月度通报 (:mod:`xinfang.report.sections.bulletin`) only read a
:class:`BulletinContext`. :func:`duban_document` gives each unit's 督办单 as a document of
blocks (:mod:`xinfang.blocks`), written in-process by :func:`write_duban` through
:func:`~xinfang.render.document.render_document` with the same GB/T 9704 renderer: no
notebook, no kernel.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import narrative as nv
from ..blocks import Block, Document, DocumentInfo, Heading, Paragraph, Signature, Table
from ..config.schema import Bulletin, ReportParams
from ..errors import ParameterError
from ..periods import Period, parse_date
from ..result import Indicator

FORM = "月度通报"
OVERDUE_KINDS = {"od_acc": "超期未受理", "od_rep": "超期未答复", "ds_rep": "即将到期"}


@dataclass
class BulletinContext:
    """Everything one monthly 通报 shows, computed once."""

    params: ReportParams
    inputs: Any
    month: int
    period: Period                                  # the month
    cumulative: Period                              # 1月至本月
    previous_month: Period
    cutoff: dt.date
    results: dict[str, Indicator]                   # district, the month, as of C
    cumulative_results: dict[str, Indicator]
    previous_results: dict[str, Indicator]          # the month before (环比)
    per_unit: dict[str, dict[str, Indicator]]
    per_unit_cumulative: dict[str, dict[str, Indicator]]
    volumes: dict[str, dict[str, int]]              # 本月 / 上月 / 上年同月 / 累计 / 上年累计 → monthly.volume
    unit_trend: pd.DataFrame                        # units × (前两月, 上月, 本月) 件次
    assessment: pd.DataFrame | None
    cases: pd.DataFrame                             # overdue and soon-due cases at C
    unit: None = None
    missing: list[str] = field(default_factory=list)

    # ---------------------------------------------------------------- identity
    @property
    def year(self) -> int:
        return self.params.year

    @property
    def district(self) -> str:
        return self.params.district

    @property
    def sign(self) -> str:
        return self.params.percent_sign

    @property
    def settings(self) -> Bulletin:
        return self.params.bulletin

    @property
    def issuer(self) -> str:
        return self.settings.signature or self.params.bureau or self.district

    @property
    def title(self) -> str:
        return f"关于{self.year}年{self.month}月全区信访工作情况的通报"

    @property
    def file_stem(self) -> str:
        return f"{self.year}-{self.month:02d}_通报"

    @property
    def report_date(self) -> dt.date:
        return self.cutoff + dt.timedelta(days=1)

    def metadata(self) -> dict:
        return {"title": self.title, "title_lines": [self.title], "subtitle": "",
                "date": self.report_date.isoformat()}

    @property
    def min_base(self) -> int:
        return self.params.findings.min_base

    @property
    def targets(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.params.targets.items()}

    # ---------------------------------------------------------------- words
    def pct(self, ind: Indicator) -> str:
        if ind.numerator is not None and ind.denominator:
            return nv.ratio_percent(ind.numerator, ind.denominator, sign=self.sign)
        return nv.percent(ind.value, sign=self.sign)

    def below_target(self, ind: Indicator) -> bool:
        """Whether a defined rate's displayed value is below its target."""
        target = self.targets.get(ind.key)
        if target is None or ind.value is None or not ind.denominator:
            return False
        return nv.shown_percent(nv.exact_rate(ind)) < nv.shown_percent(target)

    def date_text(self, day: dt.date) -> str:
        return f"{day.year}年{day.month}月{day.day}日"

    def overdue_count(self, results: Mapping[str, Indicator]) -> int:
        return int((results["overdue.acceptance"].value or 0) + (results["overdue.reply"].value or 0))

    def rectification(self) -> dict[str, str]:
        """整改要求: indicator key → one requirement line (params ``rectification``, shared with
        the unit reports)."""
        from .context import rectification_lines

        return rectification_lines(self.params)

    def analyst_requirements(self) -> str | None:
        """The analyst's text for the month (params ``bulletin.requirements_text``), or None."""
        from .context import escape_raw_html

        from ..config.sources import requirements_path

        path = requirements_path(self.params, self.month)
        if path is None or not path.is_file():
            return None
        return escape_raw_html(path.read_text(encoding="utf-8").strip()) or None


def default_cutoff(params: ReportParams, period: Period) -> dt.date:
    return period.end + dt.timedelta(days=params.bulletin.cutoff_days)


def overdue_cases(register: pd.DataFrame, cutoff: dt.date, due_soon_days: int) -> pd.DataFrame:
    """The cases overdue or soon due at ``cutoff``: 信访件编号, 责任单位, 登记日期, 类别, 应办日期,
    超期天数 (days past the due date at C; 0 for a soon-due case), 问题领域. No personal data.
    Ordered by unit (register order), then due date, then 信访件编号."""
    from ..indicators.measures import overdue_frame

    f = overdue_frame(register, np.datetime64(cutoff, "D"), due_soon_days)
    kind = np.select([f["od_acc"], f["od_rep"], f["ds_rep"]], list(OVERDUE_KINDS.values()), "")
    keep = kind != ""
    due = f.loc[keep, "due"].dt.date
    frame = pd.DataFrame({
        "信访件编号": register.loc[keep, "case_id"].astype(str).to_numpy(),
        "责任单位": register.loc[keep, "unit"].astype(object).to_numpy(),
        "登记日期": register.loc[keep, "registered_on"].dt.date.to_numpy(),
        "类别": kind[keep],
        "应办日期": due.to_numpy(),
        "超期天数": [max((cutoff - d).days, 0) for d in due],
        "问题领域": register.loc[keep, "domain"].astype(object).to_numpy(),
    })
    order = {u: i for i, u in enumerate(register["unit"].cat.categories)}
    frame["_u"] = frame["责任单位"].map(order)
    return frame.sort_values(["_u", "应办日期", "信访件编号"], kind="stable").drop(columns="_u").reset_index(drop=True)


def load_bulletin_context(year: int, month: int, params_dir: str | Path | None = None, *,
                          cutoff: str | dt.date | None = None, register: str | None = None,
                          cache_dir: str | Path | None = None, figures: bool = True) -> BulletinContext:
    """Load params and inputs of ``year`` and compute the 通报 of ``month`` as of the cut-off.

    ``figures=False`` computes only the overdue and soon-due cases (what the 督办单 need: a
    batch writes them after the 通报's kernel is gone); the figures of the 通报 are left empty.
    """
    from ..indicators import compute_all, compute_catalogue
    from ..inputs import load_inputs
    from ..locate import params_dir_or_find
    from ..monthly import month_period, previous_month, unit_counts, volume, year_to_month
    from ..config.layers import load_params, register_override
    from ..config.sources import report_sources
    from ..scoring.assessment import assess, load_assessment

    if not 1 <= int(month) <= 12:
        raise ParameterError(f"月份须为 1 至 12 / month must be 1–12, not {month}")
    params = load_params(params_dir_or_find(params_dir), year, None, register_override(register))
    inputs = load_inputs(params, cache_dir=cache_dir)
    reg, units = inputs.register, list(inputs.units.names)
    year_period = inputs.period
    period = month_period(year_period, month)
    c = parse_date(cutoff, "--cutoff") if cutoff else default_cutoff(params, period)
    if c < period.end:
        raise ParameterError(f"--cutoff: 截止日 {c} 早于该月最后一天 {period.end} / the cut-off is before the month's end")
    settings = params.bulletin
    days = settings.due_soon_days
    cum, prev = year_to_month(year_period, month), previous_month(year_period, month)
    cases = overdue_cases(reg, c, days)
    if not figures:
        return BulletinContext(params, inputs, int(month), period, cum, prev, c, {}, {}, {}, {}, {}, {},
                               pd.DataFrame(), None, cases, missing=list(inputs.missing))
    kw = {"campaign": None, "beijing": inputs.beijing, "cutoff": c, "due_soon_days": days}
    district, per_unit = compute_all(reg, period, units, **kw)
    district_cum, per_unit_cum = compute_all(reg, cum, units, **kw)
    previous_results = compute_catalogue(reg, prev, beijing=inputs.beijing)
    volumes = {"本月": volume(reg, period), "上月": volume(reg, prev), "上年同月": volume(reg, period.previous()),
               "累计": volume(reg, cum), "上年累计": volume(reg, cum.previous())}
    before_prev = previous_month(year_period, month - 1) if month > 1 else Period(
        prev.start - dt.timedelta(days=31), prev.start - dt.timedelta(days=1))
    trend = pd.DataFrame({"前两月": unit_counts(reg, before_prev, units), "上月": unit_counts(reg, prev, units),
                          "本月": unit_counts(reg, period, units)})
    framework = report_sources(params, "bulletin")["assessment"]
    assessment = assess(load_assessment(framework), per_unit) if framework else None
    return BulletinContext(params, inputs, int(month), period, cum, prev, c, district, district_cum,
                           previous_results, per_unit, per_unit_cum, volumes, trend, assessment,
                           cases, missing=list(inputs.missing))


# ============================================================================================
# 督办单


def duban_units(ctx: BulletinContext) -> list[str]:
    """Units with overdue or soon-due cases at the cut-off, in register order."""
    return list(dict.fromkeys(ctx.cases["责任单位"]))


def duban_number(ctx: BulletinContext, unit: str) -> str:
    """督办单编号: 〔year〕month-sequence, the sequence in register order of the units concerned."""
    seq = duban_units(ctx).index(unit) + 1
    return f"督办〔{ctx.year}〕{ctx.month}-{seq:02d}号"


def duban_deadline(ctx: BulletinContext, unit: str) -> dt.date:
    """请于…前办结并反馈: C + ``bulletin.duban_days``, or the earliest soon-due date if earlier."""
    days = ctx.settings.duban_days
    deadline = ctx.cutoff + dt.timedelta(days=days)
    soon = ctx.cases[(ctx.cases["责任单位"] == unit) & (ctx.cases["类别"] == "即将到期")]
    if len(soon):
        deadline = min(deadline, min(soon["应办日期"]))
    return deadline


def duban_blocks(ctx: BulletinContext, unit: str) -> list[Block]:
    """The blocks of one unit's 督办单 (title, 编号, addressee, body, case table, 落款)."""
    cases = ctx.cases[ctx.cases["责任单位"] == unit]
    n_over = int((cases["类别"] != "即将到期").sum())
    n_soon = int((cases["类别"] == "即将到期").sum())
    title = "信访事项督办单"
    parts = []
    if n_over:
        parts.append(f"超期未办结{n_over}件")
    if n_soon:
        parts.append(f"即将到期{n_soon}件")
    deadline = duban_deadline(ctx, unit)
    body = (f"截至{ctx.date_text(ctx.cutoff)}，你单位承办的信访事项中{'、'.join(parts)}（见下表）。"
            f"请于{ctx.date_text(deadline)}前办结并反馈办理结果；确需延期的，依规办理延期手续。")
    rows = zip(
        range(1, len(cases) + 1),
        cases["信访件编号"].to_list(),
        cases["类别"].to_list(),
        [ctx.date_text(d) for d in cases["登记日期"]],
        [ctx.date_text(d) for d in cases["应办日期"]],
        [str(d) if k != "即将到期" else "未超期" for d, k in zip(cases["超期天数"], cases["类别"])],
        cases["问题领域"].to_list(),
    )
    columns = ["序号", "信访件编号", "类别", "登记日期", "应办日期", "超期天数", "问题领域"]
    return [DocumentInfo(title, (title,), duban_number(ctx, unit), ctx.report_date.isoformat()),
            Heading(1, title), Paragraph(f"{unit}："), Paragraph(body),
            Table.from_rows(columns, rows, "督办事项清单"),
            Signature((ctx.issuer, ctx.date_text(ctx.report_date)))]


def duban_document(ctx: BulletinContext, unit: str) -> Document:
    """One unit's 督办单 as a document (no notebook, no kernel)."""
    from ..render.document import build_document

    return build_document(duban_blocks(ctx, unit))


def write_duban(ctx: BulletinContext, out_dir: str | Path) -> list[Path]:
    """Write ``<out_dir>/<unit>.docx`` for every unit with overdue or soon-due cases; remove
    the 督办单 of units that have none any more. Returns the paths written."""
    from ..fileio import safe_filename
    from ..render.document import render_document

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for unit in duban_units(ctx):
        paths = render_document(duban_document(ctx, unit), out_dir, safe_filename(unit), formats=("docx",))
        written.append(paths["docx"])
    for stale in out_dir.glob("*.docx"):
        if stale not in written:
            stale.unlink()
    return written


def load_bulletin(year: int, month: int, params_dir: str | Path | None = None, *,
                  cutoff: str | dt.date | None = None, register: str | None = None,
                  cache_dir: str | Path | None = None):
    """The 通报 of ``month``: a :class:`~xinfang.report.Report` of the form 月度通报."""
    from . import Report

    return Report(load_bulletin_context(year, month, params_dir, cutoff=cutoff, register=register,
                                        cache_dir=cache_dir), FORM)


def bulletin_notebook_path() -> Path:
    """The bulletin notebook (package data of ``xinfang.notebooks``)."""
    from xinfang.notebooks import path

    return path("bulletin.ipynb")
