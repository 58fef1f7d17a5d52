"""Charts of the report: seaborn style, a CJK font that is always there, deterministic PNG bytes.

Each chart function takes plain pandas / Python data (no other part of xinfang is needed),
draws on a private :class:`matplotlib.figure.Figure` with the Agg canvas (never pyplot, so
nothing leaks between charts and a notebook shows each chart exactly once) and returns a
:class:`Chart`: the PNG bytes plus a title and an alt text.

Fonts (:func:`setup_fonts`): a Chinese system font is used where one is installed;
otherwise the Noto Sans CJK SC file shipped inside the PyPI package ``mplfonts`` is
registered with matplotlib, so a fresh machine without any CJK font still renders every
label (no "Glyph … missing" warning). Nothing is downloaded.

Determinism: fixed figure size (15 cm wide), 200 dpi, PNG written with no text chunk;
the same input gives the same bytes.

Cost (issue 14; a unit report draws six charts in a fresh kernel): the layout is that of
matplotlib's constrained layout (same pads) computed directly from the measured decorations
(:func:`_fit`), so each chart is drawn once, not twice; titles and empty axis labels are
fixed where matplotlib would put them, so it does not re-measure every tick label to place
them; category names are plain texts where the tick labels go; the PNG is written with an
exact palette when the chart has at most 256 colours (lossless, a third of the bytes). The
pictures are those of constrained layout to within anti-aliasing (a few pixels differ by at
most 5 of 255 levels).

Examples
--------
>>> chart = channel_comparison({"来信": 156, "来访": 65, "网上信访": 287},
...                            {"来信": 53, "来访": 16, "网上信访": 192})
>>> chart.png[:4] == b"\\x89PNG", chart.title
(True, '到国家信访局信访量（分渠道）')
"""
from __future__ import annotations

import functools
import importlib.util
import io
import math
import os
from decimal import ROUND_HALF_UP, Decimal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from xinfang.display import Figure as DisplayFigure
from xinfang.errors import RenderError
from xinfang.narrative import count as _count
from xinfang.narrative import percent as _percent
from xinfang.narrative import ratio_percent as _ratio_percent

__all__ = ["Chart", "setup_fonts", "channel_comparison", "monthly_trend", "domain_bars",
           "unit_ranking", "rates_vs_targets", "budget_bars", "WIDTH_CM", "HEIGHT_CM", "DPI", "MAX_BARS"]

WIDTH_CM = 15.0   # page width of an A4 body with GB/T 9704 margins (21 − 2.8 − 2.6 ≈ 15.6)
HEIGHT_CM = 8.0
DPI = 200
_CM = 1 / 2.54

#: Chinese system fonts tried in this order before the bundled one.
SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
    "Hiragino Sans GB", "Heiti SC", "STHeiti",
)
_BUNDLED_PACKAGE = "mplfonts"
_BUNDLED_FILE = "NotoSansCJKsc-Regular.otf"

# Muted colours that print well in grey too.
CURRENT = "#2F5597"    # 本期 / 完成值: dark blue
PREVIOUS = "#A6B3C9"   # 上年同期 / 预算: grey blue
HIGHLIGHT = "#C0504D"  # the unit a report is about; targets
TEXT = "#262626"

NO_DATA = "无数据"


# --- the result ------------------------------------------------------------------------

