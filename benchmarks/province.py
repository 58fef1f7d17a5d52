"""Province-scale benchmark: 2,000 units and 1M registrations (timings printed, never asserted).

A synthetic register and its unit register are made once with :func:`xinfang.sample.build_synthetic`
(kept in benchmarks/data/, git-ignored), with a copy of params/ pointing at them. Then:

1. validate + catalogue: a fresh process reads and validates the register and computes the
   catalogue for the province and every unit (what a batch does once, in its parent);
2. the batch of the first ``--batch`` units (default 100) with ``xinfang batch --only …``:
   wall time, and per unit the wall time and CPU (worker + kernel, from the manifest);
3. the projection for every unit on this machine (wall) and per core (CPU), next to the
   per-unit cost of the 21-unit sample measured the same way (``--sample``).

    .venv/bin/python benchmarks/province.py [--units 2000] [--rows 1000000] [--batch 100] [--sample]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
BIN = Path(sys.executable).parent
YEAR = 2023

TARGETS = "targets: validate + catalogue ≤ 10 s; per-unit batch cost within 20 ％ of the sample's"


def ensure_data(units: int, rows: int) -> Path:
    """benchmarks/data/province-<units>u-<rows>r/ with the register (CSV) and units.yaml."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import yaml

    from xinfang.sample import build_synthetic

    folder = DATA / f"province-{units}u-{rows}r"
    register = folder / "信访事项登记表.csv"
    if not register.exists():
        t = time.perf_counter()
        folder.mkdir(parents=True, exist_ok=True)
        data = build_synthetic(units=units, rows=rows)
        (folder / "units.yaml").write_text(yaml.safe_dump(data["units"], allow_unicode=True, sort_keys=False),
                                           encoding="utf-8")
        tmp = folder / "register.tmp"
        pacsv.write_csv(pa.Table.from_pandas(data["register"], preserve_index=False), tmp)
        tmp.rename(register)
        print(f"  made {register.relative_to(ROOT)} in {time.perf_counter() - t:.0f} s", flush=True)
    return folder


def province_params(dst: Path, data: Path, out: Path) -> Path:
    """params/ copied to ``dst``: the province's register and unit register, no optional tables."""
    shutil.copytree(ROOT / "params", dst)
    text = (dst / "defaults.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^district:.*$", "district: 示例省", text)
    text = re.sub(r"(?m)^units:.*$", f"units: {data / 'units.yaml'}", text)
    text = re.sub(r"(?m)^  register:.*$", f"  register: {data / '信访事项登记表.csv'}", text)
    for table in ("campaign", "beijing", "budget"):
        text = re.sub(rf"(?m)^  {table}:.*$", f"  {table}: null", text)
    text = re.sub(r"(?m)^output:.*$", f"output: {out}", text)
    (dst / "defaults.yaml").write_text(text, encoding="utf-8")
    return dst


def sample_params(dst: Path, out: Path) -> Path:
    shutil.copytree(ROOT / "params", dst)
    text = (dst / "defaults.yaml").read_text(encoding="utf-8")
    text = re.sub(r"\.\./seeds/", str(ROOT / "seeds") + "/", text)
    text = re.sub(r"(?m)^output:.*$", f"output: {out}", text)
    (dst / "defaults.yaml").write_text(text, encoding="utf-8")
    return dst


CHILD = r"""
import json, resource, sys, time
from xinfang.params import load_params
t0, c0 = time.perf_counter(), time.process_time()
from xinfang.inputs import load_inputs
from xinfang.indicators import compute_all, units_with_data
t_import = time.perf_counter() - t0
params = load_params(sys.argv[1], int(sys.argv[2]))
t0, c0 = time.perf_counter(), time.process_time()
inputs = load_inputs(params)
t_validate, c_validate = time.perf_counter() - t0, time.process_time() - c0
t0, c0 = time.perf_counter(), time.process_time()
active = units_with_data(inputs.register, inputs.period)
district, per_unit = compute_all(inputs.register, inputs.period, inputs.units.names,
                                 campaign=inputs.campaign, beijing=inputs.beijing)
t_catalogue, c_catalogue = time.perf_counter() - t0, time.process_time() - c0
print(json.dumps({"rows": len(inputs.register), "units": len(per_unit), "active": active,
                  "validate": t_validate, "validate_cpu": c_validate, "catalogue": t_catalogue,
                  "catalogue_cpu": c_catalogue,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def validate_and_catalogue(params: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(params), str(YEAR)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout)


PLAN = r"""
import json, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from xinfang.run.planners import plan_units
jobs, no_data, ctx = plan_units(int(sys.argv[2]), sys.argv[1])
plan, plan_cpu = time.perf_counter() - t0, time.process_time() - c0
t0, c0 = time.perf_counter(), time.process_time()
from xinfang.run.batch import _write_indicators
from xinfang.run.manifest import Manifest, source_hash
_write_indicators(int(sys.argv[2]), ctx, Manifest(ctx["out_root"] / "bench-manifest.json"), source_hash(), True)
print(json.dumps({"jobs": len(jobs), "plan": plan, "plan_cpu": plan_cpu, "workbook": time.perf_counter() - t0,
                  "workbook_cpu": time.process_time() - c0}))
