"""Synthetic sample data (样例数据), calibrated to the 2023 report of 大祥区.

The three tables are made up: every petitioner, id number, phone number and address is fake
(names are a surname plus a 干支 pair such as 王甲子, id numbers start with the non-existent
division code 430599, phone numbers start with 19900, addresses lie on 示例路). They are
calibrated so that the indicator catalogue of docs/architecture.md §4, applied to the period
2022-12-28 … 2023-12-31, gives exactly the figures of section 一 of the original report
(508 件人次 to the national bureau, 27.56 ％ of 1,843 registrations, 321.43 ％ repeat rate …).
``seeds/README.md`` explains which rows realise which figure.

Nothing here reads a clock or the file system: :func:`build_sample` is a pure function of the
constant :data:`SEED`, so two calls return equal frames and the written files are byte-identical.

How the register is built
-------------------------
Registrations are generated in three blocks of dates: 2021-01-01 … 2021-12-27,
2021-12-28 … 2022-12-27 (the comparison period P′) and 2022-12-28 … 2023-12-31 (the period P).
Registrations are grouped by *kind* (登记层级 × 信访形式, the city visits split into 集访 with
≥ 5 persons and 个访). A block fixes for each kind:

* how many 初件 it has, by *outcome*, and how many of them are 求决:
  ``ok`` (受理, replied by the block end, no later registration of the matter: resolved once),
  ``unres`` (受理, replied, registered again after the reply: not resolved once),
  ``na`` (不予受理), ``late`` (受理 late in the block, replied after its end or not yet),
  ``und`` (registered in the last 14 days, not yet decided);
* how many 重件 it has, by *type*: ``A`` a matter that began in an earlier block,
  ``B`` a matter of the same kind still in handling (between its 初件 and the reply),
  ``C`` a matter of the same kind that has no reply (不予受理 / late / undecided),
  ``D`` a matter of the same kind after its reply (every ``unres`` matter gets at least one).

Every 重件 is decided 不再受理 and has no reply of its own. Decisions come within 15 days,
replies within 60 days plus the extension, so 及时受理率 and 按期答复率 are 100 ％.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

#: Seed of the only random generator used; change it and every figure must be re-verified.
SEED = 20231231

#: File name of each sample table (the keys are those of :func:`build_sample`).
SAMPLE_FILES = {
    "register": "信访事项登记表.csv",
    "campaign": "治重化积交办件.csv",
    "beijing": "进京上访台账.csv",
}

#: File name of the sample 预算执行表 (made by :func:`xinfang.budget.sample_budget`).
BUDGET_FILE = "预算执行表.csv"

#: Headers of the 信访事项登记表, in export order (docs/architecture.md §4).
REGISTER_COLUMNS = [
    "信访件编号", "信访事项编号", "登记日期", "登记层级", "信访形式", "人数", "责任单位", "问题领域",
    "信访目的", "初重件", "办理方式", "受理日期", "延期天数", "答复日期", "评价结果",
    "信访人", "证件号码", "联系电话", "住址", "诉求摘要",
]
#: Headers of the 治重化积交办件 table (docs/architecture.md §4).
CAMPAIGN_COLUMNS = ["交办批次", "信访事项编号", "责任单位", "是否汇报", "审核化解", "化解日期"]
#: Headers of the 进京上访台账 (docs/architecture.md §4).
BEIJING_COLUMNS = ["日期", "责任单位", "人数", "是否登记"]
#: Personal information of petitioners: fake here, dropped at load by the library.
PII_COLUMNS = ("信访人", "证件号码", "联系电话", "住址")

# --------------------------------------------------------------------------------------------
# The unit register of the sample (must agree with params/units.yaml): name, kind, aliases,
# weight of new matters.
_UNITS: tuple[tuple[str, str, tuple[str, ...], float], ...] = (
    ("中心路街道", "乡镇街道", ("中心路",), 5),
    ("红旗路街道", "乡镇街道", ("红旗路",), 5),
    ("城北路街道", "乡镇街道", ("城北路",), 5),
    ("城西街道", "乡镇街道", ("城西",), 6),
    ("翠园街道", "乡镇街道", ("翠园",), 5),
    ("百春园街道", "乡镇街道", ("百春园",), 7),
    ("城南街道", "乡镇街道", ("城南",), 12),
    ("火车南站街道", "乡镇街道", ("火车南站",), 8),
    ("学院路街道", "乡镇街道", ("学院路",), 7),
    ("雨溪街道", "乡镇街道", ("雨溪",), 6),
    ("檀江街道", "乡镇街道", ("檀江",), 5),
    ("罗市镇", "乡镇街道", ("罗市",), 4),
    ("蔡锷乡", "乡镇街道", ("蔡锷",), 3),
    ("板桥乡", "乡镇街道", ("板桥",), 3),
    ("区住房和城乡建设局", "区直部门", ("区住建局",), 5),
    ("区人力资源和社会保障局", "区直部门", ("区人社局",), 3),
    ("区教育局", "区直部门", (), 3),
    ("区卫生健康局", "区直部门", ("区卫健局",), 2),
    ("区退役军人事务局", "区直部门", ("区退役军人局",), 2),
    ("区市场监督管理局", "区直部门", ("区市场监管局",), 2),
    ("区民政局", "区直部门", (), 2),
)
_UNIT_NAMES = tuple(u[0] for u in _UNITS)
_UNIT_P = np.array([u[3] for u in _UNITS], dtype=float) / sum(u[3] for u in _UNITS)
_ALIASES = {u[0]: u[2] for u in _UNITS}
_RURAL = {"罗市镇", "蔡锷乡", "板桥乡"}

_DOMAINS = ("城乡建设", "住房保障", "涉众金融", "劳动保障", "教育就学", "民生医疗",
            "农业农村", "自然资源", "退役军人", "政法", "其他")
_DOMAIN_W = np.array([22, 15, 11, 12, 10, 9, 6, 5, 4, 4, 2], dtype=float)
_DOMAIN_W_RURAL = _DOMAIN_W + np.array([0, 0, 0, 0, 0, 0, 10, 5, 0, 0, 0])
_DEPT_DOMAINS = {
    "区住房和城乡建设局": (("城乡建设", "住房保障"), (0.6, 0.4)),
    "区人力资源和社会保障局": (("劳动保障",), (1.0,)),
    "区教育局": (("教育就学",), (1.0,)),
    "区卫生健康局": (("民生医疗",), (1.0,)),
    "区退役军人事务局": (("退役军人",), (1.0,)),
    "区市场监督管理局": (("涉众金融", "其他"), (0.6, 0.4)),
    "区民政局": (("民生医疗", "其他"), (0.5, 0.5)),
}
_SUMMARIES = {
    "城乡建设": ("反映小区物业维修问题", "反映房屋征收补偿问题", "反映道路施工扰民问题",
             "反映老旧小区改造进度问题", "反映违章建筑未处理问题"),
    "住房保障": ("反映公租房分配问题", "反映商品房逾期交房问题", "反映不动产权证办理问题",
             "反映棚户区改造安置问题"),
    "涉众金融": ("反映某网络公司理财兑付问题", "反映非法集资资金追缴问题", "反映某投资公司退款问题"),
    "劳动保障": ("反映拖欠农民工工资问题", "反映社保补缴问题", "反映工伤认定问题", "反映劳动合同纠纷问题"),
    "教育就学": ("反映某培训学校退费问题", "反映子女入学学位问题", "反映民办学校办学资质问题"),
    "民生医疗": ("反映医疗费用报销问题", "反映医疗纠纷处理问题", "反映低保申请问题"),
    "农业农村": ("反映土地承包经营权纠纷问题", "反映农村宅基地审批问题", "反映灌溉水渠维修问题"),
    "自然资源": ("反映征地补偿标准问题", "反映山林权属争议问题"),
    "退役军人": ("反映退役安置待遇问题", "反映优抚对象补助问题"),
    "政法": ("反映案件执行进度问题", "反映派出所处警不当问题", "反映涉法涉诉案件复查问题"),
    "其他": ("建议增设公交站点", "反映夜间噪音扰民问题"),
}
# Two summaries with markup-like characters, to exercise escaping in reports and tables.
_TRICKY_SUMMARIES = ("反映小区<b>物业</b>费收取问题", "反映A&B商贸公司拖欠货款问题")
_OTHER_PURPOSES = ("申诉", "检举控告", "建议意见")
_OTHER_PURPOSE_P = np.array([0.45, 0.27, 0.28])

# Kinds of registration: 登记层级, 信访形式.
_KINDS = {
    "NL": ("国家", "来信"), "NV": ("国家", "来访"), "NO": ("国家", "网上信访"),
    "SL": ("省", "来信"), "SV": ("省", "来访"), "SO": ("省", "网上信访"),
    "CL": ("市", "来信"), "CG": ("市", "来访"), "CI": ("市", "来访"), "CO": ("市", "网上信访"),
    "DL": ("区", "来信"), "DV": ("区", "来访"), "DO": ("区", "网上信访"),
}
_NATIONAL = ("NL", "NV", "NO")

_REPLY_LIMIT = dt.date(2024, 3, 31)
_MONTH_BASE = dt.date(2020, 1, 1).toordinal()
_MONTH_OF = np.array([dt.date.fromordinal(_MONTH_BASE + i).month for i in range(366 * 5)])  # the day the sample was "exported": no date after it
_FLAT = (0.9, 0.8, 1.0, 1.0, 1.05, 1.05, 1.0, 1.0, 1.0, 1.05, 1.05, 1.0)
_RISE = (0.8, 0.7, 0.85, 0.85, 1.2, 1.25, 1.2, 1.2, 1.15, 1.15, 1.2, 1.15)  # up from May 2023
_SURGE = (0.5, 0.45, 0.55, 0.6, 1.5, 1.6, 1.5, 1.5, 1.4, 1.4, 1.4, 1.3)  # online, from May 2023


@dataclass(frozen=True)
class _KindPlan:
    """初件 by outcome as (count, of which 求决) and 重件 by type (see the module docstring)."""

    initial: dict[str, tuple[int, int]]
    repeats: dict[str, int]


@dataclass(frozen=True)
class _Block:
    name: str
    start: dt.date
    end: dt.date
    national_start: dt.date  # no national registration before (keeps P and P′ disjoint)
    repeat_start: dt.date  # earliest date of a repeat of an older matter (type A)
    plans: dict[str, _KindPlan]
    profile: tuple[float, ...]
    profiles: dict[str, tuple[float, ...]] = field(default_factory=dict)
    nv_units: tuple[str, ...] = ()  # fixed units of the national visits (初件 first, then 重件)
    city_persons: dict[str, tuple[int, ...]] = field(default_factory=dict)
    replies_after_end: float = 1.0  # share of `late` matters replied after the block end


def _older_plan(n: int, q: int, reps: int, older: bool) -> _KindPlan:
    """A free plan of a block outside P: outcome shares fixed, 求决 spread proportionally."""
    shares = {"unres": 0.04, "na": 0.09, "late": 0.07}
    counts = {o: int(n * s) for o, s in shares.items()}
    counts = {"ok": n - sum(counts.values()), **counts}
    qs = {o: int(round(c * q / n)) for o, c in counts.items() if o != "ok"}
    qs = {"ok": q - sum(qs.values()), **qs}
    initial = {o: (c, qs[o]) for o, c in counts.items() if c}
    d = min(reps, max(counts["unres"], round(0.08 * reps))) if counts["unres"] else 0
    c = round(0.3 * reps) if counts["na"] + counts["late"] else 0
    a = round(0.35 * reps) if older else 0
    return _KindPlan(initial, {"D": d, "C": c, "A": a, "B": reps - d - c - a})


def _blocks() -> list[_Block]:
    """The three blocks of registrations; P is calibrated to the original report."""
    # (initial, of which 求决, repeats) per kind
    y2021 = {"NL": (15, 6, 22), "NV": (8, 5, 4), "NO": (100, 50, 40), "SL": (35, 19, 4),
             "SV": (30, 16, 5), "SO": (90, 48, 8), "CL": (60, 33, 5), "CG": (18, 14, 30),
             "CI": (260, 150, 60), "CO": (70, 38, 6), "DL": (50, 27, 4), "DV": (100, 55, 10),
             "DO": (50, 27, 4)}
    # P′: national 261 = 53 + 16 + 192, 求决类初次 77 = 8 + 7 + 62
    y2022 = {"NL": (20, 8, 33), "NV": (10, 7, 6), "NO": (120, 62, 72), "SL": (40, 22, 6),
             "SV": (35, 19, 8), "SO": (110, 60, 12), "CL": (65, 36, 8), "CG": (20, 16, 40),
             "CI": (300, 170, 80), "CO": (90, 50, 10), "DL": (55, 30, 6), "DV": (110, 60, 12),
             "DO": (60, 33, 5)}
    kp = _KindPlan
    p2023 = {
        # 国家来信 156 = 28 初件 (D) + 90 重件 of them (N) + 38 重件 of older matters; 20/25 resolved
        "NL": kp({"ok": (20, 11), "unres": (5, 0), "na": (2, 1), "late": (1, 0)},
                 {"D": 30, "C": 24, "B": 36, "A": 38}),
        # 国家来访 65 persons = 65 registrations of one person
        "NV": kp({"ok": (19, 12), "na": (2, 1), "late": (1, 1)}, {"A": 43}),
        # 国家网上信访 287; 119/134 初件 resolved once
        "NO": kp({"ok": (119, 66), "unres": (15, 4), "na": (20, 12), "late": (14, 10),
                  "und": (2, 2)}, {"D": 20, "C": 30, "B": 30, "A": 37}),
        # 到市集访 77 批 1,487 人次, 个访 489 批 684 人次
        "CG": kp({"ok": (15, 12), "na": (6, 5), "late": (3, 3), "und": (1, 1)},
                 {"A": 20, "B": 16, "C": 16}),
        "CI": kp({"ok": (290, 170), "unres": (3, 2), "na": (62, 34), "late": (18, 10),
                  "und": (7, 4)}, {"A": 50, "B": 30, "C": 26, "D": 3}),
        "CL": kp({"ok": (66, 37), "unres": (1, 1), "na": (9, 4), "late": (3, 2), "und": (1, 0)},
                 {"A": 4, "B": 3, "C": 2, "D": 1}),
        "CO": kp({"ok": (100, 56), "unres": (1, 0), "na": (13, 7), "late": (5, 3), "und": (1, 1)},
                 {"A": 5, "B": 4, "C": 2, "D": 1}),
        "SL": kp({"ok": (41, 23), "unres": (1, 0), "na": (4, 2), "late": (4, 2)},
                 {"A": 3, "B": 2, "C": 2, "D": 1}),
        "SV": kp({"ok": (33, 18), "unres": (1, 1), "na": (3, 2), "late": (3, 2)},
                 {"A": 4, "B": 3, "C": 2, "D": 1}),
        "SO": kp({"ok": (117, 64), "unres": (1, 0), "na": (15, 9), "late": (6, 3), "und": (1, 1)},
                 {"A": 6, "B": 5, "C": 3, "D": 1}),
        "DL": kp({"ok": (50, 28), "unres": (1, 0), "na": (4, 2), "late": (5, 3)},
                 {"A": 3, "B": 2, "C": 2, "D": 1}),
        "DV": kp({"ok": (100, 56), "unres": (1, 0), "na": (13, 7), "late": (5, 3), "und": (1, 1)},
                 {"A": 6, "B": 5, "C": 3, "D": 1}),
        "DO": kp({"ok": (62, 31), "na": (9, 4), "late": (3, 2)}, {"A": 3, "B": 2, "C": 2}),
    }
    # 国家来访 by unit: 58 to 乡镇街道 (= the 58 registered in the Beijing ledger) + 7 to 区直部门
    nv_units = (("城南街道", 27), ("火车南站街道", 7), ("百春园街道", 6), ("学院路街道", 6),
                ("罗市镇", 6), ("雨溪街道", 5), ("城西街道", 1), ("区退役军人事务局", 4),
                ("区住房和城乡建设局", 2), ("区人力资源和社会保障局", 1))
    # 个访 489 批 684 人次: 346×1 + 102×2 + 30×3 + 11×4
    individual = (1,) * 346 + (2,) * 102 + (3,) * 30 + (4,) * 11
    return [
        _Block("2021", dt.date(2021, 1, 1), dt.date(2021, 12, 27), dt.date(2021, 1, 1),
               dt.date(2021, 1, 1),
               {k: _older_plan(*v, older=False) for k, v in y2021.items()}, _FLAT),
        _Block("2022", dt.date(2021, 12, 28), dt.date(2022, 12, 27), dt.date(2021, 12, 28),
               dt.date(2022, 1, 1),
               {k: _older_plan(*v, older=True) for k, v in y2022.items()}, _FLAT),
        _Block("2023", dt.date(2022, 12, 28), dt.date(2023, 12, 31), dt.date(2023, 1, 1),
               dt.date(2023, 1, 1), p2023, _RISE, profiles={"NO": _SURGE},
               nv_units=tuple(u for u, n in nv_units for _ in range(n)),
               city_persons={"CI": individual, "CG": _fixed_sum(77, 1487, 5, SEED)},
               replies_after_end=0.65),
    ]


def _fixed_sum(n: int, total: int, low: int, seed: int) -> tuple[int, ...]:
    """``n`` group sizes ≥ ``low`` summing to exactly ``total`` (deterministic)."""
    rng = np.random.default_rng(seed + 1)
    sizes = low + rng.geometric(1 / 12, size=n) - 1
    sizes[:3] = (150, 120, 86)  # a few large groups (e.g. parents of one training school)
    diff = total - int(sizes.sum())
    i = 3
    while diff:
        step = 1 if diff > 0 else -1
        j = 3 + i % (n - 3)
        if sizes[j] + step >= low:
            sizes[j] += step
            diff -= step
        i += 1
    return tuple(int(s) for s in sizes)


# --------------------------------------------------------------------------------------------
