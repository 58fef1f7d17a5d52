"""The chart kinds of a report: each function takes the figures and returns a :class:`Chart`
(channels, months, domains, unit rankings, rates against targets, budget, month × unit)."""
from __future__ import annotations

import math
from decimal import Decimal
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from xinfang.narrative import count as _count
from xinfang.narrative import percent as _percent
from xinfang.narrative import ratio_percent as _ratio_percent


from .base import (CURRENT, HEIGHT_CM, HIGHLIGHT, PREVIOUS, TEXT, Chart, _category_labels,
                   _finite, _no_data, _render, _require_columns, _round2, _style_axes, _title, _wrap)


CHANNELS = ("来信", "来访", "网上信访")


def channel_comparison(current: Mapping[str, int], previous: Mapping[str, int], *,
                       title: str = "到国家信访局信访量（分渠道）", unit: str = "件人次",
                       labels: tuple[str, str] = ("本期", "上年同期")) -> Chart:
    """Grouped bars per channel (来信, 来访, 网上信访, then any others): 本期 vs 上年同期.

    A channel missing from one mapping counts 0 there; no channel at all gives 无数据.
    """
    names = [c for c in CHANNELS if c in current or c in previous]
    names += [c for c in [*current, *previous] if c not in names]
    names = list(dict.fromkeys(names))
    if not names:
        return _no_data(title)
    cur = [_round2(current.get(c, 0) or 0) for c in names]
    prev = [_round2(previous.get(c, 0) or 0) for c in names]

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        x = np.arange(len(names))
        width = 0.36
        b_prev = ax.bar(x - width / 2, prev, width, color=PREVIOUS, label=labels[1])
        b_cur = ax.bar(x + width / 2, cur, width, color=CURRENT, label=labels[0])
        for bars, values in ((b_prev, prev), (b_cur, cur)):
            ax.bar_label(bars, labels=[str(v) for v in values], padding=2, fontsize=8)
        _category_labels(ax, "x", x, names)
        ax.set_ylabel(unit)
        _title(ax, title)
        ax.margins(y=0.15)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        fig.legend(loc="outside lower center", ncols=2)
        _style_axes(ax, grid_axis="y")

    alt = f"{title}：" + "；".join(
        f"{n}{labels[0]}{_count(c, unit)}、{labels[1]}{_count(p, unit)}"
        for n, c, p in zip(names, cur, prev))
    return _render(draw, title=title, alt=alt)


def _months(series: pd.Series | None, name: str) -> pd.Series:
    if series is None or len(series) == 0:
        return pd.Series(dtype="float64")
    values = pd.to_numeric(pd.Series(series), errors="coerce")
    try:
        months = [int(m) for m in values.index]
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: 索引应为月份 1–12 / index must be month numbers 1..12") from exc
    if any(m < 1 or m > 12 for m in months) or len(set(months)) != len(months):
        raise ValueError(f"{name}: 索引应为不重复的月份 1–12 / index must be distinct months 1..12, "
                         f"got {months}")
    return pd.Series(values.to_numpy(dtype="float64"), index=months).sort_index()


def monthly_trend(current: pd.Series, previous: pd.Series | None = None, *,
                  title: str = "月度信访量走势", unit: str = "件次",
                  labels: tuple[str, str] = ("本年", "上年")) -> Chart:
    """Two lines over the months 1月…12月: 本年 (with value labels) and 上年.

    Both series are indexed by month number (1..12); a month that is absent (or NaN) is not
    drawn — pass 0 for a month with no registrations.
    """
    cur = _months(current, "current").dropna()
    prev = _months(previous, "previous").dropna()
    if cur.empty and prev.empty:
        return _no_data(title)

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        if not prev.empty:
            ax.plot(prev.index, prev.to_numpy(), color=PREVIOUS, linewidth=1.6, linestyle="--",
                    marker="o", markersize=3.5, label=labels[1])
        if not cur.empty:
            ax.plot(cur.index, cur.to_numpy(), color=CURRENT, linewidth=1.8, marker="o",
                    markersize=4, label=labels[0])
            for m, v in cur.items():
                ax.annotate(str(_round2(v)), (m, v), textcoords="offset points", xytext=(0, 5),
                            ha="center", fontsize=7.5, color=CURRENT)
        _category_labels(ax, "x", range(1, 13), [f"{m}月" for m in range(1, 13)])
        ax.set_xlim(0.5, 12.5)
        highest = max([*cur.to_list(), *prev.to_list(), 0.0])
        ax.set_ylim(0, highest * 1.15 if highest > 0 else 1)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(unit)
        _title(ax, title)
        fig.legend(loc="outside lower center", ncols=2)
        _style_axes(ax, grid_axis="y")

    parts = []
    for label, s in ((labels[0], cur), (labels[1], prev)):
        if not s.empty:
            parts.append(label + "：" + "、".join(f"{m}月{_count(_round2(v), unit)}"
                                                  for m, v in s.items()))
    return _render(draw, title=title, alt=f"{title}。" + "；".join(parts))


