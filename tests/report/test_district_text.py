"""The district report's own sentences on the sample: what it promises and how it names gaps."""
from __future__ import annotations

from conftest import ROOT

from xinfang.report import load_report
from xinfang.report.sections.district import title
from xinfang.report.sections.figures import conclusion_text


def test_the_2022_report_promises_only_the_chapters_it_has():
    # params/2022/ has no 主要做法 and no 下步打算: the opening names the two chapters there are
    opening = title(load_report(2022, ROOT / "params").context)[-1].markdown
    assert opening.endswith("现将2022年度绩效目标完成情况和存在问题报告如下。")
    opening = title(load_report(2023, ROOT / "params").context)[-1].markdown
    assert opening.endswith("现将2023年度绩效目标完成情况、主要做法、存在问题和下步打算报告如下。")


def test_the_2022_conclusion_names_each_unscored_leaf_once_grouped_by_reason():
    text = conclusion_text(load_report(2022, ROOT / "params").context)
    assert text.count("未提供人工评分") == 1 and text.count("未提供预算执行表") == 1
    assert ("绩效目标合理性、绩效指标明确性、预算编制科学性、资金分配合理性、管理制度健全性、制度执行有效性（未提供人工评分）；"
            "预算执行率、结转结余率、“三公”经费变动率、政府采购执行率（未提供预算执行表）；"
            "进京登记人次变化率（无可比数据：上年同期早于数据起始日期，未评分），共11项未评分，暂不定级。") in text


def test_the_2022_campaign_stands_as_of_its_period_end():
    # every 化解日期 of the sample's 治重化积交办件 is in 2023: none resolved by 2022-12-31
    ctx = load_report(2022, ROOT / "params").context
    resolved = ctx.results["campaign.b12.resolved"]
    assert (resolved.numerator, resolved.denominator) == (0, 126)


def test_a_whole_gap_is_written_whole():
    from xinfang.report.sections import findings

    found = findings(load_report(2022, ROOT / "params").context)
    assert "治重化积第一、二批审核化解率0％，低于目标值100％，差100个百分点，评分失8分（满分8分）。" in found
