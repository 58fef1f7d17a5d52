"""The one typed schema of the merged report parameters (docs/architecture.md §5, §9).

:func:`check` validates the merged params tree (after layering, before any kernel starts or any
file is written) against :class:`Params`, a pydantic model with every key's type, and turns
pydantic's errors into one bilingual :class:`~xinfang.errors.ParameterError` that names, for each
failure, the file that set the key, the key path and the fix ("did you mean" for unknown keys).

The field descriptions are the reference documentation: :func:`xinfang.config.schema_doc.write_doc`
renders them, with the code's defaults beside the values of the sample ``params/defaults.yaml``, into
``docs/参数说明.md`` (``make docs``; a test fails when that file is stale).
"""
from __future__ import annotations

import datetime as dt
import difflib
import functools
import math
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping, Union

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator,
                      model_validator)

from ..errors import ParameterError

#: the earliest and latest year a statistical period may touch (anything else is a typo)
YEAR_RANGE = (1950, 2100)
NAME_MAX = 50
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: characters that Markdown or HTML read as markup: a name is printed in reports as it is
_MARKUP = re.compile(r"[<>*`\[\]{}#|~]")


def check_name(value: str, what: str = "名称 / name") -> str:
    """A display name that also becomes a file name: non-empty, ≤ 50 characters, no control
    characters, no path separators, no Markdown or HTML markup (docs/architecture.md §9)."""
    if not value.strip():
        raise ValueError(f"{what} 不能为空 / must not be empty")
    if len(value) > NAME_MAX:
        raise ValueError(f"{what} 超过 {NAME_MAX} 个字符（{len(value)}）/ longer than {NAME_MAX} characters")
    if _CONTROL.search(value) or any(unicodedata.category(c) in ("Cc", "Cs") for c in value):
        raise ValueError(f"{what} 含控制字符 / contains control characters")
    if "/" in value or "\\" in value:
        raise ValueError(f"{what} 不能含 / 或 \\ / must not contain path separators")
    markup = sorted(set(_MARKUP.findall(value)))
    if markup:
        raise ValueError(f"{what} 不能含标记字符 {' '.join(markup)}（报告中会变成格式或 HTML）/ "
                         f"must not contain markup characters")
    return value


def _path(value: str) -> str:
    if not value.strip() or "\x00" in value or len(value) > 1024:
        raise ValueError("路径不能为空、过长或含 NUL / a path must be non-empty, short, without NUL")
    return value


def _iso_date(value: str) -> str:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"「{value}」不是 ISO 日期 (YYYY-MM-DD) / not an ISO date") from None
    lo, hi = YEAR_RANGE
    if not lo <= day.year <= hi:
        raise ValueError(f"年份须在 {lo}–{hi} 之间 / the year must lie in {lo}–{hi}")
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("须为有限数 / must be a finite number")
    return value


def _phone(value: str) -> str:
    if not re.fullmatch(r"[0-9０-９()（）+\- ]{3,30}", value):
        raise ValueError("电话号码只能含数字、括号、加号、连字符和空格 / a telephone number: digits, brackets, +, -")
    return value


Name = Annotated[str, AfterValidator(check_name)]
Phone = Annotated[str, AfterValidator(_phone)]
PathText = Annotated[str, AfterValidator(_path)]
IsoDate = Annotated[str, AfterValidator(_iso_date)]
Number = Annotated[float, AfterValidator(_finite)]


class _Model(BaseModel):
    # frozen: the parameters of a report are read, never changed, once merged and checked
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Data(_Model):
    """``data``: the input files, exports of the petition information system."""

    register_: PathText | None = Field(None, alias="register", description="信访事项登记表（必填），CSV 或 XLSX / the register (required)")
    campaign: PathText | None = Field(None, description="治重化积交办件（可选，null 为未提供）/ campaign cases (optional)")
    beijing: PathText | None = Field(None, description="进京上访台账（可选）/ Beijing visits ledger (optional)")
    budget: PathText | None = Field(None, description="预算执行表（可选）/ budget execution table (optional)")

    def tables(self) -> dict[str, str | None]:
        """Table name (``register``, ``campaign``, ``beijing``, ``budget``) → its path in params."""
        return self.model_dump(by_alias=True)


