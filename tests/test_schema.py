"""Every class of bad input: exit code 2, a message naming file, Excel row and column, no traceback."""
from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from click.testing import CliRunner
from conftest import HEADERS, XINFANG, row, write_csv

from xinfang.cli import main
from xinfang.errors import InputError
from xinfang.inputs import read_table, validate_register

GOOD = [row("A1", "M1", "2023-01-05", replied="2023-02-01", evaluation="满意"),
        row("A2", "M1", "2023-03-05", kind="重件", decision="不再受理"),
        row("A3", "M2", "2023-03-06", level="市", channel="来访", persons="5")]


def run_validate(path, units_file):
    result = CliRunner().invoke(main, ["validate", str(path), "--units", str(units_file)])
    return result.exit_code, result.stderr, result.stdout


def bad(rows_or_text, tmp_path, name="bad.csv", encoding="utf-8"):
    path = tmp_path / name
    if isinstance(rows_or_text, bytes):
        path.write_bytes(rows_or_text)
    else:
        write_csv(path, rows_or_text, encoding=encoding)
    return path


def with_(i, **changes):
    rows = [dict(r) for r in GOOD]
    rows[i].update(changes)
    return rows


CASES = {
    # name: (file content, Excel row, column header, value shown, words of the rule)
    "duplicate id": (with_(1, 信访件编号="A1"), 3, "信访件编号", "A1", "重复"),
    "unparseable date": (with_(0, 登记日期="2023-13-45"), 2, "登记日期", "2023-13-45", "无法识别"),
    "date in future": (with_(2, 登记日期="2099-01-01", 受理日期="2099-01-01"), 4, "登记日期", "2099-01-01", "未来"),
    "reply before acceptance": (with_(0, 答复日期="2023-01-01"), 2, "答复日期", "2023-01-01", "早于受理日期"),
    "acceptance before registration": (with_(0, 受理日期="2023-01-01"), 2, "受理日期", "2023-01-01", "早于登记日期"),
    "unknown unit": (with_(2, 责任单位="城南街导"), 4, "责任单位", "城南街导", "不在单位名册"),
    "bad enum": (with_(1, 信访形式="电话"), 3, "信访形式", "电话", "允许范围"),
    "persons zero": (with_(2, 人数="0"), 4, "人数", "0", "不小于1"),
    "persons text": (with_(2, 人数="五"), 4, "人数", "五", "整数"),
    "extension over 30": (with_(0, 延期天数="31"), 2, "延期天数", "31", "0至30"),
    "evaluation without reply": (with_(2, 评价结果="满意"), 4, "评价结果", "满意", "未答复"),
    "reply without acceptance": (with_(1, 答复日期="2023-03-10"), 3, "答复日期", "2023-03-10", "受理"),
    "missing matter id": (with_(1, 信访事项编号=""), 3, "信访事项编号", "", "不能为空"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_row_is_named(case, tmp_path, units_file):
    content, excel_row, column, value, words = CASES[case]
    code, err, out = run_validate(bad(content, tmp_path), units_file)
    assert code == 2, (case, err, out)
    assert "Traceback" not in err
    line = next(l for l in err.splitlines() if f"第{excel_row}行" in l and f"列「{column}」" in l)
    assert "bad.csv" in line and words in line and f"值「{value}」" in line


def test_unknown_unit_gets_a_suggestion(tmp_path, units_file):
    _, err, _ = run_validate(bad(with_(2, 责任单位="城南街导"), tmp_path), units_file)
    assert "是否为：城南街道" in err  # the closest spelling comes first


@pytest.mark.parametrize("case,content,words", [
    ("empty file", b"", "文件为空"),
    ("only whitespace", b"\r\n  \r\n", "文件为空"),
    ("no data rows", (",".join(HEADERS) + "\n").encode(), "没有数据行"),
    ("missing column", None, "缺少必需列「人数」"),
    ("undecodable", b"\xff\xfe\xfa\xfb\x81\x30" * 10 + b"\n", "无法识别文件编码"),
])
def test_bad_file_is_named(case, content, words, tmp_path, units_file):
    if content is None:
        path = tmp_path / "bad.csv"
        write_csv(path, GOOD, headers=[h for h in HEADERS if h != "人数"])
    else:
        path = bad(content, tmp_path)
    code, err, _ = run_validate(path, units_file)
    assert code == 2 and words in err and "bad.csv" in err and "Traceback" not in err


def test_all_failures_are_collected_not_only_the_first(tmp_path, units_file):
    rows = with_(0, 人数="0")
    rows[1]["延期天数"] = "45"
    rows[2]["责任单位"] = "不存在的单位"
    with pytest.raises(InputError) as info:
        validate_register(read_table(write_csv(tmp_path / "x.csv", rows)),
                          __import__("xinfang").read_units(units_file), today=dt.date(2026, 1, 1))
    assert sorted((p.row, p.column) for p in info.value.problems) == [(2, "人数"), (3, "延期天数"), (4, "责任单位")]


def test_valid_register_in_gb18030_exits_0(tmp_path, units_file):
    code, err, out = run_validate(bad(GOOD, tmp_path, name="ok.csv", encoding="gb18030"), units_file)
    assert code == 0, err
    assert "有效" in out and "3 行" in out and "gb18030" in out


def test_no_traceback_from_the_installed_command(tmp_path, units_file):
    path = bad(with_(0, 人数="0"), tmp_path)
    cmd = list(XINFANG)
    proc = subprocess.run(cmd + ["validate", str(path), "--units", str(units_file)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "第2行" in proc.stderr and "列「人数」" in proc.stderr


def test_problems_of_every_table_are_listed_together(tmp_path, units_file):
    register = bad(with_(2, 人数="0"), tmp_path)
    campaign = tmp_path / "campaign.csv"
    campaign.write_text("交办批次,信访事项编号,责任单位,是否汇报,审核化解,化解日期\n1,M1,城南街道,也许,是,2023-05-01\n",
                        encoding="utf-8")
    result = CliRunner().invoke(main, ["indicators", str(register), "--start", "2023-01-01", "--end", "2023-12-31",
                                       "--units", str(units_file), "--campaign", str(campaign)])
    assert result.exit_code == 2
    assert "bad.csv, 第4行" in result.stderr and "列「人数」" in result.stderr
    assert "campaign.csv, 第2行" in result.stderr and "列「是否汇报」" in result.stderr and "值「也许」" in result.stderr
