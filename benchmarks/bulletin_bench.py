"""Benchmark: the 12 monthly 通报 of a year against 12 unit reports, in the same run.

Both go through ``xinfang batch`` (fresh kernel per report, the same workers, the parse cache
cold at the start of each): ``--by month --year Y`` (12 bulletins and their 督办单) and
``--by unit --year Y --only <the first 12 units>``. Prints both wall times and their ratio;
the issue asks that the bulletins take no longer than the unit reports.

    .venv/bin/python benchmarks/bulletin_bench.py [--year 2023] [--workers N]
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
XINFANG = str(Path(sys.executable).parent / "xinfang")


def params_copy(dst: Path, out: Path) -> Path:
    shutil.copytree(ROOT / "params", dst)
    doc = yaml.safe_load((dst / "defaults.yaml").read_text(encoding="utf-8"))
    doc["data"] = {k: str((ROOT / "params" / v).resolve()) if v else None for k, v in doc["data"].items()}
    doc["output"] = str(out)
    (dst / "defaults.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dst


def timed(args: list[str], cwd: Path) -> float:
    t = time.perf_counter()
    proc = subprocess.run([XINFANG, *args], capture_output=True, text=True, cwd=cwd)
    if proc.returncode:
        sys.exit(proc.stderr[-2000:])
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--workers", type=int)
    a = ap.parse_args()
    units = [u["name"] for u in yaml.safe_load((ROOT / "params" / "units.yaml").read_text(encoding="utf-8"))["units"]][:12]
    workers = ["--workers", str(a.workers)] if a.workers else []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        pm = params_copy(base / "pm", base / "om")
        pu = params_copy(base / "pu", base / "ou")
        months = timed(["batch", "--by", "month", "--year", str(a.year), "--params", str(pm), "--quiet", *workers], base)
        unit_s = timed(["batch", "--by", "unit", "--year", str(a.year), "--params", str(pu), "--quiet", *workers,
                        "--only", *units], base)
        duban = len(list((base / "om" / str(a.year) / "bulletins" / "督办单").rglob("*.docx")))
    print(f"12 monthly bulletins (+{duban} 督办单): {months:6.1f} s")
    print(f"12 unit reports:                  {unit_s:6.1f} s")
    print(f"ratio bulletins / unit reports:   {months / unit_s:6.2f} ({'OK' if months <= unit_s else 'SLOWER'})")


if __name__ == "__main__":
    main()
