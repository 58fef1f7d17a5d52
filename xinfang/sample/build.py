"""Build and write the sample tables (register, 治重化积, 进京台账, 预算, unit register), and the
synthetic province-scale register of the benchmarks."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from .calibration import (BEIJING_COLUMNS, BUDGET_FILE, CAMPAIGN_COLUMNS, REGISTER_COLUMNS, SAMPLE_FILES, SEED, _ALIASES, _DOMAINS, _DOMAIN_W, _KINDS, _OTHER_PURPOSES, _OTHER_PURPOSE_P, _SUMMARIES, _TRICKY_SUMMARIES, _UNITS, _blocks)
from .generator import _Generator, _iso, _pii

#: Seed of the only random generator used; change it and every figure must be re-verified.
def build_sample() -> dict[str, pd.DataFrame]:
    """Build the three synthetic sample tables.

    Returns
    -------
    dict with keys ``"register"`` (信访事项登记表, columns :data:`REGISTER_COLUMNS`),
    ``"campaign"`` (治重化积交办件, :data:`CAMPAIGN_COLUMNS`) and ``"beijing"``
    (进京上访台账, :data:`BEIJING_COLUMNS`). Dates are ISO strings, blanks are missing values,
    ``延期天数`` is a nullable integer. The result depends on nothing but :data:`SEED`.

    Notes
    -----
    Over the period 2022-12-28 … 2023-12-31 the calibers of docs/architecture.md §4 give the figures of
    section 一 of the original report; see ``seeds/README.md`` for the derivation.

    Examples
    --------
    >>> tables = build_sample()
    >>> sorted(tables) == sorted(SAMPLE_FILES)
    True
    >>> list(tables["campaign"].columns) == CAMPAIGN_COLUMNS
    True
    """
    gen = _Generator(SEED)
    blocks = _blocks()
    gen.block(blocks[0])
    gen.block(blocks[1])
    gen.choose_campaign()
    gen.block(blocks[2])
    gen.evaluate(blocks[2].start, blocks[2].end)
    rng = gen.rng

    # order by date; case numbers per year in that order; matter numbers by their 初件
    kind_order = list(_KINDS)
    rows = sorted(gen.rows, key=lambda r: (r["reg"], not r["first"], kind_order.index(r["kind"]),
                                           r["matter"]))
    seq: dict[int, int] = {}
    matter_ids: dict[int, str] = {}
    case_ids = []
    for r in rows:
        year = dt.date.fromordinal(r["reg"]).year
        seq[year] = seq.get(year, 0) + 1
        case_ids.append(f"DX{year}-{seq[year]:06d}")
        if r["first"]:
            matter_ids[r["matter"]] = f"SX{year}-{len(matter_ids) + 1:05d}"

    # summaries: per matter, "再次…" on a repeat; two tricky ones on 2023 matters
    summaries = {}
    for i, m in enumerate(gen.matters):
        options = _SUMMARIES[m["domain"]]
        summaries[i] = options[int(rng.integers(0, len(options)))]
    tricky = [i for i, m in enumerate(gen.matters) if m["block"] == "2023" and m["kind"] == "DL"][:2]
    for i, text in zip(tricky, _TRICKY_SUMMARIES):
        summaries[i] = text

    # a few rows (never national, so the unit tables of the report are unchanged) use an alias
    alias_rows = {int(k) for k in rng.choice(len(rows), size=60, replace=False)
                  if rows[k]["level"] != "国家" and _ALIASES[gen.matters[rows[k]["matter"]]["unit"]]}

    pii = _pii(len(rows), rng)
    records = []
    for k, r in enumerate(rows):
        m = gen.matters[r["matter"]]
        unit = _ALIASES[m["unit"]][0] if k in alias_rows else m["unit"]
        text = summaries[r["matter"]]
        if not r["first"]:
            text = "再次" + text
        records.append({
            "信访件编号": case_ids[k], "信访事项编号": matter_ids[r["matter"]], "登记日期": _iso(r["reg"]),
            "登记层级": r["level"], "信访形式": r["channel"], "人数": r["persons"], "责任单位": unit,
            "问题领域": m["domain"], "信访目的": m["purpose"], "初重件": "初件" if r["first"] else "重件",
            "办理方式": r["decision"], "受理日期": _iso(r["acc"]), "延期天数": r["ext"],
            "答复日期": _iso(r["reply"]), "评价结果": r["eval"], "信访人": pii["信访人"][k],
            "证件号码": pii["证件号码"][k], "联系电话": pii["联系电话"][k], "住址": pii["住址"][k],
            "诉求摘要": text,
        })
    register = pd.DataFrame.from_records(records, columns=REGISTER_COLUMNS)
    register["人数"] = register["人数"].astype("int64")
    register["延期天数"] = register["延期天数"].astype("Int64")

    # 治重化积: resolved in 2023 after every registration of the matter; reported, audited
    windows = {1: ("2023-03-01", "2023-06-30"), 2: ("2023-05-15", "2023-09-30"),
               3: ("2023-09-01", "2023-12-20")}
    last_seen: dict[int, int] = {}
    for r in gen.rows:
        last_seen[r["matter"]] = max(last_seen.get(r["matter"], 0), r["reg"], r["reply"] or 0)
    campaign = []
    for batch, i in gen.campaign:
        lo, hi = (dt.date.fromisoformat(d).toordinal() for d in windows[batch])
        lo = max(lo, last_seen[i] + 1)
        campaign.append({"交办批次": batch, "信访事项编号": matter_ids[i],
                         "责任单位": gen.matters[i]["unit"], "是否汇报": "是", "审核化解": "是",
                         "化解日期": _iso(gen._int(lo, hi))})
    campaign_df = pd.DataFrame.from_records(campaign, columns=CAMPAIGN_COLUMNS)
    campaign_df = campaign_df.sort_values(["交办批次", "信访事项编号"], kind="stable").reset_index(drop=True)
    campaign_df["交办批次"] = campaign_df["交办批次"].astype("int64")

    beijing = _beijing(gen, rng)
    register = _with_long_overdue(register, campaign_df)
    return {"register": register, "campaign": campaign_df, "beijing": beijing}


#: Cases of December 2021 settled only in 2023, so that the monthly 通报 of 2023 issue real
#: 督办单: (unit, the step that is late, the date it was finally done). For each, the first
#: 初件 of the unit registered 2021-12-01 … 2021-12-20 (level 区, 市 or 省; not a 治重化积
#: matter) that was accepted and replied (reply late) or not accepted (decision late) gets the
#: later date. Registered before 2021-12-28, outside both the 2023 period and its comparison
#: period, and settled before 2023-12-31, they change no figure of the 2023 report (no row is
#: added: the same 4,265 registrations); they change 2021's rates and the overdue cases at the
#: cut-offs of 2022. Overdue at the 2023 month-ends before the date given.
LONG_OVERDUE = (
    ("学院路街道", "答复", "2023-02-15"),          # overdue at 2023-01-31
    ("火车南站街道", "答复", "2023-03-20"),        # at 01-31, 02-28
    ("城南街道", "受理", "2023-04-10"),            # no decision (不予受理 at last): at 01-31 … 03-31
    ("区住房和城乡建设局", "答复", "2023-06-12"),  # at 01-31 … 05-31
    ("雨溪街道", "答复", "2023-09-08"),            # at 01-31 … 08-31
)


def _with_long_overdue(register: pd.DataFrame, campaign: pd.DataFrame) -> pd.DataFrame:
    """The register with the :data:`LONG_OVERDUE` cases' late dates (see there)."""
    r = register.copy()
    pool = ((r["登记日期"] >= "2021-12-01") & (r["登记日期"] <= "2021-12-20") & (r["初重件"] == "初件")
            & r["登记层级"].isin(["区", "市", "省"]) & ~r["信访事项编号"].isin(campaign["信访事项编号"]))
    for unit, step, day in LONG_OVERDUE:
        if step == "答复":
            candidates = r.index[pool & (r["责任单位"] == unit) & (r["办理方式"] == "受理") & r["答复日期"].notna()]
            r.loc[candidates[0], "答复日期"] = day
        else:
            candidates = r.index[pool & (r["责任单位"] == unit) & (r["办理方式"] == "不予受理")]
            r.loc[candidates[0], "受理日期"] = day
    return r


