"""Scale benchmark (docs/architecture.md §11): validation and the whole catalogue on 10k, 100k and 1M rows.

For each size a synthetic register is written once to benchmarks/data/ (git-ignored), then a
fresh Python process reads and validates it and computes the catalogue for the district and
every unit; it reports wall time and peak memory (max RSS of that process). A 100k-row .xlsx
is read and validated the same way. Timings are printed, never asserted.

    python benchmarks/scale.py [--sizes 10000 100000 1000000] [--xlsx 100000]
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "data"
UNITS = ROOT / "params" / "units.yaml"

TARGETS = "targets at 1M rows: read+validate ≤ 5 s, catalogue (district + every unit) ≤ 3 s, peak ≤ 2 GB; " \
          "per-row time at 1M within 1.5× of 100k; 100k-row xlsx read+validate ≤ 5 s"


def synthetic_register(n: int, seed: int = 7) -> pd.DataFrame:
    """A valid register of ``n`` rows with the exported Chinese headers (vectorised)."""
    import yaml

    rng = np.random.default_rng(seed)
    units = [u["name"] for u in yaml.safe_load(UNITS.read_text(encoding="utf-8"))["units"]]
    start = np.datetime64("2021-01-01")
    reg = start + rng.integers(0, 3 * 365, n).astype("timedelta64[D]")
    matters = rng.integers(0, max(1, n // 2), n)
    first_seen = pd.Series(reg).groupby(matters).transform("min").to_numpy()
    repeat = reg > first_seen
    decided = rng.random(n) < 0.97
    acc = reg + rng.integers(0, 15, n).astype("timedelta64[D]")
    accepted = decided & ~repeat & (rng.random(n) < 0.8)
    replied = accepted & (rng.random(n) < 0.9)
    ext = np.where(accepted & (rng.random(n) < 0.1), rng.integers(1, 31, n), 0)
    rep = acc + rng.integers(1, 60, n).astype("timedelta64[D]")
    evaluated = replied & (rng.random(n) < 0.95)
    channel = rng.choice(["来信", "来访", "网上信访"], n, p=[0.3, 0.2, 0.5])
    persons = np.where(channel == "来访", rng.choice([1, 1, 1, 2, 3, 6, 12], n), 1)
    decision = np.where(~decided, "", np.where(repeat, "不再受理", np.where(accepted, "受理", "不予受理")))

    def d(values, mask):
        out = pd.Series(values).dt.strftime("%Y-%m-%d").to_numpy(dtype=object)
        out[~mask] = ""
        return out

    return pd.DataFrame({
        "信访件编号": [f"B{i:08d}" for i in range(n)],
        "信访事项编号": [f"M{m:08d}" for m in matters],
        "登记日期": d(reg, np.ones(n, bool)),
        "登记层级": rng.choice(["国家", "省", "市", "区"], n, p=[0.25, 0.15, 0.3, 0.3]),
        "信访形式": channel,
        "人数": persons,
        "责任单位": rng.choice(units, n),
        "问题领域": rng.choice(["城乡建设", "住房保障", "涉众金融", "劳动保障", "教育就学", "民生医疗", "其他"], n),
        "信访目的": rng.choice(["求决", "申诉", "建议意见", "检举控告"], n, p=[0.6, 0.2, 0.1, 0.1]),
        "初重件": np.where(repeat, "重件", "初件"),
        "办理方式": decision,
        "受理日期": d(acc, decided),
        "延期天数": np.where(accepted, ext.astype(str), ""),
        "答复日期": d(rep, replied),
        "评价结果": np.where(evaluated, rng.choice(["满意", "基本满意", "不满意"], n, p=[0.8, 0.18, 0.02]), ""),
        "信访人": "某某",
        "证件号码": "430599199001010000",
        "联系电话": "19900000000",
        "住址": "示例路1号",
        "诉求摘要": "反映问题",
    })


def ensure_csv(n: int) -> Path:
    DATA.mkdir(exist_ok=True)
    path = DATA / f"register_{n}.csv"
    if not path.exists():
        import pyarrow as pa
        import pyarrow.csv as pacsv

        frame = synthetic_register(n).astype(str)
        pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path


def _col_letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def write_excel_like(frame: pd.DataFrame, path: Path, date_columns: set[str]) -> None:
    """An .xlsx as Excel/WPS write it: a shared-strings table, date cells as serial numbers with a
    date format, numbers as numbers. (openpyxl writes inline strings with every CJK character as an
    XML entity: a file 4× larger than Excel's, which is not what users export.)"""
    import zipfile
    from xml.sax.saxutils import escape

    strings: dict[str, int] = {}

    def sid(text: str) -> int:
        return strings.setdefault(text, len(strings))

    epoch = pd.Timestamp("1899-12-30")
    letters = [_col_letter(i) for i in range(len(frame.columns))]
    rows = ['<row r="1">' + "".join(f'<c r="{letters[i]}1" t="s"><v>{sid(str(c))}</v></c>'
                                    for i, c in enumerate(frame.columns)) + "</row>"]
    cols = []
    for name in frame.columns:
        values = frame[name].to_numpy(dtype=object)
        if name in date_columns:
            serial = [(pd.Timestamp(v) - epoch).days if v else None for v in values]
            cols.append([None if d is None else f'<v>{d}</v>' for d in serial])
        elif pd.api.types.is_integer_dtype(frame[name].dtype):
            cols.append([f"<v>{int(v)}</v>" for v in values])
        else:
            cols.append([None if v == "" else str(sid(str(v))) for v in values])
    kinds = ["d" if c in date_columns else ("n" if pd.api.types.is_integer_dtype(frame[c].dtype) else "s")
             for c in frame.columns]
    for r in range(len(frame)):
        cells = []
        for i, kind in enumerate(kinds):
            v = cols[i][r]
            if v is None:
                continue
            ref = f"{letters[i]}{r + 2}"
            if kind == "s":
                cells.append(f'<c r="{ref}" t="s"><v>{v}</v></c>')
            elif kind == "d":
                cells.append(f'<c r="{ref}" s="1">{v}</c>')
            else:
                cells.append(f'<c r="{ref}">{v}</c>')
        rows.append(f'<row r="{r + 2}">' + "".join(cells) + "</row>")
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {ns}><sheetData>' + "".join(rows) + \
        "</sheetData></worksheet>"
    shared = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst {ns} count="{len(strings)}" '
              f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(t)}</t></si>" for t in strings) + "</sst>")
    styles = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet {ns}><fonts count="1"><font/></fonts>'
              '<fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/>'
              '</cellStyleXfs><cellXfs count="2"><xf/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>')
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {ns} xmlns:r="{rel}"><sheets>'
        '<sheet name="信访事项登记表" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": shared, "xl/styles.xml": styles,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text.encode("utf-8"))


