"""indicators.xlsx read back with openpyxl: formats, frozen header, autofilter, Chinese names,
live highlights, 并列 ranks, 口径 once, the 明细 sheet; and no formula from hostile data."""
from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml
from conftest import ROOT, XINFANG, assert_no_pii, row, write_csv

from xinfang.fileio import Highlight, Sheet, sheet_title, text_width, write_xlsx
from xinfang.indicators import BUDGET_KEYS, KEYS, SPECS
from xinfang.inputs import load_inputs
from xinfang.params import load_params
from xinfang.workbook import DETAIL_KEYS, workbook_sheets

SHEETS = ["全区指标", "各单位指标", "排名", "得分排名", "自评表", "口径", "明细"]


def build(params_dir: Path, year: int, path: Path) -> Path:
    """indicators.xlsx from the function the batch writes it with."""
    params = load_params(params_dir, year)
    return write_xlsx(workbook_sheets(params, load_inputs(params)), path)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workbook")
    path = build(ROOT / "params", 2023, folder / "indicators.xlsx")
    wb = openpyxl.load_workbook(path)
    yield {"folder": folder, "path": path, "wb": wb}
    wb.close()


def table(ws) -> pd.DataFrame:
    rows = list(ws.values)
    return pd.DataFrame(rows[1:], columns=rows[0])


def column(ws, name: str):
    header = [c.value for c in ws[1]]
    return header.index(name) + 1


def test_sheets_frozen_headers_and_autofilters(book):
    wb = book["wb"]
    assert wb.sheetnames == SHEETS
    for ws in wb:
        assert ws.freeze_panes and ws.freeze_panes.endswith("2"), ws.title  # the header row stays
        last = ws.cell(1, ws.max_column).column_letter
        assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", ws.title


def test_district_sheet_chinese_names_first_codes_last_and_number_formats(book):
    ws = book["wb"]["全区指标"]
    assert [c.value for c in ws[1]] == ["指标", "本期值", "分子", "分母", "上年同期", "同比", "单位", "代码"]
    names = [c.value for c in ws["A"]][1:]
    codes = [c.value for c in ws["H"]][1:]
    assert codes == list(KEYS) + list(BUDGET_KEYS)
    assert names[:len(KEYS)] == [SPECS[k].name for k in KEYS]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)
    # CJK counts twice: column A fits the longest name; the code column is narrow
    assert ws.column_dimensions["A"].width >= 2 * max(len(n) for n in names)
    assert ws.column_dimensions["H"].width < ws.column_dimensions["A"].width / 2
    at = {code: i + 2 for i, code in enumerate(codes)}
    # rates: fractions under a percent format (docs/architecture.md §4: 99.44% 参评, 27.56% = 508 ÷ 1843)
    part = ws.cell(at["handling.participation"], 2)
    assert part.number_format == "0.00%" and isinstance(part.value, float) and f"{part.value:.4f}" == "0.9944"
    share = ws.cell(at["national.share"], 2)
    assert share.number_format == "0.00%" and (ws.cell(at["national.share"], 3).value,
                                               ws.cell(at["national.share"], 4).value) == (508, 1843)
    assert ws.cell(at["national.share"], 3).number_format == "0"
    # counts: integers; 同比 a fraction in percent: 508 vs 261 → +94.64%
    vol = [ws.cell(at["national.volume"], c) for c in range(2, 7)]
    assert [vol[0].value, vol[3].value] == [508, 261] and vol[0].number_format == "0"
    assert vol[4].number_format == "0.00%" and f"{vol[4].value:.4f}" == "0.9464"
    # 万元: the budget's amounts with two decimals
    assert ws.cell(at["budget.execution_rate"], 3).number_format == "0.00"
    assert ws.cell(at["budget.execution_rate"], 2).number_format == "0.00%"


