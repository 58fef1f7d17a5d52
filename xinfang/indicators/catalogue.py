"""The indicator catalogue (指标口径, docs/architecture.md §4): one :class:`Spec` per key.

A spec says how its figure is made of measures: it refers to :class:`~xinfang.indicators.measures.Measure`
members (checked when the spec is built), so a misspelt measure is an error at import, never a
silent "未提供数据". Notation of the calibers: R = registrations with 登记日期 in the period;
"end" = the period's last day. Volume (件人次) = count(来信) + count(网上信访) + Σ 人数(来访).
A rate whose denominator is 0 is undefined (value ``None``), never 0.
"""
from __future__ import annotations

from dataclasses import dataclass

from .measures import ACCEPT_DAYS, DUE_SOON_DAYS, GROUP_VISIT_PERSONS, REPLY_DAYS, Measure

SOURCES = ("register", "campaign", "beijing")

@dataclass(frozen=True)
class Spec:
    """One catalogue entry: how a key is made of measures."""

    key: str
    name: str
    unit: str
    numerator: Measure
    denominator: Measure | None = None
    caliber: str = ""
    source: str = "register"  # register | campaign | beijing
    yoy: bool = False

    def __post_init__(self) -> None:
        for role, measure in (("numerator", self.numerator), ("denominator", self.denominator)):
            if measure is None and role == "denominator":
                continue
            if not isinstance(measure, Measure):
                valid = "、".join(m.name for m in Measure)
                raise TypeError(f"Spec {self.key}: {role} must be a Measure member, not {measure!r} "
                                f"(valid: {valid})")
            if measure.source != self.source:
                raise ValueError(f"Spec {self.key}: {role} {measure.name} comes from the {measure.source} "
                                 f"table, not {self.source}")
        if self.source not in SOURCES:
            raise ValueError(f"Spec {self.key}: source must be one of {SOURCES}, not {self.source!r}")

    @property
    def is_rate(self) -> bool:
        return self.denominator is not None


def _campaign_specs(tag: str, label: str, batches: str) -> list[Spec]:
    return [
        Spec(f"campaign.{tag}.assigned", f"治重化积{label}交办件数", "件", Measure(f"{tag}_assigned"), None,
             f"治重化积交办件中交办批次为{batches}的件数", "campaign"),
        Spec(f"campaign.{tag}.reported", f"治重化积{label}汇报率", "%", Measure(f"{tag}_reported"), Measure(f"{tag}_assigned"),
             f"交办批次{batches}中是否汇报=是的件数 ÷ 交办件数", "campaign"),
        Spec(f"campaign.{tag}.resolved", f"治重化积{label}审核化解率", "%", Measure(f"{tag}_resolved"), Measure(f"{tag}_assigned"),
             f"交办批次{batches}中审核化解=是的件数 ÷ 交办件数", "campaign"),
        Spec(f"campaign.{tag}.repeated", f"治重化积{label}再次信访率", "%", Measure(f"{tag}_repeated"), Measure(f"{tag}_resolved"),
             "已化解事项中，同一信访事项编号在化解日期之后、统计期末之前（含）又有登记的件数 ÷ 已化解件数",
             "campaign"),
    ]


