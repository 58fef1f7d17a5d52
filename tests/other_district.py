"""A hand-made export of another district (青山区), written with pandas as users' systems write
them: an .xlsx with Excel date cells, personal-data columns, and one unit under two spellings
(区住建局 beside 区住房和城乡建设局). Its first year is 2024; none of its units is 大祥区's.

Deterministic: the same rows every time (a seeded generator), so tests can count on them.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

DISTRICT = "青山区"
TOWNS = ["青山街道", "湖滨街道", "东岭街道", "江口镇", "白沙镇", "石门乡"]
DEPARTMENTS = ["区住房和城乡建设局", "区人力资源和社会保障局", "区教育局", "区自然资源局"]
UNITS = TOWNS + DEPARTMENTS
ALIAS = ("区住建局", "区住房和城乡建设局")
YEARS = (2024, 2025)
DOMAINS = ["城乡建设", "劳动社保", "教育文体", "国土资源", "农业农村", "民政卫生"]
#: personal data written into the export, never to appear in anything xinfang writes
PII = {"names": ["王某甲", "李某乙", "赵某丙"], "ids": ["430102198001010018", "430102197502020027"],
       "phones": ["13912345678", "18687654321"], "addresses": ["青山区江口镇幸福村3组", "青山区湖滨路8号"]}
HEADERS = ["信访件编号", "信访事项编号", "登记日期", "登记层级", "信访形式", "人数", "责任单位", "问题领域",
           "信访目的", "初重件", "办理方式", "受理日期", "延期天数", "答复日期", "评价结果",
           "信访人", "证件号码", "联系电话", "住址", "诉求摘要"]


def export_frame(seed: int = 2024) -> pd.DataFrame:
    """The register export of 青山区, 2024-01-02 to 2025-12-30, one row per registration."""
    rng = np.random.default_rng(seed)
    rows = []
    n = 0
    for year in YEARS:
        for u, unit in enumerate(UNITS):
            count = 18 + 3 * u + (6 if year == 2025 else 0)
            for i in range(count):
                n += 1
                day = dt.date(year, 1, 2) + dt.timedelta(days=int(rng.integers(0, 363)))
                level = str(rng.choice(["国家", "省", "市", "区"], p=[0.3, 0.15, 0.25, 0.3]))
                channel = str(rng.choice(["来信", "来访", "网上信访"], p=[0.3, 0.3, 0.4]))
                persons = int(rng.integers(5, 9)) if channel == "来访" and level == "市" and i % 5 == 0 else 1
                repeat = i % 9 == 8 and rows
                matter = rows[-1]["信访事项编号"] if repeat else f"QSM{year}-{n:05d}"
                decision = "不再受理" if repeat else str(rng.choice(["受理", "不予受理"], p=[0.92, 0.08]))
                late_unit = unit in ("江口镇", "区人力资源和社会保障局")
                accepted = day + dt.timedelta(days=int(rng.integers(0, 12 if not late_unit else 25)))
                replied, evaluation = None, ""
                if decision == "受理":
                    replied = accepted + dt.timedelta(days=int(rng.integers(10, 58 if not late_unit else 80)))
                    evaluation = str(rng.choice(["满意", "基本满意", "不满意", ""], p=[0.8, 0.1, 0.05, 0.05]))
                shown_unit = ALIAS[0] if unit == ALIAS[1] and i % 3 == 0 else unit
                rows.append({
                    "信访件编号": f"QS{year}-{n:06d}", "信访事项编号": matter, "登记日期": day,
                    "登记层级": level, "信访形式": channel, "人数": persons, "责任单位": shown_unit,
                    "问题领域": DOMAINS[(u + i) % len(DOMAINS)], "信访目的": "求决" if i % 4 else "建议意见",
                    "初重件": "重件" if repeat else "初件", "办理方式": decision, "受理日期": accepted,
                    "延期天数": 0, "答复日期": replied, "评价结果": evaluation,
                    "信访人": PII["names"][n % 3], "证件号码": PII["ids"][n % 2], "联系电话": PII["phones"][n % 2],
                    "住址": PII["addresses"][n % 2], "诉求摘要": "反映住房和社保问题",
                })
    frame = pd.DataFrame(rows, columns=HEADERS)
    frame = frame.sort_values(["登记日期", "信访件编号"], kind="stable").reset_index(drop=True)
    for col in ("登记日期", "受理日期", "答复日期"):
        frame[col] = pd.to_datetime(frame[col])
    return frame


def write_export(path: Path, seed: int = 2024) -> Path:
    """Write the export as .xlsx (or .csv for a ``.csv`` path) and return its path."""
    frame = export_frame(seed)
    path = Path(path)
    if path.suffix == ".csv":
        frame.to_csv(path, index=False, date_format="%Y-%m-%d", encoding="utf-8")
    else:
        frame.to_excel(path, index=False, sheet_name="信访事项登记表")
    return path


def pii_values() -> list[str]:
    return [v for values in PII.values() for v in values]
