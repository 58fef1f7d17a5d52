"""Synthetic sample data (样例数据), calibrated to the 2023 report of 大祥区.

The three tables are made up: every petitioner, id number, phone number and address is fake
(names are a surname plus a 干支 pair such as 王甲子, id numbers start with the non-existent
division code 430599, phone numbers start with 19900, addresses lie on 示例路). They are
calibrated so that the indicator catalogue of DESIGN.md §5, applied to the period
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

import bisect
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "SEED",
    "SAMPLE_FILES",
    "REGISTER_COLUMNS",
    "CAMPAIGN_COLUMNS",
    "BEIJING_COLUMNS",
    "PII_COLUMNS",
    "build_sample",
    "write_sample",
]

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

#: Headers of the 信访事项登记表, in export order (DESIGN.md §3.1).
REGISTER_COLUMNS = [
    "信访件编号", "信访事项编号", "登记日期", "登记层级", "信访形式", "人数", "责任单位", "问题领域",
    "信访目的", "初重件", "办理方式", "受理日期", "延期天数", "答复日期", "评价结果",
    "信访人", "证件号码", "联系电话", "住址", "诉求摘要",
]
#: Headers of the 治重化积交办件 table (DESIGN.md §3.2).
CAMPAIGN_COLUMNS = ["交办批次", "信访事项编号", "责任单位", "是否汇报", "审核化解", "化解日期"]
#: Headers of the 进京上访台账 (DESIGN.md §3.2).
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
class _Generator:
    """Builds the rows block by block; all randomness comes from one generator."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.matters: list[dict] = []
        self.rows: list[dict] = []
        self.campaign: list[tuple[int, int]] = []  # (batch, matter index)
        self.pending_units: dict[str, list[str]] = {}  # fixed units of a kind's 重件

    # ---- small helpers --------------------------------------------------------------------
    def _dates(self, lo: int, hi: int, n: int, profile: tuple[float, ...]) -> np.ndarray:
        days = np.arange(lo, hi + 1)
        w = np.asarray(profile)[_MONTH_OF[days - _MONTH_BASE] - 1]
        return self.rng.choice(days, size=n, p=w / w.sum())

    def _pick(self, options: tuple, weights: tuple[float, ...] | np.ndarray | None = None):
        """One of ``options`` (weighted); much faster than ``rng.choice`` for single draws."""
        if weights is None:
            return options[int(self.rng.integers(0, len(options)))]
        cum = np.cumsum(weights, dtype=float)
        return options[min(bisect.bisect_right(cum.tolist(), self.rng.random() * cum[-1]),
                           len(options) - 1)]

    def _int(self, lo: int, hi: int) -> int:
        """Uniform integer in [lo, hi]."""
        return int(self.rng.integers(lo, hi + 1))

    def _decision_delay(self, room: int) -> int:
        """Days from registration to the acceptance decision: mostly a few, at most 15."""
        return min(int(self.rng.geometric(0.22)) - 1, 15, room)

    def _domain(self, unit: str, kind: str, reg: int, block: _Block) -> str:
        if unit in _DEPT_DOMAINS:
            names, p = _DEPT_DOMAINS[unit]
            return self._pick(names, p)
        surge = (block.name == "2023" and kind == "NO" and reg >= dt.date(2023, 5, 1).toordinal())
        if surge and self.rng.random() < 0.35:  # training-school and online-finance groups
            return self._pick(("教育就学", "涉众金融"))
        w = _DOMAIN_W_RURAL if unit in _RURAL else _DOMAIN_W
        return self._pick(_DOMAINS, w)

    def _persons(self, kind: str) -> int:
        if kind == "CG":
            return 5 + int(self.rng.geometric(1 / 10)) - 1
        if kind == "CI":
            return self._pick((1, 2, 3, 4), (0.7, 0.2, 0.07, 0.03))
        if kind in ("SV", "DV"):
            return self._pick((1, 2, 3, 6), (0.72, 0.18, 0.07, 0.03))
        if kind in ("SL", "DL"):
            return self._pick((1, 2, 3), (0.94, 0.04, 0.02))
        return 1

    # ---- one block --------------------------------------------------------------------------
    def block(self, b: _Block) -> None:
        first_matter = len(self.matters)
        for kind, plan in b.plans.items():
            self._initial(b, kind, plan)
        own = range(first_matter, len(self.matters))
        older = range(0, first_matter)
        for kind, plan in b.plans.items():
            self._repeats(b, kind, plan, own, older)
        for kind, persons in b.city_persons.items():
            idx = [i for i, r in enumerate(self.rows) if r["block"] == b.name and r["kind"] == kind]
            assert len(idx) == len(persons), (kind, len(idx), len(persons))
            for i, p in zip(idx, self.rng.permutation(np.array(persons))):
                self.rows[i]["persons"] = int(p)

    def _initial(self, b: _Block, kind: str, plan: _KindPlan) -> None:
        start = (b.national_start if kind in _NATIONAL else b.start).toordinal()
        end = b.end.toordinal()
        windows = {"ok": (start, end - 11), "unres": (start, end - 75), "na": (start, end),
                   "late": (end - 70, end - 16), "und": (end - 14, end)}
        units = list(b.nv_units) if kind == "NV" and b.nv_units else []
        if units:  # the first ones go to 初件, the rest to 重件 (see _repeats)
            units = [units[i] for i in self.rng.permutation(len(units))]
            n_initial = sum(n for n, _ in plan.initial.values())
            self.pending_units[kind] = units[n_initial:]
            units = units[:n_initial]
        for outcome, (n, q) in plan.initial.items():
            lo, hi = windows[outcome]
            dates = self._dates(lo, hi, n, b.profiles.get(kind, b.profile))
            purposes = ["求决"] * q + list(self.rng.choice(_OTHER_PURPOSES, size=n - q,
                                                          p=_OTHER_PURPOSE_P))
            purposes = [str(purposes[i]) for i in self.rng.permutation(n)]
            for reg, purpose in zip((int(d) for d in dates), purposes):
                unit = units.pop(0) if units else self._pick(_UNIT_NAMES, _UNIT_P)
                m = {"kind": kind, "unit": unit, "purpose": purpose, "reg": reg,
                     "outcome": outcome, "block": b.name, "reply": None, "levels": set()}
                m["domain"] = self._domain(unit, kind, reg, b)
                self.matters.append(m)
                row = self._row(b, kind, len(self.matters) - 1, reg, first=True)
                self._decide(row, m, b)
                self.rows.append(row)

    def _row(self, b: _Block, kind: str, matter: int, reg: int, first: bool) -> dict:
        level, channel = _KINDS[kind]
        self.matters[matter]["levels"].add(level)
        return {"block": b.name, "kind": kind, "matter": matter, "reg": reg, "level": level,
                "channel": channel, "persons": self._persons(kind), "first": first,
                "decision": None, "acc": None, "ext": None, "reply": None, "eval": None}

    def _decide(self, row: dict, m: dict, b: _Block) -> None:
        """Decision, extension and reply of an 初件 according to its outcome."""
        end = b.end.toordinal()
        reg, outcome = row["reg"], m["outcome"]
        if outcome == "und":
            return
        if outcome == "na":
            row["decision"] = "不予受理"
            row["acc"] = reg + self._decision_delay(end - reg)
            return
        row["decision"] = "受理"
        ext = 0
        if self.rng.random() < 0.1:
            ext = self._pick((5, 10, 15, 20, 30))
        row["ext"] = ext
        if outcome == "late":  # decided late in the block: not due by its end
            acc = max(reg + self._decision_delay(15), end - 59)
            row["acc"] = acc
            if self.rng.random() < b.replies_after_end:
                hi = min(acc + 60 + ext, _REPLY_LIMIT.toordinal())
                row["reply"] = self._int(end + 1, hi)
            m["reply"] = row["reply"]
            return
        acc = reg + self._decision_delay(end - reg)
        row["acc"] = acc
        last = end - 5 if outcome == "unres" else end  # room for a registration after the reply
        room = min(60 + ext, last - acc)
        if ext and last - acc > 60 and self.rng.random() < 0.7:
            off = self._int(61, room)  # the extension is what keeps it on time
        else:
            off = self._int(min(4, room), min(room, 58))
        row["reply"] = acc + off
        m["reply"] = acc + off

    def _repeats(self, b: _Block, kind: str, plan: _KindPlan, own: range, older: range) -> None:
        end = b.end.toordinal()
        same = [i for i in own if self.matters[i]["kind"] == kind]
        fixed_units = self.pending_units.pop(kind, [])
        assert not fixed_units or len(fixed_units) == plan.repeats.get("A", 0) == sum(
            plan.repeats.values()), "fixed units only for repeats of older matters"
        hosts_unres = [i for i in same if self.matters[i]["outcome"] == "unres"]
        hosts_b = [i for i in same if self.matters[i]["outcome"] == "ok"
                   and self.matters[i]["reply"] - self.matters[i]["reg"] >= 4]
        hosts_c = [i for i in same if self.matters[i]["outcome"] in ("na", "late", "und")
                   and self.matters[i]["reg"] < end]
        campaign = {i for _, i in self.campaign}
        hosts_a = [i for i in older if i not in campaign]
        profile = b.profiles.get(kind, b.profile)
        slots: list[tuple[int, int]] = []  # (matter, date)
        # D: each unresolved matter at least once after its reply, the rest at random
        n_d = plan.repeats.get("D", 0)
        assert n_d >= len(hosts_unres), (b.name, kind)
        for k in range(n_d):
            h = hosts_unres[k] if k < len(hosts_unres) else self._pick(hosts_unres)
            slots.append((h, self._int(self.matters[h]["reply"] + 1, end)))
        # B: while the matter is in handling, strictly between 初件 and reply
        if plan.repeats.get("B", 0):
            chosen = self.rng.choice(hosts_b, size=min(len(hosts_b), max(1, plan.repeats["B"] // 2)),
                                     replace=False)
            for _ in range(plan.repeats["B"]):
                h = int(self._pick(chosen))
                m = self.matters[h]
                slots.append((h, self._int(m["reg"] + 1, m["reply"] - 1)))
        # C: matters without a reply (不予受理, late, undecided)
        for _ in range(plan.repeats.get("C", 0)):
            h = self._pick(hosts_c)
            slots.append((h, self._int(self.matters[h]["reg"] + 1, end)))
        # A: matters begun in an earlier block, preferably of the same kind (and unit, if fixed)
        n_a = plan.repeats.get("A", 0)
        if n_a:
            a_dates = self._dates(b.repeat_start.toordinal(), end, n_a, profile)
            same_kind = [i for i in hosts_a if self.matters[i]["kind"] == kind]
            favourites = list(self.rng.choice(same_kind, size=max(1, len(same_kind) // 2),
                                              replace=False)) if same_kind else []
            for k in range(n_a):
                if fixed_units:
                    unit = fixed_units[k]
                    pool = [i for i in hosts_a if self.matters[i]["unit"] == unit]
                    pool = [i for i in pool if self.matters[i]["kind"] in _NATIONAL] or pool
                else:
                    pool = favourites or hosts_a
                slots.append((int(self._pick(pool)), int(a_dates[k])))
        for h, date in slots:
            row = self._row(b, kind, h, date, first=False)
            row["decision"] = "不再受理"
            row["acc"] = date + self._decision_delay(end - date)
            self.rows.append(row)

    # ---- campaign, evaluations --------------------------------------------------------------
    def choose_campaign(self) -> None:
        """治重化积: 126 + 15 older matters that reached the national bureau; none recurs."""
        cands = [i for i, m in enumerate(self.matters) if "国家" in m["levels"]
                 and m["kind"] in ("NO", "NL")]
        order = self.rng.permutation(len(cands))
        picked = [cands[i] for i in order[:141]]
        picked.sort(key=lambda i: self.matters[i]["reg"])
        self.campaign = [(1 if k < 60 else 2 if k < 126 else 3, i) for k, i in enumerate(picked)]

    def evaluate(self, start: dt.date, end: dt.date) -> None:
        """评价结果: calibrated over P (6 未评价, 5 不满意), free elsewhere."""
        s, e = start.toordinal(), end.toordinal()
        in_p = [r for r in self.rows if r["reply"] is not None and s <= r["reg"] <= e
                and r["reply"] <= e]
        other = [r for r in self.rows if r["reply"] is not None and not (
            s <= r["reg"] <= e and r["reply"] <= e)]
        values = [None] * 6 + ["不满意"] * 5
        values += [str(v) for v in self.rng.choice(("满意", "基本满意"), size=len(in_p) - 11,
                                                   p=(0.82, 0.18))]
        for r, k in zip(in_p, self.rng.permutation(len(in_p))):
            r["eval"] = values[k]
        for r in other:
            r["eval"] = self._pick(("满意", "基本满意", "不满意", None), (0.8, 0.17, 0.015, 0.015))


# --------------------------------------------------------------------------------------------
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
             "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾")
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_STREETS = ("示例路", "样本街", "虚拟巷", "演示大道")


def _id_check_digit(body: str) -> str:
    """GB 11643 check character of the first 17 digits."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def _pii(n: int, rng: np.random.Generator) -> dict[str, list[str]]:
    """Fake, unique personal data for ``n`` rows (obviously fake, realistic in shape)."""
    names = [s + a + z for s in _SURNAMES for a in _STEMS for z in _BRANCHES]
    assert n <= len(names) and n <= 18250
    names = [names[i] for i in rng.permutation(len(names))[:n]]
    ids, phones, addresses = [], [], []
    base = dt.date(1950, 1, 1).toordinal()
    for i in range(n):
        birth = dt.date.fromordinal(base + (i * 37) % 18250)  # unique per row
        body = f"430599{birth:%Y%m%d}{int(rng.integers(0, 1000)):03d}"
        ids.append(body + _id_check_digit(body))
        phones.append(f"19900{i:06d}")
        addresses.append(f"湖南省邵阳市大祥区{_STREETS[i % 4]}{i // 4 + 1}号")
    return {"信访人": names, "证件号码": ids, "联系电话": phones, "住址": addresses}


def _iso(ordinal: int | None) -> str | None:
    return None if ordinal is None else dt.date.fromordinal(int(ordinal)).isoformat()


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
    Over the period 2022-12-28 … 2023-12-31 the calibers of DESIGN.md §5 give the figures of
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
    return {"register": register, "campaign": campaign_df, "beijing": beijing}


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
    from .budget import sample_budget
    from .fileio import write_bytes_atomic

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