"""


def plan_all(params: Path) -> dict:
    """What a batch of every unit does before its first report, in a fresh process: validate
    (from the parse cache), catalogue, petition scores, one job per unit; and the workbook."""
    proc = subprocess.run([sys.executable, "-c", PLAN, str(params), str(YEAR)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout)


def run_batch(params: Path, units: list[str], out: Path) -> dict:
    """``xinfang batch`` of ``units``: wall time, the time from its first report to its last
    (``pool``, from the manifest), and the manifest's per-report figures."""
    cmd = [str(BIN / "xinfang"), "batch", "--year", str(YEAR), "--by", "unit", "--params", str(params),
           "--force", "--quiet"]
    for u in units:
        cmd += ["--only", u]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"batch failed with exit code {proc.returncode}")
    manifest = json.loads((out / str(YEAR) / "manifest.json").read_text(encoding="utf-8"))
    reports = [manifest["reports"][u] for u in units]
    n = len(reports)
    from datetime import datetime

    started = datetime.fromisoformat(manifest["last_run"]["started"])
    pool = max((datetime.fromisoformat(r["finished"]) - started).total_seconds() for r in reports)
    return {"n": n, "wall": wall, "pool": pool, "cpu": sum(r["cpu_seconds"] or 0 for r in reports) / n,
            "seconds": sum(r["seconds"] for r in reports) / n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=2_000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=100, help="units in the timed batch (0: none)")
    ap.add_argument("--sample", action="store_true", help="also the 21-unit sample's batch, for comparison")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    print(f"province: {args.units:,} units, {args.rows:,} registrations; {cores} cores", flush=True)
    data = ensure_data(args.units, args.rows)
    work = Path(tempfile.mkdtemp(prefix="xinfang-province-"))
    try:
        out = work / "output"
        params = province_params(work / "params", data, out)
        v = validate_and_catalogue(params)
        print(f"  validate {v['validate']:.2f} s ({v['validate_cpu']:.2f} s CPU) + catalogue {v['catalogue']:.2f} s "
              f"({v['catalogue_cpu']:.2f} s CPU) = {v['validate'] + v['catalogue']:.2f} s for {v['rows']:,} rows, "
              f"{v['units']:,} units; peak {v['peak_mb']:.0f} MB", flush=True)
        rows = []
        if args.sample:
            s_out = work / "sample-output"
            s_params = sample_params(work / "sample-params", s_out)
            from xinfang.indicators import units_with_data
            from xinfang.inputs import load_inputs
            from xinfang.params import load_params

            p = load_params(s_params, YEAR)
            inputs = load_inputs(p)
            s = run_batch(s_params, units_with_data(inputs.register, inputs.period), s_out)
            rows.append(("sample", s))
            print(f"  sample batch: {s['n']} units in {s['wall']:.1f} s wall ({s['pool']:.0f} s from the first report "
                  f"to the last); per unit {s['pool'] / s['n']:.2f} s wall, {s['cpu']:.2f} s CPU", flush=True)
        if args.batch:
            units = v["active"][:args.batch]
            b = run_batch(params, units, out)
            rows.append(("province", b))
            per_wall = b["pool"] / b["n"]
            print(f"  province batch: first {b['n']} units in {b['wall']:.1f} s wall ({b['pool']:.0f} s from the first "
                  f"report to the last); per unit {per_wall:.2f} s wall ({b['seconds']:.2f} s each on its worker), "
                  f"{b['cpu']:.2f} s CPU", flush=True)
            a = plan_all(params)
            print(f"  before the first report of all {a['jobs']:,} units: {a['plan']:.1f} s ({a['plan_cpu']:.1f} s CPU: "
                  f"inputs from the parse cache, catalogue, petition scores, one job per unit); the indicator "
                  f"workbook {a['workbook']:.1f} s ({a['workbook_cpu']:.1f} s CPU, written while the reports run)",
                  flush=True)
            every = len(v["active"])
            setup = v["validate"] + a["plan"]  # plan: the cached inputs, catalogue, scores, jobs
            total = setup + per_wall * every
            print(f"  projection for all {every:,} units: {total:.0f} s wall on this machine ({total / 60:.1f} min, "
                  f"{cores} workers: validation {v['validate']:.0f} s + planning {a['plan']:.0f} s + {every:,} × "
                  f"{per_wall:.2f} s); {b['cpu'] * every / 60:.1f} CPU-minutes of reports = "
                  f"{b['cpu'] * every / 60 / cores:.1f} min per core of {cores}", flush=True)
            if args.sample:
                ratio = b["cpu"] / rows[0][1]["cpu"]
                print(f"  per-unit CPU, province ÷ sample: {ratio:.2f}")
        print(TARGETS)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
