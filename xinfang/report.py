"""The contents of a report (DESIGN.md §6), built from validated inputs and the catalogue.

A report notebook is thin: it calls :func:`load_report` once, then displays what the
:class:`Report` methods return — :class:`Markdown` text, :class:`Table` tables and
:class:`~xinfang.charts.Chart` pictures. Each has a rich ``_repr_*_`` so that the executed
notebook carries exactly one output of the right MIME type, which :mod:`xinfang.render`
turns into HTML and Word.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import pandas as pd

from . import __version__, charts
from . import narrative as nv
from .indicators import channel_volumes, compute_all, domain_counts, monthly_counts, rank_units, units_with_data
from .params import Inputs, load_inputs, load_params, register_override
from .periods import Period
from .result import Indicator

CN_NUM = "一二三四五六七八九十"


from .display import Markdown, Table  # noqa: E402 (typed display objects, see xinfang.display)


def _sign(params: Mapping) -> str:
    return params.get("percent_sign") or "％"


@dataclass
class Report:
    """Everything one report shows, computed once."""

    params: dict
    inputs: Inputs
    results: dict[str, Indicator]                 # the scope: district or the unit
    district: dict[str, Indicator]
    per_unit: dict[str, dict[str, Indicator]]
    active_units: list[str]
    unit: str | None = None
    extras: dict = field(default_factory=dict)

    # ----------------------------------------------------------------- basics
    @property
    def period(self) -> Period:
        return self.inputs.period

    @property
    def sign(self) -> str:
        return _sign(self.params)

    @property
    def scope(self) -> str:
        return self.unit or self.params["district"]

    @property
    def title(self) -> str:
        y = self.params["year"]
        if self.unit:
            return f"{y}年{self.params['district']}{self.unit}信访工作绩效评价报告"
        return f"{y}年{self.params.get('city', '')}{self.params.get('bureau') or self.params['district']}整体支出绩效评价报告"

    @property
    def file_stem(self) -> str:
        from .fileio import safe_filename

        if self.unit:
            return safe_filename(self.unit)
        return safe_filename(f"{self.params['district']}_{self.params['year']}_整体支出绩效评价报告")

    def metadata(self) -> dict:
        """Notebook metadata for the renderer: title and a creation date taken from the period."""
        return {"title": self.title, "subtitle": f"统计期：{self.period.label}", "date": self.period.end.isoformat()}

    def label(self, key: str) -> str:
        """The indicator's 中文名 as this report's reader reads it: a unit's report says 本单位, not 全区."""
        name = self.results[key].name
        return name.replace("全区", "本单位") if self.unit else name

    def pct(self, key: str) -> str:
        ind = self.results[key]
        if ind.numerator is not None and ind.denominator is not None:
            return nv.ratio_percent(ind.numerator, ind.denominator, sign=self.sign)
        return nv.percent(ind.value, sign=self.sign)

    def cnt(self, key: str) -> str:
        ind = self.results[key]
        return nv.count(ind.value, ind.unit)

    def yoy(self, key: str) -> str:
        ind = self.results[key]
        return nv.change(ind.value, ind.previous, sign=self.sign)

    # ----------------------------------------------------------------- text
    def heading(self) -> Markdown:
        intro = (f"本报告依据{self.params['district']}信访信息系统导出的信访事项登记表等数据自动生成，"
                 f"统计期为{self.period.label}，同比口径为上年同期（{self.period.previous().label}）。"
                 "各项数据的计算口径见附件“口径说明”，数据来源见附件“数据说明”。")
        return Markdown(f"# {self.title}\n\n{intro}")

    def basic(self) -> Markdown:
        """一、基本情况 （一）: the key figures in sentences, in the order the annual report gives them."""
        who = "本单位" if self.unit else "全区"
        return Markdown(
            "## 一、基本情况\n\n### （一）信访工作重点考核指标完成情况\n\n"
            f"统计期内，{who}到国家信访局信访量{self.cnt('national.volume')}，{self.yoy('national.volume')}，"
            f"占{who}信访总量（{self.cnt('total.registrations')}）的{self.pct('national.share')}。"
            f"其中，来信{self.cnt('national.letters')}，{self.yoy('national.letters')}；"
            f"来访{self.cnt('national.visits')}，{self.yoy('national.visits')}；"
            f"网上信访{self.cnt('national.online')}，{self.yoy('national.online')}。"
            f"责任单位及时受理率{self.pct('handling.timely_acceptance')}，按期答复率{self.pct('handling.on_time_reply')}，"
            f"信访事项责任单位参评率{self.pct('handling.participation')}，参评满意率{self.pct('handling.satisfaction')}。"
            f"到国家信访局求决类初次信访{self.cnt('national.first_demand')}，{self.yoy('national.first_demand')}；"
            f"全系统求决类初次信访一次性化解率{self.pct('resolution.demand_first')}，"
            f"到国家信访局初次网信一次性化解率（全类别）{self.pct('resolution.national_online_first')}，"
            f"到国家信访局初次来信一次性化解率（全类别）{self.pct('resolution.national_letters_first')}，"
            f"到国家信访局来信重复率{self.pct('repeat.national_letters')}。")

    def basic_campaign(self) -> Markdown:
        """（二）治重化积."""
        head = "### （二）“治重化积”专项工作情况\n\n"
        if self.results["campaign.b12.assigned"].value is None:
            return Markdown(head + "未提供治重化积交办件数据，本节从略。")
        return Markdown(head +
            f"“治重化积”专项工作第一、二批交办信访事项{self.cnt('campaign.b12.assigned')}，"
            f"汇报率{self.pct('campaign.b12.reported')}，审核化解率{self.pct('campaign.b12.resolved')}，"
            f"再次信访率{self.pct('campaign.b12.repeated')}；第三批交办信访事项{self.cnt('campaign.b3.assigned')}，"
            f"汇报率{self.pct('campaign.b3.reported')}，审核化解率{self.pct('campaign.b3.resolved')}，"
            f"再次信访率{self.pct('campaign.b3.repeated')}。")

    def basic_visits(self) -> Markdown:
        """（三）进京越级访 and 到市集访/个访; for a unit, its rank among the units."""
        r = self.results
        who = "本单位" if self.unit else "全区"
        s = ["### （三）进京越级访及到市集访个访情况\n\n"]
        if r["beijing.persons"].value is None:
            s.append("未提供进京上访台账，进京上访情况从略。")
        else:
            s.append(f"统计期内，{who}进京上访{self.cnt('beijing.persons')}，"
                     f"在国家信访局登记{self.cnt('beijing.registered')}")
            if not self.unit:
                top = self.beijing_by_unit()
                if len(top):
                    s.append("，分别是" + "，".join(f"{u}{nv.count(v, '人次')}" for u, v in top.items()))
            s.append("。")
        s.append(f"到市集访{nv.count(r['visits.city_group_batches'].value, '批')}"
                 f"{nv.count(r['visits.city_group_persons'].value, '人次')}，"
                 f"个访{nv.count(r['visits.city_individual_batches'].value, '批')}"
                 f"{nv.count(r['visits.city_individual_persons'].value, '人次')}。")
        if self.unit:
            s.append("\n\n" + self.rank_sentence())
        return Markdown("".join(s))

    def beijing_by_unit(self) -> pd.Series:
        """Units with 进京 registrations in the period, most first (ties by register order)."""
        values = pd.Series({u: (ind["beijing.registered"].value or 0) for u, ind in self.per_unit.items()}, dtype="int64")
        values = values[values > 0]
        order = {u: i for i, u in enumerate(self.per_unit)}
        return values.iloc[sorted(range(len(values)), key=lambda i: (-values.iloc[i], order[values.index[i]]))]

    def rank_sentence(self) -> str:
        """The unit's rank among the units with data, on the headline figures."""
        n = len(self.active_units)
        parts = []
        for key, label in (("national.volume", "到国家信访局信访量"), ("total.registrations", "信访总量"),
                           ("beijing.registered", "在国家信访局登记人次")):
            if self.results[key].value is None:
                continue
            ranked = rank_units({u: self.per_unit[u] for u in self.active_units}, key)
            row = ranked[ranked["单位"] == self.unit]
            if len(row) and pd.notna(row["名次"].iloc[0]):
                parts.append(f"{label}居第{int(row['名次'].iloc[0])}位")
        kind = "有信访数据的单位"
        return f"在全区{n}个{kind}中（由多到少排序），本单位" + "，".join(parts) + "。" if parts else ""

    def _analyst_text(self, key: str) -> str | None:
        name = (self.params.get("text") or {}).get(key)
        if not name:
            return None
        base = Path(self.params["params_dir"]) / str(self.params["year"])
        if self.unit:
            from .fileio import safe_filename
            base = base / safe_filename(self.unit)
        path = base / name
        if not path.exists():
            return None
        return path.read_text(encoding="utf-8").strip()

    def analyst_section(self, number: int, title: str, key: str) -> Markdown:
        text = self._analyst_text(key)
        folder = f"params/{self.params['year']}/" + (f"{self.file_stem}/" if self.unit else "")
        name = (self.params.get("text") or {}).get(key) or f"{title}.md"
        body = text if text else f"（{title}由分析人员在 {folder}{name} 中撰写，本期未提供。）"
        return Markdown(f"## {CN_NUM[number - 1]}、{title}\n\n{body}")

    def practices(self) -> Markdown:
        return self.analyst_section(2, "主要做法", "practices")

    def plans(self) -> Markdown:
        return self.analyst_section(4, "下步打算", "plans")

    def findings(self) -> list[str]:
        """Generated findings: volumes that rose, rates under target, units with most 进京 registrations."""
        r = self.results
        out = []
        rose = []
        for key in ("national.volume", "national.letters", "national.visits", "national.online",
                    "national.first_demand", "total.registrations", "beijing.registered"):
            ind = r[key]
            if ind.value is not None and ind.previous is not None and ind.value > ind.previous:
                rose.append(f"{self.label(key).split('（')[0]}{nv.count(ind.value, ind.unit)}，{self.yoy(key)}")
        if rose:
            out.append("信访总量高位运行。" + "；".join(rose) + "。")
        under = []
        for key, target in (self.params.get("targets") or {}).items():
            ind = r.get(key)
            if ind is None or ind.value is None or target is None:
                continue
            if ind.value < float(target):
                under.append(f"{self.label(key)}{self.pct(key)}，低于目标值{nv.percent(target, sign=self.sign)}")
        if under:
            out.append("部分指标未达目标。" + "；".join(under) + "。")
        if r["beijing.registered"].value:
            if self.unit:
                out.append(f"进京登记问题突出。本单位在国家信访局登记{self.cnt('beijing.registered')}。")
            else:
                top = self.beijing_by_unit().head(3)
                out.append("进京登记问题集中。在国家信访局登记人次最多的单位是"
                           + "、".join(f"{u}（{nv.count(v, '人次')}）" for u, v in top.items()) + "。")
        if r["visits.city_group_batches"].value:
            out.append(f"到市集访、个访仍然较多。到市集访{nv.count(r['visits.city_group_batches'].value, '批')}"
                       f"{nv.count(r['visits.city_group_persons'].value, '人次')}，"
                       f"个访{nv.count(r['visits.city_individual_batches'].value, '批')}"
                       f"{nv.count(r['visits.city_individual_persons'].value, '人次')}。")
        return out

    def problems(self) -> Markdown:
        lines = ["## 三、存在问题", ""]
        for i, text in enumerate(self.findings(), start=1):
            lines.append(f"{i}. {text}")
        lines.append("")
        extra = self._analyst_text("problems")
        if extra:
            lines.append(extra)
        return Markdown("\n".join(lines))

    # ----------------------------------------------------------------- tables
    def table_core(self) -> Table:
        rows = []
        for key in ("national.volume", "national.letters", "national.visits", "national.online", "total.registrations",
                    "national.share", "national.first_demand", "handling.timely_acceptance", "handling.on_time_reply",
                    "handling.participation", "handling.satisfaction", "resolution.demand_first",
                    "resolution.national_online_first", "resolution.national_letters_first", "repeat.national_letters"):
            ind = self.results[key]
            if ind.is_rate:
                now = self.pct(key)
                prev = nv.percent(ind.previous, sign=self.sign)
                change = nv.rate_change(ind.value, ind.previous)
                frac = f"{ind.numerator}/{ind.denominator}"
            else:
                now = nv.count(ind.value)
                prev = nv.count(ind.previous)
                change = self.yoy(key).removeprefix("同比")
                frac = "—"
            rows.append([self.label(key), now, prev, change, frac])
        frame = pd.DataFrame(rows, columns=["指标", "本期", "上年同期", "同比", "分子/分母"])
        return Table(frame, f"表1 {self.scope}信访工作重点考核指标")

    def table_units(self) -> Table:
        rows = []
        for u in self.active_units:
            ind = self.per_unit[u]
            rows.append([u, nv.count(ind["total.registrations"].value), nv.count(ind["national.volume"].value),
                         nv.count(ind["beijing.registered"].value),
                         nv.ratio_percent(ind["resolution.demand_first"].numerator,
                                          ind["resolution.demand_first"].denominator, sign=self.sign)])
        frame = pd.DataFrame(rows, columns=["单位", "信访总量（件次）", "到国家信访局信访量（件人次）",
                                            "在国家信访局登记（人次）", "求决类初次信访一次性化解率"])
        frame["_k"] = [-(self.per_unit[u]["national.volume"].value or 0) for u in self.active_units]
        frame = frame.sort_values("_k", kind="stable").drop(columns="_k").reset_index(drop=True)
        frame.insert(0, "序号", range(1, len(frame) + 1))
        caption = "表4 各单位信访情况（按到国家信访局信访量排序）"
        return Table(frame, caption)

    def table_campaign(self) -> Table:
        rows = []
        for tag, label in (("b12", "第一、二批"), ("b3", "第三批")):
            rows.append([label, self.cnt(f"campaign.{tag}.assigned"), self.pct(f"campaign.{tag}.reported"),
                         self.pct(f"campaign.{tag}.resolved"), self.pct(f"campaign.{tag}.repeated")])
        frame = pd.DataFrame(rows, columns=["交办批次", "交办件数", "汇报率", "审核化解率", "再次信访率"])
        return Table(frame, "表2 “治重化积”专项工作情况")

    def table_visits(self) -> Table:
        r = self.results
        frame = pd.DataFrame([
            ["进京上访", "—", nv.count(r["beijing.persons"].value), nv.count(r["beijing.persons"].previous)],
            ["其中：在国家信访局登记", "—", nv.count(r["beijing.registered"].value), nv.count(r["beijing.registered"].previous)],
            ["到市集访", nv.count(r["visits.city_group_batches"].value), nv.count(r["visits.city_group_persons"].value),
             nv.count(r["visits.city_group_persons"].previous)],
            ["到市个访", nv.count(r["visits.city_individual_batches"].value),
             nv.count(r["visits.city_individual_persons"].value), nv.count(r["visits.city_individual_persons"].previous)],
        ], columns=["类别", "批次", "人次", "上年同期人次"])
        return Table(frame, "表3 进京上访及到市集访、个访情况")

    def calibers(self) -> Markdown:
        return Markdown("## 附件2 口径说明\n\n" + "各指标的计算口径如下表。统计期内登记指登记日期在统计期内（含首尾两日）；"
                        "“件人次”为来信件次、网上信访件次与来访人次之和；分母为0的比率记为“—”，不记为0。")

    def table_calibers(self) -> Table:
        rows = []
        for key, ind in self.results.items():
            value = self.pct(key) if ind.is_rate else nv.count(ind.value, ind.unit)
            frac = f"{ind.numerator}/{ind.denominator}" if ind.is_rate else "—"
            rows.append([self.label(key), key, value, frac, ind.caliber])
        frame = pd.DataFrame(rows, columns=["指标", "指标代码", "本期值", "分子/分母", "口径"])
        return Table(frame, "口径说明表")

    def data_notes(self) -> Markdown:
        p = self.params
        missing = "；未提供：" + "、".join(self.inputs.missing) if self.inputs.missing else ""
        lines = [
            "## 附件3 数据说明",
            "",
            f"统计期：{self.period.label}；同比期：{self.period.previous().label}。"
            f"报告范围：{self.scope}。生成工具：xinfang {__version__}。"
            f"单位名册：{Path(self.inputs.units.path).name}（{len(self.inputs.units.units)}个单位）{missing}。"
            "输入文件及其 SHA-256 校验值如下表；信访人姓名、证件号码、联系电话、住址等个人信息在读取时即已剔除，不进入任何报告。",
        ]
        keys = ", ".join(f"{k}={p[k]}" for k in ("year", "period_start", "period_end", "percent_sign") if k in p)
        lines.append(f"\n参数：{keys}。")
        return Markdown("\n".join(lines))

    def table_files(self) -> Table:
        frame = pd.DataFrame([[f["table"], f["file"], f["rows"], f["sha256"]] for f in self.inputs.files],
                             columns=["数据表", "文件", "行数", "SHA-256"])
        return Table(frame, "输入文件")

    # ----------------------------------------------------------------- charts
    def chart_channels(self) -> charts.Chart:
        cur, prev = channel_volumes(self.results)
        return charts.channel_comparison(cur, prev, title=f"{self.scope}到国家信访局信访量（分渠道）")

    def _scoped_register(self) -> pd.DataFrame:
        reg = self.inputs.register
        return reg[reg["unit"] == self.unit] if self.unit else reg

    def chart_monthly(self) -> charts.Chart:
        reg = self._scoped_register()
        cur = monthly_counts(reg, self.period)
        prev = monthly_counts(reg, self.period.previous())
        return charts.monthly_trend(cur, prev, title=f"{self.scope}月度信访量（件次）")

    def chart_domains(self) -> charts.Chart:
        return charts.domain_bars(domain_counts(self.inputs.register, self.period, unit=self.unit),
                                  title=f"{self.scope}信访问题领域分布")

    def chart_beijing_units(self) -> charts.Chart:
        values = pd.Series({u: self.per_unit[u]["beijing.registered"].value or 0 for u in self.active_units})
        values = values[values > 0].sort_values(ascending=False, kind="stable")
        return charts.unit_ranking(values, title="各单位在国家信访局登记人次", unit="人次", highlight=self.unit)

    def chart_volume_units(self) -> charts.Chart:
        values = pd.Series({u: self.per_unit[u]["national.volume"].value or 0 for u in self.active_units})
        values = values.sort_values(ascending=False, kind="stable")
        return charts.unit_ranking(values, title="各单位到国家信访局信访量", unit="件人次", highlight=self.unit)

    def chart_rates(self) -> charts.Chart:
        rows = []
        for key, target in (self.params.get("targets") or {}).items():
            ind = self.results.get(key)
            if ind is not None:
                rows.append({"name": self.label(key).replace("（全类别）", ""), "value": ind.value, "target": float(target)})
        return charts.rates_vs_targets(pd.DataFrame(rows, columns=["name", "value", "target"]),
                                       title=f"{self.scope}主要指标完成情况")


    # ----------------------------------------------------------------- 整体支出: budget and scores
    @property
    def budget_results(self) -> dict[str, Indicator]:
        return self.extras.get("budget_results") or {}

    def budget(self) -> Markdown:
        """（四）预算执行情况 (district report only): the budget indicators in one paragraph."""
        if self.unit:
            return Markdown("")
        b = self.budget_results
        head = "### （四）预算执行情况\n\n"
        if not b:
            return Markdown(head + "未提供预算执行表，预算执行情况从略。")
        sign = self.sign

        def pct(key):
            ind = b[key]
            return nv.percent(ind.value, sign=sign)

        change = b["budget.three_public_change"].value
        three = ("同比持平" if change == 0 else
                 f"同比{'下降' if change < 0 else '上升'}{nv.percent(abs(change), sign=sign)}") if change is not None else "无可比数据"
        return Markdown(head + f"{self.params.get('bureau') or self.scope}全年预算执行率{pct('budget.execution_rate')}"
                        f"（实际支出{nv.count(round(b['budget.execution_rate'].numerator, 2), '万元')}，"
                        f"调整后预算{nv.count(round(b['budget.execution_rate'].denominator, 2), '万元')}），"
                        f"结转结余率{pct('budget.carryover_rate')}，“三公”经费{three}，"
                        f"政府采购执行率{pct('budget.procurement_rate')}。")

    def table_budget(self) -> Table | Markdown:
        table = self.extras.get("budget_table")
        if self.unit or table is None:
            return Markdown("")
        from .budget import budget_frame

        frame = budget_frame(table, by="item")
        cats = table.frame["category"].tolist()
        out = pd.DataFrame({"类别": cats, "项目": frame["item"],
                            "调整后预算（万元）": [nv.count(v) if v == v else "—" for v in frame["budget"]],
                            "实际支出（万元）": [nv.count(v) for v in frame["actual"]]})
        return Table(out, "表5 预算执行情况")

    def chart_budget(self) -> charts.Chart | Markdown:
        table = self.extras.get("budget_table")
        if self.unit or table is None:
            return Markdown("")
        from .budget import budget_frame

        return charts.budget_bars(budget_frame(table, by="category"), title="预算执行情况（万元）")

    @property
    def scorecard(self):
        return self.extras.get("scorecard")

    def scoring(self) -> Markdown:
        """附件1 绩效评价指标评分表 and the 评价结论 (the unit report scores the petition part only)."""
        card = self.scorecard
        if card is None:
            return Markdown("## 附件1 绩效评价指标评分表\n\n未配置评分框架。")
        if self.unit:
            part = card.petition_leaves()
            got = sum(s.score for s in part)
            full = sum(s.weight for s in part)
            return Markdown("## 附件1 绩效评价指标评分表（信访工作部分）\n\n"
                            f"按{card.name}中由信访数据计算的指标评分，本单位得{nv.count(round(got, 2))}分"
                            f"（满分{nv.count(round(full, 2))}分）。预算与定性指标仅对区信访局整体评价。")
        lines = ["## 附件1 绩效评价指标评分表", "",
                 f"评价结论：按《{card.name}》评分，{self.params.get('bureau') or self.scope}整体支出绩效评价总分"
                 f"{nv.count(card.total)}分，评价等级为“{card.grade}”。"]
        parts = "，".join(f"{k}{nv.count(v)}分" for k, v in card.level1.items())
        lines.append(f"其中{parts}。各项得分的规则、目标值与实际值见下表，指标口径见附件2。")
        return Markdown("\n".join(lines))

    def table_scoring(self) -> Table | Markdown:
        card = self.scorecard
        if card is None:
            return Markdown("")
        frame = card.to_frame(percent=self.sign)
        if self.unit:
            part = set(map(id, card.petition_leaves()))
            frame = frame.iloc[[i for i, s in enumerate(card.leaves) if id(s) in part]].reset_index(drop=True)
        for col in ("权重", "得分"):
            frame[col] = [nv.count(v) for v in frame[col]]
        return Table(frame, "绩效评价指标评分表")


