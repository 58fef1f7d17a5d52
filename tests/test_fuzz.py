"""Fuzzing the register reader and validator (issue 13, grown in issue 23): mutated cells,
stray quotes, blank and separator-only lines, control characters, truncated files, random bytes,
workbooks with hidden and extra sheets and error cells give exit 0 or exit 2 with a message,
never a traceback and never a raw escape sequence (in-process, CliRunner)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import HEADERS, UNITS_YAML, row
from hypothesis import given, settings
from hypothesis import strategies as st

from xinfang.cli import main

SPECIALS = ["", "inf", "-inf", "nan", "1e30", "1e400", "9223372036854775807", "-1", "0", "1.5", "３", "1_0",
            "2023-02-30", "2023/1/5", "2023年1月5日", "44931", "99999999", "=1+1", "\x00", "\ufeff", '"', "\r\n",
            "城南", "区住建局", "网信", "未评价", "受理", "满意", "430503199001010011", "a" * 300]


def _register() -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADERS)
    for i in range(4):
        r = row(f"C{i}", f"M{i % 2}", f"2023-0{i + 1}-0{i + 1}", decision=["受理", "", "不予受理", "受理"][i],
                replied="2023-06-01" if i == 3 else "", evaluation="满意" if i == 3 else "")
        w.writerow([r[h] for h in HEADERS])
    return buf.getvalue().encode("utf-8")


BASE = _register()

cell = st.one_of(st.sampled_from(SPECIALS), st.text(max_size=12))
mutation = st.one_of(
    st.tuples(st.just("cells"), st.lists(st.tuples(st.integers(1, 4), st.integers(0, len(HEADERS) - 1), cell),
                                          min_size=1, max_size=8)),
    st.tuples(st.just("truncate"), st.integers(0, len(BASE))),
    st.tuples(st.just("bytes"), st.binary(max_size=600)),
    st.tuples(st.just("flip"), st.lists(st.tuples(st.integers(0, len(BASE) - 1), st.integers(0, 255)),
                                         min_size=1, max_size=10)),
    st.tuples(st.just("encoding"), st.sampled_from(["gb18030", "utf-8-sig", "utf-16"])),
    st.tuples(st.just("lines"), st.lists(st.tuples(st.integers(0, 6), st.booleans(), st.sampled_from(
        ["", '"', '"摘要', ",,,,,,,", "\x1b]52;c;eA==\x07", "\x1b[2J", "\t", " ", "信访事项登记表", "\ufeff"])),
        min_size=1, max_size=6)),
)


def apply(m) -> bytes:
    kind, arg = m
    if kind == "cells":
        rows = list(csv.reader(io.StringIO(BASE.decode())))
        for r, c, v in arg:
            rows[r][c] = v
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        return buf.getvalue().encode("utf-8", "surrogatepass")
    if kind == "truncate":
        return BASE[:arg]
    if kind == "bytes":
        return arg
    if kind == "lines":  # a line inserted, or text appended to a line
        lines = BASE.decode().split("\n")
        for pos, insert, text in arg:
            pos = min(pos, len(lines) - 1)
            if insert:
                lines.insert(pos, text)
            else:
                lines[pos] += text
        return "\n".join(lines).encode("utf-8")
    if kind == "flip":
        data = bytearray(BASE)
        for i, b in arg:
            data[i] = b
        return bytes(data)
    return BASE.decode().encode(arg)


@pytest.fixture(scope="module")
def place(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    (d / "units.yaml").write_text(UNITS_YAML, encoding="utf-8")
    return d


def check(place: Path, data: bytes, suffix: str = ".csv") -> None:
    path = place / f"register{suffix}"
    path.write_bytes(data)
    result = CliRunner().invoke(main, ["validate", str(path), "--units", str(place / "units.yaml")])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in (0, 2), (result.exit_code, result.stderr)
    assert "Traceback" not in result.stderr and "内部错误" not in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr   # escapes written out, never sent
    if result.exit_code == 2:
        assert "错误 / error" in result.stderr


@settings(max_examples=300, deadline=None, database=None)
@given(m=mutation)
def test_register_fuzz_exits_0_or_2_with_a_message(m, place):
    check(place, apply(m))


@settings(max_examples=60, deadline=None, database=None)
@given(cut=st.integers(0, 10_000), noise=st.binary(max_size=64))
def test_truncated_or_damaged_workbooks_exit_2_with_a_message(cut, noise, place, xlsx_bytes):
    check(place, xlsx_bytes[:cut] + noise, ".xlsx")


@pytest.fixture(scope="module")
def xlsx_bytes(tmp_path_factory):
    import pandas as pd

    from xinfang.fileio import write_xlsx

    rows = list(csv.reader(io.StringIO(BASE.decode())))
    path = write_xlsx({"登记表": pd.DataFrame(rows[1:], columns=rows[0])}, tmp_path_factory.mktemp("x") / "r.xlsx")
    return path.read_bytes()


@settings(max_examples=25, deadline=None, database=None)
@given(hidden=st.booleans(), cover=st.booleans(), second=st.booleans(), active=st.integers(0, 2),
       errors=st.lists(st.tuples(st.integers(1, 6), st.integers(1, len(HEADERS))), max_size=3))
def test_workbooks_with_sheets_and_error_cells_exit_0_or_2(hidden, cover, second, active, errors, place):
    from openpyxl import Workbook

    rows = list(csv.reader(io.StringIO(BASE.decode())))
    wb = Workbook()
    wb.remove(wb.active)
    if cover:
        wb.create_sheet("封面").append(["信访事项登记表"])
    data = wb.create_sheet("登记表")
    for r in rows:
        data.append(r)
    for r, c in errors:
        data.cell(row=r, column=c, value="#N/A").data_type = "e"
    if second:
        other = wb.create_sheet("旧表")
        for r in rows[:3]:
            other.append(r)
    if hidden and len(wb.worksheets) > 1:
        wb.worksheets[0].sheet_state = "hidden"
    wb.active = min(active, len(wb.worksheets) - 1)
    buf = io.BytesIO()
    wb.save(buf)
    check(place, buf.getvalue(), ".xlsx")


@pytest.mark.slow
@settings(max_examples=3000, deadline=None, database=None)
@given(m=mutation)
def test_register_fuzz_longer(m, place):
    check(place, apply(m))
