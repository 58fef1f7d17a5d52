"""What a unit's leader acts on: 整改要求 with the unit's own figures and a deadline, and case lists
newest first whose whole content goes with the report."""
from __future__ import annotations

import collections
import re

from conftest import ROOT

from xinfang.report import load_report
from xinfang.report.caselists import LISTS, context_case_lists
from xinfang.report.sections.unit import case_lists, rectification

YEAR = 2023


def _units():
    ctx = load_report(YEAR, ROOT / "params").context
    return ctx.active_units


def test_rectification_lines_name_the_units_figures_and_carry_a_deadline():
    said = collections.Counter()
    for unit in _units():
        parts = rectification(load_report(YEAR, ROOT / "params", unit).context)
        if not parts:
            continue
        lines = parts[0].markdown.splitlines()
        # the report is dated 2024-01-01 (the day after the period); 30 days later is 2024-01-31
        assert all("2024年1月31日前" in line for line in lines), lines
        assert lines[-1].endswith("请于2024年1月31日前将上述整改情况书面报送大祥区信访局。")
        said.update(re.sub(r"^\d+\. ", "", line) for line in lines[:-1])
    assert said and max(said.values()) <= 3, said.most_common(3)


def test_case_lists_are_newest_first_and_the_report_counts_the_whole_list():
    ctx = load_report(YEAR, ROOT / "params", "城西街道").context
    lists = context_case_lists(ctx)
    assert list(lists) == list(LISTS)
    repeats = lists["重复信访事项"]
    assert len(repeats) == 21                      # matters with a 重件 in the period, counted by hand in the sample
    assert list(repeats["最近登记日期"]) == sorted(repeats["最近登记日期"], reverse=True)
    texts = [p.markdown for p in case_lists(ctx) if hasattr(p, "markdown")]
    assert "统计期内本单位重复信访事项共21条，下表列出最近的20条，全部21条见随本报告印发的案件清单（Excel）。" in texts
    assert "截至2023年12月31日本单位超期未受理、超期未答复的信访件无。" in texts