def _hbars(fig: Figure, names: list[str], values: list, *, title: str, unit: str,
           texts: list[str], colors: list[str]) -> None:
    """Horizontal bars, first item at the top, value text at the end of each bar."""
    ax = fig.add_subplot()
    y = np.arange(len(names))
    bars = ax.barh(y, values, height=0.62, color=colors)
    ax.bar_label(bars, labels=texts, padding=3, fontsize=8 if len(names) <= 15 else 7.5)
    _category_labels(ax, "y", y, names, fontsize=7.5 if len(names) > 15 else None)
    ax.invert_yaxis()
    ax.set_ylim(len(names) - 0.5, -0.5)
    ax.margins(x=0.14)
    ax.set_xlim(left=0)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(unit)
    _title(ax, title)
    _style_axes(ax, grid_axis="x")


def _height_for(rows: int, per_row_cm: float, extra_cm: float = 2.2) -> float:
    return max(HEIGHT_CM, round(extra_cm + per_row_cm * rows, 1))


def domain_bars(counts: pd.Series, *, title: str = "信访问题领域分布", unit: str = "件次",
                top: int = 10, other: str = "其他") -> Chart:
    """Horizontal bars of the problem domains, largest first, with count and share.

    The ``top`` largest domains are shown (ties keep the input order); the remaining ones
    are added up into one ``other`` bar at the bottom (together with a domain already named
    ``other``). Shares are of the total of all domains.
    """
    s = _finite(counts) if counts is not None else pd.Series(dtype="float64")
    if s.empty:
        return _no_data(title)
    s.index = [str(i) for i in s.index]
    s = s.groupby(level=0, sort=False).sum()
    rest = s.pop(other) if other in s.index else 0
    s = s.sort_values(ascending=False, kind="stable")
    if top is not None and len(s) > top:
        rest = rest + s.iloc[top:].sum()
        s = s.iloc[:top]
    if rest:
        s = pd.concat([s, pd.Series({other: rest})])
    total = s.sum()
    names = list(s.index)
    values = [_round2(v) for v in s]
    shares = [_ratio_percent(v, total, decimals=1) for v in s]
    texts = [f"{v}（{p}）" if total else str(v) for v, p in zip(values, shares)]

    def draw(fig: Figure) -> None:
        _hbars(fig, names, values, title=title, unit=unit, texts=texts,
               colors=[CURRENT] * len(names))

    alt = f"{title}：" + "；".join(f"{n}{_count(v, unit)}，占{p}"
                                  for n, v, p in zip(names, values, shares))
    return _render(draw, title=title, alt=alt, height_cm=_height_for(len(names), 0.55))


#: The most bars :func:`unit_ranking` draws when no ``top`` is given: a page of bars. A province
#: has some 2,000 units; all of them would make a chart 9 m tall that nobody can read.
MAX_BARS = 40


def unit_ranking(values: pd.Series, *, title: str, unit: str, highlight: str | None = None,
                 top: int | None = None) -> Chart:
    """Units ranked by a value, largest at the top, with value labels.

    Ties keep the input order (e.g. the unit register's). The figure grows with the number
    of units so that 20+ units stay legible. ``highlight`` names the unit a report is about:
    its bar is drawn in red (a name not among the units highlights nothing).

    ``top`` keeps the first ``top`` units. Without it, at most :data:`MAX_BARS` bars are drawn:
    with more units, the first ``MAX_BARS`` and — when it ranks below them — the highlighted
    unit as the last bar, labelled with its place (第k位; ties share the best place); the alt
    text says how many units there are.
    """
    s = _finite(values) if values is not None else pd.Series(dtype="float64")
    if s.empty:
        return _no_data(title)
    s.index = [str(i) for i in s.index]
    s = s.sort_values(ascending=False, kind="stable")
    total = len(s)
    names_of: dict[str, str] = {}
    if top is not None:
        s = s.iloc[:top]
    elif total > MAX_BARS:
        shown = s.iloc[:MAX_BARS]
        if highlight in s.index and highlight not in shown.index:
            place = int((s > s[highlight]).sum()) + 1
            shown = pd.concat([s.iloc[:MAX_BARS - 1], s[[highlight]]])
            names_of[highlight] = f"{highlight}（第{place}位）"
        s = shown
    names = list(s.index)
    labels = [names_of.get(n, n) for n in names]
    vals = [_round2(v) for v in s]
    colors = [HIGHLIGHT if n == highlight else CURRENT for n in names]

    def draw(fig: Figure) -> None:
        _hbars(fig, labels, vals, title=title, unit=unit, texts=[str(v) for v in vals],
               colors=colors)

    scope = f"，共{total}个单位" if top is None and total > len(names) else ""
    alt = f"{title}（由高到低{scope}）：" + "；".join(f"{n}{_count(v, unit)}" for n, v in zip(labels, vals))
    return _render(draw, title=title, alt=alt, height_cm=_height_for(len(names), 0.45))


