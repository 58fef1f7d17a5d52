"""Issue 23 (hardening, second round) and issue 22 (header detection): reading exports as a
person sees them. Each test names the point of issue 23 it covers; expected values by hand."""
from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from click.testing import CliRunner
from conftest import HEADERS, row

from inputs.helpers import TODAY, csv_text, rows, sheet_rows, workbook
from xinfang.cli import main
from xinfang.errors import InputError
from xinfang.inputs import read_table, validate_register


def validate_cli(path, units_file):
    result = CliRunner().invoke(main, ["validate", str(path), "--units", str(units_file)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


def problems(path, units, **kw) -> list:
    with pytest.raises(InputError) as err:
        validate_register(read_table(path, **kw), units, today=TODAY)
    return err.value.problems


# ---------------------------------------------------------------------------------------------
# 1. a stray quote never swallows the next line

def test_point01_a_stray_quote_is_a_row_error_not_a_merged_row(tmp_path, units_file):
    records = rows(20)
    records[4]["诉求摘要"] = '"反映漏水'           # line 6 opens a quote the line never closes
    records[5]["诉求摘要"] = '称"已解决'           # and line 7 closes it: one record of two lines
    path = tmp_path / "r.csv"
    path.write_text(csv_text(records), encoding="utf-8")
    code, out, err = validate_cli(path, units_file)
    assert code == 2, out
    assert "第6行" in err and "第7行" in err and "a quoted field runs over the line end to line 7" in err
    for value in ("王5", "430503199001010005", "13900000005", "幸福路5号"):   # the swallowed line
        assert value not in err


def test_point01_a_quote_that_never_closes(tmp_path, units):
    records = rows(3)
    records[2]["诉求摘要"] = '"最后一行'
    path = tmp_path / "r.csv"
    path.write_text(csv_text(records), encoding="utf-8")
    found = problems(path, units)
    assert [(p.row, p.rule_en) for p in found] == [(4, "a quote that never closes")]


def test_point01_quoted_fields_on_one_line_still_read(tmp_path, units):
    records = rows(2)
    records[0]["问题领域"] = '"城乡建设, 住房"'
    path = tmp_path / "r.csv"
    path.write_text(csv_text(records), encoding="utf-8")
    frame = validate_register(read_table(path), units, today=TODAY)
    assert list(frame["domain"].astype(str)) == ["城乡建设, 住房", "城乡建设"]


# ---------------------------------------------------------------------------------------------
# 2. 诉求摘要 (free text no report prints) is never read, so never cached

def test_point02_summary_is_not_read_and_not_in_the_cache(tmp_path, units, units_file):
    from xinfang.inputs import load_tables

    records = rows(3)
    records[0]["诉求摘要"] = "摘要里的身份证430503199001017777与姓名赵某某"
    records[1]["诉求摘要"] = "X" * 100_000
    path = tmp_path / "r.csv"
    path.write_text(csv_text(records), encoding="utf-8")
    raw = read_table(path)
    assert "summary" not in raw.frame.columns
    cache = tmp_path / "cache"
    tables = load_tables({"register": path}, units, cache_dir=cache, today=TODAY)
    assert "summary" not in tables["register"].columns
    blob = b"".join(p.read_bytes() for p in cache.rglob("*") if p.is_file())
    assert sorted(p.name.count(".") for p in cache.glob("register-*.arrow")) == [1, 2]  # register + slices
    for planted in ("赵某某", "430503199001017777", "X" * 1000, "王0", "13900000001", "幸福路2号"):
        assert planted.encode() not in blob, planted


# ---------------------------------------------------------------------------------------------
# 3. the sheet a person sees

def test_point03_a_hidden_first_sheet_is_not_read_the_active_visible_one_is(tmp_path, units):
    old = sheet_rows(rows(2))
    new = sheet_rows(rows(5))
    path = workbook(tmp_path / "r.xlsx", [("旧", old), ("登记表", new)], hidden=("旧",), active=1)
    raw = read_table(path)
    assert raw.sheet == "登记表" and len(raw.frame) == 5
    assert len(validate_register(raw, units, today=TODAY)) == 5


def test_point03_a_cover_sheet_first_and_the_data_second(tmp_path, units):
    path = workbook(tmp_path / "r.xlsx", [("封面", [["2023年信访事项登记表"], ["导出单位：测试区信访局"]]),
                                          ("数据", sheet_rows(rows(4)))])
    raw = read_table(path)
    assert raw.sheet == "数据" and len(validate_register(raw, units, today=TODAY)) == 4


def test_point03_two_visible_sheets_with_the_table_is_an_error_naming_both(tmp_path):
    path = workbook(tmp_path / "r.xlsx", [("说明", [["见后"]]), ("一月", sheet_rows(rows(2))),
                                          ("二月", sheet_rows(rows(3)))])
    with pytest.raises(InputError) as err:
        read_table(path)
    assert "「一月」、「二月」" in str(err.value)


def test_point03_the_table_only_on_a_hidden_sheet_is_an_error(tmp_path):
    path = workbook(tmp_path / "r.xlsx", [("封面", [["见隐藏表"]]), ("数据", sheet_rows(rows(2)))],
                    hidden=("数据",))
    with pytest.raises(InputError) as err:
        read_table(path)
    assert "隐藏的工作表「数据」" in str(err.value)


# ---------------------------------------------------------------------------------------------
# 5. Excel error cells are row errors, not blanks

def test_point05_error_cells_are_row_errors_naming_the_cell(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in sheet_rows(rows(4, decision="受理", replied="2023-03-10", evaluation="满意")):
        ws.append(r)
    ws.cell(row=3, column=HEADERS.index("评价结果") + 1, value="#N/A").data_type = "e"
    ws.cell(row=5, column=HEADERS.index("延期天数") + 1, value="#REF!").data_type = "e"
    path = tmp_path / "r.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_table(path)
    found = [(p.row, p.column, p.value, p.rule_en) for p in err.value.problems]
    assert found == [(3, "评价结果", "#N/A", "excel error value"), (5, "延期天数", "#REF!", "excel error value")]


# ---------------------------------------------------------------------------------------------
# 6. ids stored as numbers beyond 15 digits

def test_point06_long_numeric_ids_are_row_errors_not_merged_matters(tmp_path, units):
    records = sheet_rows(rows(3))
    i_case, i_matter = HEADERS.index("信访件编号"), HEADERS.index("信访事项编号")
    records[1][i_matter] = 1234567890123456781    # Excel keeps 15 significant digits
    records[2][i_matter] = 1234567890123456782
    records[3][i_case] = 9876543210987654321
    path = workbook(tmp_path / "r.xlsx", [("登记表", records)])
    found = problems(path, units)
    assert sorted((p.row, p.column, p.rule_en) for p in found) == [
        (2, "信访事项编号", "id stored as a number beyond 15 digits"),
        (3, "信访事项编号", "id stored as a number beyond 15 digits"),
        (4, "信访件编号", "id stored as a number beyond 15 digits")]


# ---------------------------------------------------------------------------------------------
# 7. numbers in a date column are not 1900s dates

@pytest.mark.parametrize("number", [2023, 7, 100000])
def test_point07_a_number_that_is_no_plausible_date_is_a_row_error(number, tmp_path, units):
    records = sheet_rows(rows(2))
    records[2][HEADERS.index("登记日期")] = number
    path = workbook(tmp_path / "r.xlsx", [("登记表", records)])
    found = problems(path, units)
    assert (3, "登记日期", "date format") in [(p.row, p.column, p.rule_en) for p in found]


def test_point07_an_excel_serial_in_range_is_still_a_date(tmp_path, units):
    records = sheet_rows(rows(1))
    records[1][HEADERS.index("登记日期")] = 44958        # 2023-02-01
    records[1][HEADERS.index("受理日期")] = 44958
    frame = validate_register(read_table(workbook(tmp_path / "r.xlsx", [("s", records)])), units, today=TODAY)
    assert frame["registered_on"].iloc[0].date() == dt.date(2023, 2, 1)


# ---------------------------------------------------------------------------------------------
# 8. an ID number stored as a number is masked like one

def test_point08_an_id_number_stored_as_a_number_is_masked(tmp_path, units_file):
    records = sheet_rows(rows(2))
    records[1][HEADERS.index("人数")] = 430599199901010000.0
    path = workbook(tmp_path / "r.xlsx", [("登记表", records)])
    code, _, err = validate_cli(path, units_file)
    assert code == 2 and "第2行" in err and "列「人数」" in err
    assert "4305991999" not in err and "e+17" not in err and "＊＊＊" in err


def test_point08_redact_masks_numbers_in_scientific_notation():
    from xinfang.errors import MASK, redact

    assert redact("4.3059919990101e+17 与 1.38000000001e+10") == f"{MASK} 与 {MASK}"
    assert redact("2.5e3, 1.5, 2023") == "2.5e3, 1.5, 2023"


# ---------------------------------------------------------------------------------------------
# 9. a cell bomb is refused before any reader allocates it

def _bomb(corner: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws[corner] = "x"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("corner", ["XFD1048576", "XFD3000", "ZZ1048576"])
def test_point09_a_cell_far_out_is_refused_in_constant_memory(corner, tmp_path, units_file):
    path = tmp_path / "r.xlsx"
    path.write_bytes(_bomb(corner))
    assert path.stat().st_size < 10_000
    code, _, err = validate_cli(path, units_file)
    assert code == 2 and corner in err and "cell bomb" in err


def test_point09_a_sheet_within_the_limits_is_scanned_exactly():
    from xinfang.inputs.xlsx import check_xlsx_limits

    scans = check_xlsx_limits(_bomb("T30"))
    (scan,) = scans.values()
    assert (scan.rows, scan.columns) == (30, 20)


# ---------------------------------------------------------------------------------------------
# 14. blank lines count as the rows Excel shows

def test_point14_blank_lines_do_not_shift_row_numbers(tmp_path, units):
    records = rows(4)
    records[3]["登记层级"] = "乡"
    text = csv_text(records).split("\n")
    text.insert(2, "")           # a blank line 3
    text.insert(4, "")           # and 5: the bad record is on line 7
    path = tmp_path / "r.csv"
    path.write_text("\n".join(text), encoding="utf-8")
    found = problems(path, units)
    assert [(p.row, p.column, p.value) for p in found] == [(7, "登记层级", "乡")]


# ---------------------------------------------------------------------------------------------
# 16 + issue 22. header detection, and messages that say what was found where

def test_point16_a_title_row_above_the_header_is_skipped_and_named(tmp_path, units, caplog):
    path = tmp_path / "r.csv"
    path.write_text("信访事项登记表,,\n导出时间：2024-01-02\n" + csv_text(rows(3)), encoding="utf-8")
    raw = read_table(path)
    assert raw.header_row == 3 and raw.notices and "第1行、第2行" in raw.notices[0]
    assert raw.excel_row([0, 2]) == [4, 6]
    assert len(validate_register(raw, units, today=TODAY)) == 3
    from xinfang.inputs import detect_header

    m = detect_header(path)
    assert (m.row, m.skipped, m.complete) == (3, (1, 2), True)


def test_point16_a_title_row_in_a_workbook(tmp_path, units):
    path = workbook(tmp_path / "r.xlsx", [("s", [["信访事项登记表"], []] + sheet_rows(rows(2)))])
    raw = read_table(path)
    assert raw.header_row == 3 and raw.excel_row([1]) == [5]
    assert len(validate_register(raw, units, today=TODAY)) == 2


def test_point16_a_truly_missing_column_names_the_header_row_used(tmp_path, units):
    headers = [h for h in HEADERS if h != "信访形式"]
    path = tmp_path / "r.csv"
    path.write_text("信访事项登记表\n" + csv_text(rows(2), headers), encoding="utf-8")
    found = problems(path, units)
    assert [(p.column, p.rule_en) for p in found] == [("信访形式", "missing column")]
    assert "以第2行为表头" in found[0].hint and "信访件编号" in found[0].hint


def test_point16_no_header_at_all_says_so(tmp_path, units):
    path = tmp_path / "r.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    found = problems(path, units)
    assert len(found) == 13 and all("未找到表头" in p.hint for p in found)   # 15 required, 2 may be absent


def test_point16_a_tab_separated_txt_is_read(tmp_path, units):
    path = tmp_path / "r.txt"
    path.write_text(csv_text(rows(3), sep="\t"), encoding="utf-8")
    raw = read_table(path)
    assert len(validate_register(raw, units, today=TODAY)) == 3
    assert any("制表符" in n for n in raw.notices)


def test_point16_a_double_bom_is_not_part_of_the_first_header(tmp_path, units):
    path = tmp_path / "r.csv"
    path.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + csv_text(rows(2)).encode("utf-8"))
    assert len(validate_register(read_table(path), units, today=TODAY)) == 2


def test_point16_a_stray_space_far_below_a_workbook_is_not_two_thousand_rows(tmp_path, units):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in sheet_rows(rows(2)):
        ws.append(r)
    ws["C2000"] = " "
    path = tmp_path / "r.xlsx"
    wb.save(path)
    assert len(validate_register(read_table(path), units, today=TODAY)) == 2


# ---------------------------------------------------------------------------------------------
# issue 22: the params key ``columns`` maps an export's names to the data dictionary's

def test_columns_mapping_renames_an_exports_headers(tmp_path, units):
    headers = ["编号" if h == "信访件编号" else "归属单位" if h == "责任单位" else h for h in HEADERS]
    records = [{("编号" if k == "信访件编号" else "归属单位" if k == "责任单位" else k): v for k, v in r.items()}
               for r in rows(2)]
    path = tmp_path / "r.csv"
    path.write_text(csv_text(records, headers), encoding="utf-8")
    columns = {"编号": "信访件编号", "归属单位": "责任单位"}
    frame = validate_register(read_table(path, columns=columns), units, today=TODAY)
    assert frame["case_id"].tolist() == ["C0", "C1"]
    from xinfang.inputs import detect_header

    m = detect_header(path, columns=columns)
    assert m.complete and dict(m.renamed) == {"编号": "信访件编号", "归属单位": "责任单位"}
    assert [p.column for p in problems(path, units)] == ["信访件编号", "责任单位"]


# ---------------------------------------------------------------------------------------------
# 17. trailing ,,,, rows as in a sheet; invisible characters

def test_point17_trailing_separator_only_rows_are_not_data(tmp_path, units):
    path = tmp_path / "r.csv"
    path.write_text(csv_text(rows(2)) + ",,,,,,,,,,,,,,,,,,,\n,,,,,,,,,,,,,,,,,,,\n\n", encoding="utf-8")
    assert len(validate_register(read_table(path), units, today=TODAY)) == 2


def test_point17_a_separator_only_row_inside_the_data_is_still_an_error(tmp_path, units):
    text = csv_text(rows(2)).split("\n")
    text.insert(2, "," * 19)
    path = tmp_path / "r.csv"
    path.write_text("\n".join(text), encoding="utf-8")
    assert {p.row for p in problems(path, units)} == {3}


def test_personal_data_of_a_workbook_with_a_title_row_is_masked_in_messages(tmp_path, units_file):
    records = sheet_rows(rows(2))
    records[1][HEADERS.index("责任单位")] = records[1][HEADERS.index("信访人")]   # a name shifted into 责任单位
    path = workbook(tmp_path / "r.xlsx", [("封面", [["说明"]]), ("登记表", [["信访事项登记表"]] + records)], active=1)
    code, _, err = validate_cli(path, units_file)
    assert code == 2 and "第3行" in err and "列「责任单位」" in err
    assert "王0" not in err