def _beijing(gen: _Generator, rng: np.random.Generator) -> pd.DataFrame:
    """进京上访台账: national visits of 乡镇街道 (是否登记=是) plus persuaded-back trips."""
    towns = [u[0] for u in _UNITS if u[1] == "乡镇街道"]
    registered: dict[tuple[int, str], int] = {}
    for r in gen.rows:
        unit = gen.matters[r["matter"]]["unit"]
        if r["kind"] == "NV" and r["block"] in ("2022", "2023") and unit in towns:
            registered[(r["reg"], unit)] = registered.get((r["reg"], unit), 0) + r["persons"]
    rows = [(d, u, n, "是") for (d, u), n in registered.items()]
    # not registered at the national bureau (stopped, persuaded back): 126 persons in P
    weights = np.array([8 if u in ("城南街道", "火车南站街道", "百春园街道") else
                        4 if u in ("檀江街道", "学院路街道", "雨溪街道", "罗市镇") else 1 for u in towns],
                       dtype=float)
    for lo, hi, total in (("2022-01-01", "2022-12-27", 70), ("2023-01-01", "2023-12-31", 126)):
        a, b = dt.date.fromisoformat(lo).toordinal(), dt.date.fromisoformat(hi).toordinal()
        left = total
        while left:
            n = min(left, int(rng.choice((1, 1, 1, 2, 2, 3, 4, 6))))
            rows.append((int(rng.integers(a, b + 1)), str(rng.choice(towns, p=weights / weights.sum())),
                         n, "否"))
            left -= n
    rows.sort(key=lambda t: (t[0], towns.index(t[1]), t[3]))
    df = pd.DataFrame([(_iso(d), u, n, y) for d, u, n, y in rows], columns=BEIJING_COLUMNS)
    df["人数"] = df["人数"].astype("int64")
    return df