def load_report(year: int, params_dir: str | Path = "params", unit: str | None = None, *,
                register: str | None = None, cache_dir: str | Path | None = None,
                overrides: Mapping | None = None) -> Report:
    """Load parameters and inputs, validate, and compute the catalogue for one report.

    ``unit`` = None gives the district report; a unit name (or alias) gives that unit's.
    ``register`` overrides the register path of the parameters.
    """
    from .errors import ParameterError

    overrides = dict(overrides or {}) | (register_override(register) or {})
    params = load_params(params_dir, year, unit, overrides)
    inputs = load_inputs(params, cache_dir=cache_dir)
    if unit is not None and unit not in inputs.units.names:
        canonical = inputs.units.lookup().get(unit)
        if canonical is None:
            raise ParameterError(f"单位「{unit}」不在单位名册中 / unknown unit")
        unit = canonical
    active = units_with_data(inputs.register, inputs.period)
    district, per_unit = compute_all(inputs.register, inputs.period, inputs.units.names,
                                     campaign=inputs.campaign, beijing=inputs.beijing)
    results = per_unit[unit] if unit else district
    extras = _evaluation(params, inputs, results)
    return Report(params, inputs, results, district, per_unit, active, unit, extras)


def _evaluation(params: Mapping, inputs: Inputs, results: Mapping[str, Indicator]) -> dict:
    """Budget table and indicators, and the scorecard of the framework the params name."""
    from .budget import budget_indicators, read_budget
    from .indicators import KEYS
    from .fileio import sha256_file
    from .params import resolve
    from .scoring import load_framework, score
    from .budget import BUDGET_KEYS

    extras: dict = {}
    values = dict(results)
    path = resolve(params, (params.get("data") or {}).get("budget"))
    if path is not None:
        table = read_budget(path)
        extras["budget_table"] = table
        extras["budget_results"] = budget_indicators(table)
        values.update(extras["budget_results"])
        inputs.files.append({"table": "预算执行表", "file": path.name, "sha256": sha256_file(path),
                             "rows": len(table.frame)})
    else:
        inputs.missing.append("预算执行表")
    framework = resolve(params, params.get("framework"))
    if framework is not None:
        fw = load_framework(framework, list(KEYS) + list(BUDGET_KEYS))
        extras["scorecard"] = score(fw, values, params.get("manual_scores") or {},
                                    manual_source=f"params/{params['year']}.yaml: manual_scores")
    return extras


def indicator_frame(results: Mapping[str, Indicator]) -> pd.DataFrame:
    """One row per indicator with every traceable field (for xlsx and analysts)."""
    rows = [[k, i.name, i.value, i.numerator, i.denominator, i.unit, i.previous, i.yoy, i.caliber]
            for k, i in results.items()]
    return pd.DataFrame(rows, columns=["指标代码", "指标", "值", "分子", "分母", "单位", "上年同期", "同比", "口径"])
