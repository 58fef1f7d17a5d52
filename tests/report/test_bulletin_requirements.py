"""工作要求 of the 通报: one line per finding of the month, in the month's own figures, with the
params' 整改要求 line; months with different findings never read the same."""
from __future__ import annotations

from conftest import ROOT

from xinfang.report.bulletin import load_bulletin_context
from xinfang.report.sections.bulletin import bulletin_findings, requirements


def text(ctx) -> str:
    return "\n".join(p.markdown for p in requirements(ctx))


def test_may_2023_names_the_months_units_and_counts_with_each_params_line():
    ctx = load_bulletin_context(2023, 5, ROOT / "params")
    lines = ctx.rectification()
    # the figures of May's 存在问题: 件次 of the last three months 4→8→10, 4→5→12, 6→9→20, 3→4→12;
    # 进京 1 + 6 + 2 + 1 = 10人次; 到市集访 2 + 3 + 1 + 3 + 1 + 1 + 1 + 1 + 3 = 16批次;
    # 超期未答复 1 + 1 = 2件 (none 超期未受理); 参评率 94.12％ below its target 95％; nothing due soon
    assert text(ctx) == "\n".join([
        "1. 针对城西街道、翠园街道、雨溪街道、区住房和城乡建设局信访量连续两个月上升（本月分别为10件次、12件次、20件次、"
        "12件次）的情况，" + lines["total.registrations"],
        "2. 针对本月在国家信访局登记10人次（百春园街道1人次、城南街道6人次、学院路街道2人次、雨溪街道1人次）的情况，"
        + lines["beijing.registered"],
        "3. 针对本月到市集访16批次（中心路街道2批次、城西街道3批次、百春园街道1批次、学院路街道3批次、雨溪街道1批次、"
        "罗市镇1批次、板桥乡1批次、区住房和城乡建设局1批次、区教育局3批次）的情况，" + lines["visits.city_group_batches"],
        "4. 针对截至2023年5月31日超期未答复2件（雨溪街道1件、区住房和城乡建设局1件）的情况，" + lines["overdue.reply"],
        "5. 针对本月参评率94.12％、低于目标值95.00％的情况，" + lines["handling.participation"]])


def test_a_finding_without_a_params_line_is_left_out_and_no_line_repeats_a_fixed_menu(monkeypatch):
    ctx = load_bulletin_context(2023, 5, ROOT / "params")
    monkeypatch.setattr(type(ctx), "rectification", lambda self: {"overdue.reply": "限期办结。"})
    assert text(ctx) == "1. 针对截至2023年5月31日超期未答复2件（雨溪街道1件、区住房和城乡建设局1件）的情况，限期办结。"
    monkeypatch.setattr(type(ctx), "rectification", lambda self: {})
    assert requirements(ctx) == []    # no line, no analyst text for May: the section is left out


def test_no_two_months_with_different_findings_have_the_same_requirements_on_the_sample():
    seen: dict[str, tuple] = {}
    for month in range(1, 13):
        ctx = load_bulletin_context(2023, month, ROOT / "params")
        findings = tuple(f.text for f in bulletin_findings(ctx))
        body = text(ctx)
        if body in seen:
            assert seen[body] == findings, (month, body)
        seen[body] = findings
    assert len(seen) == 12     # on the sample every month's findings, and so its requirements, differ