CATALOGUE: tuple[Spec, ...] = (
    Spec("national.volume", "到国家信访局信访量（件人次）", "件人次", Measure.VOL_NAT, None,
         "统计期内登记层级为国家的来信件次 + 网上信访件次 + 来访人数之和", yoy=True),
    Spec("national.letters", "到国家信访局来信（件次）", "件次", Measure.LETTERS_NAT, None,
         "统计期内登记层级为国家、信访形式为来信的登记件次", yoy=True),
    Spec("national.visits", "到国家信访局来访（人次）", "人次", Measure.VISITS_NAT, None,
         "统计期内登记层级为国家、信访形式为来访的人数之和", yoy=True),
    Spec("national.online", "到国家信访局网上信访（件次）", "件次", Measure.ONLINE_NAT, None,
         "统计期内登记层级为国家、信访形式为网上信访的登记件次", yoy=True),
    Spec("national.share", "到国家信访局信访量占全区信访总量", "%", Measure.REG_NAT, Measure.REG_ALL,
         "统计期内登记层级为国家的登记件次 ÷ 全部层级的登记件次"),
    Spec("total.registrations", "全区信访总量（件次）", "件次", Measure.REG_ALL, None,
         "统计期内全部层级、全部形式的登记件次", yoy=True),
    Spec("national.first_demand", "到国家信访局求决类初次信访（件人次）", "件人次", Measure.FIRST_DEMAND_NAT, None,
         "统计期内登记层级为国家、信访目的为求决、初重件为初件的信访量（件人次）", yoy=True),
    Spec("handling.timely_acceptance", "及时受理率", "%", Measure.TA_NUM, Measure.TA_DEN,
         f"统计期内登记的信访件中，登记后{ACCEPT_DAYS}日内作出受理决定（受理日期）的件数 ÷ "
         f"（已作出决定的件数 + 未作决定且登记后{ACCEPT_DAYS}日已到期的件数）；未到期未决定的不计入"),
    Spec("handling.on_time_reply", "按期答复率", "%", Measure.OTR_NUM, Measure.OTR_DEN,
         f"统计期内登记且办理方式为受理的信访件中，答复日期不晚于受理日期+{REPLY_DAYS}日+延期天数的件数 ÷ "
         "（已答复件数 + 未答复且期限已届满的件数）；未到期未答复的不计入"),
    Spec("handling.participation", "信访事项责任单位参评率", "%", Measure.PART_NUM, Measure.PART_DEN,
         "统计期内登记、统计期末前已答复的信访件中，有评价结果（满意、基本满意、不满意）的件数 ÷ 已答复件数"),
    Spec("handling.satisfaction", "参评满意率", "%", Measure.SAT_NUM, Measure.SAT_DEN,
         "已评价的信访件中，评价结果为满意或基本满意的件数 ÷ 已评价件数"),
    Spec("resolution.demand_first", "求决类初次信访一次性化解率（全系统）", "%", Measure.RDF_NUM, Measure.RDF_DEN,
         "统计期内登记、信访目的为求决的初件中统计期末前已答复的件数为分母；其中同一信访事项编号在答复日期后、"
         "统计期末前（含）再无登记的为一次性化解"),
    Spec("resolution.national_online_first", "到国家信访局初次网信一次性化解率（全类别）", "%", Measure.RNO_NUM, Measure.RNO_DEN,
         "同上，范围为登记层级为国家、信访形式为网上信访的初件（全部信访目的）"),
    Spec("resolution.national_letters_first", "到国家信访局初次来信一次性化解率（全类别）", "%", Measure.RNL_NUM, Measure.RNL_DEN,
         "同上，范围为登记层级为国家、信访形式为来信的初件（全部信访目的）"),
    Spec("repeat.national_letters", "到国家信访局来信重复率", "%", Measure.REP_NUM, Measure.REP_DEN,
         "统计期内到国家信访局来信的重件中，信访事项编号属于统计期内到国家信访局来信初件的件数 ÷ "
         "统计期内到国家信访局来信初件数（可超过100%）"),
    Spec("visits.city_group_batches", "到市集访（批次）", "批次", Measure.CG_BATCHES, None,
         f"统计期内登记层级为市、人数不少于{GROUP_VISIT_PERSONS}人的来访批次"),
    Spec("visits.city_group_persons", "到市集访（人次）", "人次", Measure.CG_PERSONS, None,
         f"统计期内登记层级为市、人数不少于{GROUP_VISIT_PERSONS}人的来访人数之和"),
    Spec("visits.city_individual_batches", "到市个访（批次）", "批次", Measure.CI_BATCHES, None,
         f"统计期内登记层级为市、人数少于{GROUP_VISIT_PERSONS}人的来访批次"),
    Spec("visits.city_individual_persons", "到市个访（人次）", "人次", Measure.CI_PERSONS, None,
         f"统计期内登记层级为市、人数少于{GROUP_VISIT_PERSONS}人的来访人数之和"),
    *_campaign_specs("b12", "第一、二批", "1或2"),
    *_campaign_specs("b3", "第三批", "3"),
    Spec("beijing.persons", "进京上访人次", "人次", Measure.BJ_PERSONS, None,
         "进京上访台账中日期在统计期内的人数之和", "beijing", yoy=True),
    Spec("beijing.registered", "进京上访在国家信访局登记人次", "人次", Measure.BJ_REGISTERED, None,
         "进京上访台账中日期在统计期内、是否登记为是的人数之和", "beijing", yoy=True),
    Spec("overdue.acceptance", "超期未受理（件）", "件", Measure.OD_ACC, None,
         f"截止日（默认统计期末，月度通报可另定）登记在案的全部信访件（不限统计期）中，截止日前（含）未作出受理决定、"
         f"且登记日期后{ACCEPT_DAYS}日已早于截止日的件数；恰于截止日到期的不计"),
    Spec("overdue.reply", "超期未答复（件）", "件", Measure.OD_REP, None,
         f"截止日前（含）已受理、截止日前（含）未答复，且受理日期后{REPLY_DAYS}日加延期天数已早于截止日的件数"
         "（不限统计期）；恰于截止日到期的不计"),
    Spec("due_soon.reply", "即将到期未答复（件）", "件", Measure.DS_REP, None,
         f"截止日前（含）已受理、尚未答复，答复期限（受理日期后{REPLY_DAYS}日加延期天数）在截止日至其后"
         f"{DUE_SOON_DAYS}日之内（含两端）的件数（不限统计期）"),
)
SPECS: dict[str, Spec] = {s.key: s for s in CATALOGUE}
KEYS: tuple[str, ...] = tuple(SPECS)



#: Keys of the budget indicators (:func:`xinfang.budget.budget_indicators`), usable in a scoring
#: framework beside :data:`KEYS`. Defined here, with the other keys, so that the calibers
#: (scoring) know every key without importing the input layer.
BUDGET_KEYS: tuple[str, ...] = (
    "budget.execution_rate",
    "budget.carryover_rate",
    "budget.three_public_change",
    "budget.procurement_rate",
)
