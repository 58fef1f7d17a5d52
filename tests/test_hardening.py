"""Issue 13, hardening: every numbered item has a test here that fails before its fix.

Registers are written by the helpers of tests/conftest.py; commands run in-process (click's
CliRunner) for speed unless the test is about the installed command.
"""
from __future__ import annotations

import csv
import errno
import io
import json
import logging
import os
import pickle
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import HEADERS, ROOT, ROW_PII, assert_no_pii_in, copy_params, leaked_values, row, write_csv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.cli import main
from xinfang.errors import InputError, ParameterError, redact

EXE = str(ROOT / ".venv" / "bin" / "xinfang")


def validate(path: Path, units_file: Path):
    """``xinfang validate`` in-process: (exit code, stdout, stderr)."""
    result = CliRunner().invoke(main, ["validate", str(path), "--units", str(units_file)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


def register_lines(n: int = 4, **kw) -> list[list[str]]:
    """Header + ``n`` valid rows as lists of fields, each row with its own personal data."""
    rows = []
    for i in range(n):
        r = row(f"C{i}", f"M{i}", "2023-03-01", **kw)
        r.update({"信访人": f"王{'甲乙丙丁戊'[i % 5]}{i}", "证件号码": f"43050319900101{i:04d}",
                  "联系电话": f"139{i:08d}", "住址": f"幸福路{i}号"})
        rows.append([r[h] for h in HEADERS])
    return [HEADERS] + rows


def pii_of(lines: list[list[str]]) -> set[str]:
    where = [HEADERS.index(h) for h in ("信访人", "证件号码", "联系电话", "住址")]
    return {r[i] for r in lines[1:] for i in where}


def write_lines(path: Path, lines: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(lines)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


# =============================================================================================
# 1. messages never echo personal data

def test_ragged_row_is_reported_by_number_and_field_count_without_values(tmp_path, units_file):
    lines = register_lines()
    pii = pii_of(lines)
    del lines[2][6:8]                      # two fields missing: the ID number would land in 评价结果
    lines[3].insert(3, "额外字段")          # one field too many
    code, _, err = validate(write_lines(tmp_path / "r.csv", lines), units_file)
    assert code == 2
    assert "第3行" in err and "18 个字段" in err and "ragged row: 18 fields, header has 20" in err
    assert "第4行" in err and "21 个字段" in err
    assert not leaked_values(pii | {"额外字段", "城南街道"}, err), err


def test_values_from_personal_data_columns_and_id_or_phone_shapes_are_masked(tmp_path, units_file):
    lines = register_lines()
    i_eval, i_id, i_name = HEADERS.index("评价结果"), HEADERS.index("证件号码"), HEADERS.index("信访人")
    i_unit = HEADERS.index("责任单位")
    lines[1][i_eval], lines[1][i_id] = lines[1][i_id], lines[1][i_eval]        # same field count
    lines[2][i_unit], lines[2][i_name] = lines[2][i_name], lines[2][i_unit]
    lines[3][HEADERS.index("问题领域")] = ""
    lines[3][HEADERS.index("信访目的")] = "0739-5201234"
    code, _, err = validate(write_lines(tmp_path / "r.csv", lines), units_file)
    assert code == 2 and "列「评价结果」" in err and "列「责任单位」" in err and "列「信访目的」" in err
    assert "＊＊＊" in err
    assert not leaked_values(pii_of(lines) | {"0739-5201234"}, err), err


def test_redact_masks_ids_and_phones_but_not_dates_codes_or_hashes():
    text = ("430599195503037051 43059919550303705X 430599550303705 13912345678 +86 139-1234-5678 "
            "0739-5201234 2023-01-05 44931 430503007 C0012 sha256 12345678901234567890123")
    out = redact(text)
    for v in ("430599195503037051", "43059919550303705X", "430599550303705", "13912345678", "139-1234-5678",
              "0739-5201234"):
        assert v not in out
    for v in ("2023-01-05", "44931", "430503007", "C0012", "12345678901234567890123"):
        assert v in out


# damage that changes a row's field count (all of one kind, so every damaged row is ragged):
# its cells would shift into other columns (the issue's "a row missing two fields shifts its
# columns left"); count-preserving moves are a known limit, see the hardening notes
_DAMAGE = st.tuples(st.sampled_from(["drop", "duplicate", "insert"]),
                    st.lists(st.tuples(st.integers(1, 4), st.integers(0, 19)), min_size=1, max_size=6))


@settings(max_examples=120, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(damage=_DAMAGE)
def test_random_row_damage_never_puts_personal_data_into_stderr(damage, tmp_path, units_file):
    lines = register_lines()
    pii = pii_of(lines)
    op, where = damage
    for r, i in where:
        fields = lines[r]
        i = i % max(len(fields), 1)
        if op == "drop" and fields:
            del fields[i]
        elif op == "duplicate" and fields:
            fields.insert(i, fields[i])
        else:
            fields.insert(i, "")
    code, _, err = validate(write_lines(tmp_path / "damaged.csv", lines), units_file)
    assert code in (0, 2), err
    assert not leaked_values(pii, err), err


# =============================================================================================
# 2. a cache that holds data only

class _Planted:
    marker = ""

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


@pytest.mark.parametrize("content", ["pickle", "random", "empty", "foreign-arrow"])
def test_a_planted_or_corrupt_cache_file_never_runs_code_and_is_rebuilt_with_a_warning(
        content, tmp_path, units, caplog):
    from xinfang.inputs import load_tables
    from xinfang.inputs.load import _cache_path
    from xinfang.fileio import sha256_file

    register = write_csv(tmp_path / "r.csv", [row("C1", "M1", "2023-03-01")])
    cache = tmp_path / "cache"
    first = load_tables({"register": register}, units, cache_dir=cache)["register"]
    target = _cache_path(cache, "register", sha256_file(register), sha256_file(units.path))
    assert target.is_file() and target.suffix == ".arrow"
    if os.name == "posix":
        assert cache.stat().st_mode & 0o777 == 0o700
    marker = tmp_path / "pwned"
    planted = _Planted()
    planted.marker = str(marker)
    if content == "pickle":
        target.write_bytes(pickle.dumps(planted))
        (cache / (target.stem + ".pkl")).write_bytes(pickle.dumps(planted))   # the old name, too
    elif content == "random":
        target.write_bytes(os.urandom(4096))
    elif content == "empty":
        target.write_bytes(b"")
    else:
        import pyarrow as pa
        import pyarrow.feather as feather

        feather.write_feather(pa.table({"x": [1, 2]}), target)
    with caplog.at_level(logging.WARNING, logger="xinfang"):
        again = load_tables({"register": register}, units, cache_dir=cache)["register"]
    assert not marker.exists()
    assert any("cache file ignored and rebuilt" in r.getMessage() for r in caplog.records)
    assert again.equals(first) and again.attrs == first.attrs
    import pyarrow.feather as feather
    feather.read_table(target)  # rebuilt as Arrow


def test_the_cache_keeps_every_table_exactly(tmp_path):
    import pandas as pd

    from xinfang.inputs import load_inputs
    from xinfang.inputs.validate_budget import BudgetTable
    from xinfang.params import load_params

    params = load_params(copy_params(tmp_path / "params", tmp_path / "out"), 2023)
    fresh = load_inputs(params, cache_dir=tmp_path / "cache")
    cached = load_inputs(params, cache_dir=tmp_path / "cache")
    assert not list((tmp_path / "cache").glob("*.pkl"))
    for a, b in ((fresh.register, cached.register), (fresh.campaign, cached.campaign),
                 (fresh.beijing, cached.beijing), (fresh.budget, cached.budget)):
        if isinstance(a, BudgetTable):
            assert (a.file, dict(a.source)) == (b.file, dict(b.source))
            assert all(list(map(repr, a.frame[c])) == list(map(repr, b.frame[c])) for c in a.frame.columns)
            a, b = a.frame, b.frame
        pd.testing.assert_frame_equal(a, b, check_exact=True)
        assert a.attrs == b.attrs
        for c in a.columns:
            if isinstance(a[c].dtype, pd.CategoricalDtype):
                assert a[c].cat.categories.dtype == b[c].cat.categories.dtype


# =============================================================================================
# 3. numbers: finite integers in a range

@pytest.mark.parametrize("persons", ["inf", "-inf", "nan", "1e30", "9223372036854775807", "0", "-1", "1.5",
                                     "10001", "1e400"])
def test_persons_outside_1_to_max_is_a_row_error(persons, tmp_path, units):
    from xinfang.inputs import read_table, validate_register

    path = write_csv(tmp_path / "r.csv", [row("C1", "M1", "2023-03-01"), row("C2", "M2", "2023-03-01", persons=persons)])
    with pytest.raises(InputError) as exc:
        validate_register(read_table(path), units)
    assert [(p.row, p.column) for p in exc.value.problems] == [(3, "人数")]


def test_two_huge_counts_cannot_wrap_and_the_maximum_is_accepted(tmp_path, units):
    from xinfang.inputs import read_table, validate_register
    from xinfang.inputs.validate import MAX_PERSONS

    big = "9223372036854775807"
    path = write_csv(tmp_path / "r.csv", [row("C1", "M1", "2023-03-01", persons=big), row("C2", "M2", "2023-03-01", persons=big)])
    with pytest.raises(InputError):
        validate_register(read_table(path), units)
    ok = write_csv(tmp_path / "ok.csv", [row("C1", "M1", "2023-03-01", persons=str(MAX_PERSONS)),
                                         row("C2", "M2", "2023-03-01", persons=f"{MAX_PERSONS}.0")])
    frame = validate_register(read_table(ok), units)
    assert frame["persons"].sum() == 2 * MAX_PERSONS


@pytest.mark.parametrize("ext", ["inf", "nan", "31", "-1", "1.5"])
def test_extension_days_stay_0_to_30(ext, tmp_path, units):
    from xinfang.inputs import read_table, validate_register

    path = write_csv(tmp_path / "r.csv", [row("C1", "M1", "2023-03-01", ext=ext)])
    with pytest.raises(InputError) as exc:
        validate_register(read_table(path), units)
    assert {p.column for p in exc.value.problems} == {"延期天数"}


# =============================================================================================
# 4. xlsx limits

def make_bomb(path: Path, gigabytes: float = 1.0) -> Path:
    """An .xlsx of about 1 MB whose sheet unpacks to ``gigabytes`` GB of one repeated byte."""
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'spreadsheetml.sheet.main+xml"/></Types>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("xl/workbook.xml", '<workbook><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>')
            chunk = b"A" * (1 << 24)
            for _ in range(int(gigabytes * 64)):
                fh.write(chunk)
            fh.write(b"</t></is></c></row></sheetData></worksheet>")
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    return make_bomb(tmp_path_factory.mktemp("bomb") / "bomb.xlsx")


def test_an_xlsx_zip_bomb_is_refused_with_exit_2(bomb, units_file):
    assert bomb.stat().st_size < 2 * 1024 * 1024
    code, _, err = validate(bomb, units_file)
    assert code == 2 and "zip bomb" in err and "压缩炸弹" in err, err


def test_a_zip_entry_that_unpacks_to_more_than_it_declares_is_refused(tmp_path):
    from xinfang.inputs.read import XlsxLimitError, check_xlsx_limits

    body = os.urandom(3 << 20).hex().encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", body)
    data = bytearray(buf.getvalue())
    # declare 1,000 bytes in both the local header and the central directory
    local = data.index(b"PK\x03\x04")
    data[local + 22: local + 26] = (1000).to_bytes(4, "little")
    central = data.index(b"PK\x01\x02")
    data[central + 24: central + 28] = (1000).to_bytes(4, "little")
    with pytest.raises(XlsxLimitError):
        check_xlsx_limits(bytes(data))
    check_xlsx_limits(buf.getvalue())  # the honest file is within the limits


# =============================================================================================
# 5. every failure is a message

@pytest.mark.parametrize("err, code, words", [
    (errno.ENOSPC, 1, "磁盘已满 / disk full"),
    (errno.EROFS, 1, "文件系统只读 / read-only file system"),
    (errno.EACCES, 1, "没有权限 / permission denied"),
    (errno.ENAMETOOLONG, 2, "文件名过长 / file name too long"),
])
def test_os_errors_are_bilingual_messages_with_exit_1_for_the_environment(err, code, words, tmp_path, monkeypatch):
    import xinfang.fileio

    def fail(path, *a, **kw):
        raise OSError(err, os.strerror(err), str(path))

    monkeypatch.setattr(xinfang.fileio, "write_text_atomic", fail)
    units = tmp_path / "units.yaml"
    from conftest import UNITS_YAML
    units.write_text(UNITS_YAML, encoding="utf-8")
    register = write_csv(tmp_path / "r.csv", [row("C1", "M1", "2023-03-01")])
    result = CliRunner().invoke(main, ["indicators", str(register), "--start", "2023-01-01", "--end", "2023-12-31",
                                       "--units", str(units), "--params", str(tmp_path / "no-params"),
                                       "-o", str(tmp_path / "out.json")])
    assert result.exit_code == code, result.output
    assert words in result.stderr and "out.json" in result.stderr and "Traceback" not in result.stderr


def test_a_read_only_output_folder_is_a_message_not_a_traceback(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        proc = subprocess.run([EXE, "indicators", str(ROOT / "seeds" / "信访事项登记表.csv"), "--year", "2023",
                               "-o", str(out / "x.json")], capture_output=True, text=True, cwd=ROOT)
    finally:
        out.chmod(0o700)
    assert proc.returncode == 1 and "没有权限" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("text", ["[]", "garbage{", '{"reports": []}', '{"reports": {"a": 5}}', "null", '"x"'])
def test_a_manifest_of_the_wrong_shape_is_rebuilt_with_a_warning(text, tmp_path, caplog):
    from xinfang.run.manifest import Manifest

    path = tmp_path / "manifest.json"
    path.write_text(text, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="xinfang"):
        m = Manifest(path)
    assert m.reports == {} and caplog.records
    m.doc["year"] = 2023
    m.save()
    assert json.loads(path.read_text(encoding="utf-8"))["year"] == 2023


def test_an_80_character_unit_name_gives_a_file_name_the_system_can_hold(tmp_path):
    from xinfang.fileio import MAX_NAME_BYTES, atomic_path, safe_filename

    long_a, long_b = "很" * 79 + "甲", "很" * 79 + "乙"
    a, b = safe_filename(long_a), safe_filename(long_b)
    assert a != b and a == safe_filename(long_a)
    assert len(a.encode()) <= MAX_NAME_BYTES and a.startswith("很" * 50)
    for suffix in (".failed.ipynb", ".html", ".docx"):
        with atomic_path(tmp_path / f"{a}{suffix}") as tmp:
            tmp.write_bytes(b"x")
        assert (tmp_path / f"{a}{suffix}").read_bytes() == b"x"
    assert safe_filename("城南街道") == "城南街道"


# =============================================================================================
# 6. names Windows cannot hold; names that differ only in case

@pytest.mark.parametrize("name", ["CON", "con", "PRN", "Aux", "NUL", "nul.txt", "COM1", "com9.html", "LPT1",
                                  "lpt9", "aux.", "a.", "a ", "CON .x"])
def test_names_windows_cannot_hold_get_a_safe_form(name):
    from xinfang.fileio import _RESERVED, safe_filename

    safe = safe_filename(name)
    assert safe.split(".")[0].rstrip(" ").upper() not in _RESERVED
    assert not safe.endswith((".", " ")) and (safe + ".html").split(".")[0].upper() not in _RESERVED
    assert safe_filename(name) == safe


def test_two_units_whose_file_names_differ_only_in_case_are_an_error():
    from xinfang.run.planners import check_file_names

    check_file_names(["城南街道", "城北街道", "Abc"])
    with pytest.raises(ParameterError) as exc:
        check_file_names(["城南街道", "Abc", "aBC"])
    assert "Abc" in str(exc.value) and "aBC" in str(exc.value)
    with pytest.raises(ParameterError):
        check_file_names(["a/b", "A_B"])


# =============================================================================================
# 7. a second 责任单位 column

@pytest.mark.parametrize("second", ["责任单位", " 责任单位 ", "责任 单位"])
def test_a_second_unit_column_is_an_input_error_naming_both(second, tmp_path, units):
    from xinfang.inputs import read_table

    headers = HEADERS + [second]
    rows = [dict(row("C1", "M1", "2023-03-01"), **{second: "城北街道"})]
    path = write_csv(tmp_path / "r.csv", rows, headers=headers)
    with pytest.raises(InputError) as exc:
        read_table(path)
    text = str(exc.value)
    assert "duplicate column" in text and "第7列" in text and f"第{len(headers)}列「{second}」" in text


def test_a_second_unit_column_in_a_workbook_is_an_error(tmp_path):
    import pandas as pd

    from xinfang.fileio import write_xlsx
    from xinfang.inputs import read_table

    r = row("C1", "M1", "2023-03-01")
    frame = pd.DataFrame([[r[h] for h in HEADERS] + ["城北街道"]], columns=HEADERS + ["责任单位"])
    path = write_xlsx({"登记表": frame}, tmp_path / "r.xlsx")
    with pytest.raises(InputError, match="duplicate column"):
        read_table(path)


# =============================================================================================
# 8. concurrency: a lock on the output year folder, the manifest merged under a lock

def test_two_runs_saving_one_manifest_lose_no_entry(tmp_path):
    from types import SimpleNamespace

    from xinfang.run.executor import RunResult
    from xinfang.run.manifest import Manifest

    path = tmp_path / "manifest.json"
    first, second = Manifest(path), Manifest(path)       # both read the folder before either saved
    for m, name in ((first, "甲"), (second, "乙")):
        job = SimpleNamespace(name=name, unit=name, kind="unit", stem=name, key="k", hashes={})
        m.record(job, RunResult(name, "ok", 1.0, {}, None))
        m.save()
    assert set(json.loads(path.read_text(encoding="utf-8"))["reports"]) == {"甲", "乙"}


def test_a_second_batch_on_one_folder_waits_and_says_so(tmp_path):
    from filelock import FileLock

    from xinfang.run.batch import lock_year_folders

    folder = tmp_path / "2023"
    folder.mkdir()
    held = FileLock(str(folder / ".xinfang.lock"))
    held.acquire()
    stream, entered = io.StringIO(), threading.Event()

    def second():
        with lock_year_folders([folder], stream):
            entered.set()

    t = threading.Thread(target=second)
    t.start()
    time.sleep(0.5)
    assert not entered.is_set() and "waiting" in stream.getvalue() and "等待" in stream.getvalue()
    held.release()
    t.join(10)
    assert entered.is_set()


@pytest.mark.slow
def test_two_concurrent_batches_on_one_output_folder_leave_every_unit_in_the_manifest(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "output")
    cmd = [EXE, "batch", "--year", "2023", "--by", "unit", "--params", str(params), "--quiet", "--workers", "1"]
    a = subprocess.Popen(cmd + ["--only", "城南街道", "--only", "城北路街道"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    b = subprocess.Popen(cmd + ["--only", "罗市镇", "--only", "檀江街道"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    (out_a, err_a), (out_b, err_b) = a.communicate(timeout=600), b.communicate(timeout=600)
    assert a.returncode == 0 and b.returncode == 0, err_a + err_b
    doc = json.loads((tmp_path / "output" / "2023" / "manifest.json").read_text(encoding="utf-8"))
    assert {"城南街道", "城北路街道", "罗市镇", "檀江街道"} <= set(doc["reports"])
    assert "waiting" in err_a + err_b  # one of them waited for the other


# =============================================================================================
# 9. safe notebooks: analyst Markdown without live HTML

def test_analyst_markdown_reaches_the_notebook_without_live_html(tmp_path):
    import nbformat
    from nbconvert import HTMLExporter

    from xinfang.display import bundle
    from xinfang.markdown import markdown_blocks
    from xinfang.report.context import ReportContext

    (tmp_path / "2023").mkdir()
    evil = ("一是<script>alert(1)</script>压实责任。\n\n<img src=x onerror=alert(2)>\n\n"
            "<div onclick=\"alert(3)\">块</div>\n\n二是 a \\<b> c")
    (tmp_path / "2023" / "主要做法.md").write_text(evil, encoding="utf-8")
    ctx = ReportContext(params={"text": {"practices": "主要做法.md"}, "params_dir": str(tmp_path), "year": 2023},
                        inputs=None, results={}, district={}, per_unit={}, active_units=[])
    text = ctx.analyst_text("practices")
    # what a viewer without xinfang reads: the Markdown fallback of each block's bundle
    fallbacks = [bundle(b)[0] for b in markdown_blocks(text)]
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/markdown": data["text/markdown"],
                                                                  "text/plain": data["text/plain"]})
                    for data in fallbacks]
    nb.cells = [cell]
    html, _ = HTMLExporter().from_notebook_node(nb)
    body = html[html.index("<body"):]
    assert "<script>alert" not in body and "<img src=x" not in body and "<div onclick" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    # our own renderer shows the same text
    shown = "".join(s.text for s in markdown_blocks(text)[0].spans)
    assert shown == "一是<script>alert(1)</script>压实责任。"


# =============================================================================================
# 11. the guard on every failing command of the suite

def test_the_guard_on_failing_commands_catches_a_leak():
    with pytest.raises(AssertionError):
        assert_no_pii_in("第3行, 值「" + ROW_PII[1] + "」")
    assert_no_pii_in("第3行, 值「＊＊＊」")


def test_failing_installed_commands_print_no_personal_data(tmp_path):
    """The installed command on a damaged copy of the sample register (checked by the guard too)."""
    text = (ROOT / "seeds" / "信访事项登记表.csv").read_bytes().decode("gb18030")
    lines = text.splitlines()
    damaged = []
    for i, line in enumerate(lines[:300]):
        fields = line.split(",")
        if i and i % 7 == 0:
            del fields[6:8]
        elif i and i % 11 == 0:
            fields[14], fields[16] = fields[16], fields[14]
        damaged.append(",".join(fields))
    path = tmp_path / "damaged.csv"
    path.write_text("\n".join(damaged) + "\n", encoding="utf-8")
    proc = subprocess.run([EXE, "validate", str(path)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2 and "ragged row" in proc.stderr
    assert_no_pii_in(proc.stderr)
