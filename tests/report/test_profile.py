"""部门概况 and 收入支出 from structured params: a table where given, nothing where not."""
from __future__ import annotations

from conftest import ROOT, copy_params

from xinfang.report import load_report
from xinfang.report.sections.base import TablePart, Text
from xinfang.report.sections.profile import finance_parts, profile_parts


def test_the_bureaus_facts_are_a_table_and_its_functions_a_list():
    ctx = load_report(2023, ROOT / "params").context
    parts = profile_parts(ctx)
    table = next(p for p in parts if isinstance(p, TablePart))
    assert table.frame.values.tolist() == [
        ["机构设置", "区人民政府工作部门，为正科级行政单位"],
        ["内设机构", "办公室、综合信息股、督查督办股、来访接待股、网信办理股，共5个"],
        ["编制数", "18名"], ["实有人数", "16名"]]
    assert parts[-1].markdown.startswith("主要职能：\n\n1. 受理、交办、转送人民群众来信、来访和网上信访事项。")


def test_revenue_and_expenditure_against_last_year():
    ctx = load_report(2023, ROOT / "params").context
    text, table = finance_parts(ctx)
    # 447.08 ÷ 428.65 − 1 = 4.30％; 人员经费 249.20 against 236.25: +5.48％; 公用经费 49.85 against 51.20: −2.64％
    assert text.markdown == ("2023年大祥区信访局收入合计447.08万元，上年428.65万元，增长4.30％；"
                             "支出合计447.08万元，上年428.65万元，增长4.30％（见{表:收支}）。")
    rows = table.frame.values.tolist()
    assert rows[2] == ["支出", "基本支出（人员经费）", "249.20", "236.25", "增长5.48％"]
    assert rows[3] == ["支出", "基本支出（公用经费）", "49.85", "51.20", "下降2.64％"]
    assert rows[4] == ["支出", "项目支出", "148.03", "141.20", "增长4.84％"]
    assert rows[5] == ["支出", "支出合计", "447.08", "428.65", "增长4.30％"]


def test_without_the_facts_nothing_is_printed_empty(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "out")
    year = (params / "2023.yaml").read_text(encoding="utf-8")
    (params / "2023.yaml").write_text(year.split("\n# 部门概况")[0] + "\n", encoding="utf-8")
    ctx = load_report(2023, params).context
    assert profile_parts(ctx) == [] and finance_parts(ctx) == []
    body = load_report(2023, params).outputs["部门概况"]
    assert len(body) == 3 and "负责信访工作的部门" in "".join(s.text for s in body[2].spans)  # 一、（一）, one sentence
