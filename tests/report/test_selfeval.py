"""The 部门整体支出绩效自评表: standard columns, one row per 三级指标, 得分 adding up to the 总分."""
from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import ROOT

from xinfang.report import load_report
from xinfang.report.sections.selfeval import COLUMNS, goals, self_assessment, self_assessment_sheet


@pytest.fixture(scope="module")
def ctx():
    return load_report(2023, ROOT / "params").context


def test_one_row_per_leaf_in_the_standard_columns_and_the_scores_add_up_to_the_total(ctx):
    frame = self_assessment(ctx)
    assert list(frame.columns) == COLUMNS == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值",
                                               "得分", "偏差原因分析及改进措施"]
    leaves, total = frame.iloc[:-1], frame.iloc[-1]
    assert list(leaves["三级指标"]) == [s.level3 for s in ctx.scorecard.leaves] and len(leaves) == 19
    # every leaf of the sample is scored: 12.5 + 24.17 + 32.43 + 8.93 = 78.03
    assert sum(Decimal(repr(float(v))) for v in leaves["得分"]) == Decimal("78.03") == Decimal(repr(float(total["得分"])))
    assert (total["一级指标"], total["分值"], total["偏差原因分析及改进措施"]) == ("合计", 100.0, "评价等级：中")


def test_the_deviation_comes_from_the_finding_and_the_rectification_line(ctx):
    frame = self_assessment(ctx).set_index("三级指标")
    volume = frame.loc["到国家信访局信访量变化率", "偏差原因分析及改进措施"]
    assert volume.startswith("原因：到国家信访局信访量大幅上升。到国家信访局信访量508件人次，同比上升94.64％")
    assert volume.endswith("改进措施：逐件分析到国家信访局信访事项的成因，属地和行业部门对反映集中的问题开展专项排查，"
                           "就地化解，减少越级上访。")
    assert frame.loc["绩效指标明确性", "偏差原因分析及改进措施"] == "原因：进京登记人次控制目标未量化，扣1分。"
    assert frame.loc["绩效指标明确性", "实际完成值"] == "受理、答复、化解、满意等核心指标设定了目标值"  # the 评分依据
    assert frame.loc["及时受理率", ["年度指标值", "实际完成值", "偏差原因分析及改进措施"]].tolist() == [
        "100％", "100％", "达到年度指标值。"]


def test_goal_and_achievement(ctx):
    goal, done = goals(ctx)
    assert goal.startswith("依法履行信访工作职责") and "按期答复率不低于100％" in goal
    assert done == ("年度绩效目标8项，完成6项，未完成的是到国家信访局初次网信一次性化解率（全类别）（88.81％）、"
                    "到国家信访局初次来信一次性化解率（全类别）（80.00％）；自评得分78.03分，等级为“中”。")


def test_unscored_leaves_say_so_and_stay_out_of_the_sum():
    ctx = load_report(2022, ROOT / "params").context   # no budget table, no manual scores in 2022
    frame = self_assessment(ctx).set_index("三级指标")
    assert frame.loc["预算执行率", ["得分", "偏差原因分析及改进措施"]].tolist() == ["未评分", "未评分：未提供预算执行表。"]
    assert frame.loc["绩效目标合理性", ["实际完成值", "得分"]].tolist() == ["未评定", "未评分"]
    assert frame.loc["进京登记人次变化率", "偏差原因分析及改进措施"] == "无可比数据：上年同期早于数据起始日期，未评分。"
    # 0％ against 100％: 100 个百分点 of the printed rates, written whole
    assert frame.loc["治重化积化解率", "偏差原因分析及改进措施"] == "原因：治重化积化解率0％，未达到年度指标值（100％），低于目标值100个百分点。"
    scored = [Decimal(repr(float(v))) for v in frame["得分"].iloc[:-1] if not isinstance(v, str)]
    # 6 + 6 + 5 + 7 + 0 + 5.01 + 8 + 2.86 = 39.87
    assert sum(scored) == Decimal("39.87") == Decimal(repr(float(frame["得分"].iloc[-1])))
    assert frame["偏差原因分析及改进措施"].iloc[-1] == "暂不定级（11项未评分）"


def test_it_is_the_first_attachment_of_the_self_assessment_only(ctx):
    from xinfang.blocks import Heading

    heads = [o for o in load_report(2023, ROOT / "params").outputs["自评表"] if isinstance(o, Heading)]
    assert (heads[0].label, heads[0].text) == ("附件1", "部门整体支出绩效自评表")
    assert "自评表" not in load_report(2023, ROOT / "params", form="评价报告").outputs


def test_the_workbook_sheet_is_the_same_table(ctx):
    sheet = self_assessment_sheet(ctx.params, ctx.inputs, ctx.district, ctx.per_unit, ctx.active_units)
    assert sheet.frame.equals(self_assessment(ctx))
