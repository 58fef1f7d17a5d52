"""The 指标口径说明 is written for an auditor: no row counts of input files, no "=是" expressions,
no file the reader does not have."""
from __future__ import annotations

import re

import pytest
from conftest import ROOT

from xinfang.blocks import Paragraph, Table
from xinfang.report import load_report

MACHINE = re.compile(r"行）|=是|指标汇总表|参数|\w+\.(?:csv|xlsx|yaml|md)\b")


@pytest.mark.parametrize("year", [2023, 2022])
def test_the_caliber_annex_reads_as_an_auditor_reads(year):
    outputs = load_report(year, ROOT / "params").outputs["口径说明"]
    text = "".join(s.text for o in outputs if isinstance(o, Paragraph) for s in o.spans)
    cells = [c.text for o in outputs if isinstance(o, Table) for row in o.body for c in row]
    assert not MACHINE.search(text + "".join(cells)), MACHINE.findall(text + "".join(cells))
    assert text.startswith("本报告的数据为大祥区信访信息系统导出的信访事项登记表")
    assert text.endswith("可向大祥区信访局统计人员索取该指标的案件清单逐件核对。")


def test_the_campaign_calibers_name_the_batch_in_words():
    from xinfang.indicators.catalogue import SPECS

    assert SPECS["campaign.b12.reported"].caliber == "第一、二批交办件中已向交办机关汇报办理情况的件数 ÷ 第一、二批交办件数"
    assert SPECS["beijing.registered"].caliber == "进京上访台账中日期在统计期内、已在国家信访局登记的人数之和"
