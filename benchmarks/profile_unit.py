"""Profile of one unit report: where its time goes, phase by phase (timings printed, never asserted).

Runs what a batch worker does for one unit, with CPU seconds measured per phase:

* the parent's part, as a batch does it (:func:`xinfang.run.planners.plan_units`, in the params'
  output folder): inputs validated into the parse cache, the catalogue and the petition
  scores computed and handed over (not timed here: see province.py and scale.py);
* kernel start: a fresh kernel (forked from the import-only template on Linux, as the batch
  does) until it answers;
* execute: papermill runs the report notebook in that kernel (kernel CPU and the worker's
  CPU for papermill / nbclient, apart);
* inside the execution, measured again in this process: loading (params, inputs from the
  parse cache, catalogue), each section of the form (building it, then drawing its charts),
  and the charts one by one;
* rendering: HTML and DOCX of the executed notebook.

Each in-process phase is repeated ``--repeat`` times and the least CPU is shown (the machine
is shared; CPU time is steadier than wall time, and the least is the cost of the work).

    .venv/bin/python benchmarks/profile_unit.py [--unit 城南街道] [--year 2023] [--repeat 3]
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def least(fn, repeat: int) -> tuple[float, object]:
    """Least CPU seconds of ``repeat`` calls of ``fn`` and its last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t)
    return best, out


def in_process(year: int, params: Path, unit: str, cache: Path, repeat: int) -> list[tuple[str, float]]:
    """CPU of load, each section (built, then its charts drawn) and each chart, in this process."""
    import xinfang.report as xr
    from xinfang.report.sections import ChartPart

    rows: list[tuple[str, float]] = []
    load, report = least(lambda: xr.load_report(year, params, unit, cache_dir=cache), repeat)
    rows.append(("load: params, inputs (cache), catalogue", load))
    first = xr.load_report(year, params, unit, cache_dir=cache)
    t = time.process_time()
    first.blocks()  # first drawing in a fresh process (font, caches)
    rows.append(("first full draw of every section (cold process)", time.process_time() - t))
    build, _ = least(lambda: xr.Report(report.context).outputs, repeat)
    rows.append(("build every section (text, tables; charts not drawn)", build))
    charts_total = 0.0
    for name, parts in report.outputs.items():
        charts = [p for p in parts if isinstance(p, ChartPart)]
        if not charts:
            continue
        for part in charts:
            cost, chart = least(part.chart, repeat)
            charts_total += cost
            rows.append((f"  chart [{name}] {chart.title}", cost))
    rows.append(("charts, all", charts_total))
    from IPython.core.formatters import DisplayFormatter

    from xinfang.display import Output

    blocks = report.blocks()
    fmt = DisplayFormatter()
    cost, _ = least(lambda: [fmt.format(Output(b)) for b in blocks], repeat)
    rows.append(("display: MIME bundles of every output", cost))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--unit", default="城南街道")
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--params", type=Path, default=ROOT / "params")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import nbformat
    from jupyter_core.utils import run_sync

    from xinfang.params import load_params, report_identity
    from xinfang.render import read_notebook, report_docx, report_html
    from xinfang.run.planners import plan_units
    from xinfang.run.pool import _fork_kernels
    from xinfang.run.executor import NOTEBOOKS, REPORT_NOTEBOOK, execute, report_parameters
    from xinfang.run.kernels import Kernel

    zygote = None
    try:
        # the parent's part, as a batch does it: inputs validated into the parse cache (cut by
        # unit), the catalogue and the petition scores handed over, in the params' output folder
        (job,), _, _ = plan_units(args.year, args.params, only=[args.unit])
        cache = Path(job.parameters["cache_dir"])
        if _fork_kernels():
            from xinfang.run.zygote import Zygote

            zygote = Zygote(NOTEBOOKS)
            Kernel.start(NOTEBOOKS, zygote=zygote).close()  # template imported, as in a running batch
        rows: list[tuple[str, float, float | None]] = []
        c0, t0 = cpu_self(), time.perf_counter()
        kernel = Kernel.start(NOTEBOOKS, zygote=zygote)
        kc = kernel.km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=120)
        kc.stop_channels()
        kernel.clients.clear()
        started_cpu = kernel.cpu_seconds()
        rows.append(("kernel start (until it answers): kernel CPU", started_cpu or 0.0, time.perf_counter() - t0))
        rows.append(("kernel start: this process's CPU", cpu_self() - c0, None))
        c0, t0 = cpu_self(), time.perf_counter()
        nb = execute(REPORT_NOTEBOOK, report_parameters(args.year, args.params, args.unit, None, cache),
                     kernel=kernel)
        wall = time.perf_counter() - t0
        kernel_cpu = (kernel.final_cpu or 0.0) - (started_cpu or 0.0)
        rows.append(("execute: kernel CPU (load, sections, charts, display)", kernel_cpu, wall))
        rows.append(("execute: this process's CPU (papermill, nbclient)", cpu_self() - c0, None))
        nb.metadata["xinfang"] = report_identity(load_params(args.params, args.year, args.unit), args.unit).metadata
        nb = nbformat.from_dict(nbformat.reads(nbformat.writes(nb), as_version=4))
        html, _ = least(lambda: report_html(nb), args.repeat)
        docx, _ = least(lambda: report_docx(read_notebook(nb)), args.repeat)
        rows.append(("render HTML", html, None))
        rows.append(("render DOCX", docx, None))
        if zygote is not None:
            zygote.close()
            zygote = None
        inner = in_process(args.year, args.params, args.unit, cache, args.repeat)
    finally:
        if zygote is not None:
            zygote.close()

    print(f"profile of one unit report: {args.unit} {args.year} (CPU seconds; least of {args.repeat} where repeated)")
    for label, cpu, wall in rows:
        print(f"  {label:58s} {cpu:6.3f}" + (f"   ({wall:.2f} s wall)" if wall is not None else ""))
    print("  inside the kernel, measured in this process:")
    for label, cpu in inner:
        print(f"    {label:56s} {cpu:6.3f}")


if __name__ == "__main__":
    sys.exit(main())
