"""Reading exports: encodings, Excel cells, header mapping, PII dropped; writing: xlsx, atomic, safe names."""
from __future__ import annotations

import datetime as dt
import time
import zipfile

import pytest
from conftest import row, write_csv

from xinfang.errors import ParameterError
from xinfang.fileio import safe_filename, write_xlsx
from xinfang.inputs import read_table, read_units, validate_register

TODAY = dt.date(2026, 11, 26)
ROWS = [row("A1", "M1", "2023-01-05", unit="城南", replied="2023-02-01", evaluation="满意", summary="<b>漏水</b> & 维修"),
        row("A2", "M1", "2023-03-05", kind="重件", decision="不再受理", unit="区住建局", channel="网信")]


@pytest.mark.parametrize("encoding,detected", [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030")])
def test_encodings_are_detected(tmp_path, units, encoding, detected):
    raw = read_table(write_csv(tmp_path / "r.csv", ROWS, encoding=encoding))
    assert raw.encoding == detected
    frame = validate_register(raw, units, today=TODAY)
    assert frame["unit"].tolist() == ["城南街道", "区住房和城乡建设局"]   # aliases mapped
    assert frame["channel"].tolist() == ["来信", "网上信访"]             # 网信 normalised
    assert "summary" not in frame.columns   # 诉求摘要 is never read (issue 23, point 2)


def test_pii_is_dropped_at_load(tmp_path):
    raw = read_table(write_csv(tmp_path / "r.csv", ROWS))
    assert sorted(raw.dropped_pii) == ["住址", "信访人", "联系电话", "证件号码"]
    values = raw.frame.astype(str).to_numpy().ravel().tolist()
    assert "张测试" not in values and "13800000000" not in values and "测试路1号" not in values


def test_xlsx_with_date_cells_text_dates_and_serials(tmp_path, units):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    header = list(ROWS[0])
    ws.append(header)
    first = dict(ROWS[0], 登记日期=dt.datetime(2023, 1, 5), 受理日期="2023年1月6日", 答复日期=44958, 人数=1, 延期天数=None)
    second = dict(ROWS[1], 登记日期="2023/3/5", 受理日期=dt.date(2023, 3, 5), 人数=1.0)
    for r in (first, second):
        ws.append([r[h] for h in header])
    path = tmp_path / "r.xlsx"
    wb.save(path)
    frame = validate_register(read_table(path), units, today=TODAY)
    assert [d.date() for d in frame["registered_on"]] == [dt.date(2023, 1, 5), dt.date(2023, 3, 5)]
    assert frame["accepted_on"].iloc[0].date() == dt.date(2023, 1, 6)
    assert frame["replied_on"].iloc[0].date() == dt.date(2023, 2, 1)   # Excel serial 44958
    assert frame["persons"].tolist() == [1, 1]


def test_header_variants_and_spaces(tmp_path, units):
    rows = [{(" 登记时间 " if k == "登记日期" else k): v for k, v in r.items()} for r in ROWS]
    headers = list(rows[0])
    frame = validate_register(read_table(write_csv(tmp_path / "r.csv", rows, headers=headers)), units, today=TODAY)
    assert len(frame) == 2


def test_unit_register_rejects_duplicates_and_bad_kinds(tmp_path):
    p = tmp_path / "u.yaml"
    p.write_text("district: X\nunits:\n  - {name: 甲街道, kind: 乡镇街道}\n  - {name: 乙街道, kind: 乡镇街道, aliases: [甲街道]}\n",
                 encoding="utf-8")
    with pytest.raises(ParameterError, match="重复"):
        read_units(p)
    p.write_text("district: X\nunits:\n  - {name: 甲街道, kind: 街道办}\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="units\\[1\\]"):
        read_units(p)


def test_write_xlsx_is_deterministic_and_neutralises_formulas(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"单位": ["=HYPERLINK(\"http://x\")", "+1", "城南街道"], "值": [1.5, None, -2]})
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_xlsx({"表": frame}, a)
    time.sleep(1.1)  # openpyxl stamps the clock (to the second) into docProps/core.xml
    write_xlsx({"表": frame}, b)
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as z:
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
    import openpyxl

    ws = openpyxl.load_workbook(a).active
    values = [c.value for c in ws["A"]][1:]
    assert values == ["'=HYPERLINK(\"http://x\")", "'+1", "城南街道"]
    assert [c.value for c in ws["B"]][1:] == [1.5, None, -2]   # numbers stay numbers


@pytest.mark.parametrize("name,expected", [("城南街道", "城南街道"), ("../../etc", "_.._.._etc"), ("a/b", "a_b"),
                                           ("x\x00y\nz", "x_y_z"), (".hidden", "_.hidden")])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected
    assert "/" not in safe_filename(name) and "\\" not in safe_filename(name)


@pytest.mark.parametrize("name", ["..", "/", "\x01", "  "])
def test_unusable_names_are_refused(name):
    with pytest.raises(ParameterError):
        safe_filename(name)
