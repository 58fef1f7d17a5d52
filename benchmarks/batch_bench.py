"""Benchmark: ``xinfang batch`` against a plain loop of the usual command-line tools.

Both make the same reports (one per 乡镇街道: executed notebook, HTML, Word) from the same
notebook, data and params, on the same machine in the same run:

* plain loop, one unit after another: ``papermill`` CLI → ``jupyter nbconvert --to html
  --no-input --embed-images`` → ``jupyter nbconvert --to markdown`` + ``pandoc`` → .docx;
* ``xinfang batch --year Y --by unit --only …`` (fresh kernel per unit, parallel workers, the
  parse cache cold at the start).

Prints both wall times, their ratio, CPU seconds per unit (self + children, from
``resource.getrusage``) and where the batch's time goes (from its manifest).

    .venv/bin/python benchmarks/batch_bench.py [--units 14] [--year 2023] [--workers N] [--keep DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOK = ROOT / "notebooks" / "report.ipynb"


def cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def copy_params(dst: Path, out: Path) -> Path:
    """params/ copied to ``dst`` with absolute data paths and ``output:`` pointing to ``out``."""
    shutil.copytree(ROOT / "params", dst)
    text = (dst / "defaults.yaml").read_text(encoding="utf-8")
    text = re.sub(r"\.\./seeds/", str(ROOT / "seeds") + "/", text)
    text = re.sub(r"(?m)^output:.*$", f"output: {out}", text)
    (dst / "defaults.yaml").write_text(text, encoding="utf-8")
    return dst


def township_units(params: Path, year: int, n: int) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from xinfang.inputs import load_inputs, read_units
    from xinfang.params import load_params, resolve
    from xinfang.indicators import units_with_data

    p = load_params(params, year)
    reg = read_units(resolve(p, p.units))
    inputs = load_inputs(p)
    active = set(units_with_data(inputs.register, inputs.period))
    return [u.name for u in reg.units if u.kind == "乡镇街道" and u.name in active][:n]


def run(cmd: list[str], **kw) -> None:
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def plain_loop(units: list[str], params: Path, year: int, out: Path) -> float:
    import pypandoc

    pandoc = pypandoc.get_pandoc_path()
    out.mkdir(parents=True)
    start = time.perf_counter()
    for unit in units:
        nb = out / f"{unit}.ipynb"
        run([str(BIN / "papermill"), str(NOTEBOOK), str(nb), "-p", "year", str(year), "-p", "unit", unit,
             "-p", "params_dir", str(params), "--cwd", str(NOTEBOOK.parent), "--no-progress-bar"])
        run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", "--embed-images", str(nb)])
        run([str(BIN / "jupyter"), "nbconvert", "--to", "markdown", str(nb)])
        run([pandoc, f"{unit}.md", "-o", f"{unit}.docx", "--resource-path", "."], cwd=out)
    return time.perf_counter() - start


def batch(units: list[str], params: Path, year: int, workers: int | None) -> float:
    cmd = [str(BIN / "xinfang"), "batch", "--year", str(year), "--by", "unit", "--params", str(params),
           "--force", "--quiet"]
    if workers:
        cmd += ["--workers", str(workers)]
    for u in units:
        cmd += ["--only", u]
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"batch failed with exit code {proc.returncode}")
    return took


def page_text(path: Path) -> str:
    """The visible text of an HTML page, without tags and whitespace."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("style", "script")

        def handle_endtag(self, tag):
            self.skip -= tag in ("style", "script")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return re.sub(r"\s+", "", "".join(parser.parts))


def same_reports(units: list[str], batch_dir: Path, plain_dir: Path) -> int:
    """How many units' reports carry the same 基本情况 paragraph and 主要指标 table (every headline
    figure) in both runs' HTML, and have a .docx in both."""
    same = 0
    for unit in units:
        mine, theirs = page_text(batch_dir / f"{unit}.html"), page_text(plain_dir / f"{unit}.html")
        found = re.search(r"统计期内（[^）]*），本单位信访总量.*?主要指标", mine)
        if found and found.group(0) in theirs and (batch_dir / f"{unit}.docx").exists() \
                and (plain_dir / f"{unit}.docx").exists():
            same += 1
    return same


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--units", type=int, default=14, help="number of 乡镇街道 (default 14)")
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--workers", type=int, default=None, help="batch workers (default: cores)")
    ap.add_argument("--keep", type=Path, help="keep the outputs in this folder")
    ap.add_argument("--skip-plain", action="store_true", help="time the batch only")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="xinfang-bench-"))
    try:
        out = work / "output"
        params = copy_params(work / "params", out)
        units = township_units(params, args.year, args.units)
        n = len(units)
        print(f"units: {n} ({'、'.join(units)}); cores: {os.cpu_count()}", flush=True)

        c0 = cpu_children()
        t_batch = batch(units, params, args.year, args.workers)
        cpu_batch = cpu_children() - c0
        manifest = json.loads((out / str(args.year) / "manifest.json").read_text(encoding="utf-8"))
        reports = [manifest["reports"][u] for u in units]
        phases = {}
        for r in reports:
            for k, v in (r.get("timings") or {}).items():
                phases[k] = phases.get(k, 0.0) + v
        print(f"batch:      {t_batch:7.1f} s wall, {cpu_batch:7.1f} s CPU, {cpu_batch / n:5.2f} s CPU per unit")
        print("  per unit (mean): " + ", ".join(f"{k} {v / n:.2f} s" for k, v in sorted(phases.items()))
              + f", worker+kernel CPU {sum(r['cpu_seconds'] or 0 for r in reports) / n:.2f} s")
        if args.skip_plain:
            return
        c0 = cpu_children()
        t_plain = plain_loop(units, params, args.year, work / "plain")
        cpu_plain = cpu_children() - c0
        print(f"plain loop: {t_plain:7.1f} s wall, {cpu_plain:7.1f} s CPU, {cpu_plain / n:5.2f} s CPU per unit")
        print(f"ratio (plain / batch): {t_plain / t_batch:.2f}x")
        same = same_reports(units, out / str(args.year) / "units", work / "plain")
        print(f"same reports: {same}/{n} units carry the same 基本情况 figures in both runs' HTML, each with a .docx")
    finally:
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
