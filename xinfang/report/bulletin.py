"""The monthly 通报 (一月一通报): what it is computed from, and its 督办单.

:func:`load_bulletin` loads the params and inputs of the year, cuts the month out of the
year's period (:mod:`xinfang.monthly`), and computes, as of the cut-off date C:

* the catalogue of the month, of 1月至本月, of the month before (环比) for the district and
  every unit (the catalogue's own ``previous`` is the same month a year earlier: 同比);
* the 月度考核 of every unit (:mod:`xinfang.scoring.assessment`);
* the overdue and soon-due cases at C (no personal data: 信访件编号, unit, dates, 问题领域,
  信访目的).

The sections of the form 月度通报 (:mod:`xinfang.report.sections.bulletin`) only read a
:class:`BulletinContext`. The 通报 and its 督办单 are dated the first working day after C
(:mod:`xinfang.workdays`; the text says "截至C"). :mod:`xinfang.report.duban` makes each
unit's 督办单 and 提示单 from the same context, rendered in-process: no notebook, no kernel.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import narrative as nv
from ..config.schema import Bulletin, ReportParams
from ..errors import ParameterError
from ..periods import Period, parse_date
from ..result import Indicator
from ..workdays import WorkCalendar

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
    def calendar(self) -> WorkCalendar:
        """Working days: weekends, params ``bulletin.holidays`` and ``bulletin.workdays``."""
        return WorkCalendar.of(self.settings.holidays, self.settings.workdays)

    @property
    def report_date(self) -> dt.date:
        """印发日期 of the 通报 and its 督办单: the first working day after the cut-off."""
        return self.calendar.next_workday(self.cutoff)

    @property
    def number(self) -> str:
        """文号: ``<bulletin.code>〔year〕month号``, or empty without a 机关代字."""
        code = self.settings.code
        return f"{code}〔{self.year}〕{self.month}号" if code else ""

    def metadata(self) -> dict:
        return {"title": self.title, "title_lines": [self.title], "subtitle": "",
                "date": self.report_date.isoformat(), "number": self.number}

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
    超期天数 (days past the due date at C; 0 for a soon-due case), 问题领域, 信访目的. No personal data.
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
        "信访目的": register.loc[keep, "purpose"].astype(object).to_numpy(),
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
    # 1月至本月, with the 治重化积 table (as of C: a matter resolved after the cut-off is still open)
    district_cum, per_unit_cum = compute_all(reg, cum, units, **{**kw, "campaign": inputs.campaign})
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
