"""The 评价报告 stands on its own: the evaluator's opening, identity, work and signature from
params ``evaluation``; 绩效指标分析 explains each lost point from the findings."""
from __future__ import annotations

import re

import pytest
from conftest import ROOT, copy_params

from xinfang.blocks import Heading, ListBlock, Paragraph, Signature
from xinfang.report import load_report


def _text(outputs) -> str:
    lines = []
    for o in outputs:
        if isinstance(o, Heading):
            lines.append(o.text)
        elif isinstance(o, Paragraph):
            lines.append("".join(s.text for s in o.spans))
        elif isinstance(o, ListBlock):
            lines += ["".join(s.text for p in item for s in p.spans) for item in o.items]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def report():
    return load_report(2023, ROOT / "params", form="评价报告")


def test_the_opening_is_the_evaluators_with_the_score(report):
    text = _text(report.outputs["评价标题"])
    assert "大祥区财政局绩效评价工作组于2024年3月4日至3月29日对大祥区信访局2023年度部门整体支出开展了绩效评价" in text
    assert "得分78.03分，等级为“中”" in text
    assert "主要做法、存在问题和下步打算" not in text and "现将" not in text


def test_the_evaluation_work_names_the_team_dates_methods_and_site_visits(report):
    text = _text(report.outputs["评价工作开展情况"])
    assert "评价组4人：组长：区财政局绩效管理股负责人；" in text
    assert "评价工作于2024年3月4日开始，2024年3月29日结束" in text
    assert "查阅年度预算批复、部门决算报表、会计凭证和内部管理制度。" in text   # the first of three methods
    assert "评价组赴城南街道、火车南站街道、区住房和城乡建设局3个单位现场核查" in text


def test_it_is_signed_by_the_evaluator_on_the_last_day_of_the_evaluation(report):
    sig = next(o for o in report.outputs["评价落款"] if isinstance(o, Signature))
    assert sig.lines == ("大祥区财政局绩效评价工作组", "2024年3月29日")


def test_the_basic_facts_carry_the_figures_sections_of_the_self_assessment(report):
    assert {"部门概况", "预算执行", "绩效目标完成情况", "治重化积", "进京越级访"} <= set(report.outputs)
    text = _text(report.outputs["绩效目标完成情况"] + report.outputs["进京越级访"])
    for figure in ("508件人次", "27.56％", "77批1487人次", "489批684人次"):
        assert figure in text, figure


def test_each_lost_point_is_explained_by_its_cause_not_by_its_formula(report):
    text = _text(report.outputs["绩效指标分析"])
    assert "按“" not in text and "按按" not in text and "计分。" not in text
    # 到国家信访局信访量变化率: 8 − 0.43 = 7.57 lost; the cause is the finding of the volume's rise
    line = next(x for x in text.splitlines() if x.startswith("到国家信访局信访量变化率"))
    assert line.startswith("到国家信访局信访量变化率（权重8分，得0.43分，失7.57分）：到国家信访局信访量大幅上升。"
                           "到国家信访局信访量508件人次，同比上升94.64％")
    assert line.endswith("扣分理由：实际值94.64％，目标值不高于0％，按评分标准扣7.57分。")
    # 预算执行率 97.55％ against 100％: 2.45 个百分点 below
    assert "扣分理由：实际值97.55％，目标值100％，低于目标值2.45个百分点" in text
    # a manual leaf: its 评分依据 and the 扣分理由 of params/2023.yaml
    assert ("绩效指标明确性（权重4分，得3分，失1分）：评分依据：受理、答复、化解、满意等核心指标设定了目标值；"
            "扣分理由：进京登记人次控制目标未量化，扣1分。") in text


def test_without_an_evaluator_in_the_params_the_bureau_signs_and_no_work_is_invented(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "out")
    year = (params / "2023.yaml").read_text(encoding="utf-8")
    (params / "2023.yaml").write_text(year.split("\n# 评价报告")[0] + "\n", encoding="utf-8")
    rep = load_report(2023, params, form="评价报告")
    work = _text(rep.outputs["评价工作开展情况"])
    assert "评价组织和时间安排" not in work and "现场核查" not in work
    assert "采用比较法和因素分析法" in work                     # the general method
    sig = next(o for o in rep.outputs["评价落款"] if isinstance(o, Signature))
    assert sig.lines[0] == "大祥区信访局"
    assert re.match(r"评价组对大祥区信访局2023年度", _text(rep.outputs["评价标题"]).split("安排，")[1])
