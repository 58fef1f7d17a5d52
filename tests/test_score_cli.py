"""`xinfang score`: the table on the sample, and every invalid framework exits 2 naming file and node."""
from __future__ import annotations

import subprocess

import pytest
from conftest import ROOT, XINFANG

EXE = XINFANG
BAD = ROOT / "tests" / "data" / "scoring"

# file → the node path its error must name
CASES = {
    "bad_weights.yaml": "产出",
    "bad_leaf_weights.yaml": "产出/质量指标",
    "bad_total.yaml": "(一级指标)",
    "unknown_key.yaml": "产出/质量指标/及时受理率",
    "bad_target.yaml": "产出/质量指标/参评率",
    "manual_above.yaml": "决策/目标设定/目标合理性",
    "unknown_rule.yaml": "产出/质量指标/及时受理率",
    "missing_field.yaml": "产出/质量指标/及时受理率",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_invalid_framework_exits_2_and_names_file_and_node(name):
    proc = subprocess.run([*EXE, "score", "--year", "2023", "--framework", str(BAD / name)],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert name in proc.stderr and "Traceback" not in proc.stderr
    assert f"{name}: {CASES[name]}: " in proc.stderr


def test_score_table_on_the_sample(tmp_path):
    target = tmp_path / "score.xlsx"
    proc = subprocess.run([*EXE, "score", "--year", "2023", "-o", str(target)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()[-1]
    total = float(last.split("total:")[1].split()[0])
    grade = last.split("grade:")[1].strip()
    assert grade == ("优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差")
    import openpyxl

    ws = openpyxl.load_workbook(target).active
    header = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    col = header.index("得分")
    leaves = [r[col] for r in rows if r[0] != "合计"]
    assert round(sum(leaves), 2) == pytest.approx(total)


def test_2022_warns_of_unscored_leaves_and_withholds_the_grade():
    # params/2022.yaml has no manual scores and no 预算执行表: 6 manual + 4 budget leaves unscored;
    # the 进京上访台账 begins in February 2022, after the comparison period of 2021: no comparison
    # data for 进京登记人次变化率 (6 points), unscored, not 0
    proc = subprocess.run([*EXE, "score", "--year", "2022"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    (warning,) = [line for line in proc.stderr.splitlines() if line.startswith("警告 / warning: ")]
    assert warning.startswith("警告 / warning: 11项未评分（绩效目标合理性（未提供人工评分）、")
    assert "预算执行率（未提供预算执行表）" in warning
    assert "进京登记人次变化率（无可比数据：上年同期早于数据起始日期，未评分）" in warning
    assert "（满分 54 分），暂不定级" in warning              # 100 − 15 − 25 (决策, 过程) − 6
    last = proc.stdout.strip().splitlines()[-1]
    assert last.endswith("等级 / grade: 暂不定级：11项未评分")
    total = float(last.split("total:")[1].split()[0])
    assert f"总分为已评分部分 {total:.2f} 分" in warning


def test_2023_is_complete_and_silent():
    proc = subprocess.run([*EXE, "score", "--year", "2023"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and "警告" not in proc.stderr, proc.stderr


def test_score_without_a_framework_is_a_clear_error(tmp_path):
    """Issue 22: it was 内部错误 … AttributeError: 'NoneType' object has no attribute 'to_frame'."""
    import yaml
    from conftest import copy_params

    pdir = copy_params(tmp_path / "params", tmp_path / "output")
    doc = yaml.safe_load((pdir / "defaults.yaml").read_text(encoding="utf-8"))
    doc["framework"] = None
    (pdir / "defaults.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    proc = subprocess.run([*EXE, "score", "--year", "2023", "--params", str(pdir)], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "内部错误" not in proc.stderr
    assert "没有评分框架：参数 framework 为 null" in proc.stderr and "--framework FILE" in proc.stderr
    assert proc.stdout == ""
