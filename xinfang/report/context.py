"""What a report is computed from: parameters, validated inputs, the catalogue for the district
and every unit, the budget part and the scorecard — loaded once, read by every section.

:func:`load_context` is the one entry point; the section functions in
:mod:`xinfang.report.sections` only read a :class:`ReportContext`.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from .. import narrative as nv
from ..indicators import compute_all, rank_units, units_with_data
from ..inputs import Inputs, load_inputs
from ..inputs.slices import unit_rows
from ..config.layers import load_params, register_override, resolve
from ..config.schema import ReportParams
from ..periods import Period
from ..result import Indicator
from .handoff import UnitCatalogue, load_handoff, petition_score, scoring_policy


@dataclass(frozen=True)
class BudgetPart:
    """The 预算执行表 of the district report and the indicators computed from it."""

    table: Any                                    # budget.BudgetTable
    results: dict[str, Indicator]


@dataclass
class ReportContext:
    """Everything one report shows is computed from this, once."""

    params: ReportParams
    inputs: Inputs
    results: dict[str, Indicator]                 # the scope: district or the unit
    district: dict[str, Indicator]
    per_unit: Mapping[str, dict[str, Indicator]]   # a dict, or a batch's UnitCatalogue
    active_units: list[str]
    unit: str | None = None
    budget: BudgetPart | None = None
    scorecard: Any = None                         # scoring.Scorecard, when a framework is named
    missing: list[str] = field(default_factory=list)
    #: unit → (score, full marks) on the petition leaves, as the batch computed them (else each
    #: unit is scored here, on demand)
    scores: Mapping[str, tuple[float, float] | None] | None = field(default=None, repr=False)

    # ----------------------------------------------------------------- identity
    @property
    def period(self) -> Period:
        return self.inputs.period

    @property
    def sign(self) -> str:
        return self.params.percent_sign

    @property
    def scope(self) -> str:
        """Who the report is about: the unit's name, or the district's."""
        return self.unit or self.params.district

    @property
    def who(self) -> str:
        """How the text refers to its scope: 本单位 or 全区."""
        return "本单位" if self.unit else "全区"

    @property
    def bureau(self) -> str:
        return self.params.bureau or self.scope

    @property
    def identity(self):
        """Title, file stem and renderer metadata (:func:`xinfang.params.report_identity`)."""
        from ..params import report_identity

        return report_identity(self.params, self.unit)

    @property
    def title(self) -> str:
        return self.identity.title

    @property
    def file_stem(self) -> str:
        return self.identity.file_stem

    def metadata(self) -> dict:
        """Notebook metadata for the renderer: title, 统计期 and the date (:attr:`report_date`)."""
        return self.identity.metadata | {"date": self.report_date.isoformat()}

    # ----------------------------------------------------------------- figures as words
    def label(self, key: str) -> str:
        """The indicator's 中文名 as this report's reader reads it: a unit's report says 本单位, not 全区."""
        name = self.results[key].name
        return name.replace("全区", "本单位") if self.unit else name

    def pct(self, key: str) -> str:
        ind = self.results[key]
        if ind.numerator is not None and ind.denominator is not None:
            return nv.ratio_percent(ind.numerator, ind.denominator, sign=self.sign)
        return nv.percent(ind.value, sign=self.sign)

    def cnt(self, key: str) -> str:
        ind = self.results[key]
        return nv.count(ind.value, ind.unit)

    def yoy(self, key: str) -> str:
        """The 同比 wording of a count; below the minimum base it is told in counts."""
        ind = self.results[key]
        return nv.change(ind.value, ind.previous, sign=self.sign, unit=ind.unit or "", min_base=self.min_base)

    def defined(self, key: str) -> bool:
        """Whether ``key`` has a value in this report (a rate with a zero denominator has none)."""
        ind = self.results.get(key)
        return ind is not None and ind.value is not None and ind.value == ind.value

    def rate_change(self, key: str) -> str:
        """A rate's change in 个百分点: the difference of the two percentages as displayed."""
        ind = self.results[key]
        return nv.rate_change(nv.exact_rate(ind), ind.previous)

    @property
    def min_base(self) -> int:
        """Below this base a change is told in counts, not as a percentage (params findings.min_base)."""
        return self.params.findings.min_base

    @property
    def targets(self) -> dict[str, float]:
        """The annual targets of the rates, one value per indicator: the params' ``targets``, then
        the framework's target of every other rate it scores where more is better and whose input
        was given (the score table scores against the same values: :mod:`xinfang.scoring.policy`)."""
        from ..scoring.policy import report_targets

        if "_targets" not in self.__dict__:
            leaves = self.scorecard.leaves if self.scorecard is not None else ()
            self.__dict__["_targets"] = report_targets(self.params, leaves, self.results)
        return dict(self.__dict__["_targets"])

    def meets_target(self, key: str) -> bool | None:
        """Whether the displayed value reaches its target (None: no target or no value)."""
        if key not in self.targets or not self.defined(key):
            return None
        shown = nv.shown_percent(nv.exact_rate(self.results[key]))
        return shown >= nv.shown_percent(self.targets[key])

    @property
    def as_of(self) -> dt.date:
        """The latest date the figures use: the period's end, or a later acceptance or reply of a
        case registered in the period (及时受理率 and 按期答复率 count them)."""
        return data_as_of(self.inputs.register, self.period)

    @property
    def report_date(self) -> dt.date:
        """The date the report is signed: params ``report_date``; else the day after the period,
        or for the district the as-of date of the figures when that is later (:attr:`as_of`), and
        for the 评价报告 no earlier than the end of the evaluation (``evaluation.end``). (A unit
        report keeps the day after the period: its rectification deadlines count from it, and
        a unit's kernel in a batch sees only its own rows.)"""
        if self.params.report_date:
            return dt.date.fromisoformat(self.params.report_date)
        days = [self.period.end + dt.timedelta(days=1)] + ([] if self.unit else [self.as_of])
        if self.params.form == "评价报告" and self.params.evaluation.end:
            days.append(dt.date.fromisoformat(self.params.evaluation.end))
        return max(days)

    def late_figures(self) -> list[str]:
        """The figures that a report dated params ``report_date`` states before their data were
        complete: the names of those whose acceptances or replies fall after that date."""
        if not self.params.report_date:
            return []
        day = dt.date.fromisoformat(self.params.report_date)
        return [self.label(key) for key, column in (("handling.timely_acceptance", "accepted_on"),
                                                    ("handling.on_time_reply", "replied_on"))
                if data_as_of(self.inputs.register, self.period, column) > day]

    # ----------------------------------------------------------------- derived views
    def scoped_register(self) -> pd.DataFrame:
        reg = self.inputs.register
        return reg[reg["unit"] == self.unit] if self.unit else reg

    def beijing_by_unit(self) -> pd.Series:
        """Units with 进京 registrations in the period, most first (ties by register order)."""
        values = pd.Series({u: (ind["beijing.registered"].value or 0) for u, ind in self.per_unit.items()},
                           dtype="int64")
        values = values[values > 0]
        order = {u: i for i, u in enumerate(self.per_unit)}
        return values.iloc[sorted(range(len(values)), key=lambda i: (-values.iloc[i], order[values.index[i]]))]

    def rank(self, key: str) -> int | None:
        """The unit's rank among the units with data on ``key`` (most first), or None."""
        ranked = rank_units({u: self.per_unit[u] for u in self.active_units}, key)
        row = ranked[ranked["单位"] == self.unit]
        if len(row) and pd.notna(row["名次"].iloc[0]):
            return int(row["名次"].iloc[0])
        return None

    # ----------------------------------------------------------------- peers (unit reports)
    def kind_of(self, unit: str) -> str:
        return self.inputs.units.kind_of(unit) or ""

    def peers(self, unit: str | None = None) -> list[str]:
        """The units with data of the same kind (乡镇街道 or 区直部门) as ``unit``."""
        kind = self.kind_of(unit or self.unit)
        cache = self.__dict__.setdefault("_peers", {})
        if kind not in cache:
            cache[kind] = [u for u in self.active_units if self.kind_of(u) == kind]
        return cache[kind]

    def unit_values(self, key: str) -> dict[str, Any]:
        """Unit → its value of ``key``, for every unit of the catalogue (a batch's hand-off
        gives them as one column, without reading each unit's figures)."""
        cache = self.__dict__.setdefault("_unit_values", {})
        if key not in cache:
            if isinstance(self.per_unit, UnitCatalogue):
                cache[key] = self.per_unit.column(key)
            else:
                cache[key] = {u: r[key].value for u, r in self.per_unit.items()}
        return cache[key]

    def petition_score(self, unit: str) -> tuple[float, float] | None:
        """(score, full marks) of ``unit`` on the scored petition leaves of the framework."""
        if self.scores is not None and unit in self.scores:
            return self.scores[unit]
        cache = self.__dict__.setdefault("_petition_scores", {})
        if unit not in cache:
            cache[unit] = _petition_score(self, unit)
        return cache[unit]

    def analyst_text(self, key: str) -> str | None:
        """The analyst's Markdown for ``key`` (params ``text``), or None when not written."""
        from ..config.sources import text_path

        path = text_path(self.params, key, self.unit)
        if path is None or not path.exists():
            return None
        return escape_raw_html(path.read_text(encoding="utf-8").strip())


