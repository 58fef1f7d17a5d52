"""The input tables (docs/architecture.md §4): one :class:`TableSchema` per table.

A schema holds together what the rest of the input layer needs to know about a table: its
Chinese name, its headers as exported (and their variants) mapped to internal names, the
required columns, the allowed values of its enum columns with the spellings normalised to
them, and the file types it may come in. :mod:`~xinfang.inputs.read` reads by it,
:mod:`~xinfang.inputs.validate` checks by it, :mod:`~xinfang.inputs.load` loads every table
the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

# ---------------------------------------------------------------------------------------------
# enums of the 信访事项登记表 and the optional tables

LEVELS = ("国家", "省", "市", "区")
CHANNELS = ("来信", "来访", "网上信访")
PURPOSES = ("求决", "申诉", "建议意见", "检举控告")
FIRST_OR_REPEAT = ("初件", "重件")
DECISIONS = ("受理", "不予受理", "不再受理")
EVALUATIONS = ("满意", "基本满意", "不满意")
YES_NO = ("是", "否")

#: Common spellings normalised to the enum value; anything else is an error, not a guess.
VARIANTS: dict[str, dict[str, str]] = {
    "level": {"国家信访局": "国家", "国家级": "国家", "中央": "国家", "省级": "省", "省信访局": "省",
              "市级": "市", "市信访局": "市", "区级": "区", "县级": "区", "区信访局": "区", "县": "区"},
    "channel": {"信": "来信", "写信": "来信", "访": "来访", "走访": "来访", "网信": "网上信访",
                "网上": "网上信访", "网上投诉": "网上信访", "网络信访": "网上信访"},
    "purpose": {"建议": "建议意见", "意见建议": "建议意见", "检举": "检举控告", "控告": "检举控告"},
    "first_or_repeat": {"初": "初件", "初信初访": "初件", "初信": "初件", "初访": "初件",
                        "重": "重件", "重复件": "重件", "重信重访": "重件", "重信": "重件", "重访": "重件"},
    "decision": {"不予受理告知": "不予受理", "不再受理告知": "不再受理", "受理告知": "受理"},
    "evaluation": {"未评价": "", "非常满意": "满意"},
    "yes_no": {"Y": "是", "N": "否", "y": "是", "n": "否", "1": "是", "0": "否"},
}

# ---------------------------------------------------------------------------------------------
# enums of the 预算执行表

BASIC = "基本支出"
PROJECT = "项目支出"
THREE_PUBLIC = "“三公”经费"
PROCUREMENT = "政府采购"
CATEGORIES: tuple[str, ...] = (BASIC, PROJECT, THREE_PUBLIC, PROCUREMENT)
"""Allowed values of 类别 of the 预算执行表, in report order."""

CATEGORY_ALIASES: dict[str, str] = {
    "三公经费": THREE_PUBLIC,
    '"三公"经费': THREE_PUBLIC,
    "‘三公’经费": THREE_PUBLIC,
    "'三公'经费": THREE_PUBLIC,
    "＂三公＂经费": THREE_PUBLIC,
    "政府采购支出": PROCUREMENT,
}

# ---------------------------------------------------------------------------------------------
# headers

#: Header variants that mean the same column (any table).
HEADER_VARIANTS: dict[str, str] = {
    "登记时间": "登记日期",
    "信访日期": "登记日期",
    "受理时间": "受理日期",
    "答复时间": "答复日期",
    "办结日期": "答复日期",
    "满意度评价": "评价结果",
    "信访人数": "人数",
    "上访日期": "日期",
    "进京日期": "日期",
    "批次": "交办批次",
}
#: Personal data (PII): never parsed from a CSV, dropped from a workbook at read.
PII_HEADERS: frozenset[str] = frozenset(
    {"信访人", "姓名", "信访人姓名", "证件号码", "身份证号", "身份证号码", "联系电话", "电话", "手机号码", "住址", "地址", "家庭住址"}
)

#: Columns mapped but never read: free text no report prints (诉求摘要). Kept out of every table,
#: and so out of the cache, like personal data (docs/architecture.md §9).
NOT_READ: frozenset[str] = frozenset({"summary"})

XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls")


@dataclass(frozen=True)
class TableSchema:
    """What the input layer knows about one table.

    ``headers`` maps the header as exported to the internal column name; ``required`` lists
    internal names; ``enums`` maps an internal column to its allowed values and ``variants``
    to the spellings normalised to them. ``map_headers`` is False for a table whose validator
    reads the headers as written (the 预算执行表, whose headers may carry a unit suffix);
    ``suffixes`` (when set) are the only file types accepted, anything else is CSV.
    """

    kind: str
    name: str
    headers: Mapping[str, str]
    required: tuple[str, ...] = ()
    enums: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    variants: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    optional_defaults: Mapping[str, str] = field(default_factory=dict)
    map_headers: bool = True
    suffixes: tuple[str, ...] | None = None

    @property
    def header_of(self) -> dict[str, str]:
        """Internal name → header as exported."""
        return {v: k for k, v in self.headers.items()}


REGISTER = TableSchema(
    kind="register",
    name="信访事项登记表",
    headers={
        "信访件编号": "case_id",
        "信访事项编号": "matter_id",
        "登记日期": "registered_on",
        "登记层级": "level",
        "信访形式": "channel",
        "人数": "persons",
        "责任单位": "unit",
        "问题领域": "domain",
        "信访目的": "purpose",
        "初重件": "first_or_repeat",
        "办理方式": "decision",
        "受理日期": "accepted_on",
        "延期天数": "extension_days",
        "答复日期": "replied_on",
        "评价结果": "evaluation",
        "诉求摘要": "summary",
    },
    required=("case_id", "matter_id", "registered_on", "level", "channel", "persons", "unit",
              "domain", "purpose", "first_or_repeat", "decision", "accepted_on",
              "extension_days", "replied_on", "evaluation"),
    enums={"level": LEVELS, "channel": CHANNELS, "purpose": PURPOSES, "first_or_repeat": FIRST_OR_REPEAT,
           "decision": DECISIONS, "evaluation": EVALUATIONS},
    variants={k: VARIANTS[k] for k in ("level", "channel", "purpose", "first_or_repeat", "decision", "evaluation")},
    optional_defaults={"extension_days": "", "evaluation": "", "summary": ""},
)

CAMPAIGN = TableSchema(
    kind="campaign",
    name="治重化积交办件",
    headers={
        "交办批次": "batch",
        "信访事项编号": "matter_id",
        "责任单位": "unit",
        "是否汇报": "reported",
        "审核化解": "resolved",
        "化解日期": "resolved_on",
    },
    required=("batch", "matter_id", "unit", "reported", "resolved", "resolved_on"),
    enums={"reported": YES_NO, "resolved": YES_NO},
    variants={"reported": VARIANTS["yes_no"], "resolved": VARIANTS["yes_no"]},
)

BEIJING = TableSchema(
    kind="beijing",
    name="进京上访台账",
    headers={
        "日期": "date",
        "责任单位": "unit",
        "人数": "persons",
        "是否登记": "registered",
    },
    required=("date", "unit", "persons", "registered"),
    enums={"registered": YES_NO},
    variants={"registered": VARIANTS["yes_no"]},
)

BUDGET = TableSchema(
    kind="budget",
    name="预算执行表",
    headers={
        "类别": "category",
        "项目": "item",
        "年初预算": "initial_budget",
        "调整预算": "budget",
        "决算": "actual",
        "结转结余": "carryover",
        "上年决算": "previous_actual",
    },
    required=("category", "item", "budget", "actual"),
    enums={"category": CATEGORIES},
    variants={"category": CATEGORY_ALIASES},
    map_headers=False,
    suffixes=(*XLSX_SUFFIXES, ".csv", ".txt"),
)

#: Former headers of the 预算执行表, read as the current ones.
BUDGET_HEADER_VARIANTS: Mapping[str, str] = {
    "调整后预算": "调整预算",
    "实际支出": "决算",
    "上年实际支出": "上年决算",
}

#: Every input table, in the order of the 数据说明.
TABLES: dict[str, TableSchema] = {s.kind: s for s in (REGISTER, CAMPAIGN, BEIJING, BUDGET)}
#: kind → Chinese name of the table.
TABLE_NAMES: dict[str, str] = {k: s.name for k, s in TABLES.items()}

# the header maps under their former names (xinfang.io)
REGISTER_HEADERS: Mapping[str, str] = REGISTER.headers
CAMPAIGN_HEADERS: Mapping[str, str] = CAMPAIGN.headers
BEIJING_HEADERS: Mapping[str, str] = BEIJING.headers
BUDGET_COLUMNS: Mapping[str, str] = BUDGET.headers
REGISTER_REQUIRED: tuple[str, ...] = REGISTER.required
OPTIONAL_DEFAULTS: Mapping[str, str] = REGISTER.optional_defaults