@dataclass(frozen=True, repr=False)
class Chart:
    """A rendered chart: PNG bytes plus what a reader who cannot see it needs.

    A notebook displays it as exactly one output, a figure of :mod:`xinfang.display`: the
    JSON block (title, alt text, size) and the ``image/png`` it describes. The HTML and Word
    exporters print the alt text (``<img alt>``, the picture's description).
    """

    png: bytes
    title: str
    alt: str = ""
    width_cm: float = WIDTH_CM
    height_cm: float = HEIGHT_CM

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = DisplayFigure(self.png, self.title, self.alt, self.width_cm, self.height_cm)._repr_mimebundle_()
        bundle["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        return f"<Chart {self.title!r}: {self.width_cm:g}×{self.height_cm:g} cm, {len(self.png)} bytes>"

    def save(self, path: str | os.PathLike) -> Path:
        """Write the PNG atomically (temporary file, then rename); returns the path."""
        from .fileio import write_bytes_atomic

        return write_bytes_atomic(path, self.png)


# --- fonts -------------------------------------------------------------------------------

@functools.cache
def _bundled_font_path() -> Path | None:
    """Path of the Noto Sans CJK SC file inside the installed ``mplfonts`` package (not imported)."""
    spec = importlib.util.find_spec(_BUNDLED_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "fonts" / _BUNDLED_FILE
        if candidate.is_file():
            return candidate
    return None


def _system_cjk_family() -> str | None:
    """The first of :data:`SYSTEM_CJK_FAMILIES` matplotlib knows, not counting mplfonts' files."""
    bundled = _bundled_font_path()
    bundled_dir = bundled.parent.resolve() if bundled else None
    known = {entry.name for entry in font_manager.fontManager.ttflist
             if bundled_dir is None or Path(entry.fname).resolve().parent != bundled_dir}
    return next((family for family in SYSTEM_CJK_FAMILIES if family in known), None)


def _bundled_family() -> str:
    """Register the bundled font with matplotlib (once) and return its family name."""
    path = _bundled_font_path()
    if path is None:
        raise RenderError(
            "找不到中文字体：系统未安装中文字体，且未找到 mplfonts 包自带的 "
            f"{_BUNDLED_FILE} / no CJK font: install the 'mplfonts' package or a system CJK font")
    resolved = path.resolve()
    if not any(Path(entry.fname).resolve() == resolved
               for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(str(path))
    return font_manager.get_font(str(path)).family_name


# the answer of setup_fonts, valid while matplotlib's font list is unchanged
_FAMILY_CACHE: dict[tuple, str] = {}


def setup_fonts(*, prefer_system: bool = True, apply: bool = False) -> str:
    """Make a CJK font available to matplotlib and return its family name.

    A Chinese system font is preferred (``prefer_system``); else the Noto Sans CJK SC file
    shipped by the ``mplfonts`` package is registered. Idempotent and cheap: the font file
    is registered once per process. Chart functions call it themselves and apply the font
    only while they draw; ``apply=True`` also sets it in the global ``matplotlib.rcParams``
    (for an analyst's own plots in a notebook).

    >>> family = setup_fonts()
    >>> family == setup_fonts() and bool(family)
    True
    """
    fonts = font_manager.fontManager.ttflist
    key = (prefer_system, SYSTEM_CJK_FAMILIES, id(fonts), len(fonts))
    family = _FAMILY_CACHE.get(key)
    if family is None:
        family = _system_cjk_family() if prefer_system else None
        if family is None:
            family = _bundled_family()
        fonts = font_manager.fontManager.ttflist
        _FAMILY_CACHE.clear()
        _FAMILY_CACHE[(prefer_system, SYSTEM_CJK_FAMILIES, id(fonts), len(fonts))] = family
    if apply:
        matplotlib.rcParams.update(_font_rc(family))
    return family


def _font_rc(family: str) -> dict:
    return {"font.family": "sans-serif", "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False}


@functools.cache
def _base_rc(family: str) -> tuple[tuple[str, object], ...]:
    """seaborn's whitegrid style with the CJK font and print sizes, computed once per family."""
    rc = dict(sns.axes_style("whitegrid"))
    rc.update(_font_rc(family))
    rc.update({
        "font.size": 9, "axes.titlesize": 10.5, "axes.titlepad": 8, "axes.labelsize": 9,
        "xtick.labelsize": 8.5, "ytick.labelsize": 8.5, "legend.fontsize": 8.5,
        "legend.frameon": False, "text.color": TEXT, "axes.labelcolor": TEXT,
        "xtick.color": TEXT, "ytick.color": TEXT, "axes.edgecolor": "#BFBFBF",
        "grid.color": "#E3E3E3", "grid.linewidth": 0.6, "axes.linewidth": 0.8,
        "patch.force_edgecolor": False, "figure.dpi": DPI, "savefig.dpi": DPI,
        "savefig.facecolor": "white", "path.simplify": False,
    })
    return tuple(rc.items())


def _rc(family: str) -> dict:
    """The rc settings of every chart: seaborn's whitegrid, the CJK font, print sizes."""
    return dict(_base_rc(family))


# --- rendering ---------------------------------------------------------------------------

#: Padding around the decorations of a chart, as matplotlib's constrained layout uses (3 pt).
_PAD_IN = 3 / 72


def _fit(fig: Figure, renderer) -> None:
    """Place the chart's one Axes so that its decorations and the figure legend fit the figure.

    The layout of matplotlib's constrained layout for one Axes with a legend "outside lower
    center" (same pads), computed directly: the extents of the tick labels, titles and value
    labels around the Axes are measured once per pass with the renderer that then draws the
    figure (so the text metrics are measured once), instead of constrained layout's full extra
    draw before every save. Two passes, as constrained layout does, since new tick labels may
    follow a new Axes size.
    """
    width, height = fig.bbox.width, fig.bbox.height
    pad_x, pad_y = _PAD_IN * fig.dpi, _PAD_IN * fig.dpi
    bottom = pad_y
    for legend in fig.legends:
        box = legend.get_tightbbox(renderer)
        bottom = max(bottom, box.height + 2 * pad_y + pad_y)
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not axis.label.get_text():
                # no label to place: spare matplotlib measuring the tick labels again to place it
                axis.set_label_coords(0.5, 0.5)
        for _ in range(2):
            pos = ax.get_position(original=True).transformed(fig.transFigure)
            box = ax.get_tightbbox(renderer, for_layout_only=True)
            if box is None:
                break
            x0 = pad_x + (pos.x0 - box.x0)
            x1 = width - pad_x - (box.x1 - pos.x1)
            y0 = bottom + (pos.y0 - box.y0)
            y1 = height - pad_y - (box.y1 - pos.y1)
            ax.set_position([x0 / width, y0 / height, (x1 - x0) / width, (y1 - y0) / height])


def _png(canvas: FigureCanvasAgg) -> bytes:
    """The drawn canvas as PNG bytes, losslessly: 200 dpi, no text chunk, same input → same bytes.

    A chart has few colours (flat fills, grey text and their anti-aliased edges): when there
    are at most 256, the PNG is written with an exact palette of them (every pixel keeps its
    colour; a third of the bytes of RGBA and half the time to compress); otherwise as RGB.
    The background is opaque white, so the alpha channel carries nothing and is dropped.
    """
    from PIL import Image

    width, height = canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    counted = image.getcolors(256)
    palette = sorted({rgba[:3] for _, rgba in counted}) if counted is not None else None
    if palette is None or len(palette) > 256:
        out = image.convert("RGB")
    else:
        index = np.zeros(1 << 24, dtype=np.uint8)  # 0xBBGGRR → palette index (pages touched lazily)
        index[[r | g << 8 | b << 16 for r, g, b in palette]] = np.arange(len(palette), dtype=np.uint8)
        rgb = np.asarray(canvas.buffer_rgba()).view("<u4").reshape(height, width) & np.uint32(0xFFFFFF)
        out = Image.fromarray(index[rgb])
        out.putpalette([v for colour in palette for v in colour])
    buffer = io.BytesIO()
    out.save(buffer, format="png", dpi=(DPI, DPI))
    return buffer.getvalue()


def _render(draw: Callable[[Figure], None], *, title: str, alt: str,
            height_cm: float = HEIGHT_CM) -> Chart:
    """Draw on a fresh Agg figure under the chart rc, return its PNG as a :class:`Chart`."""
    family = setup_fonts()
    with matplotlib.rc_context(_rc(family)):
        fig = Figure(figsize=(WIDTH_CM * _CM, height_cm * _CM), dpi=DPI, facecolor="white")
        canvas = FigureCanvasAgg(fig)  # never registered with pyplot: garbage once we return
        draw(fig)
        _fit(fig, canvas.get_renderer())
        canvas.draw()
        png = _png(canvas)
    return Chart(png, title=title, alt=alt, width_cm=WIDTH_CM, height_cm=height_cm)


def _title(ax, text: str) -> None:
    """The Axes title at its usual place (1.0 plus ``axes.titlepad``), fixed there.

    A title with no explicit ``y`` makes matplotlib measure every tick label again on each
    draw, to lift the title above ticks on top; these charts have none on top.
    """
    ax.set_title(text, y=1.0)


def _no_data(title: str) -> Chart:
    """A chart that says 无数据 (an empty input is not an error)."""
    def draw(fig: Figure) -> None:
        ax = fig.add_subplot()
        ax.set_axis_off()
        _title(ax, title)
        ax.text(0.5, 0.5, NO_DATA, ha="center", va="center", fontsize=14, color="#7F7F7F",
                transform=ax.transAxes)
    return _render(draw, title=title, alt=f"{title}：{NO_DATA}")


def _round2(value: float) -> int | float:
    """A value as labels show it: integral values as ``int``, others to two decimals (half up).

    >>> _round2(156), _round2(12.0), _round2(12.345), _round2(0.5)
    (156, 12, 12.35, 0.5)
    """
    d = Decimal(repr(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return int(d) if d == d.to_integral_value() else float(d.normalize())


def _style_axes(ax, *, grid_axis: str) -> None:
    ax.grid(False)
    ax.grid(True, axis=grid_axis)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)


def _category_labels(ax, which: str, positions, labels, *, fontsize: float | None = None) -> None:
    """Category names beside the ``which`` axis ("x" or "y") exactly where its tick labels go.

    Drawn as plain texts with the tick labels' transform, alignment, size and colour: the
    categories need no tick marks (their length is 0) nor grid lines, and a matplotlib Tick
    (two marks, a grid line and two labels, measured again on every pass) costs many times a
    text. The numeric axis keeps its ticks.
    """
    rc = matplotlib.rcParams
    colour = rc[f"{which}tick.labelcolor"]
    if colour == "inherit":
        colour = rc[f"{which}tick.color"]
    size = fontsize if fontsize is not None else rc[f"{which}tick.labelsize"]
    pad = rc[f"{which}tick.major.pad"]  # + the tick length, 0 here
    if which == "x":
        ax.set_xticks([])
        transform, va, ha = ax.get_xaxis_text1_transform(pad)
        for pos, label in zip(positions, labels):
            ax.text(pos, 0, label, transform=transform, va=va, ha=ha, fontsize=size, color=colour)
    else:
        ax.set_yticks([])
        transform, va, ha = ax.get_yaxis_text1_transform(pad)
        for pos, label in zip(positions, labels):
            ax.text(0, pos, label, transform=transform, va=va, ha=ha, fontsize=size, color=colour)


def _finite(values) -> pd.Series:
    """Numeric values with NaN/None dropped."""
    return pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").dropna()


def _wrap(label: str, width: int) -> str:
    """Break a long Chinese label: before a bracketed suffix （…）, then every ``width`` characters.

    >>> _wrap("到国家信访局初次网信一次性化解率（全类别）", 16)
    '到国家信访局初次网信一次性化解率\\n（全类别）'
    >>> _wrap("求决类初次信访一次性化解率", 8)
    '求决类初次信访一\\n次性化解率'
    >>> _wrap("满意率", 8)
    '满意率'
    """
    label = str(label)
    if len(label) <= width:
        return label
    head, bracket, tail = label.partition("（")
    pieces = [head, bracket + tail] if head and bracket else [label]
    return "\n".join(piece[i:i + width] for piece in pieces for i in range(0, len(piece), width))


def _require_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{what}: 缺少列 / missing column(s) {missing}; "
                         f"需要 / required {list(columns)}, 现有 / present {list(frame.columns)}")


# --- charts ------------------------------------------------------------------------------

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