class Text(_Model):
    """``text``: analyst-written Markdown, relative to params/<year>/ (unit: params/<year>/<unit>/)."""

    opening: PathText | None = Field(None, description="报告开头一段；缺省时按参数生成 / the opening paragraph")
    profile: PathText | None = Field(None, description="部门概况（职能、机构、人员）；缺省时按参数生成 / 部门概况")
    visits_analysis: PathText | None = Field(None, description="进京越级访治理的访情分析；缺省时从略 / 访情分析")
    practices: PathText | None = Field(None, description="「主要做法」一章的 Markdown 文件；缺省时该章从略 / the chapter 主要做法")
    problems: PathText | None = Field(None, description="「存在问题」中数据所示问题之后的原因分析 / 原因分析, after the findings")
    plans: PathText | None = Field(None, description="「下步打算」（评价报告：有关建议）；缺省时该章从略 / the chapter 下步打算")
    evaluation_purpose: PathText | None = Field(None, description="评价报告：评价目的；缺省时用通用表述 / evaluation purpose")
    evaluation_scope: PathText | None = Field(None, description="评价报告：评价对象和范围 / evaluation scope")
    evaluation_basis: PathText | None = Field(None, description="评价报告：评价依据 / evaluation basis")
    evaluation_method: PathText | None = Field(None, description="评价报告：评价方法 / evaluation method")
    evaluation_process: PathText | None = Field(None, description="评价报告：组织实施 / how the evaluation was organised")


class Findings(_Model):
    """``findings``: when a figure is called a problem."""

    min_base: Annotated[int, Field(ge=0, le=1_000_000)] = Field(
        10, description="最小基数：上年同期低于此数时，同比以件数表述（由1件增至12件），不计百分比 / minimum base")
    high_growth: Annotated[Number, Field(ge=0)] = Field(
        0.2, description="增幅达到此比例（0.2 即20％）且基数不低于最小基数时，才称“居高不下” / growth that makes a count high")


class Bulletin(_Model):
    """``bulletin``: the monthly 通报 (xinfang bulletin) and its 督办单."""

    recipients: str = Field("各乡镇街道，区直有关单位：", description="主送机关 / the addressees")
    signature: Name | None = Field(None, description="落款单位（也是督办单的发文单位）；null 为被评价单位 / the issuing office")
    assessment: PathText | None = Field("assessment/default.yaml", description=(
        "月度考核规则 YAML（扣分制）；null 不考核 / the monthly assessment rules"))
    requirements_text: PathText | None = Field(None, description=(
        "分析人员为当月撰写的工作要求（Markdown，相对于 params/<year>/，{month} 为月份，如 通报/{month}月.md）；"
        "文件不存在则从略 / the analyst's requirements for the month"))
    due_soon_days: Annotated[int, Field(ge=0, le=60)] = Field(7, description=(
        "即将到期：答复期限在截止日后多少日之内（含）/ the due-soon window in days"))
    duban_days: Annotated[int, Field(ge=1, le=60)] = Field(5, description=(
        "督办单、提示单的办理时限：印发日期后第几个工作日（节假日、周末不计，见 holidays、workdays）"
        "/ working days after the issue date given to settle and report back"))
    cutoff_days: Annotated[int, Field(ge=0, le=60)] = Field(0, description=(
        "截止日：月末后多少日（0 为月末；命令行 --cutoff 优先）。通报和督办单的印发日期为截止日后的第一个工作日"
        "（正文仍写“截至截止日”）/ the cut-off, days after the month's end; documents are dated the next working day"))
    holidays: list[IsoDate] = Field(default_factory=list, description=(
        "法定节假日中不是周末的休息日（ISO 日期列表，按国务院办公厅当年的节假日安排填写）；"
        "计算印发日期和办理时限时跳过 / public holidays (days off that are not weekends)"))
    workdays: list[IsoDate] = Field(default_factory=list, description=(
        "调休上班的周六、周日（ISO 日期列表）；计算工作日时算作工作日 / weekend days that are working days (调休)"))
    code: Name | None = Field(None, description=(
        "通报的机关代字，文号为 代字〔年份〕月份号（如 大信联办〔2023〕12号）；null 不编文号 / the 通报's office code"))
    duban_code: Name | None = Field(None, description=(
        "督办单、提示单的机关代字，文号为 代字〔年份〕月份-序号号（如 大信督〔2023〕12-07号）；null 为“督办” "
        "/ the office code of the 督办单"))
    praise_share: Annotated[Number, Field(gt=0, le=1)] = Field(0.5, description=(
        "表扬：考核前三名（含并列）的单位少于参加排名单位的这一比例时才予以表扬（0.5 即少于一半）；"
        "人人并列或多数并列时不表扬 / praise the 前三名 only when they are fewer than this share of the units"))
    cc: list[Name] = Field(default_factory=list, description="版记：抄送机关，按顺序 / 版记: copies to")
    printer: Name | None = Field(None, description="版记：印发机关；null 为落款单位 / 版记: the printing office")
    contact: Name | None = Field(None, description=(
        "督办单的经办人（发文单位的工作人员，不是信访人）/ the issuing office's officer on the 督办单"))
    phone: Phone | None = Field(None, description=(
        "督办单上发文单位的联系电话 / the issuing office's telephone on the 督办单"))

    @model_validator(mode="after")
    def _calendar(self) -> "Bulletin":
        both = sorted(set(self.holidays) & set(self.workdays))
        if both:
            raise ValueError(f"日期既是节假日又是调休上班日 / dates both holiday and workday: {', '.join(both)}")
        weekdays = [d for d in self.workdays if dt.date.fromisoformat(d).weekday() < 5]
        if weekdays:
            raise ValueError(f"workdays 只列调休上班的周六、周日 / workdays lists weekend days only: {', '.join(weekdays)}")
        return self