def rates_vs_targets(frame: pd.DataFrame, *, title: str = "主要指标完成情况") -> Chart:
    """Horizontal bars of rates (in ％) with a target mark on each bar.

    ``frame`` has columns ``name``, ``value`` (a fraction; NaN/None = undefined) and
    ``target`` (a fraction; NaN = no target). An undefined value is labelled "—" and drawn
    as no bar at all, never as 0. Rates may exceed 100％ (e.g. 来信重复率).
    """
    if frame is None or len(frame) == 0:
        return _no_data(title)
    _require_columns(frame, ("name", "value", "target"), "rates_vs_targets")
    names = [str(n) for n in frame["name"]]
    value = pd.to_numeric(frame["value"].astype("object"), errors="coerce").to_numpy(dtype="float64")
    target = pd.to_numeric(frame["target"].astype("object"), errors="coerce").to_numpy(dtype="float64")
    texts = [_percent(None if math.isnan(v) else v) for v in value]
    n = len(names)

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        y = np.arange(n)
        ax.barh(y, np.nan_to_num(value * 100, nan=0.0), height=0.56, color=CURRENT,
                label="完成值")
        has_target = ~np.isnan(target)
        if has_target.any():
            ax.scatter(target[has_target] * 100, y[has_target], marker="|", s=260,
                       linewidths=2.2, color=HIGHLIGHT, zorder=3, label="目标值")
        finite = np.concatenate([value[~np.isnan(value)], target[has_target]]) * 100
        right = max(100.0, float(finite.max()) if finite.size else 100.0)
        pad = right * 0.012
        for yi, v, g, text in zip(y, value, target, texts):
            # after the bar and after the target mark, so that neither hides the figure
            at = max(0.0 if math.isnan(v) else v * 100, 0.0 if math.isnan(g) else g * 100)
            ax.text(at + pad, yi, text, va="center", ha="left", fontsize=8)
        _category_labels(ax, "y", y, [_wrap(name, 16) for name in names])
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, right * 1.18)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}％"))
        _title(ax, title)
        fig.legend(loc="outside lower center", ncols=2)
        _style_axes(ax, grid_axis="x")

    alt = f"{title}：" + "；".join(
        f"{nm}{t}" + ("" if math.isnan(g) else f"（目标{_percent(g)}）")
        for nm, t, g in zip(names, texts, target))
    return _render(draw, title=title, alt=alt, height_cm=_height_for(n, 0.85))


def budget_bars(frame: pd.DataFrame, *, title: str = "预算执行情况", unit: str = "万元") -> Chart:
    """Grouped bars per budget item: 预算 vs 实际支出, with the 执行率 under each item.

    ``frame`` has columns ``item``, ``budget`` and ``actual`` (amounts in ``unit``).
    执行率 = actual ÷ budget, "—" when the budget is 0.
    """
    if frame is None or len(frame) == 0:
        return _no_data(title)
    _require_columns(frame, ("item", "budget", "actual"), "budget_bars")
    items = [str(i) for i in frame["item"]]
    budget = [_round2(v) for v in pd.to_numeric(frame["budget"]).fillna(0)]
    actual = [_round2(v) for v in pd.to_numeric(frame["actual"]).fillna(0)]
    rates = [_ratio_percent(a, b) for a, b in zip(actual, budget)]

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        x = np.arange(len(items))
        width = 0.36
        b_budget = ax.bar(x - width / 2, budget, width, color=PREVIOUS, label="预算")
        b_actual = ax.bar(x + width / 2, actual, width, color=CURRENT, label="实际支出")
        for bars, vals in ((b_budget, budget), (b_actual, actual)):
            ax.bar_label(bars, labels=[str(v) for v in vals], padding=2, fontsize=7.5)
        _category_labels(ax, "x", x, [f"{_wrap(i, 10)}\n执行率{r}" for i, r in zip(items, rates)])
        ax.set_ylabel(unit)
        _title(ax, title)
        ax.margins(y=0.15)
        fig.legend(loc="outside lower center", ncols=2)
        _style_axes(ax, grid_axis="y")

    alt = f"{title}：" + "；".join(
        f"{i}预算{_count(b, unit)}、实际支出{_count(a, unit)}、执行率{r}"
        for i, b, a, r in zip(items, budget, actual, rates))
    return _render(draw, title=title, alt=alt)


