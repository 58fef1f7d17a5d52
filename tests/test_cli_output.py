"""`xinfang indicators --format table`: 上年同期 and 同比 beside the period, a unit's own labels,
"—" and never "None" (xinfang/cli_output.py)."""
from __future__ import annotations

import re
import subprocess

from conftest import ROOT, XINFANG

from xinfang.cli_output import indicator_table, yoy_text
from xinfang.periods import Period
from xinfang.result import Indicator

REGISTER = str(ROOT / "seeds" / "信访事项登记表.csv")


def _cells(line: str) -> list[str]:
    return re.split(r" {2,}", line.strip())


def test_a_table_of_hand_made_indicators():
    results = {
        "total.registrations": Indicator("total.registrations", "全区信访总量（件次）", 12, unit="件次", previous=1),
        "handling.on_time_reply": Indicator("handling.on_time_reply", "按期答复率", 0.75, 3, 4, unit="%", previous=0.5),
        "campaign.b3.reported": Indicator("campaign.b3.reported", "汇报率", None, 0, 0, unit="%"),
        "overdue.reply": Indicator("overdue.reply", "超期未答复（件）", 2, unit="件"),
    }
    lines = indicator_table(results, Period.of("2023-01-01", "2023-12-31"), "城南街道", "城南街道").splitlines()
    assert lines[0] == "城南街道  本期 2023年1月1日至2023年12月31日  上年同期 2022年1月1日至2022年12月31日"
    assert _cells(lines[1]) == ["指标代码", "指标", "本期（分子/分母）", "上年同期", "同比"]
    # 12 against 1: +1100％; 75％ against 50％: 25 points; an undefined rate and absent values: —
    assert _cells(lines[2]) == ["total.registrations", "本单位信访总量（件次）", "12件次", "1件次", "上升1100.00％"]
    assert _cells(lines[3]) == ["handling.on_time_reply", "按期答复率", "75.00％", "(3/4)", "50.00％", "上升25.00个百分点"]
    assert _cells(lines[4]) == ["campaign.b3.reported", "汇报率", "—", "(0/0)", "—", "—"]
    assert _cells(lines[5]) == ["overdue.reply", "超期未答复（件）", "2件", "—", "—"]


def test_zero_base_and_no_change():
    assert yoy_text(Indicator("n", "量", 4, unit="件", previous=0)) == "上年同期为0"
    assert yoy_text(Indicator("r", "率", 1.0, 5, 5, unit="%", previous=1.0)) == "持平"


def test_the_sample_table_for_the_district_and_a_unit():
    district = subprocess.run([*XINFANG, "indicators", REGISTER, "--year", "2023", "--format", "table"],
                              capture_output=True, text=True, cwd=ROOT)
    unit = subprocess.run([*XINFANG, "indicators", REGISTER, "--year", "2023", "--format", "table", "--unit", "城南"],
                          capture_output=True, text=True, cwd=ROOT)
    assert district.returncode == 0 and unit.returncode == 0, district.stderr + unit.stderr
    rows = {(c := _cells(line))[0]: c for line in district.stdout.splitlines()[2:]}
    # the original report: 508件人次, 同比上升94.64％; 27.56％ = 508 ÷ 1843 against 19.38％
    assert rows["national.volume"][2:] == ["508件人次", "261件人次", "上升94.64％"]
    assert rows["national.share"][2:] == ["27.56％", "(508/1843)", "19.38％", "上升8.18个百分点"]
    assert unit.stdout.startswith("城南街道  本期 2022年12月28日至2023年12月31日")
    # 城南街道: 74 against 44 件人次 (+68.18％); its total is 本单位's, not 全区's
    urows = {(c := _cells(line))[0]: c for line in unit.stdout.splitlines()[2:]}
    assert urows["national.volume"][2:] == ["74件人次", "44件人次", "上升68.18％"]
    assert urows["total.registrations"][1] == "本单位信访总量（件次）" and "全区" not in unit.stdout
    assert "None" not in district.stdout + unit.stdout and "nan" not in district.stdout + unit.stdout