def ensure_xlsx(n: int) -> Path:
    DATA.mkdir(exist_ok=True)
    path = DATA / f"register_{n}.xlsx"
    if not path.exists():
        frame = synthetic_register(n)
        frame["人数"] = frame["人数"].astype(int)
        write_excel_like(frame, path, {"登记日期", "受理日期", "答复日期"})
    return path


CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from xinfang.inputs import read_table, read_units, validate_register
from xinfang.indicators import compute_all
from xinfang.periods import Period
t_import = time.perf_counter() - t0
units = read_units(sys.argv[2])
t0 = time.perf_counter()
frame = validate_register(read_table(sys.argv[1]), units)
t_validate = time.perf_counter() - t0
t0 = time.perf_counter()
district, per_unit = compute_all(frame, Period.of("2023-01-01", "2023-12-31"), units.names)
t_catalogue = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"rows": len(frame), "validate": t_validate, "catalogue": t_catalogue, "peak_mb": peak,
                  "units": len(per_unit), "import": t_import}))
"""


def measure(path: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), str(UNITS)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--xlsx", type=int, default=100_000, help="rows of the .xlsx case (0 to skip)")
    args = ap.parse_args()
    rows = []
    for n in args.sizes:
        t0 = time.perf_counter()
        path = ensure_csv(n)
        made = time.perf_counter() - t0
        r = measure(path)
        r.update(file=f"csv {n:,}", made=made)
        rows.append(r)
        print(f"  {r['file']:>14}: read+validate {r['validate']:.2f} s, catalogue {r['catalogue']:.2f} s "
              f"(district + {r['units']} units), peak {r['peak_mb']:.0f} MB", flush=True)
    if args.xlsx:
        r = measure(ensure_xlsx(args.xlsx))
        r.update(file=f"xlsx {args.xlsx:,}")
        rows.append(r)
        print(f"  {r['file']:>14}: read+validate {r['validate']:.2f} s, catalogue {r['catalogue']:.2f} s, "
              f"peak {r['peak_mb']:.0f} MB", flush=True)
    print()
    print("| input | rows | read + validate (s) | µs/row | catalogue, district + units (s) | peak memory (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['file'].split()[0]} | {r['rows']:,} | {r['validate']:.2f} | {r['validate'] / r['rows'] * 1e6:.2f} "
              f"| {r['catalogue']:.2f} | {r['peak_mb']:.0f} |")
    csv_rows = {r["rows"]: r for r in rows if r["file"].startswith("csv")}
    if 100_000 in csv_rows and 1_000_000 in csv_rows:
        a, b = csv_rows[100_000], csv_rows[1_000_000]
        ratio = (b["validate"] + b["catalogue"]) / 1e6 / ((a["validate"] + a["catalogue"]) / 1e5)
        print(f"\nper-row time at 1M ÷ per-row time at 100k: {ratio:.2f}")
    print(TARGETS)


if __name__ == "__main__":
    main()
