"""Monthly 通报 jobs: one bulletin notebook per month, plus the month's 督办单.

``output/<year>/bulletins/<year>-<month>_通报.{ipynb,html,docx}`` and
``output/<year>/bulletins/督办单/<year>-<month>/<unit>.docx`` (docs/architecture.md §8). A batch
(``xinfang batch --by month``) plans the months with :func:`plan_months` and runs them through
the same pool, kernels, manifest and progress as the unit reports; :func:`finish_bulletin` is
the post-step ``duban`` (:data:`xinfang.run.jobs.POST_STEPS`) that the worker runs after the
notebook, to write the 督办单 in-process.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Mapping

from ..errors import ParameterError

BULLETINS = "bulletins"
DUBAN = "督办单"


def bulletin_notebook() -> Path:
    from ..report.bulletin import bulletin_notebook_path

    return bulletin_notebook_path()


def bulletin_parameters(year: int, month: int, params_dir: Path, cutoff: str | None = None,
                        register: str | None = None, cache_dir: Path | None = None) -> dict:
    """The papermill parameters of the bulletin notebook (plain types only)."""
    return {"year": int(year), "month": int(month), "cutoff": cutoff,
            "params_dir": str(Path(params_dir).resolve()),
            "register": str(Path(register).resolve()) if register else None,
            "cache_dir": str(Path(cache_dir).resolve()) if cache_dir else None}


def bulletin_dirs(out_root: Path, year: int, month: int) -> tuple[Path, Path]:
    """(bulletin folder, the month's 督办单 folder)."""
    base = Path(out_root) / str(year) / BULLETINS
    return base, base / DUBAN / f"{year}-{month:02d}"


def last_month_with_data(register, year_period) -> int:
    """The last month of the year that starts on or before the register's last 登记日期 (0: none)."""
    from ..monthly import month_period

    last = register["registered_on"].max()
    if last != last:  # NaT
        return 0
    last = last.date()
    return max([m for m in range(1, 13) if month_period(year_period, m).start <= last], default=0)


def bulletin_hashes(params: Mapping, sources: str, month: int, cutoff: str | None) -> dict:
    """What a bulletin depends on: the report's hashes plus the month, cut-off and the
    assessment, 整改要求 and analyst files."""
    from .manifest import build_hashes

    # the assessment, rectification and requirements files: config.sources, kind "bulletin"
    hashes = build_hashes(params, bulletin_notebook(), sources, None, kind="bulletin", month=month)
    hashes["bulletin"] = {"month": int(month), "cutoff": cutoff}
    return hashes


def plan_months(year: int, params_dir: Path, *, register: str | None = None, sources: str | None = None,
                months: list[int] | None = None):
    """The bulletin jobs of a year: (jobs, months skipped for want of data, context).

    Months that start after the register's last 登记日期 are skipped (the caller says so).
    """
    from ..report.bulletin import FORM  # noqa: F401  (the form exists: importing checks the sections)
    from .jobs import ReportJob, Workspace
    from .manifest import hash_key, source_hash

    ws = Workspace.open(params_dir, year, register)
    params, out_root, inputs, cache_dir = ws.params, ws.out_root, ws.inputs, ws.cache_dir
    last = last_month_with_data(inputs.register, inputs.period)
    wanted = months or list(range(1, 13))
    skipped = [m for m in wanted if m > last]
    sources = sources or source_hash()
    jobs = []
    for m in wanted:
        if m > last:
            continue
        hashes = bulletin_hashes(params, sources, m, None)
        out_dir, duban_dir = bulletin_dirs(out_root, year, m)
        stem = f"{year}-{m:02d}_通报"
        title = f"关于{year}年{m}月全区信访工作情况的通报"
        jobs.append(ReportJob(stem, int(year), None, str(bulletin_notebook()),
                              bulletin_parameters(year, m, params_dir, None, register, cache_dir), str(out_dir), stem,
                              {"title": title, "title_lines": [title], "subtitle": ""}, hash_key(hashes), hashes,
                              kind="bulletin", post="duban", post_args={"duban_dir": str(duban_dir)}))
    context = {"params": params, "inputs": inputs, "out_root": out_root, "skipped_months": skipped}
    return jobs, skipped, context


def finish_bulletin(parameters: Mapping, duban_dir: str | Path) -> dict[str, Path]:
    """Write the month's 督办单 (in-process, no kernel); returns ``{"督办单:<unit>": path}``."""
    from ..report.bulletin import load_bulletin_context
    from ..report.duban import write_duban

    ctx = load_bulletin_context(parameters["year"], parameters["month"], parameters["params_dir"],
                                cutoff=parameters.get("cutoff"), register=parameters.get("register"),
                                cache_dir=parameters.get("cache_dir"), figures=False)
    return {f"{DUBAN}:{p.stem}": p for p in write_duban(ctx, duban_dir)}  # <unit>_督办单 / <unit>_提示单


def check_month_has_data(ctx) -> None:
    """A bulletin for a month after the register's last 登记日期 is refused (nothing to report)."""
    last = last_month_with_data(ctx.inputs.register, ctx.inputs.period)
    if ctx.month > last:
        day = ctx.inputs.register["registered_on"].max()
        raise ParameterError(f"{ctx.year}年{ctx.month}月在登记表最后一个登记日期（{day:%Y-%m-%d}）之后，没有可通报的数据 / "
                             "the month starts after the register's last registration date")


def cutoff_text(cutoff: str | dt.date | None) -> str | None:
    if cutoff is None:
        return None
    from ..periods import parse_date

    return parse_date(cutoff, "--cutoff").isoformat()
