"""The ``xinfang`` command. Thin: it parses options and calls the library.

Errors the user can fix (bad input, bad parameters, a wrong command line) print a bilingual
message to stderr and exit with code 2, without a traceback. Without ``--params`` the params
folder is found as :func:`xinfang.locate.find_params_dir` says (``XINFANG_PARAMS``, else the
nearest ``params/`` from the working directory up).
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from . import __version__
from .cli_support import Command, Group, Years, spread  # noqa: F401  (spread: tests)
from .errors import printable

log = logging.getLogger("xinfang")
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
PARAMS_HELP = ("参数目录（默认：环境变量 XINFANG_PARAMS，否则当前目录或其上级的 params/）/ params folder "
               "(default: $XINFANG_PARAMS, else params/ here or in a folder above).")


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="xinfang")
@click.option("-v", "--verbose", is_flag=True, help="输出调试日志 / debug logging.")
def main(verbose: bool) -> None:
    """信访工作绩效评价报告生成器 / petition-work performance reports.

    \b
    常用 / common:
      xinfang init params --register 导出.xlsx --district 青山区   新区县 / start another district
      xinfang validate seeds/信访事项登记表.csv        校验登记表 / validate a register
      xinfang indicators DATA --year 2023            计算指标 / compute the indicator catalogue
      xinfang report --year 2023                     区级报告 / district report (HTML + DOCX)
      xinfang batch --year 2023 --by unit            各单位报告 / one report per unit
      xinfang cases national.volume --year 2023      指标背后的信访件 / the cases behind a figure
    """
    from .run.executor import skip_unused_imports

    skip_unused_imports()
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, format="%(message)s", stream=sys.stderr)
    # papermill narrates every run (input, output, kernel) at INFO: only with --verbose
    logging.getLogger("papermill").setLevel(logging.DEBUG if verbose else logging.WARNING)


def _params_dir(params: str | None) -> Path:
    """``--params``, else the folder :func:`xinfang.locate.find_params_dir` finds (an error
    that suggests ``--params`` and ``XINFANG_PARAMS`` when there is none, and a log line on
    stderr naming the folder when one is found)."""
    from .locate import find_params_dir

    return Path(params) if params else find_params_dir()


@main.command(context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--register", "export", required=True, type=click.Path(dir_okay=False),
              help="登记表导出文件（CSV 或 XLSX）/ the register export.")
@click.option("--district", help="区县名称（默认：文件夹名，params 则取上级文件夹名）/ district name (default: the folder's).")
@click.option("--city", help="所属地级市 / the city.")
@click.option("--bureau", help="被评价单位（默认：<区县>信访局）/ the evaluated bureau (default: <district>信访局).")
@click.option("--force", is_flag=True, help="文件夹已存在时重写 init 生成的文件 / rewrite init's files in an existing folder.")
def init(folder: str, export: str, district: str | None, city: str | None, bureau: str | None, force: bool) -> None:
    """新建一个区县的参数目录 / start a district: a params folder from its register export.

    \b
    xinfang init params --register 青山区登记表.xlsx --district 青山区 --city 江城市

    Proposes units.yaml from the 责任单位 values (every guess marked for review), writes
    defaults.yaml with the export's path, editable copies of the scoring framework, assessment
    rules and rectification lines, and empty analyst texts; then prints what to check and the
    next commands. An existing, non-empty folder is left alone without --force.
    """
    from .init import init_district

    result = init_district(folder, export, district=district, city=city, bureau=bureau, force=force)
    click.echo(result.summary(folder, export))


def _say_gaps(params, kind: str) -> None:
    """Name on stderr, once, each part the report leaves out for want of a params key."""
    from .config.gaps import report_gaps

    for gap in report_gaps(params, kind):
        click.echo(gap.message(), err=True)


def _units(units: str | None, params_dir: str | None):
    from .inputs import read_units
    from .params import load_params, resolve

    if units:
        return read_units(units)
    defaults = load_params(_params_dir(params_dir), 2000)
    return read_units(resolve(defaults, defaults.units))


@main.command(context_settings=CONTEXT)
@click.argument("data", type=click.Path(dir_okay=False))
@click.option("--units", type=click.Path(dir_okay=False), help="单位名册 YAML / unit register (default: from params).")
@click.option("--params", "params_dir", type=click.Path(file_okay=False), help=PARAMS_HELP)
def validate(data: str, units: str | None, params_dir: str | None) -> None:
    """校验信访事项登记表 / validate a register export (CSV or XLSX).

    Exit code 0 when valid, 2 when not (every problem listed with row and column).
    """
    from .inputs import read_table, validate_register

    register = _units(units, params_dir)
    columns = None
    if units is None or params_dir is not None:  # the params folder is used: its ``columns`` too
        from .params import load_params

        columns = dict(load_params(_params_dir(params_dir), 2000).columns)
    frame = validate_register(read_table(data, columns=columns), register)
    src = frame.attrs["source"]
    first, last = frame["registered_on"].min(), frame["registered_on"].max()
    click.echo(f"有效 / valid: {src['file']}，{src['rows']} 行 / rows，编码 / encoding {src['encoding']}，"
               f"登记日期 {first:%Y-%m-%d} 至 {last:%Y-%m-%d}，sha256 {src['sha256'][:12]}…")


@main.command(context_settings=CONTEXT)
@click.argument("data", type=click.Path(dir_okay=False))
@click.option("--start", help="统计期开始 / period start (YYYY-MM-DD).")
@click.option("--end", help="统计期结束 / period end (YYYY-MM-DD).")
@click.option("--year", type=int, help="年度：用 params 中该年的统计期 / take the period of this year from params.")
@click.option("--unit", help="责任单位 / one unit (default: the whole district).")
@click.option("--units", type=click.Path(dir_okay=False), help="单位名册 / unit register.")
@click.option("--campaign", type=click.Path(dir_okay=False), help="治重化积交办件 / campaign table.")
@click.option("--beijing", type=click.Path(dir_okay=False), help="进京上访台账 / Beijing visits ledger.")
@click.option("--params", "params_dir", type=click.Path(file_okay=False), help=PARAMS_HELP)
@click.option("--format", "fmt", type=click.Choice(["json", "table", "xlsx"]), default="json", show_default=True,
              help="输出格式 / output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="输出文件 / output file (required for xlsx).")
def indicators(data, start, end, year, unit, units, campaign, beijing, params_dir, fmt, output) -> None:
    """计算指标目录 / compute the indicator catalogue.

    每个指标的口径、分子与分母见 docs/指标口径.md；登记表各列及允许值见 docs/数据字典.md。
    The caliber, numerator and denominator of every key: docs/指标口径.md; the input columns
    and their allowed values: docs/数据字典.md.

    Options left out come from params/defaults.yaml (unit register, optional tables) and
    params/<year>.yaml (period). JSON: {"period", "unit", "indicators": {KEY: {...}}}.
    """
    from .errors import ParameterError
    from .indicators import compute_catalogue
    from .inputs import load_tables, read_units
    from .params import load_params, resolve
    from .periods import Period

    from .locate import find_params_dir

    if params_dir:
        pdir = Path(params_dir)
    else:
        try:
            pdir = find_params_dir()
        except ParameterError:
            pdir = None  # everything may come from the options
    defaults = load_params(pdir, year or 2000) if pdir and pdir.joinpath("defaults.yaml").exists() else None
    if start and end:
        period = Period.of(start, end)
    elif year and defaults:
        period = Period.of(defaults.period_start, defaults.period_end)
    else:
        raise ParameterError("请给出 --start 与 --end，或 --year（需参数目录：--params 或 XINFANG_PARAMS）/ "
                             "give --start and --end, or --year (with a params folder: --params or XINFANG_PARAMS)")
    if units:
        register = read_units(units)
    elif defaults:
        register = read_units(resolve(defaults, defaults.units))
    else:
        raise ParameterError("请给出 --units，或用 --params / XINFANG_PARAMS 指定参数目录 / give --units, or a "
                             "params folder with --params or XINFANG_PARAMS (no params/defaults.yaml found)")
    if unit is not None and unit not in register.names:
        unit = register.canonical(unit) or unit
        if unit not in register.names:
            raise ParameterError(f"单位「{unit}」不在单位名册中 / unknown unit (可用 / valid: {'、'.join(register.names)})")
    paths = {"register": data, "campaign": campaign, "beijing": beijing}
    for kind in ("campaign", "beijing"):
        if paths[kind] is None and defaults and defaults.data.tables()[kind]:
            paths[kind] = resolve(defaults, defaults.data.tables()[kind])
    tables = load_tables({k: Path(v) if v else None for k, v in paths.items()}, register,
                         columns=dict(defaults.columns) if defaults else None)
    results = compute_catalogue(tables["register"], period, unit=unit,
                                campaign=tables["campaign"], beijing=tables["beijing"])
    doc = {"period": period.to_dict(), "unit": unit,
           "indicators": {k: v.to_dict() for k, v in results.items()}}
    if fmt == "json":
        text = json.dumps(doc, ensure_ascii=False, indent=2)
        if output:
            from .fileio import write_text_atomic
            write_text_atomic(output, text + "\n")
        else:
            click.echo(text)
    elif fmt == "table":
        from .cli_output import indicator_table

        text = indicator_table(results, period, unit or register.district, unit)
        if output:
            from .fileio import write_text_atomic
            write_text_atomic(output, text + "\n")
        else:
            click.echo(text)
    else:
        if not output:
            raise ParameterError("xlsx 格式须用 -o 指定输出文件 / --format xlsx needs -o FILE")
        from .report import indicator_frame
        from .fileio import write_xlsx

        write_xlsx({"指标": indicator_frame(results)}, output)
        click.echo(f"已写入 / written: {output}")


@main.command(context_settings=CONTEXT)
@click.argument("key")
@click.option("--year", type=int, help="年度：用 params 中该年的统计期 / the year (its period from params).")
@click.option("--cutoff", help="截止日 YYYY-MM-DD：超期与即将到期件（overdue.*、due_soon.reply）按此日统计 / the "
                               "cut-off of the overdue and due-soon counts (default year: the cut-off's).")
@click.option("--unit", help="责任单位 / one unit (default: the whole district).")
@click.option("--params", "params_dir", type=click.Path(file_okay=False), help=PARAMS_HELP)
@click.option("--data", type=click.Path(dir_okay=False), help="登记表 / register (default: from params).")
@click.option("--rows", "shown", type=click.IntRange(min=0), default=20, show_default=True,
              help="不写文件时显示的行数 / rows printed without -o.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入 xlsx / write the list to an .xlsx file.")
def cases(key: str, year: int | None, cutoff: str | None, unit: str | None, params_dir: str | None,
          data: str | None, shown: int, output: str | None) -> None:
    """指标背后的信访件清单（不含个人信息）/ the cases behind an indicator (no personal data).

    \b
    xinfang cases national.volume --year 2023
    xinfang cases handling.timely_acceptance --year 2023 --unit 城南街道 -o 清单.xlsx
    xinfang cases overdue.reply --cutoff 2023-06-30 -o 超期未答复.xlsx

    比率列出分母的全部信访件并标明是否计入分子及原因；计数列出计入的全部信访件（计入数之和即指标值）。
    A rate lists every case of its denominator, with whether it counts in the numerator and why;
    a count lists the cases it counts (their 计入数 add up to its value); overdue.acceptance,
    overdue.reply and due_soon.reply list the cases counted at --cutoff, whenever registered.
    KEY is a key of docs/指标口径.md; an unknown key exits 2 with the list of keys.
    """
    from .errors import ParameterError
    from .indicators import case_list, check_key
    from .inputs import load_inputs
    from .params import load_params, register_override
    from .periods import parse_date

    check_key(key, cutoff=cutoff is not None)  # before any input is read
    day = parse_date(cutoff, "--cutoff") if cutoff else None
    if year is None and day is None:
        raise ParameterError("缺少选项 --year（按截止日统计的指标可只给 --cutoff）/ missing option --year")
    params = load_params(_params_dir(params_dir), year or day.year, overrides=register_override(data))
    inputs = load_inputs(params)
    if unit is not None and unit not in inputs.units.names:
        unit = inputs.units.canonical(unit) or unit
        if unit not in inputs.units.names:
            raise ParameterError(f"单位「{unit}」不在单位名册中 / unknown unit "
                                 f"(可用 / valid: {'、'.join(inputs.units.names)})")
    listed = case_list(inputs.register, inputs.period, key, unit=unit, campaign=inputs.campaign,
                       beijing=inputs.beijing, cutoff=day, due_soon_days=params.bulletin.due_soon_days)
    click.echo(printable(listed.summary()))
    if output:
        from .fileio import write_xlsx
        from .workbook import case_sheets

        write_xlsx(case_sheets(listed), output)
        click.echo(f"已写入 / written: {output}")
    elif shown and len(listed.frame):
        head = listed.frame.head(shown).astype(object).where(listed.frame.head(shown).notna(), "")
        click.echo(printable(head.to_string(index=False)))  # cells cannot drive the terminal
        if len(listed.frame) > shown:
            click.echo(f"……另有 {len(listed.frame) - shown} 行；用 -o FILE.xlsx 写出全部 / "
                       f"{len(listed.frame) - shown} more rows: -o FILE.xlsx writes them all")


@main.command(context_settings=CONTEXT)
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="seeds", show_default=True,
              help="输出目录 / output folder.")
def sample(out_dir: str) -> None:
    """重新生成样例数据 / regenerate the synthetic sample data (deterministic)."""
    from .sample import write_sample

    for path in write_sample(Path(out_dir)):
        click.echo(f"已写入 / written: {path}")


@main.command(context_settings=CONTEXT)
@click.option("--year", type=int, required=True, help="报告年度 / report year.")
@click.option("--params", "params_dir", type=click.Path(file_okay=False), help=PARAMS_HELP)
@click.option("--data", type=click.Path(dir_okay=False), help="登记表 / register (default: from params).")
@click.option("--unit", help="只出某一单位的报告 / one unit's report instead of the district's.")
@click.option("--form", help="报告形式：自评报告（全区默认）或评价报告；非默认形式写入文件名 / the report form "
                             "(default: params 'form'); a form other than the default is named in the file name.")
def report(year: int, params_dir: str | None, data: str | None, unit: str | None, form: str | None) -> None:
    """区级年度报告 / the district's annual report → output/<year>/ (.ipynb, .html, .docx).

    The inputs are validated before any notebook runs; bad input exits 2 with every problem
    listed and nothing written. ``--form 评价报告`` writes <district>_<year>_整体支出绩效评价报告_评价报告.*
    beside the 自评报告, which it leaves as it is.
    """
    from .run import REPORT_NOTEBOOK, report_parameters, run_report
    from .errors import BatchError
    from .params import load_params, register_override, resolve
    from .report import load_report, require_data

    pdir = _params_dir(params_dir)
    overrides = (register_override(data) or {}) | ({"form": form} if form else {})
    params = load_params(pdir, year, unit, overrides)
    _say_gaps(params, "unit" if unit else "district")
    root = resolve(params, params.output)
    cache = root / ".cache"
    # validates inputs and params before any kernel starts, and leaves the validated tables in
    # the cache, so the notebook's kernel does not parse the register a second time
    rep = load_report(year, pdir, unit, register=data, cache_dir=cache, form=form)
    require_data(rep.context)
    late = rep.context.late_figures()
    if late:  # the params date the report before data its figures count
        click.echo(f"注意 / warning: 成文日期 {rep.context.report_date} 早于数据截至日 {rep.context.as_of}，"
                   f"按成文日期计算将改变：{'、'.join(late)} / the report date precedes acceptances or "
                   "replies these figures count", err=True)
    out_dir = root / str(year) / ("units" if unit else "")
    click.echo(f"生成 / running: {rep.title}")
    result = run_report(REPORT_NOTEBOOK,
                        report_parameters(year, pdir, rep.unit, data, cache, form), out_dir, rep.file_stem,
                        rep.metadata(),
                        progress=sys.stderr.isatty())
    if result.status != "ok":
        raise BatchError(f"报告生成失败 / report failed: {result.error}"
                         + (f"（见 / see {result.files.get('failed')}）" if result.files.get("failed") else ""))
    if rep.unit:  # the unit's whole case lists go with its report
        from .run.jobs import post_step

        result.files.update(post_step("case_lists")(report_parameters(year, pdir, rep.unit, data, cache),
                                                    out_dir=out_dir, stem=rep.file_stem))
    for kind, path in result.files.items():
        click.echo(f"已写入 / written: {path}")
    click.echo(f"用时 / took {result.seconds:.1f} s")


@main.command(context_settings=CONTEXT)
@click.option("--year", type=int, required=True, help="评价年度 / evaluation year.")
@click.option("--framework", type=click.Path(dir_okay=False), help="评分框架 YAML / scoring framework (default: from params).")
@click.option("--params", "params_dir", type=click.Path(file_okay=False), help=PARAMS_HELP)
@click.option("--detail", is_flag=True, help="显示依据与口径 / also show evidence and caliber.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入 xlsx / write the table to an .xlsx file.")
def score(year: int, framework: str | None, params_dir: str | None, detail: bool, output: str | None) -> None:
    """绩效评价指标评分表 / the scoring table: leaf scores, subtotals, total and grade."""
    from .params import load_params
    from .report import load_context

    from .errors import ParameterError

    overrides = {"framework": str(Path(framework).resolve())} if framework else None
    pdir = _params_dir(params_dir)
    params = load_params(pdir, year, overrides=overrides)  # unknown keys etc. fail before any work
    if params.framework is None:
        raise ParameterError("没有评分框架：参数 framework 为 null。请在参数中写 framework: scoring/default.yaml"
                             "（xinfang init 生成的参数目录带有一份），或用 --framework FILE / no scoring framework: "
                             "set framework in the params (e.g. scoring/default.yaml) or give --framework FILE")
    ctx = load_context(year, pdir, overrides=overrides)
    card = ctx.scorecard
    frame = card.to_frame(detail=detail, percent=ctx.sign)
    if output:
        from .fileio import write_xlsx

        write_xlsx({"绩效评价指标评分表": frame}, output)
        click.echo(f"已写入 / written: {output}")
    with_width = frame.astype(str)
    click.echo(with_width.to_string(index=False))
    if card.unscored:
        names = "、".join(f"{s.level3}（{s.unscored_reason}）" for s in card.unscored)
        click.echo(f"警告 / warning: {len(card.unscored)}项未评分（{names}），总分为已评分部分"
                   f" {card.total:.2f} 分（满分 {card.scored_weight:g} 分），暂不定级", err=True)
    click.echo(f"总分 / total: {card.total:.2f}  等级 / grade: {card.grade_text}")


@main.command(context_settings=CONTEXT, variadic=("--years", "--only"))
@click.option("--year", type=int, help="报告年度（--by unit）/ report year (--by unit).")
@click.option("--by", "by", type=click.Choice(["unit", "year", "month"]),
              help="按单位、按年度或按月（默认：给了 --years 为 year，否则 unit）/ one report per unit, the district "
                   "report per year, or the 12 monthly 通报 of --year (default: year with --years, else unit).")
@click.option("--years", type=Years(), multiple=True, metavar="YEAR…",
              help="年度，可多个：--years 2022 2023（或 2022,2023）；意味着 --by year / several years: "
                   "--years 2022 2023 (or 2022,2023); implies --by year.")
@click.option("--params", "params_dir", type=click.Path(file_okay=False), help=PARAMS_HELP)
@click.option("--data", type=click.Path(dir_okay=False), help="登记表 / register (default: from params).")
@click.option("--workers", type=click.IntRange(min=1), help="并行数（默认 CPU 核数）/ parallel workers (default: cores).")
@click.option("--only", multiple=True, metavar="NAME…",
              help="只运行这些单位，可多个：--only 城南街道 罗市镇 / only these units (several names).")
@click.option("--force", is_flag=True, help="全部重做 / redo every report, even if up to date.")
@click.option("--quiet", is_flag=True, help="不显示进度条，每完成一份输出一行 / one line per report, no bar.")
def batch(year, by, years, params_dir, data, workers, only, force, quiet) -> None:
    """批量生成报告 / many reports in parallel, each in its own fresh kernel.

    \b
    xinfang batch --year 2023 [--by unit] [--workers N] [--only NAME…] [--force] [--quiet]
    xinfang batch --years 2022 2023          （即 --by year / the same as --by year）
    xinfang batch --by month --year 2023     （12个月度通报及督办单 / the 12 monthly bulletins）

    Writes output/<year>/units/<unit>.{ipynb,html,docx}, output/<year>/indicators.xlsx and
    output/<year>/manifest.json; a re-run redoes only failed or out-of-date reports. Exit code
    0 when all succeed, 1 when a report failed, 2 for bad input or parameters.
    """
    from .run import run_batch
    from .errors import ParameterError

    years = tuple(y for group in years for y in group)
    by = by or ("year" if years else "unit")
    if by in ("unit", "month") and years:
        raise ParameterError("--years 用于按年度出报告（--by year）；按单位请用 --year / --years goes with --by year; "
                             "for one report per unit give --year")
    result = run_batch(year, _params_dir(params_dir), by=by, years=years, workers=workers, only=only or None,
                       force=force, quiet=quiet, register=data)
    click.echo(result.summary())
    for path in result.manifests:
        click.echo(f"清单 / manifest: {path}")
    for path in result.xlsx:
        click.echo(f"指标表 / indicators: {path}")
    if result.exit_code:
        sys.exit(result.exit_code)


@main.command(context_settings=CONTEXT)
@click.option("--month", required=True, help="月份 YYYY-MM，如 2023-11 / the month.")
@click.option("--cutoff", help="截止日 YYYY-MM-DD（默认月末）/ cut-off date for overdue cases and rates (default: month end).")
@click.option("--duban", is_flag=True, help="同时为有超期件的单位出督办单、有即将到期件的单位出提示单 / also write 督办单 and 提示单.")
@click.option("--params", "params_dir", type=click.Path(file_okay=False), help=PARAMS_HELP)
@click.option("--data", type=click.Path(dir_okay=False), help="登记表 / register (default: from params).")
def bulletin(month: str, cutoff: str | None, duban: bool, params_dir: str | None, data: str | None) -> None:
    """月度通报 / the monthly 通报 → output/<year>/bulletins/<year>-<month>_通报.{html,docx}.

    With --duban, a 督办单 for each unit with cases overdue at the cut-off and a 提示单 for each
    unit with cases soon due, in output/<year>/bulletins/督办单/<year>-<month>/<unit>_督办单.docx
    (<unit>_提示单.docx).
    """
    from .errors import BatchError
    from .monthly import parse_month
    from .params import load_params, register_override
    from .report.bulletin import load_bulletin_context
    from .report.duban import write_duban
    from .run import run_report
    from .run.jobs import output_root
    from .run.bulletins import bulletin_dirs, bulletin_notebook, bulletin_parameters, check_month_has_data, cutoff_text

    year, m = parse_month(month)
    pdir = _params_dir(params_dir)
    params = load_params(pdir, year, None, register_override(data))
    _say_gaps(params, "bulletin")
    root = output_root(params)
    cache = root / ".cache"
    cut = cutoff_text(cutoff)
    # validates first; the figures are the kernel's to compute, the parent needs only the cases
    ctx = load_bulletin_context(year, m, pdir, cutoff=cut, register=data, cache_dir=cache, figures=False)
    check_month_has_data(ctx)
    out_dir, duban_dir = bulletin_dirs(root, year, m)
    click.echo(f"生成 / running: {ctx.title}")
    result = run_report(bulletin_notebook(), bulletin_parameters(year, m, pdir, cut, data, cache), out_dir,
                        ctx.file_stem, ctx.metadata(), progress=sys.stderr.isatty())
    if result.status != "ok":
        raise BatchError(f"通报生成失败 / bulletin failed: {result.error}"
                         + (f"（见 / see {result.files.get('failed')}）" if result.files.get("failed") else ""))
    for path in result.files.values():
        click.echo(f"已写入 / written: {path}")
    if duban:
        written = write_duban(ctx, duban_dir)
        for path in written:
            click.echo(f"督办单、提示单 / written: {path}")
        if not written:
            click.echo("截止日无超期或即将到期的信访件，不出督办单 / no overdue or soon-due cases: no 督办单")
    click.echo(f"用时 / took {result.seconds:.1f} s")


if __name__ == "__main__":  # pragma: no cover
    main()
