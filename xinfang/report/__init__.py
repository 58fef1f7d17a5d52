"""A report: its context (what it is computed from), its sections (one function each), and
its form (the ordered list of sections, in ``forms.yaml``).

A report notebook is thin::

    import xinfang.report as xr
    report = xr.load_report(year, params_dir, unit)
    report.show()                      # every section of the form, numbered
    report.section("存在问题")          # or one section, for an analyst

Each output is a block of the document model (:mod:`xinfang.blocks`); a notebook shows it as
one versioned MIME bundle (:mod:`xinfang.display`), which :mod:`xinfang.render` reads back and
turns into HTML and Word.
"""
from __future__ import annotations

from pathlib import Path
from typing import Mapping

from .context import BudgetPart, ReportContext, indicator_frame, load_context
from ..blocks import Table
from ..display import Output
from .forms import assemble, form_for, load_forms
from .sections import SECTIONS, ChartPart, findings



def notebook_path() -> Path:
    """The report notebook (package data of ``xinfang.notebooks``; ``notebooks/`` in the repository)."""
    from xinfang.notebooks import path

    return path("report.ipynb")


__all__ = ["notebook_path", "warm", "Report", "ReportContext", "BudgetPart", "load_report", "load_context", "indicator_frame",
           "Table", "SECTIONS", "findings"]


class Report:
    """One report: a :class:`ReportContext` laid out by a form."""

    def __init__(self, context: ReportContext, form: str | None = None) -> None:
        self.context = context
        self.form = form or form_for(context)
        self._outputs: dict[str, list] | None = None

    @property
    def title(self) -> str:
        return self.context.title

    @property
    def file_stem(self) -> str:
        return self.context.file_stem

    @property
    def unit(self) -> str | None:
        return self.context.unit

    def metadata(self) -> dict:
        return self.context.metadata()

    @property
    def outputs(self) -> dict[str, list]:
        """Section name → its numbered outputs (charts not yet drawn)."""
        if self._outputs is None:
            self._outputs = assemble(self.context, self.form)
        return self._outputs

    @property
    def sections(self) -> list[str]:
        """The sections this report shows, in order (those with nothing to show are left out)."""
        return list(self.outputs)

    def blocks(self, name: str | None = None) -> list:
        """The blocks of one section (or all), charts drawn (:class:`~xinfang.blocks.Figure`)."""
        names = [name] if name else self.sections
        out = []
        for n in names:
            if n not in SECTIONS:
                from ..errors import ParameterError
                raise ParameterError(f"节「{n}」不存在 / unknown section; known: {', '.join(SECTIONS)}")
            out += [o.chart().figure() if isinstance(o, ChartPart) else o for o in self.outputs.get(n, [])]
        return out

    def section(self, name: str) -> None:
        """Display one section in the notebook."""
        from IPython.display import display

        for block in self.blocks(name):
            display(Output(block))

    def show(self) -> None:
        """Display every section of the form, in order."""
        for name in self.sections:
            self.section(name)


def warm() -> None:
    """Load, before any data, what every report loads on first use: the modules imported on
    demand and the chart machinery (:func:`xinfang.charts.warm_up`). A batch runs it once in
    the template process its kernels are forked from (:mod:`xinfang.run.zygote`), or at the
    start of a pre-started kernel; nothing it leaves behind changes a report."""
    from PIL import Image

    from .. import budget, locate  # noqa: F401  (imported by load_context)
    from ..charts import warm_up

    Image.preinit()  # the image plugins PIL loads when it first writes a PNG
    load_forms()
    warm_up()


def require_data(context: ReportContext) -> None:
    """Refuse a report of a period without registrations, or of a unit without them: it would
    only say "0件人次，同比持平" (a unit's would be graded 差). ``batch`` leaves such units out
    and lists them; ``report`` stops here, as ``bulletin`` does for a month without data.

    Raises
    ------
    InputError : naming the period, the unit, and the dates the register covers.
    """
    from ..errors import InputError, Problem

    register = context.inputs.register
    inside = context.period.contains(register["registered_on"])
    if context.unit is not None:
        inside &= (register["unit"] == context.unit).to_numpy(dtype=bool)
    if inside.any():
        return
    dates = register["registered_on"].dropna()
    covers = (f"登记表的登记日期为 {dates.min():%Y-%m-%d} 至 {dates.max():%Y-%m-%d}" if len(dates)
              else "登记表没有该单位的登记")
    who = f"单位「{context.unit}」" if context.unit else "全区"
    raise InputError(Problem(
        str(context.inputs.files[0]["file"]) if context.inputs.files else "信访事项登记表", None, None, None,
        f"统计期 {context.period.label} 内{who}没有登记的信访事项（{covers}），不生成报告",
        "no registration in the period: no report"))


def load_report(year: int, params_dir: str | Path = "params", unit: str | None = None, *,
                register: str | None = None, cache_dir: str | Path | None = None,
                overrides: Mapping | None = None, form: str | None = None) -> Report:
    """Load parameters and inputs, compute the catalogue, and lay the report out by its form
    (``form``, as ``xinfang report --form``, replaces the params' ``form``)."""
    overrides = dict(overrides or {}) | ({"form": form} if form else {})
    return Report(load_context(year, params_dir, unit, register=register, cache_dir=cache_dir,
                               overrides=overrides))
