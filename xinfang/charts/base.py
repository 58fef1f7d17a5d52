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
>>> from xinfang.charts import channel_comparison
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

from xinfang.blocks import DEFAULT_ALT
from xinfang.blocks import Figure as FigureBlock
from xinfang.display import bundle
from xinfang.errors import RenderError
from xinfang.narrative import count as _count
from xinfang.narrative import percent as _percent
from xinfang.narrative import ratio_percent as _ratio_percent


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

    A notebook displays it as exactly one output, its :meth:`figure` block serialised by
    :mod:`xinfang.display`: the JSON block (title, alt text) and the ``image/png`` it describes. The HTML and Word
    exporters print the alt text (``<img alt>``, the picture's description).
    """

    png: bytes
    title: str
    alt: str = ""
    width_cm: float = WIDTH_CM
    height_cm: float = HEIGHT_CM

    def figure(self) -> FigureBlock:
        """The chart as a block of the document model (its size comes from the PNG's dpi)."""
        return FigureBlock(self.png, alt=self.alt.strip() or DEFAULT_ALT, title=self.title)

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        data, metadata = bundle(self.figure())
        data["text/plain"] = repr(self)
        return data, metadata

    def __repr__(self) -> str:
        return f"<Chart {self.title!r}: {self.width_cm:g}×{self.height_cm:g} cm, {len(self.png)} bytes>"

    def save(self, path: str | os.PathLike) -> Path:
        """Write the PNG atomically (temporary file, then rename); returns the path."""
        from ..fileio import write_bytes_atomic

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