def write_sample(out_dir: str | Path) -> list[Path]:
    """Write the sample tables to ``out_dir`` as the export of a petition system would.

    The register is written as GB18030 CSV (as Windows exports are), the two other tables as
    UTF-8 with BOM; dates as ISO text, ``\\n`` line endings, no index. Returns the paths written,
    in the order of :data:`SAMPLE_FILES`. Same input, same bytes: nothing depends on the clock.
    """
    from ..budget import sample_budget
    from ..fileio import write_bytes_atomic

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = build_sample()
    paths = []
    for key, name in SAMPLE_FILES.items():
        encoding = "gb18030" if key == "register" else "utf-8-sig"
        text = tables[key].to_csv(index=False, lineterminator="\n")
        paths.append(write_bytes_atomic(out / name, text.encode(encoding)))
    budget = sample_budget(2023).to_csv(index=False, lineterminator="\n")
    paths.append(write_bytes_atomic(out / BUDGET_FILE, budget.encode("utf-8-sig")))
    return paths


# --------------------------------------------------------------------------------------------
# Scale: a register of any size for benchmarks (not calibrated to a report)

def _synthetic_units(n: int) -> list[dict]:
    """``n`` units as a province has them: about 85 ％ 乡镇街道, the rest 区直部门 (names made up)."""
    towns = n - n * 15 // 100
    suffixes = ("街道", "镇", "乡")
    units = [{"name": f"示例{i + 1:04d}{suffixes[i % 3]}", "kind": "乡镇街道", "aliases": []} for i in range(towns)]
    units += [{"name": f"示例部门{i + 1:04d}局", "kind": "区直部门", "aliases": []} for i in range(n - towns)]
    return units