def data_as_of(register: pd.DataFrame, period: Period, column: str | None = None) -> dt.date:
    """The period's end, or the latest acceptance or reply date (``column``: only that one) of
    the registrations in the period, when later."""
    inside = period.contains(register["registered_on"])
    latest = period.end
    for name in (column,) if column else ("accepted_on", "replied_on"):
        day = register.loc[inside, name].max()
        if pd.notna(day) and day.date() > latest:
            latest = day.date()
    return latest


_RAW_HTML_START = re.compile(r"(?<!\\)((?:\\\\)*)<")


def escape_raw_html(markdown: str) -> str:
    """Markdown whose raw HTML is shown as text, never run: every ``<`` not already escaped
    becomes ``\\<`` (a CommonMark backslash escape), so any Markdown renderer — stock
    ``jupyter nbconvert`` on the kept notebook included — prints ``<script>`` as text. The
    text reads the same everywhere, except inside a code span, where the backslash shows.

    >>> print(escape_raw_html("<script>alert(1)</script>, a \\\\<b> stays escaped"))
    \\<script>alert(1)\\</script>, a \\<b> stays escaped
    """
    return _RAW_HTML_START.sub(lambda m: m.group(1) + "\\<", markdown)


def load_context(year: int, params_dir: str | Path | None = None, unit: str | None = None, *,
                 register: str | None = None, cache_dir: str | Path | None = None,
                 overrides: Mapping | None = None) -> ReportContext:
    """Load parameters and inputs, validate, and compute the catalogue for one report.

    ``unit`` = None gives the district report; a unit name (or alias) gives that unit's.
    ``register`` overrides the register path of the parameters. With no ``params_dir`` the
    params folder is found as :func:`xinfang.locate.find_params_dir` says (``XINFANG_PARAMS``,
    then ``params/`` walking up from the working directory, then from the notebook's folder).
    """
    from ..errors import ParameterError
    from ..locate import params_dir_or_find

    params_dir = params_dir_or_find(params_dir)

    overrides = dict(overrides or {}) | (register_override(register) or {})
    params = load_params(params_dir, year, unit, overrides)
    # a unit's report keeps only its unit's rows of the register; in a batch it reads just
    # those (the per-unit cache), and its figures and its peers' come from the batch's hand-off
    sliced = unit is not None and cache_dir is not None
    inputs = load_inputs(params, cache_dir=cache_dir, unit=unit if sliced else None)
    if unit is not None and unit not in inputs.units.names:
        canonical = inputs.units.canonical(unit)
        if canonical is None:
            raise ParameterError(f"单位「{unit}」不在单位名册中（参数目录 {params.params_dir}，单位名册 "
                                 f"{inputs.units.path}）/ unknown unit in the unit register of that params folder "
                                 f"(可用 / valid: {'、'.join(inputs.units.names)})")
        unit = canonical
    handoff = load_handoff(cache_dir, inputs)  # a batch computed it once for every unit
    if handoff is None and cache_dir is not None:
        logging.getLogger("xinfang").info(
            "未找到批量任务交接的指标文件，本报告自行计算全部单位的指标 / no hand-off in %s: the catalogue is "
            "computed here", cache_dir)
    scores = None
    if handoff is not None:
        district, per_unit, active = handoff.district, handoff.per_unit, handoff.active
        scores = handoff.scores_for(resolve(params, params.framework), scoring_policy(params))
    else:
        whole = load_inputs(params, cache_dir=cache_dir) if sliced else inputs
        active = units_with_data(whole.register, whole.period)
        district, per_unit = compute_all(whole.register, whole.period, whole.units.names,
                                         campaign=whole.campaign, beijing=whole.beijing)
    if unit is not None and not sliced:
        inputs = replace(inputs, register=unit_rows(inputs.register, unit))
    results = per_unit[unit] if unit else district
    budget, scorecard = _evaluation(params, inputs, results)
    return ReportContext(params, inputs, results, district, per_unit, active, unit, budget, scorecard,
                         list(inputs.missing), scores)