class Evaluation(_Model):
    """``evaluation``: who evaluated the bureau's 整体支出 and how (the 评价报告 form)."""

    agency: Name | None = Field(None, description=(
        "评价机构或评价组名称，评价报告由其落款；null 为落款单位（signature）或被评价单位 / the evaluating body"))
    team: list[Name] = Field(default_factory=list, description=(
        "评价组成员，每项一人，写职务和所在单位（如 组长：区财政局绩效管理股负责人）/ the evaluation team"))
    start: IsoDate | None = Field(None, description="评价工作开始日期（ISO 日期）/ the evaluation's first day")
    end: IsoDate | None = Field(None, description=(
        "评价工作结束日期；评价报告未写 report_date 时以此为成文日期 / the evaluation's last day"))
    methods: list[str] = Field(default_factory=list, description=(
        "评价方法，每项一句（如 查阅预算批复、决算和会计凭证）；空列表用通用表述 / the methods, one sentence each"))
    site_visits: list[Name] = Field(default_factory=list, description=(
        "现场核查的单位（单位名册中的名称）；空列表为未开展现场核查 / the units visited on site"))

    @model_validator(mode="after")
    def _dates(self) -> "Evaluation":
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"评价结束日期 {self.end} 早于开始日期 {self.start} / end before start")
        return self


class Profile(_Model):
    """``profile``: the facts of 部门概况 (each optional; what is not given is left out)."""

    setup: str | None = Field(None, description="机构设置（一句，如 区人民政府工作部门，正科级）/ the bureau's standing")
    departments: list[Name] = Field(default_factory=list, description="内设机构名称 / internal departments")
    staff_authorised: Annotated[int, Field(ge=0, le=100_000)] | None = Field(None, description="编制数（名）/ authorised posts")
    staff_actual: Annotated[int, Field(ge=0, le=100_000)] | None = Field(None, description="实有人数（名）/ staff in post")
    functions: list[str] = Field(default_factory=list, description="主要职能，每项一句 / main functions, one sentence each")


class Money(_Model):
    """One line of ``finance.revenue`` or ``finance.expenditure``, in 万元."""

    item: Name = Field(description="项目（如 财政拨款收入、基本支出——人员经费）/ the line")
    amount: Number = Field(description="本年决算数（万元）/ this year, 万元")
    last_year: Number | None = Field(None, description="上年决算数（万元）/ last year, 万元")


