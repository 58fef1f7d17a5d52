"""The monthly 通报's findings follow the same gates as the annual ones."""
from __future__ import annotations

import re

from conftest import ROOT

from xinfang.report.bulletin import load_bulletin_context
from xinfang.report.sections.bulletin import bulletin_findings


def test_a_trend_is_said_only_on_a_month_of_at_least_the_minimum_base():
    said = 0
    for month in range(1, 13):
        ctx = load_bulletin_context(2023, month, ROOT / "params")
        for key, text in bulletin_findings(ctx):  # (key, text) records
            if text.startswith("部分单位信访量连续两个月上升。"):
                said += 1
                months = [int(n) for n in re.findall(r"（\d+件次、\d+件次、(\d+)件次）", text)]
                assert months and all(n >= ctx.min_base for n in months), text
    assert said  # the sample has such months: the gate is exercised, not vacuous