def _evaluation(params: ReportParams, inputs: Inputs, results: Mapping[str, Indicator]) -> tuple[BudgetPart | None, Any]:
    """Budget indicators, and the scorecard of the framework the params name."""
    from ..budget import budget_indicators
    from ..indicators import BUDGET_KEYS, KEYS
    from ..params import resolve
    from ..scoring import load_framework, score

    budget = None
    values = dict(results)
    if inputs.budget is not None:  # read, validated and listed in inputs.files / missing by load_inputs
        budget = BudgetPart(inputs.budget, budget_indicators(inputs.budget))
        values.update(budget.results)
    scorecard = None
    framework = resolve(params, params.framework)
    if framework is not None:
        fw = load_framework(framework, list(KEYS) + list(BUDGET_KEYS))
        manual = {k: v.model_dump(exclude_none=True) for k, v in params.manual_scores.items()}
        policy = scoring_policy(params)
        scorecard = score(fw, values, manual, manual_source=f"params/{params.year}.yaml: manual_scores",
                          min_base=policy["min_base"], targets=policy["targets"])
    return budget, scorecard


def _petition_score(ctx: ReportContext, unit: str) -> tuple[float, float] | None:
    from ..indicators import BUDGET_KEYS, KEYS
    from ..scoring import load_framework

    path = resolve(ctx.params, ctx.params.framework)
    if path is None:
        return None
    fw = ctx.__dict__.get("_framework")
    if fw is None:
        fw = ctx.__dict__["_framework"] = load_framework(path, list(KEYS) + list(BUDGET_KEYS))
    return petition_score(fw, ctx.per_unit[unit], scoring_policy(ctx.params))


def rectification_lines(params: ReportParams) -> dict[str, str]:
    """整改要求 (params ``rectification``): indicator key → one requirement line, for the unit
    reports' 整改要求 and the bulletins' 工作要求 (the file of :mod:`xinfang.config.sources`)."""
    from ..config.sources import report_sources
    from ..config.strict_yaml import load_yaml

    path = report_sources(params, "unit")["rectification"]
    if path is None or not path.is_file():
        return {}
    doc = load_yaml(path) or {}
    return {str(k): str(v).strip() for k, v in doc.items() if v}


def indicator_frame(results: Mapping[str, Indicator]) -> pd.DataFrame:
    """One row per indicator with every traceable field (for xlsx and analysts)."""
    rows = [[k, i.name, i.value, i.numerator, i.denominator, i.unit, i.previous, i.yoy, i.caliber]
            for k, i in results.items()]
    return pd.DataFrame(rows, columns=["指标代码", "指标", "值", "分子", "分母", "单位", "上年同期", "同比", "口径"])
