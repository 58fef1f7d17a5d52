"""Tests of the 预算执行表: its validation (xinfang.inputs) and the budget indicators (xinfang.budget)."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from xinfang.budget import BUDGET_KEYS, budget_frame, budget_indicators, sample_budget
from xinfang.inputs import read_budget, validate_budget
from xinfang.errors import InputError

HEADERS = ["类别", "项目", "年初预算", "调整后预算", "实际支出", "结转结余", "上年实际支出"]
NA = None


def table(rows, columns=HEADERS):
    return pd.DataFrame(rows, columns=columns)


HAND = table([
    ["基本支出", "工资福利支出", 80, 80, 80, NA, 76],
    ["基本支出", "商品和服务支出", 20, 20, 15, NA, NA],        # 结转结余 blank → 20 − 15 = 5
    ["项目支出", "信访专项", 50, 50, 40, 8, NA],               # 2 of the 10 unspent 收回
    ['"三公"经费', "公务接待费", NA, NA, 3, NA, 4],
    ["三公经费", "公务用车运行维护费", NA, NA, 1, NA, 1],       # alias of "三公"经费
    ["政府采购", "办公设备", 20, 20, 18, NA, NA],
])


def test_budget_indicators_by_hand():
    ind = budget_indicators(validate_budget(HAND, file="hand"))
    assert set(ind) == set(BUDGET_KEYS)
    # 预算执行率 = (80 + 15 + 40) / (80 + 20 + 50) = 135 / 150
    e = ind["budget.execution_rate"]
    assert (e.value, e.numerator, e.denominator, e.unit) == (0.9, 135, 150, "%")
    # 结转结余率 = (0 + 5 + 8) / 150
    c = ind["budget.carryover_rate"]
    assert (c.value, c.numerator, c.denominator) == (13 / 150, 13, 150)
    # "三公"经费变动率 = ((3 + 1) − (4 + 1)) / (4 + 1) = −0.2
    t = ind["budget.three_public_change"]
    assert (t.value, t.numerator, t.denominator, t.previous) == (-0.2, -1, 5, 5)
    # 政府采购执行率 = 18 / 20
    assert ind["budget.procurement_rate"].value == 0.9
    assert all(i.caliber for i in ind.values())


def test_zero_budget_is_undefined_not_zero():
    zero = table([
        ["基本支出", "工资福利支出", 0, 0, 0, NA, NA],
        ['"三公"经费', "公务接待费", NA, NA, 1.5, NA, 0],
    ])
    ind = budget_indicators(validate_budget(zero))
    e = ind["budget.execution_rate"]
    assert (e.value, e.numerator, e.denominator) == (None, 0, 0)
    assert ind["budget.carryover_rate"].value is None
    assert ind["budget.three_public_change"].value is None       # 上年 = 0
    p = ind["budget.procurement_rate"]                            # no 政府采购 row at all
    assert (p.value, p.numerator, p.denominator) == (None, None, None)


def test_exact_decimal_sums():
    rows = table([["基本支出", "a", NA, 0.1, 0.1, NA, NA],
                  ["基本支出", "b", NA, 0.2, 0.2, NA, NA]])
    e = budget_indicators(validate_budget(rows))["budget.execution_rate"]
    assert (e.value, e.numerator, e.denominator) == (1.0, 0.3, 0.3)  # not 0.30000000000000004


def test_budget_frame():
    t = validate_budget(HAND)
    frame = budget_frame(t)
    assert list(frame.columns) == ["item", "budget", "actual"]
    assert frame["item"].tolist() == ["基本支出", "项目支出", '"三公"经费', "政府采购"]
    assert frame["actual"].tolist() == [95.0, 40.0, 4.0, 18.0]
    assert frame["budget"].tolist()[:2] == [100.0, 50.0]
    assert math.isnan(frame["budget"].iloc[2])                    # 三公 rows have no budget
    items = budget_frame(t, by="item")
    assert items["item"].tolist()[:2] == ["工资福利支出", "商品和服务支出"]
    assert len(items) == 6


def test_bad_rows_listed_with_excel_rows(tmp_path):
    path = tmp_path / "预算执行表.xlsx"
    table([
        ["基本支出", "工资福利支出", 80, 80, 80, NA, NA],          # row 2: fine
        ["基本支出", "商品和服务支出", 20, 20, -5, NA, NA],         # row 3: negative amount
        ["项目支出", "信访专项", 50, "五十", 40, NA, NA],           # row 4: text in a number column
        [NA, NA, NA, NA, NA, NA, NA],                              # row 5: blank, skipped
        ["合计", "合计", 150, 150, 115, NA, NA],                   # row 6: not a 类别
        ['"三公"经费', "公务接待费", NA, NA, 3, NA, NA],            # row 7: 上年实际支出 missing
        ["基本支出", "工资福利支出", 1, 1, 1, NA, NA],              # row 8: duplicate item
    ]).to_excel(path, index=False)
    with pytest.raises(InputError) as info:
        read_budget(path)
    found = [(p.file, p.row, p.column, p.value) for p in info.value.problems]
    assert found == [
        ("预算执行表.xlsx", 3, "实际支出", "-5"),
        ("预算执行表.xlsx", 4, "调整后预算", "五十"),
        ("预算执行表.xlsx", 6, "类别", "合计"),
        ("预算执行表.xlsx", 7, "上年实际支出", None),
        ("预算执行表.xlsx", 8, "项目", "工资福利支出"),
    ]
    rules = [p.rule for p in info.value.problems]
    assert "金额不能为负数" in rules[0] and "应为数字" in rules[1] and "第2行" in rules[4]
    assert "第3行" in str(info.value) and "列「实际支出」" in str(info.value)


def test_missing_column(tmp_path):
    path = tmp_path / "budget.csv"
    table([["基本支出", "工资福利支出", 80]], columns=["类别", "项目", "调整后预算"]).to_csv(
        path, index=False)
    with pytest.raises(InputError) as info:
        read_budget(path)
    (problem,) = info.value.problems
    assert (problem.row, problem.column, problem.rule_en) == (None, "实际支出", "missing column")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings_and_unit_suffix(tmp_path, encoding):
    path = tmp_path / "budget.csv"
    text = ("类别,项目,调整后预算（万元）,实际支出(万元),备注\n"
            "基本支出,工资福利支出,\"1,200.5\",1100,\n"
            ",,,,\n"
            "项目支出,信访专项,300,299.5,说明\n")
    path.write_bytes(text.encode(encoding))
    t = read_budget(path)
    assert t.frame["excel_row"].tolist() == [2, 4]
    e = budget_indicators(t)["budget.execution_rate"]
    assert (e.numerator, e.denominator) == (1399.5, 1500.5)


def test_csv_bad_rows_use_excel_numbers(tmp_path):
    path = tmp_path / "budget.csv"
    path.write_text("类别,项目,调整后预算,实际支出\n基本支出,a,10,10\n\n基本支出,b,x,1\n",
                    encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_budget(path)
    assert [(p.row, p.column, p.value) for p in info.value.problems] == [(4, "调整后预算", "x")]


def test_empty_and_unknown_files(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="文件为空"):
        read_budget(empty)
    with pytest.raises(InputError, match="文件不存在"):
        read_budget(tmp_path / "nope.xlsx")
    other = tmp_path / "budget.pdf"
    other.write_bytes(b"%PDF")
    with pytest.raises(InputError, match="不支持的文件类型"):
        read_budget(other)


def test_sample_budget_is_valid_and_plausible(tmp_path):
    frame = sample_budget(2023)
    path = tmp_path / "sample.xlsx"
    frame.to_excel(path, index=False)
    t = read_budget(path)
    ind = budget_indicators(t)
    assert 0.95 <= ind["budget.execution_rate"].value <= 0.98
    assert ind["budget.three_public_change"].value < 0
    assert 0 < ind["budget.carryover_rate"].value < 0.05
    chart = budget_frame(t).set_index("item")
    assert 280 <= chart.loc["基本支出", "budget"] <= 320
    assert 130 <= chart.loc["项目支出", "budget"] <= 170
    assert sample_budget(2023).equals(frame)                      # deterministic
    assert sample_budget(2024)["调整后预算"].iloc[0] == 243.9       # 236.80 × 1.03 = 243.904