class Finance(_Model):
    """``finance``: revenue and expenditure by kind, each with last year (万元)."""

    revenue: list[Money] = Field(default_factory=list, description="收入，按类别 / revenue by kind")
    expenditure: list[Money] = Field(default_factory=list, description="支出，按类别（基本支出、项目支出）/ expenditure by kind")


class ManualScore(_Model):
    """One entry of ``manual_scores``: ``{score, evidence}``, or the bare score."""

    score: Union[Number, str] = Field(description="分数，0 ≤ 分数 ≤ 权重 / the score")
    evidence: str | None = Field(None, description="评分依据 / evidence")
    reason: str | None = Field(None, description="扣分理由：低于满分时必填 / why points were deducted (required below full marks)")


def _bare_score(value: Any) -> Any:
    return {"score": value} if isinstance(value, (int, float)) and not isinstance(value, bool) else value


@functools.lru_cache(maxsize=1)
def indicator_keys() -> tuple[str, ...]:
    """The keys a target may name: the indicator catalogue's and the budget indicators'."""
    from ..indicators import BUDGET_KEYS, KEYS

    return tuple(KEYS) + tuple(BUDGET_KEYS)


@functools.lru_cache(maxsize=1)
def form_names() -> tuple[str, ...]:
    """The report forms of ``xinfang/report/forms.yaml`` (read without importing the report)."""
    from .strict_yaml import load_yaml

    return tuple(map(str, load_yaml(Path(__file__).parent.parent / "report" / "forms.yaml")))


def _target_key(key: str) -> str:
    keys = indicator_keys()
    if key not in keys:
        raise ValueError(f"未知的指标 key / unknown indicator key{did_you_mean(key, keys)}")
    return key


def _not_negative(value: float) -> float:
    if value < 0:
        raise ValueError("目标值不能为负 / a target must not be negative")
    return value


def _export_header(key: str) -> str:
    """A key of ``columns``: an export's header (not a personal-data column: those are never read)."""
    from ..inputs.header import clean_header
    from ..inputs.tables import PII_HEADERS

    if not clean_header(key) or len(key) > NAME_MAX or _CONTROL.search(key):
        raise ValueError("导出表头须为不含控制字符的文字，不超过 50 个字符 / an export header: text, ≤ 50 characters")
    if clean_header(key) in PII_HEADERS:
        raise ValueError("个人信息列从不读取，不能映射 / a personal-data column is never read, it cannot be mapped")
    return clean_header(key)


def _dictionary_header(value: str) -> str:
    """A value of ``columns``: a header of the data dictionary (docs/数据字典.md)."""
    from ..inputs.tables import TABLES

    known = sorted({h for t in TABLES.values() if t.map_headers for h in t.headers})
    if value not in known:
        raise ValueError(f"「{value}」不是数据字典中的列名 / not a column of the data dictionary"
                         f"{did_you_mean(value, known)}")
    return value