def budget_parts(frame: pd.DataFrame, *, title: str = "预算执行情况", unit: str = "万元") -> Chart:
    """Two stacked bars, 调整预算 and 决算: 基本支出 and 项目支出 stacked up to their 合计.

    ``frame`` is :func:`xinfang.budget.budget_rows` (columns ``类别``, ``行``, ``调整预算``,
    ``决算``; amounts in ``unit``): the rows with ``行 == "类别"`` are the stacked parts and the
    total is printed on top of each bar. “三公”经费 and 政府采购 are parts *of* these amounts and
    are left to the table (they are never drawn as bars beside their total).
    """
    if frame is None or len(frame) == 0:
        return _no_data(title)
    _require_columns(frame, ("类别", "行", "调整预算", "决算"), "budget_parts")
    parts = frame[frame["行"] == "类别"]
    if parts.empty:
        return _no_data(title)
    names = [str(c) for c in parts["类别"]]
    columns = ("调整预算", "决算")
    values = {c: [_round2(v) for v in pd.to_numeric(parts[c]).fillna(0)] for c in columns}
    totals = {c: _round2(sum(Decimal(repr(float(v))) for v in values[c])) for c in columns}
    colours = [PREVIOUS, CURRENT, "#7F7F7F", "#D9D9D9"]

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        x = np.arange(len(columns))
        bottom = np.zeros(len(columns))
        for i, name in enumerate(names):
            heights = np.array([float(values[c][i]) for c in columns])
            bars = ax.bar(x, heights, 0.5, bottom=bottom, color=colours[i % len(colours)], label=name)
            ax.bar_label(bars, labels=[f"{values[c][i]:.2f}" for c in columns], label_type="center",
                         fontsize=8, color="white" if i % len(colours) == 1 else TEXT)
            bottom += heights
        for xi, c in zip(x, columns):
            ax.text(xi, bottom[xi], f"合计{totals[c]:.2f}", ha="center", va="bottom", fontsize=8.5)
        ax.set_xticks(x, list(columns))
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.margins(y=0.12)
        fig.legend(loc="outside lower center", ncols=len(names))
        _style_axes(ax, grid_axis="y")

    alt = f"{title}：" + "；".join(
        f"{c}合计{totals[c]:.2f}{unit}，其中" + "、".join(
            f"{n}{values[c][i]:.2f}{unit}" for i, n in enumerate(names))
        for c in columns)
    return _render(draw, title=title, alt=alt)


def month_unit_heatmap(matrix: pd.DataFrame, *, title: str = "各单位月度信访量", unit: str = "件次") -> Chart:
    """A unit × month heat map of counts (rows: units in register order; columns: 1月 … 12月),
    each cell labelled with its count. An empty matrix draws 无数据."""
    if matrix is None or matrix.empty:
        return _no_data(title)
    values = matrix.to_numpy(dtype=float)
    rows, cols = [str(i) for i in matrix.index], [str(c) for c in matrix.columns]

    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        ax.imshow(values, aspect="auto", cmap="Reds", interpolation="nearest")
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                v = values[i, j]
                ax.text(j, i, f"{int(v)}", ha="center", va="center", fontsize=7,
                        color="white" if v > values.max() * 0.6 else "#333333")
        ax.set_xticks(range(len(cols)), cols, fontsize=8)
        ax.set_yticks(range(len(rows)), rows, fontsize=8)
        _title(ax, f"{title}（{unit}）")

    alt = f"{title}：" + "；".join(f"{r}全年{int(values[i].sum())}{unit}" for i, r in enumerate(rows))
    return _render(draw, title=title, alt=alt, height_cm=_height_for(len(rows), 0.45))


def warm_up() -> None:
    """Draw two small charts and throw them away: the CJK font, its glyph and text-metric
    caches and the PNG writer are then loaded in this process.

    A batch calls it (through :func:`xinfang.report.warm`) in the template process its kernels
    are forked from, so that no kernel pays for a first drawing. Caches only: what later
    charts draw is the same, byte for byte.
    """
    monthly_trend(pd.Series({1: 12, 2: 3}), pd.Series({1: 8}), title="信访量")
    domain_bars(pd.Series({"城乡建设": 5, "劳动和社会保障": 2}), title="领域分布")