def test_units_sheet_has_live_highlights_against_the_targets(book):
    ws = book["wb"]["各单位指标"]
    frame = table(ws)
    assert len(frame) == 21 and frame.columns[0] == "单位" and set(frame["类别"]) == {"乡镇街道", "区直部门"}
    # the params' seven targets and the framework's 治重化积化解率 100％ (the one rate it scores
    # that the params give no target for): one target per indicator, as the reports show it
    targets = dict(load_params(ROOT / "params", 2023).targets) | {"campaign.b12.resolved": 1.0}
    rules = {}
    for rng in ws.conditional_formatting:
        for rule in rng.rules:
            rules[str(rng.sqref)] = (rule.formula[0], rule.dxf.fill.fgColor.rgb)
    assert len(rules) == len(targets)
    for key, target in targets.items():
        col = column(ws, SPECS[key].name)
        letter = ws.cell(1, col).column_letter
        formula, fill = rules[f"{letter}2:{letter}22"]
        assert formula == f"AND(ISNUMBER({letter}2),{letter}2<{float(target)!r})"
        assert fill.endswith("FFC7CE")
        assert all(ws.cell(r, col).number_format == "0.00%" for r in range(2, 23) if ws.cell(r, col).value is not None)
    assert ws.cell(2, column(ws, SPECS["national.volume"].name)).number_format == "0"
    # the sample has units below a target (红旗路街道's 初次网信一次性化解率 85.71% < 90%)
    online = frame.set_index("单位")[SPECS["resolution.national_online_first"].name]
    assert online["红旗路街道"] < targets["resolution.national_online_first"] <= online["中心路街道"]


def _ties_agree(frame: pd.DataFrame, group: list[str]) -> None:
    ranked = frame[frame["名次"].notna()]
    sizes = ranked.groupby(group + ["名次"])["单位"].transform("size")
    assert (ranked["名次说明"].str.startswith("并列") == (sizes > 1)).all()
    assert (ranked["名次说明"].str.replace("并列", "") == "第" + ranked["名次"].astype(int).astype(str) + "位").all()


def test_rankings_share_ties_as_bingl_ie_and_leave_zeros_unranked(book):
    ranking = table(book["wb"]["排名"])
    _ties_agree(ranking, ["代码"])
    bj = ranking[ranking["代码"] == "beijing.registered"]
    zeros = bj[bj["值"] == 0]
    assert len(zeros) > 1 and zeros["名次"].isna().all() and (zeros["名次说明"] == "为0，不排名").all()
    assert bj.loc[bj["值"] > 0, "名次"].notna().all()
    assert ranking.loc[ranking["代码"] == "national.volume", "名次"].iloc[0] == 1
    scores = table(book["wb"]["得分排名"])
    assert list(scores.columns[:3]) == ["名次", "名次说明", "单位"] and "说明" not in scores.columns
    _ties_agree(scores, [])
    assert scores["名次说明"].str.startswith("并列").any()
    assert ((scores["得分"] / scores["满分"] * 100).round(2) == scores["百分制得分"]).all()
    assert scores["同类名次"].str.startswith(("乡镇街道中", "区直部门中")).all()


def test_caliber_sheet_has_each_indicator_once_with_its_target(book):
    ws = book["wb"]["口径"]
    frame = table(ws)
    codes = [c for c in frame["代码"] if isinstance(c, str) and c]
    assert codes == list(KEYS) + list(BUDGET_KEYS)
    row_ = frame.set_index("代码").loc["handling.timely_acceptance"]
    assert row_["口径"] == SPECS["handling.timely_acceptance"].caliber and row_["目标值"] == 1
    assert ws.cell(codes.index("handling.participation") + 2, column(ws, "目标值")).number_format == "0.00%"
    assert frame["口径"].str.contains("百分制得分").any()  # the scoring rule, once
    # no caliber sentence repeated on the other sheets
    for name in ("全区指标", "各单位指标", "排名", "得分排名"):
        assert "口径" not in [c.value for c in book["wb"][name][1]]


def test_detail_sheet_lists_the_four_figures_cases(book):
    frame = table(book["wb"]["明细"])
    assert list(frame["代码"].unique()) == list(DETAIL_KEYS)
    by = {k: frame[frame["代码"] == k] for k in DETAIL_KEYS}
    # docs/architecture.md §4: 508 件人次, 58 registered in Beijing, 120 求决类初次, 321.43% = 90/28
    assert by["national.volume"]["计入数"].sum() == 508
    assert by["beijing.registered"]["计入数"].sum() == 58 and by["beijing.registered"]["信访件编号"].isna().all()
    assert by["national.first_demand"]["计入数"].sum() == 120
    rep = by["repeat.national_letters"]
    assert ((rep["是否计入分母"] == "是").sum(), (rep["是否计入分子"] == "是").sum()) == (28, 90)
    assert (frame["指标"] == frame["代码"].map(lambda k: SPECS[k].name)).all()


def test_no_personal_data_in_the_workbook(book):
    assert_no_pii(book["folder"])
    for ws in book["wb"]:
        assert not {"信访人", "证件号码", "联系电话", "住址", "诉求摘要"} & {c.value for c in ws[1]}


def test_same_inputs_same_bytes(book, tmp_path):
    again = build(ROOT / "params", 2023, tmp_path / "indicators.xlsx")
    assert again.read_bytes() == book["path"].read_bytes()