def did_you_mean(key: str, choices: list[str] | tuple[str, ...]) -> str:
    """``（是否应为 / did you mean: x?）`` for the closest choice, or an empty string."""
    close = difflib.get_close_matches(str(key), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"（是否应为 / did you mean: {close[0]}?）" if close else ""


class Params(_Model):
    """The merged report parameters (defaults → <year> → <year>/<unit> → command line)."""

    district: Name = Field(description="区县名称，与单位名册一致 / district, as in the unit register")
    city: Name | None = Field(None, description="所属地级市 / the city")
    bureau: Name | None = Field(None, description="被评价单位（整体支出的主体）/ the evaluated bureau")
    units: PathText = Field(description="责任单位名册 YAML 文件 / the unit register file")
    data: Data = Field(description="输入数据文件 / input files")
    period_start: IsoDate | None = Field(None, description="统计期开始（ISO 日期）；null 为报告年度 1 月 1 日 / period start")
    period_end: IsoDate | None = Field(None, description="统计期结束（ISO 日期）；null 为报告年度 12 月 31 日 / period end")
    columns: dict[Annotated[str, AfterValidator(_export_header)], Annotated[str, AfterValidator(_dictionary_header)]] = Field(
        default_factory=dict, description=(
            "导出表头 → 数据字典列名（docs/数据字典.md），用于其他系统的导出，如 {登记时间: 登记日期} / "
            "an export's column names mapped to the data dictionary's"))
    percent_sign: Literal["％", "%"] = Field("％", description="百分号：全角「％」或半角「%」/ the percent sign")
    targets: dict[Annotated[str, AfterValidator(_target_key)], Annotated[Number, AfterValidator(_not_negative)]] = Field(default_factory=dict, description=(
        "目标值（小数），key 为指标目录的 key；逐项合并，下层只改写所列指标，并替代评分框架中同一指标的目标值 / targets by indicator key (merged key by key; they replace the framework's target of the same indicator)"))
    form: str | None = Field(None, description="报告形式（xinfang/report/forms.yaml）：自评报告或评价报告；null：全区为自评报告，单位为单位报告 / report form")
    report_date: IsoDate | None = Field(None, description=(
        "成文日期（落款），ISO 日期；null：全区报告取统计期结束次日与数据截至日（统计期内登记件最晚的受理、答复日期）"
        "中较晚者，评价报告不早于 evaluation.end，单位报告为统计期结束次日；早于数据截至日时提示哪些指标会变 / the date in the 落款"))
    signature: Name | None = Field(None, description="落款单位；null 为被评价单位 / the issuing office in the 落款")
    findings: Findings = Field(default_factory=Findings, description="问题的判定门槛 / when a figure is called a problem")
    rectification: PathText | None = Field(None, description="整改要求 YAML：指标 key → 一条整改要求；报告对每个问题列出对应的一条 / rectification lines by indicator")
    case_list_limit: Annotated[int, Field(ge=1, le=10_000)] = Field(20, description="单位报告每份案件清单最多列出的条数，其余计数从略 / rows per case list")
    unit_calibers: Literal["short", "none"] = Field("short", description=(
        "单位报告的指标口径：short 为简短附件（只列本报告主要指标的口径）；none 不附口径，注明见全区报告 "
        "/ the calibers in unit reports: a short annex, or left to the district report"))
    rectification_days: Annotated[int, Field(ge=1, le=365)] = Field(30, description=(
        "整改期限：单位报告成文日期后若干日内整改到位并书面报送 / days after the report date to fix and report back"))
    rectification_report_to: str | None = Field(None, description=(
        "整改情况报送单位；null 为出具报告的单位（落款）/ who receives the report back; null: the signatory"))
    framework: PathText | None = Field(None, description="绩效评价指标体系 YAML；null 不评分 / the scoring framework")
    manual_scores: dict[str, Annotated[ManualScore, BeforeValidator(_bare_score)]] = Field(default_factory=dict, description=(
        "人工评分：三级指标 id → {score, evidence}；整体替换 / manual scores by leaf id (replaced whole)"))
    text: Text = Field(default_factory=Text, description="分析人员撰写的 Markdown 文件 / analyst-written Markdown")
    profile: Profile = Field(default_factory=Profile, description=(
        "部门概况：机构设置、内设机构、编制数和实有人数、主要职能；写了 text.profile 时以其为准 / the bureau's facts"))
    finance: Finance = Field(default_factory=Finance, description="收入支出决算，各项与上年比较 / revenue and expenditure")
    evaluation: Evaluation = Field(default_factory=Evaluation, description=(
        "评价报告：评价机构、评价组、时间、方法和现场核查 / the 评价报告's evaluator and its work"))
    bulletin: Bulletin = Field(default_factory=Bulletin, description="月度通报与督办单 / the monthly bulletin")
    output: PathText = Field("../output", description="报告输出目录 / where reports are written")

    @field_validator("form")
    @classmethod
    def _known_form(cls, value: str | None) -> str | None:
        if value is not None and value not in form_names():
            raise ValueError(f"报告形式「{value}」不存在，可选 / unknown report form, choose from: "
                             f"{', '.join(form_names())}{did_you_mean(value, form_names())}")
        return value


class ReportParams(Params):
    """The merged parameters of one report, as :func:`xinfang.config.load_params` returns them:
    :class:`Params` with the resolved statistical period (``period_start`` / ``period_end`` are
    ISO strings, never null) and where they came from. Frozen; a misspelt attribute raises."""

    year: int = Field(description="报告年度 / the report year")
    unit: str | None = Field(None, description="单位报告的单位；null 为全区 / the unit of a unit report")
    params_dir: str = Field(description="参数目录（绝对路径）/ the params folder, absolute")

    def dump(self) -> dict[str, Any]:
        """The parameters as plain YAML types (for hashing and the manifest)."""
        return self.model_dump(by_alias=True)


#: the models of the mappings with a fixed key set, by key path (for "did you mean")
MODELS: dict[tuple[str, ...], type[BaseModel]] = {(): Params, ("data",): Data, ("text",): Text, ("findings",): Findings,
                                                   ("bulletin",): Bulletin, ("evaluation",): Evaluation,
                                                   ("profile",): Profile, ("finance",): Finance}

_TYPES = {
    "string_type": "须为文字 / must be text",
    "dict_type": "须为键值映射（key: value）/ must be a mapping (key: value)",
    "model_type": "须为键值映射（key: value）/ must be a mapping (key: value)",
    "float_type": "须为数字 / must be a number",
    "int_type": "须为整数 / must be an integer",
    "missing": "缺少必填参数 / missing required key",
}


def _key_path(loc: tuple, tree: Any) -> tuple[str, ...]:
    """The part of a pydantic ``loc`` that names keys of the data (not union member names)."""
    out: list[str] = []
    node: Any = tree
    for part in loc:
        if isinstance(node, Mapping) and part in node:
            out.append(str(part))
            node = node[part]
        elif isinstance(part, str) and part in field_names(tuple(out)):
            out.append(part)  # a missing key of a fixed mapping
            node = None
    return tuple(out)


def field_names(path: tuple[str, ...]) -> list[str]:
    """The keys the mapping at ``path`` may hold (as written in YAML)."""
    model = MODELS.get(path) or (ManualScore if len(path) == 2 and path[0] == "manual_scores" else None)
    if model is None:
        return []
    return [f.alias or name for name, f in model.model_fields.items()]


def _message(err: Mapping) -> str:
    kind = err["type"]
    if kind == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    if kind == "literal_error":
        return f"须为以下之一 / must be one of: {err.get('ctx', {}).get('expected', '')}"
    if kind in _TYPES:
        return _TYPES[kind]
    return f"取值不对 / invalid value: {err['msg']}"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def check(tree: Mapping[str, Any], origin: Mapping[tuple[str, ...], str] | None = None) -> Params:
    """Validate the merged params ``tree``; raise one ParameterError listing every failure.

    ``origin`` maps key paths to the file that set them, so that each message starts with the
    file name (the longest known prefix of the key path wins).
    """
    try:
        return Params.model_validate(dict(tree))
    except ValidationError as exc:
        lines: dict[str, str] = {}
        for err in exc.errors(include_url=False):
            path = _key_path(tuple(err["loc"]), tree)
            where = ".".join(path) or "(顶层 / top level)"
            source = _source(path, origin or {})
            if where in lines:
                continue
            text = _message(err)
            if err["type"] == "extra_forbidden":
                choices = field_names(path[:-1])
                text = (f"未知参数 / unknown key{did_you_mean(path[-1], choices)}"
                        f"（可用 / valid: {'、'.join(choices)}）")
            elif err["type"] not in ("missing", "value_error") and "input" in err:
                text += f"（现为 / got {_shown(err['input'])}）"
            lines[where] = f"{source}: {where}: {text}"
        body = list(lines.values())
        if len(body) == 1:
            raise ParameterError(body[0]) from None
        raise ParameterError(f"参数有 {len(body)} 处错误 / {len(body)} parameter errors:\n"
                             + "\n".join(f"  - {line}" for line in body)) from None


def _source(path: tuple[str, ...], origin: Mapping[tuple[str, ...], str]) -> str:
    for n in range(len(path), -1, -1):
        if path[:n] in origin:
            return origin[path[:n]]
    return "defaults.yaml"
