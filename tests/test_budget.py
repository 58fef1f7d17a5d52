"""Tests of the 预算执行表: its validation (xinfang.inputs) and the budget indicators (xinfang.budget)."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from xinfang.budget import BUDGET_KEYS, budget_display, budget_frame, budget_indicators, budget_rows, sample_budget
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
    assert frame["item"].tolist() == ["基本支出", "项目支出", "“三公”经费", "政府采购"]   # Chinese quotes
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
    # named by its current header, the former one in the hint (changed with the 决算 header)
    assert (problem.row, problem.column, problem.rule_en) == (None, "决算", "missing column")
    assert "决算（或实际支出）" in problem.hint


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
    assert sample_budget(2024)["调整预算"].iloc[0] == 243.9         # 236.80 × 1.03 = 243.904


# ------------------------------------------------------------------------------------------------
# the 预算执行情况 table: 其中, 合计, two decimals, “” quotes

NEW = ["类别", "项目", "年初预算", "调整预算", "决算", "上年决算"]
PARTS = table([
    ["基本支出", "工资福利支出", 80, 82, 82, 76],
    ["基本支出", "商品和服务支出", 20, 20, 15.5, 18],
    ["项目支出", "信访专项", 50, 58, 54.125, 40],
    ["三公经费", "公务接待费", 2, 2, 1.2, 1.5],
    ["“三公”经费", "公务用车运行维护费", 3, 3, 2.8, 3.5],
    ["政府采购", "办公设备", 10, 10, 10, NA],
], columns=NEW)


def test_current_headers_are_read():
    t = validate_budget(PARTS, file="parts")
    # 预算执行率 = (82 + 15.5 + 54.125) / (82 + 20 + 58) = 151.625 / 160
    e = budget_indicators(t)["budget.execution_rate"]
    assert (e.numerator, e.denominator, e.value) == (151.625, 160, 151.625 / 160)
    # “三公”经费: 本年 1.2 + 2.8 = 4, 上年 1.5 + 3.5 = 5: −20 %
    c = budget_indicators(t)["budget.three_public_change"]
    assert (c.name, c.value, c.previous, c.previous + c.numerator) == ("“三公”经费变动率", -0.2, 5, 4)


def test_budget_display_marks_parts_and_totals():
    frame = budget_display(validate_budget(PARTS))
    assert list(frame.columns) == ["项目", "年初预算", "调整预算", "决算", "上年决算", "执行率"]
    assert frame.values.tolist() == [
        ["基本支出", "100.00", "102.00", "97.50", "94.00", "95.59％"],       # 97.5 / 102
        ["其中：工资福利支出", "80.00", "82.00", "82.00", "76.00", "100％"],
        ["其中：商品和服务支出", "20.00", "20.00", "15.50", "18.00", "77.50％"],
        ["项目支出", "50.00", "58.00", "54.13", "40.00", "93.32％"],          # 54.125 half up; 54.125 / 58
        ["其中：信访专项", "50.00", "58.00", "54.13", "40.00", "93.32％"],
        ["合计", "150.00", "160.00", "151.63", "134.00", "94.77％"],          # 151.625 / 160 = 94.765625 %
        ["其中：“三公”经费", "5.00", "5.00", "4.00", "5.00", "80.00％"],
        ["其中：政府采购", "10.00", "10.00", "10.00", "—", "100％"],           # 上年 left blank
    ]
    labels = " ".join(frame["项目"])
    assert '"' not in labels and "“三公”经费" in labels
    # the parts come after the 合计 they belong to, never beside their total
    assert frame["项目"].tolist().index("合计") < frame["项目"].tolist().index("其中：“三公”经费")
    assert budget_display(validate_budget(PARTS), percent="%").iloc[0]["执行率"] == "95.59%"


def test_budget_rows_are_numbers():
    rows = budget_rows(validate_budget(PARTS), items=False)
    assert rows["项目"].tolist() == ["基本支出", "项目支出", "合计", "其中：“三公”经费", "其中：政府采购"]
    assert rows["行"].tolist() == ["类别", "类别", "合计", "其中", "其中"]
    total = rows.set_index("项目").loc["合计"]
    assert (total["调整预算"], total["决算"], total["执行率"]) == (160.0, 151.625, 151.625 / 160)
    three = rows.set_index("项目").loc["其中：“三公”经费"]
    assert (three["决算"], three["上年决算"]) == (4.0, 5.0)
    assert math.isnan(rows.set_index("项目").loc["其中：政府采购", "上年决算"])


def test_former_and_current_header_together_is_an_error():
    both = table([["基本支出", "a", 1, 1, 1]], columns=["类别", "项目", "调整预算", "调整后预算", "决算"])
    with pytest.raises(InputError) as info:
        validate_budget(both)
    assert [(p.column, p.rule_en) for p in info.value.problems] == [("调整后预算", "duplicate column")]


def test_sample_display_2023():
    frame = budget_display(validate_budget(sample_budget(2023))).set_index("项目")
    assert frame.loc["合计"].tolist() == ["439.50", "458.30", "447.08", "428.65", "97.55％"]
    assert frame.loc["其中：“三公”经费"].tolist() == ["6.50", "6.50", "6.00", "6.91", "92.31％"]
    assert frame.loc["其中：信访接待及矛盾纠纷化解专项经费", "调整预算"] == "86.00"


def test_budget_parts_chart_stacks_parts_up_to_the_total():
    from xinfang.charts import budget_parts

    rows = budget_rows(validate_budget(PARTS))
    chart = budget_parts(rows, title="预算执行情况")
    assert chart.png.startswith(b"\x89PNG") and chart.png == budget_parts(rows, title="预算执行情况").png
    # 调整预算 82 + 20 = 102 and 58 → 160; 决算 97.5 and 54.125 (54.13) → 151.63
    assert chart.alt == ("预算执行情况：调整预算合计160.00万元，其中基本支出102.00万元、项目支出58.00万元；"
                         "决算合计151.63万元，其中基本支出97.50万元、项目支出54.13万元")
    assert "三公" not in chart.alt                               # a part of the total, left to the table
