"""The synthetic sample data: deterministic, well-formed, fake PII, and the raw counts the
original report's figures rest on. The calibers themselves are tested through the CLI."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from xinfang.sample import (BEIJING_COLUMNS, CAMPAIGN_COLUMNS, PII_COLUMNS, REGISTER_COLUMNS,
                            SAMPLE_FILES, build_sample, write_sample)

ROOT = Path(__file__).resolve().parent.parent
P = ("2022-12-28", "2023-12-31")  # the 2023 period of the original report
P_PREV = ("2021-12-28", "2022-12-31")


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return build_sample()


@pytest.fixture(scope="module")
def register(tables) -> pd.DataFrame:
    return tables["register"]


def in_period(df: pd.DataFrame, period: tuple[str, str], column: str = "登记日期") -> pd.DataFrame:
    # ISO date strings compare like dates
    return df[(df[column] >= period[0]) & (df[column] <= period[1])]


def test_build_sample_is_deterministic(tables):
    again = build_sample()
    assert list(again) == list(tables) == list(SAMPLE_FILES)
    for key in tables:
        pd.testing.assert_frame_equal(again[key], tables[key])


def test_columns_exactly_as_exported(tables):
    assert list(tables["register"].columns) == REGISTER_COLUMNS
    assert list(tables["campaign"].columns) == CAMPAIGN_COLUMNS
    assert list(tables["beijing"].columns) == BEIJING_COLUMNS
    assert REGISTER_COLUMNS[:3] == ["信访件编号", "信访事项编号", "登记日期"]
    assert set(PII_COLUMNS) <= set(REGISTER_COLUMNS)


def test_case_ids_unique_and_shaped(register):
    ids = register["信访件编号"]
    assert ids.is_unique
    assert ids.str.fullmatch(r"DX20(21|22|23)-\d{6}").all()
    assert register["信访事项编号"].str.fullmatch(r"SX20(21|22|23)-\d{5}").all()


def _id_check_ok(number: str) -> bool:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(c) * w for c, w in zip(number, weights)) % 11] == number[-1]


def test_pii_is_fake_unique_and_realistic_in_shape(register):
    for column in PII_COLUMNS:
        values = register[column]
        assert values.notna().all(), column
        assert values.is_unique, column
    # a surname and a 干支 pair: three characters, never a real-looking given name
    assert register["信访人"].str.fullmatch(r"[\u4e00-\u9fff][甲乙丙丁戊己庚辛壬癸][子丑寅卯辰巳午未申酉戌亥]").all()
    # 18 characters with a valid check digit, under the non-existent division code 430599
    ids = register["证件号码"]
    assert ids.str.fullmatch(r"430599(19[5-9]\d|200\d)\d{4}\d{3}[\dX]").all()
    assert ids.map(_id_check_ok).all()
    assert register["联系电话"].str.fullmatch(r"19900\d{6}").all()
    assert register["住址"].str.fullmatch(r"湖南省邵阳市大祥区(示例路|样本街|虚拟巷|演示大道)\d+号").all()


def test_summaries_include_markup_to_escape(register):
    summaries = register["诉求摘要"]
    assert summaries.str.contains("<b>", regex=False).any()
    assert summaries.str.contains("&", regex=False).any()


def test_units_are_in_the_register_with_a_few_aliases(register):
    spec = yaml.safe_load((ROOT / "params" / "units.yaml").read_text(encoding="utf-8"))
    names = {u["name"] for u in spec["units"]}
    aliases = {a for u in spec["units"] for a in (u.get("aliases") or [])}
    used = set(register["责任单位"])
    assert used <= names | aliases
    n_alias = register["责任单位"].isin(aliases).sum()
    assert 0 < n_alias < 0.02 * len(register)
    # every 乡镇街道 has data in the period
    towns = {u["name"] for u in spec["units"] if u["kind"] == "乡镇街道"}
    assert len(towns) == 14
    assert towns <= set(in_period(register, P)["责任单位"])


def test_enumerations_and_row_rules(register):
    r = register
    assert set(r["登记层级"]) == {"国家", "省", "市", "区"}
    assert set(r["信访形式"]) == {"来信", "来访", "网上信访"}
    assert set(r["信访目的"]) == {"求决", "申诉", "建议意见", "检举控告"}
    assert set(r["初重件"]) == {"初件", "重件"}
    assert set(r["办理方式"].dropna()) == {"受理", "不予受理", "不再受理"}
    assert set(r["评价结果"].dropna()) == {"满意", "基本满意", "不满意"}
    assert (r["人数"] >= 1).all()
    assert (r["办理方式"].isna() == r["受理日期"].isna()).all()
    assert ((r["受理日期"] >= r["登记日期"]) | r["受理日期"].isna()).all()
    assert ((r["答复日期"] >= r["受理日期"]) | r["答复日期"].isna()).all()
    assert (r["答复日期"].isna() | (r["办理方式"] == "受理")).all()
    assert (r["评价结果"].isna() | r["答复日期"].notna()).all()
    ext = r["延期天数"].dropna()
    assert ((ext >= 0) & (ext <= 30)).all()
    assert r["登记日期"].min() >= "2021-01-01" and r["登记日期"].max() <= "2023-12-31"
    for column in ("受理日期", "答复日期"):
        assert r[column].dropna().max() <= "2024-03-31"


def test_every_matter_has_one_first_registration_before_its_repeats(register):
    first = register[register["初重件"] == "初件"]
    assert first["信访事项编号"].is_unique
    assert set(first["信访事项编号"]) == set(register["信访事项编号"])
    first_date = first.set_index("信访事项编号")["登记日期"]
    repeats = register[register["初重件"] == "重件"]
    assert (repeats["登记日期"] > repeats["信访事项编号"].map(first_date)).all()
    assert (repeats["办理方式"] == "不再受理").all()
    assert repeats["答复日期"].isna().all()


def test_raw_counts_of_the_period(register):
    p = in_period(register, P)
    assert len(p) == 1843
    national = p[p["登记层级"] == "国家"]
    assert len(national) == 508
    assert (national["信访形式"] == "来信").sum() == 156
    assert (national["信访形式"] == "网上信访").sum() == 287
    visits = national[national["信访形式"] == "来访"]
    assert len(visits) == 65 and (visits["人数"] == 1).all()
    by_unit = visits["责任单位"].value_counts().to_dict()
    expected = {"城南街道": 27, "火车南站街道": 7, "百春园街道": 6, "学院路街道": 6, "罗市镇": 6,
                "雨溪街道": 5, "城西街道": 1}
    assert {u: by_unit.get(u, 0) for u in expected} == expected
    assert sum(by_unit.values()) - sum(expected.values()) == 7  # 区直部门
    city = p[(p["登记层级"] == "市") & (p["信访形式"] == "来访")]
    group, individual = city[city["人数"] >= 5], city[city["人数"] < 5]
    assert (len(group), group["人数"].sum()) == (77, 1487)
    assert (len(individual), individual["人数"].sum()) == (489, 684)
    first_letters = national[(national["信访形式"] == "来信") & (national["初重件"] == "初件")]
    repeat_letters = national[(national["信访形式"] == "来信") & (national["初重件"] == "重件")
                              & national["信访事项编号"].isin(first_letters["信访事项编号"])]
    assert (len(repeat_letters), len(first_letters)) == (90, 28)  # 321.43 ％


def test_raw_counts_of_the_comparison_period(register):
    national = in_period(register, P_PREV)
    national = national[national["登记层级"] == "国家"]
    assert (national["信访形式"] == "来信").sum() == 53
    assert national.loc[national["信访形式"] == "来访", "人数"].sum() == 16
    assert (national["信访形式"] == "网上信访").sum() == 192
    # the two periods share 2022-12-28 … 2022-12-31, where nothing reached the national bureau
    overlap = register[(register["登记日期"] >= P[0]) & (register["登记日期"] <= P_PREV[1])]
    assert (overlap["登记层级"] != "国家").all()


def test_campaign_matters_exist_and_do_not_recur(tables, register):
    c = tables["campaign"]
    assert c["交办批次"].isin([1, 2]).sum() == 126
    assert (c["交办批次"] == 3).sum() == 15
    assert (c["是否汇报"] == "是").all() and (c["审核化解"] == "是").all()
    assert c["信访事项编号"].is_unique
    assert c["信访事项编号"].isin(register["信访事项编号"]).all()
    assert c["化解日期"].str.startswith("2023-").all()
    last = register.groupby("信访事项编号")["登记日期"].max()
    assert (c["信访事项编号"].map(last) < c["化解日期"]).all()


def test_beijing_ledger(tables):
    b = tables["beijing"]
    p = in_period(b, P, "日期")
    assert p["人数"].sum() == 184
    registered = p[p["是否登记"] == "是"]
    assert registered["人数"].sum() == 58
    assert registered.groupby("责任单位")["人数"].sum().to_dict() == {
        "城南街道": 27, "火车南站街道": 7, "百春园街道": 6, "学院路街道": 6, "罗市镇": 6,
        "雨溪街道": 5, "城西街道": 1}
    assert (b["日期"] < P[0]).any()  # rows of the year before
    assert (b["人数"] > 1).any()


def test_write_sample_encodings_and_bytes(tmp_path, tables):
    paths = write_sample(tmp_path / "a")
    assert [p.name for p in paths] == [*SAMPLE_FILES.values(), "预算执行表.csv"]
    raw = {p.name: p.read_bytes() for p in paths}
    register_bytes = raw[SAMPLE_FILES["register"]]
    assert not register_bytes.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        register_bytes.decode("utf-8")
    assert register_bytes.decode("gb18030").startswith(",".join(REGISTER_COLUMNS) + "\n")
    assert b"\r\n" not in register_bytes
    for key in ("campaign", "beijing"):
        assert raw[SAMPLE_FILES[key]].startswith(b"\xef\xbb\xbf")
    # byte-identical on a second run
    again = write_sample(tmp_path / "b")
    assert {p.name: p.read_bytes() for p in again} == raw
    # round trip: what is written is what build_sample returns
    back = pd.read_csv(paths[0], encoding="gb18030", dtype=str, keep_default_na=False)
    expected = tables["register"].astype("string").fillna("")
    pd.testing.assert_frame_equal(back.astype("string"), expected)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", back["登记日期"].iloc[0])


def test_cases_overdue_at_2023_month_ends_change_no_figure_of_the_2023_period(register):
    """Five cases of December 2021 settled only in 2023 (xinfang.sample.build.LONG_OVERDUE): overdue
    at the month-ends January … August 2023, settled before the year's end, registered outside the
    2023 period and its comparison period."""
    import datetime as dt

    import numpy as np

    import xinfang
    from xinfang.indicators.measures import overdue_frame

    reg = xinfang.load_inputs(xinfang.load_params(ROOT / "params", 2023)).register  # seeds/ = build_sample()
    ends = [dt.date(2023, m + 1, 1) - dt.timedelta(days=1) for m in range(1, 12)] + [dt.date(2023, 12, 31)]
    counts = []
    for end in ends:
        f = overdue_frame(reg, np.datetime64(end, "D"))
        counts.append(int((f["od_acc"] | f["od_rep"]).sum()))
    # due in 2022; settled 2023-02-15, 03-20, 04-10 (decision), 06-12, 09-08
    assert counts == [5, 4, 3, 2, 2, 1, 1, 1, 0, 0, 0, 0]
    late = register[register["答复日期"].fillna("").str.startswith("2023") & (register["登记日期"] < "2022")]
    late = pd.concat([late, register[register["受理日期"].fillna("").str.startswith("2023") & (register["登记日期"] < "2022")]])
    assert sorted(late["信访件编号"]) == ["DX2021-000991", "DX2021-000996", "DX2021-000999", "DX2021-001003", "DX2021-001004"]
    assert (late["登记日期"] < P_PREV[0]).all() and (late["登记层级"] != "国家").all()
