"""The monthly 通报 (issue 12): months, volumes, 环比 / 同比, 月度考核, and the documents.

Every expected value is worked out by hand in the test.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
from types import SimpleNamespace

import pytest
from conftest import ROOT, XINFANG, assert_no_pii, copy_params, docx_text, html_text, row, write_csv

from xinfang.inputs import read_table, validate_register
from xinfang.monthly import month_period, months_of, parse_month, previous_month, volume, year_to_month
from xinfang.periods import Period
from xinfang.result import Indicator
from xinfang.scoring.assessment import assess, parse_assessment

TODAY = dt.date(2026, 11, 26)
Y2023 = Period.of("2022-12-28", "2023-12-31")


def test_months_add_up_to_the_period():
    months = months_of(Y2023)
    assert months[0] == Period.of("2022-12-28", "2023-01-31")     # month 1 runs from the period start
    assert months[10] == Period.of("2023-11-01", "2023-11-30")
    assert months[11].end == dt.date(2023, 12, 31)
    assert all(a.end + dt.timedelta(days=1) == b.start for a, b in zip(months, months[1:]))
    assert previous_month(Y2023, 1) == Period.of("2022-12-01", "2022-12-27")   # no overlap with month 1
    assert year_to_month(Y2023, 11) == Period.of("2022-12-28", "2023-11-30")
    assert parse_month("2023-11") == (2023, 11)


def test_month_volume_by_channel_and_level_with_mom_and_yoy(tmp_path, units):
    rows = [
        # November 2023: 2 letters, 1 visit of 3 persons (市), 1 online (国家) → 4 件次, 2 + 3 + 1 = 6 件人次
        row("N1", "M1", "2023-11-02", channel="来信"),
        row("N2", "M2", "2023-11-15", channel="来信", level="省"),
        row("N3", "M3", "2023-11-20", channel="来访", persons="3", level="市"),
        row("N4", "M4", "2023-11-30", channel="网上信访", level="国家"),
        # October 2023: 2 registrations; November 2022: 1
        row("O1", "M5", "2023-10-31"), row("O2", "M6", "2023-10-01"),
        row("P1", "M7", "2022-11-10"),
        row("D1", "M8", "2023-12-01"),                                        # December: not November
    ]
    reg = validate_register(read_table(write_csv(tmp_path / "r.csv", rows)), units, today=TODAY)
    nov = month_period(Y2023, 11)
    v = volume(reg, nov)
    assert (v["件次"], v["件人次"], v["来信"], v["来访批次"], v["来访人次"], v["网上信访"]) == (4, 6, 2, 1, 3, 1)
    assert (v["国家"], v["省"], v["市"], v["区"]) == (1, 1, 1, 1)
    assert volume(reg, previous_month(Y2023, 11))["件次"] == 2
    assert volume(reg, nov.previous())["件次"] == 1
    from xinfang.report.sections.bulletin import _vs

    ctx = SimpleNamespace(sign="％", min_base=1)
    assert _vs(ctx, 4, 2, "件次", "环比") == "环比上升100％"            # (4 − 2) ÷ 2
    assert _vs(ctx, 4, 1, "件次", "同比") == "同比上升300.00％"         # (4 − 1) ÷ 1 (only 100％ and 0％ are whole)
    ctx.min_base = 10                                                     # below the base: in counts
    assert _vs(ctx, 4, 2, "件次", "环比") == "环比由2件次增至4件次"
    assert _vs(ctx, 4, 0, "件次", "环比") == "环比增加4件次"              # a zero side: the change itself


def test_assessment_score_and_rank_with_a_tie():
    a = parse_assessment({"base": 100, "items": [
        {"name": "进京登记", "indicator": "beijing.registered", "rule": "deduction", "better": "lower",
         "target": 0, "per": 1, "points": 5, "weight": 30},
        {"name": "及时受理率", "indicator": "handling.timely_acceptance", "rule": "deduction", "better": "higher",
         "target": "100%", "per": "1%", "points": 0.5, "weight": 10}]})

    def unit(bj, num, den):
        return {"beijing.registered": Indicator("beijing.registered", "进京", bj),
                "handling.timely_acceptance": Indicator("handling.timely_acceptance", "及时受理率",
                                                        num / den if den else None, num, den, "%")}

    per_unit = {"甲": unit(1, 20, 20),      # 100 − 5 = 95
                "乙": unit(0, 19, 20),      # 95％: 5 points short × 0.5 = 2.5 → 97.5
                "丙": unit(0, 0, 0),        # no denominator: nothing deducted → 100
                "丁": unit(7, 10, 20),      # 7 × 5 = 35, capped at 30; 50 points short × 0.5 = 25, capped at 10 → 60
                "戊": unit(1, 20, 20)}      # 95, tied with 甲
    f = assess(a, per_unit).set_index("单位")
    assert f.loc[["丙", "乙", "甲", "戊", "丁"], "得分"].tolist() == [100.0, 97.5, 95.0, 95.0, 60.0]
    assert f.loc[["丙", "乙", "甲", "戊", "丁"], "名次"].tolist() == [1, 2, 3, 3, 5]
    assert f.loc["甲", "并列"] and f.loc["戊", "并列"] and not f.loc["乙", "并列"]
    assert f.loc["甲", "标记"] == f.loc["戊", "标记"] == "前三名"
    assert f.loc["丁", "标记"] == "后三名"
    assert f.loc["丁", "扣分说明"] == "进京登记扣30分；及时受理率扣10分"


def test_the_twelve_months_add_up_to_the_year_on_the_sample():
    import xinfang

    params = xinfang.load_params(ROOT / "params", 2023)
    inputs = xinfang.load_inputs(params)
    year = xinfang.compute_catalogue(inputs.register, inputs.period)
    months = [xinfang.compute_catalogue(inputs.register, m) for m in months_of(inputs.period)]
    assert sum(m["total.registrations"].value for m in months) == year["total.registrations"].value == 1843
    assert sum(m["national.volume"].value for m in months) == year["national.volume"].value


# ---------------------------------------------------------------------------------------------
# end to end on the sample

@pytest.fixture(scope="module")
def month_batch(tmp_path_factory):
    base = tmp_path_factory.mktemp("bulletins")
    out = base / "output"
    params = copy_params(base / "params", out)
    cmd = [*XINFANG, "batch", "--by", "month", "--year", "2023", "--params", str(params), "--quiet"]
    first = subprocess.run(cmd, capture_output=True, text=True, cwd=base)
    assert first.returncode == 0, first.stderr[-3000:]
    again = subprocess.run(cmd, capture_output=True, text=True, cwd=base)
    assert again.returncode == 0, again.stderr[-3000:]
    single = subprocess.run([*XINFANG, "bulletin", "--month", "2023-11", "--cutoff", "2023-12-05", "--duban",
                             "--params", str(params)], capture_output=True, text=True, cwd=base)
    assert single.returncode == 0, single.stderr[-3000:]
    return {"out": out / "2023" / "bulletins", "first": first, "again": again, "single": single}


@pytest.mark.slow
def test_batch_by_month_writes_twelve_bulletins_and_duban_and_a_rerun_redoes_nothing(month_batch):
    folder = month_batch["out"]
    assert sorted(p.name for p in folder.glob("*.docx")) == [f"2023-{m:02d}_通报.docx" for m in range(1, 13)]
    assert len(list(folder.glob("*.html"))) == 12
    assert list((folder / "督办单").rglob("*.docx"))
    assert "成功 12" in month_batch["first"].stdout
    assert "成功 0，失败 0，跳过 12" in month_batch["again"].stdout
    assert "督办单" in month_batch["single"].stdout
    manifest = json.loads((folder.parent / "manifest.json").read_text(encoding="utf-8"))
    kinds = {e["stem"]: e["kind"] for e in manifest["reports"].values()}
    assert kinds == {f"2023-{m:02d}_通报": "bulletin" for m in range(1, 13)}
    assert sorted(p.name for p in folder.parent.glob("*.lock")) == [".manifest.json.lock", ".xinfang.lock"]  # hidden


@pytest.mark.slow
def test_no_machinery_placeholder_or_pii_in_bulletins_and_duban(month_batch):
    from test_documents import ALLOWED_ASCII, FORBIDDEN

    folder = month_batch["out"]
    texts = {p.name: docx_text(p) for p in folder.rglob("*.docx")}
    texts.update({p.name: html_text(p) for p in folder.glob("*.html")})
    problems = []
    for name, text in texts.items():
        for what, pattern in FORBIDDEN:
            for m in pattern.finditer(text):
                problems.append(f"{name}: {what}: …{text[max(0, m.start() - 20):m.end() + 20]}…")
        for word in re.findall(r"[A-Za-z]{4,}", text):
            if word not in ALLOWED_ASCII:
                problems.append(f"{name}: ASCII word {word}")
        if "/" in re.sub(r"应受理/\s*应答复日期", "", text):  # a header, on two lines in Word
            problems.append(f"{name}: a path")
    assert not problems, problems[:10]
    assert_no_pii(folder)
    nov = texts["2023-11_通报.docx"]
    assert "关于2023年11月全区信访工作情况的通报" in nov and "各乡镇街道，区直有关单位：" in nov
    assert "区信访工作联席会议办公室" in nov and "超期件清单" in nov and "并列" in nov


@pytest.mark.slow
def test_every_duban_of_the_year_has_a_working_day_deadline_after_its_issue_and_what_a_duban_carries(month_batch):
    import datetime as dt

    from xinfang.config.layers import load_params
    from xinfang.workdays import WorkCalendar

    b = load_params(ROOT / "params", 2023, None).bulletin
    cal = WorkCalendar.of(b.holidays, b.workdays)
    sheets = sorted((month_batch["out"] / "督办单").rglob("*.docx"))
    duban = sorted(f"{p.parent.name}/{p.stem}" for p in sheets if p.stem.endswith("_督办单"))
    # the sample's December-2021 cases settled in 2023 (seeds/README.md): 督办 at January … August
    assert sorted({d.split("/")[0] for d in duban}) == [f"2023-{m:02d}" for m in range(1, 9)]
    assert "2023-01/城南街道_督办单" in duban and "2023-08/雨溪街道_督办单" in duban
    date = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
    for path in sheets:
        text = docx_text(path)
        issued = dt.date(*map(int, date.findall(text.split("附件：")[1])[0]))   # the 落款 date
        deadline = dt.date(*map(int, date.findall(text.split("请于")[1])[0]))
        assert cal.is_workday(issued) and cal.is_workday(deadline), path
        assert deadline > issued, path
        for word in ("反映问题", "联系电话：0739-5221234", "经办人：刘明远", "回执", "办理结果", "责任人", "完成日期"):
            assert word in text, (path, word)
        assert ("督办要求" in text) == path.stem.endswith("_督办单")
        assert re.search(r"大信督〔2023〕\d{1,2}-\d{2}号", text)
    assert_no_pii(month_batch["out"])


@pytest.mark.slow
def test_the_bulletin_has_its_number_colophon_district_signature_and_annex_rows_in_one_unit(month_batch):
    from docx import Document

    path = month_batch["out"] / "2023-10_通报.docx"   # (November's is remade with another cut-off)
    paras = [p.text for p in Document(path).paragraphs if p.text]
    assert paras[:2] == ["大信联办〔2023〕10号", "关于2023年10月全区信访工作情况的通报"]
    # 附件说明 after the body, then the 落款 with the district's name, dated the first working day
    # after the cut-off (2023-10-31, a Tuesday): Wednesday 2023-11-01
    # (on 2023-10-31 six units still have a 治重化积 matter open: the third attachment lists them)
    i = paras.index("附件：1.各单位信访情况统计表\n2.超期件清单\n3.“治重化积”尚有未化解事项的单位")
    assert paras[i + 1:i + 3] == ["大祥区信访工作联席会议办公室", "2023年11月1日"]
    assert paras[-2:] == ["抄送：区委办公室，区人民政府办公室，区委政法委。", "大祥区信访工作联席会议办公室\t2023年11月1日印发"]
    # 附件1: every count of a row in 件次, 来信 + 来访 + 网上信访 = 本月
    table = next(t for t in Document(path).tables if t.rows[0].cells[0].text == "单位")
    header = [c.text.replace("\n", "") for c in table.rows[0].cells]
    assert header[:6] == ["单位", "来信", "来访", "网上信访", "本月", "累计"]
    for row in table.rows[1:]:
        cells = [c.text for c in row.cells]
        assert int(cells[1]) + int(cells[2]) + int(cells[3]) == int(cells[4]), cells