def build_synthetic(units: int = 2_000, rows: int = 1_000_000, *, start: str = "2022-01-01",
                    end: str = "2023-12-31", seed: int = SEED) -> dict:
    """A valid register of ``rows`` registrations spread over ``units`` units, for scale benchmarks.

    Vectorised (a million rows in seconds); the registrations fall between ``start`` and
    ``end`` (two years by default: a report year and its 上年同期), the units' volumes are
    skewed as in real exports (a few busy 街道, many quiet 乡), channels, levels, domains and
    the handling follow the sample's shares. Nothing is calibrated to a report.

    Returns ``{"register": DataFrame with REGISTER_COLUMNS, "units": {"district": …, "units": […]}}``
    (the second is the matching unit register, as ``units.yaml`` holds it).

    >>> data = build_synthetic(units=30, rows=2_000)
    >>> len(data["register"]), len(data["units"]["units"]), bool(data["register"]["责任单位"].isin(
    ...     [u["name"] for u in data["units"]["units"]]).all())
    (2000, 30, True)
    """
    rng = np.random.default_rng(seed)
    unit_list = _synthetic_units(units)
    names = np.array([u["name"] for u in unit_list], dtype=object)
    weight = rng.pareto(1.5, units) + 0.2
    unit_idx = rng.choice(units, size=rows, p=weight / weight.sum())
    first_day = np.datetime64(start)
    days = int((np.datetime64(end) - first_day).astype(int)) + 1
    reg = first_day + np.sort(rng.integers(0, days, rows)).astype("timedelta64[D]")
    # a matter recurs within its unit: about one registration in five is a 重件 of an earlier one
    order = np.lexsort((reg, unit_idx))  # by unit, then date
    back = np.arange(rows) - rng.integers(1, 40, rows)  # an earlier registration of the same unit
    ok = (back >= 0) & (rng.random(rows) < 0.2)
    ok[ok] = unit_idx[order[back[ok]]] == unit_idx[order[ok.nonzero()[0]]]
    matter = np.arange(rows)
    matter[order[ok]] = order[back[ok]]
    while True:  # follow the chains to the 初件
        nxt = matter[matter]
        if (nxt == matter).all():
            break
        matter = nxt
    repeat = matter != np.arange(rows)
    kinds = list(_KINDS)
    kind = rng.choice(len(kinds), size=rows, p=np.array([3, 1, 8, 3, 3, 8, 6, 1, 12, 8, 6, 10, 6], float) / 75)
    level = np.array([_KINDS[k][0] for k in kinds], dtype=object)[kind]
    channel = np.array([_KINDS[k][1] for k in kinds], dtype=object)[kind]
    persons = np.ones(rows, dtype="int64")
    visits = channel == "来访"
    persons[visits] = rng.choice([1, 1, 1, 2, 3, 4, 6], size=int(visits.sum()))
    group = kind == kinds.index("CG")
    persons[group] = 5 + rng.geometric(1 / 10, size=int(group.sum())) - 1
    decided = rng.random(rows) < 0.97
    accepted = decided & ~repeat & (rng.random(rows) < 0.85)
    acc = reg + np.minimum(rng.geometric(0.22, rows) - 1, 15).astype("timedelta64[D]")
    ext = np.where(accepted & (rng.random(rows) < 0.1), rng.choice([5, 10, 15, 20, 30], rows), 0)
    replied = accepted & (rng.random(rows) < 0.92)
    rep = acc + rng.integers(4, 59, rows).astype("timedelta64[D]")
    evaluated = replied & (rng.random(rows) < 0.95)
    decision = np.where(~decided, None, np.where(repeat, "不再受理", np.where(accepted, "受理", "不予受理")))

    def iso(values, mask=None):
        out = np.datetime_as_string(values, unit="D").astype(object)
        if mask is not None:
            out[~mask] = None
        return out

    domains = np.array(_DOMAINS, dtype=object)[rng.choice(len(_DOMAINS), size=rows, p=_DOMAIN_W / _DOMAIN_W.sum())]
    purposes = np.where(rng.random(rows) < 0.55, "求决",
                        np.array(_OTHER_PURPOSES, dtype=object)[rng.choice(3, size=rows, p=_OTHER_PURPOSE_P)])
    year = reg.astype("datetime64[Y]").astype(int) + 1970
    register = pd.DataFrame({
        "信访件编号": [f"SJ{y}-{i:07d}" for y, i in zip(year, range(rows))],
        "信访事项编号": [f"SM-{m:07d}" for m in matter],
        "登记日期": iso(reg), "登记层级": level, "信访形式": channel, "人数": persons,
        "责任单位": names[unit_idx], "问题领域": domains, "信访目的": purposes,
        "初重件": np.where(repeat, "重件", "初件"), "办理方式": decision,
        "受理日期": iso(acc, decided), "延期天数": pd.array(np.where(accepted, ext, 0), dtype="Int64"),
        "答复日期": iso(rep, replied),
        "评价结果": np.where(evaluated, rng.choice(np.array(["满意", "基本满意", "不满意"], dtype=object), rows,
                                                   p=[0.8, 0.18, 0.02]), None),
        "信访人": "王甲子", "证件号码": "430599199001010000", "联系电话": "19900000000",
        "住址": "示例路1号", "诉求摘要": "反映问题",
    }, columns=REGISTER_COLUMNS)
    register.loc[~accepted, "延期天数"] = pd.NA
    return {"register": register, "units": {"district": "示例省", "units": unit_list}}