# ---------------------------------------------------------------------------------------------
# write_xlsx on its own


def test_sheet_formats_highlights_and_widths(tmp_path):
    frame = pd.DataFrame({"单位": ["城南街道", "城北街道"], "率": [0.5, None], "数": [3, 4]})
    path = write_xlsx({"表": Sheet(frame, formats={"率": "0.00%", "数": ["0", None]},
                                  highlights=(Highlight("率", "<", 0.9),))}, tmp_path / "a.xlsx")
    ws = openpyxl.load_workbook(path)["表"]
    assert (ws["B2"].number_format, ws["C2"].number_format, ws["C3"].number_format) == ("0.00%", "0", "General")
    assert ws["B2"].value == 0.5 and ws["B3"].value is None
    assert [str(r.sqref) for r in ws.conditional_formatting] == ["B2:B3"]
    assert ws.column_dimensions["A"].width >= text_width("城南街道") and text_width("城南街道") == 8


def test_sheet_names_are_valid_and_never_formulas():
    taken: set[str] = set()
    assert sheet_title("=HYPERLINK(1)", taken) == "_=HYPERLINK(1)"
    assert sheet_title("a/b[c]", taken) == "a_b_c_"
    assert sheet_title("A/B[C]", taken) == "A_B_C_(2)"  # Excel compares sheet names ignoring case
    assert len(sheet_title("很长" * 40, taken)) == 31


# ---------------------------------------------------------------------------------------------
# hostile data: no formula in any xlsx


UNITS = """district: "=测试区"
units:
  - {name: "=SUM(1+1)街道", kind: 乡镇街道, aliases: ["=城南", "@城南"]}
  - {name: 城北街道, kind: 乡镇街道, aliases: ["-城北", "+城北"]}
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("hostile")
    params = base / "params"
    import shutil

    shutil.copytree(ROOT / "params", params)
    (params / "units.yaml").write_text(UNITS, encoding="utf-8")
    nat = {"level": "国家"}
    evil = '=HYPERLINK("http://x","y")'
    rows = [
        row("=1+1", "=M1", "2023-02-01", unit="=城南", summary=evil, **nat, channel="来信"),
        row("X2", "=M1", "2023-03-01", unit="@城南", summary="+cmd", kind="重件", decision="不再受理", **nat, channel="来信"),
        row("X3", "M2", "2023-03-05", unit="-城北", summary="-2+3", channel="网上信访", replied="2023-04-01",
            evaluation="满意", **nat),
        row("X4", "M3", "2023-05-05", unit="+城北", summary="@SUM(A1)", channel="来访", persons="6", level="市"),
    ]
    register = write_csv(base / "r.csv", rows)
    doc = yaml.safe_load((params / "defaults.yaml").read_text(encoding="utf-8"))
    doc["district"] = "=测试区"
    doc["data"] = {"register": str(register), "campaign": None, "beijing": None, "budget": None}
    doc["output"] = str(base / "output")
    (params / "defaults.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    out = base / "xlsx"
    out.mkdir()
    build(params, 2023, out / "indicators.xlsx")
    for key, unit in [("national.volume", None), ("repeat.national_letters", "=城南"), ("handling.satisfaction", None)]:
        proc = subprocess.run([*XINFANG, "cases", key, "--year", "2023", "--params", str(params),
                               *(["--unit", unit] if unit else []), "-o", str(out / f"{key}.xlsx")],
                              capture_output=True, text=True, cwd=base, timeout=300)
        assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([*XINFANG, "indicators", str(register), "--year", "2023", "--params", str(params),
                           "--format", "xlsx", "-o", str(out / "catalogue.xlsx")],
                          capture_output=True, text=True, cwd=base, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out


def test_hostile_text_never_becomes_a_formula(hostile):
    files = sorted(hostile.glob("*.xlsx"))
    assert len(files) == 5
    seen = set()
    for path in files:
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/sheet"):
                    assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), (path.name, name)
        wb = openpyxl.load_workbook(path)
        for ws in wb:
            assert not ws.title.startswith(("=", "+", "-", "@")), ws.title
            for cells in ws.iter_rows():
                for cell in cells:
                    assert cell.data_type != "f", (path.name, ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(("=", "+", "-", "@")), (path.name, cell.coordinate)
                        seen.add(cell.value)
        wb.close()
    # the hostile names are there, neutralised: the unit (in the workbook and the lists) and the case id
    assert "'=SUM(1+1)街道" in seen and "'=1+1" in seen and "'=M1" in seen
    assert not any("HYPERLINK" in v or "cmd" in v for v in seen)  # 诉求摘要 is never written
