"""Charts: Chinese glyphs render, bytes are deterministic, PNG carries no metadata, empty → 无数据."""
from __future__ import annotations

import io
import struct
import warnings
import zlib
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.image import imread

from xinfang import charts
from xinfang.charts import (Chart, budget_bars, channel_comparison, domain_bars, monthly_trend,
                            rates_vs_targets, setup_fonts, unit_ranking)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STREETS = ["城南街道", "火车南站街道", "城西街道", "中心路街道", "红旗路街道", "城北路街道", "翠园街道",
           "百春园街道", "学院路街道", "雨溪街道", "檀江街道", "罗市镇", "蔡锷乡", "板桥乡"]


def _channel():
    return channel_comparison({"来信": 156, "来访": 65, "网上信访": 287},
                              {"来信": 53, "来访": 16, "网上信访": 192})


def _monthly():
    cur = pd.Series([30, 35, 41, 38, 45, 52, 40, 44, 39, 47, 50, 47], index=range(1, 13))
    prev = pd.Series([18, 20, 22, 19, 25, 24, 21, 23, 20, 22, 24, 23], index=range(1, 13))
    return monthly_trend(cur, prev)


def _domains():
    return domain_bars(pd.Series({"城乡建设": 412, "住房保障": 301, "涉众金融": 265, "劳动保障": 220,
                                  "教育就学": 180, "民生医疗": 150}))


def _units():
    return unit_ranking(pd.Series([27, 7, 6, 6, 6, 5, 1, 0, 0, 0, 0, 0, 0, 0], index=STREETS),
                        title="进京登记人次（分乡镇街道）", unit="人次", highlight="城南街道")


def _rates():
    frame = pd.DataFrame({
        "name": ["及时受理率", "参评率", "满意率", "到国家信访局来信重复率", "到国家信访局初次来信一次性化解率（全类别）"],
        "value": [1.0, 1056 / 1062, 1051 / 1056, 45 / 14, None],
        "target": [0.98, 0.95, 0.95, np.nan, 0.9],
    })
    return rates_vs_targets(frame)


def _budget():
    return budget_bars(pd.DataFrame({"item": ["基本支出", "项目支出（信访专项）"],
                                     "budget": [420.5, 180], "actual": [415.32, 172.8]}))


ALL_CHARTS = [_channel, _monthly, _domains, _units, _rates, _budget]
IDS = ["channel", "monthly", "domains", "units", "rates", "budget"]


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """(type, data) of every PNG chunk, CRCs checked."""
    assert png[:8] == PNG_SIGNATURE
    out, i = [], 8
    while i < len(png):
        (length,) = struct.unpack(">I", png[i:i + 4])
        kind, data = png[i + 4:i + 8], png[i + 8:i + 8 + length]
        (crc,) = struct.unpack(">I", png[i + 8 + length:i + 12 + length])
        assert crc == zlib.crc32(kind + data)
        out.append((kind, data))
        i += 12 + length
    return out


def _size(png: bytes) -> tuple[int, int]:
    kind, data = _chunks(png)[0]
    assert kind == b"IHDR"
    return struct.unpack(">II", data[:8])


def _render_recording(make):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        chart = make()
    return chart, [str(w.message) for w in caught]


@pytest.fixture(scope="module")
def rendered() -> dict:
    """Each chart rendered once, with the warnings raised while rendering it."""
    return {name: _render_recording(make) for name, make in zip(IDS, ALL_CHARTS)}


@pytest.mark.parametrize("name", IDS)
def test_chart_renders_chinese_without_warnings(rendered, name):
    chart, messages = rendered[name]
    assert not [m for m in messages if "Glyph" in m]
    assert messages == []
    assert isinstance(chart, Chart)
    assert chart.png.startswith(PNG_SIGNATURE)
    assert chart.title and chart.alt.startswith(chart.title)


@pytest.mark.parametrize("name, make", list(zip(IDS, ALL_CHARTS)), ids=IDS)
def test_same_input_same_bytes(rendered, name, make):
    assert make().png == rendered[name][0].png


@pytest.mark.parametrize("name", IDS)
def test_png_has_no_software_or_time_metadata(rendered, name):
    png = rendered[name][0].png
    kinds = [kind for kind, _ in _chunks(png)]
    assert b"tIME" not in kinds
    assert not {b"tEXt", b"iTXt", b"zTXt"} & set(kinds)
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    assert b"Software" not in png and b"matplotlib" not in png


def test_figure_is_page_width_at_200_dpi(rendered):
    png = rendered["channel"][0].png
    # 15 cm × 8 cm at 200 dpi: 15/2.54·200 = 1181.1, 8/2.54·200 = 629.9 (matplotlib truncates)
    assert _size(png) == (1181, 629)
    # pHYs: 200 dpi = 7874 pixels per metre
    phys = dict(_chunks(png))[b"pHYs"]
    assert struct.unpack(">IIB", phys) == (7874, 7874, 1)


def test_many_units_get_a_taller_figure():
    names = [f"单位{i}" for i in range(25)]
    chart = unit_ranking(pd.Series(range(25), index=names), title="信访量（分单位）", unit="件次")
    # 2.2 cm + 25 × 0.45 cm = 13.45 → 13.4 cm (round half even of 13.45 in binary is 13.4)
    assert chart.height_cm == 13.4
    width, height = _size(chart.png)
    assert (width, height) == (1181, 1055)                # 13.4/2.54·200 = 1055.1


def test_display_is_one_figure_block_with_its_alt_text(rendered):
    import base64

    from IPython.core.formatters import DisplayFormatter

    from xinfang.display import BLOCK_MIMETYPE

    chart = rendered["channel"][0]
    data, metadata = DisplayFormatter().format(chart)
    # a notebook gets the xinfang figure block, the picture and a text/plain only
    assert set(data) == {BLOCK_MIMETYPE, "image/png", "text/plain"}
    assert metadata == {BLOCK_MIMETYPE: {"version": 2}}
    # the size is left to the PNG's dpi (null)
    assert data[BLOCK_MIMETYPE] == {"kind": "figure", "title": chart.title, "alt": chart.alt,
                                    "mimetype": "image/png", "width": None, "height": None}
    assert chart.alt.startswith("到国家信访局信访量（分渠道）")
    assert base64.b64decode(data["image/png"]) == chart.png
    assert data["image/png"] and chart.png.startswith(PNG_SIGNATURE)
    assert not hasattr(chart, "_repr_html_") and not hasattr(chart, "_repr_png_")
    assert data["text/plain"] == repr(chart) and "到国家信访局信访量（分渠道）" in repr(chart)


def test_save_writes_the_bytes_atomically(tmp_path: Path):
    chart = _budget()
    target = chart.save(tmp_path / "图表" / "预算.png")
    assert target.read_bytes() == chart.png
    assert sorted(p.name for p in target.parent.iterdir()) == ["预算.png"]  # no temp file left


def test_charts_do_not_change_global_rcparams():
    before = dict(matplotlib.rcParams)
    _units()
    assert dict(matplotlib.rcParams) == before


# --- fonts ---------------------------------------------------------------------------------

def test_setup_fonts_returns_a_cjk_family_and_is_idempotent():
    family = setup_fonts()
    assert family == setup_fonts()
    path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
    assert font_manager.get_font(path).get_char_index(ord("访")) != 0


def test_bundled_font_is_used_when_no_system_font(monkeypatch):
    bundled = charts._bundled_font_path()
    assert bundled is not None and bundled.name == "NotoSansCJKsc-Regular.otf"
    assert "mplfonts" in bundled.parts
    # a machine without any CJK font: matplotlib knows only its own fonts
    own = [e for e in font_manager.fontManager.ttflist
           if Path(e.fname).resolve().parent != bundled.parent.resolve()]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", own)
    monkeypatch.setattr(charts.base, "SYSTEM_CJK_FAMILIES", ("Noto Sans CJK SC", "No Such Font"))
    assert charts._system_cjk_family() is None           # mplfonts' file is not a system font
    assert setup_fonts() == "Noto Sans CJK SC"
    registered = [e for e in font_manager.fontManager.ttflist
                  if Path(e.fname).resolve() == bundled.resolve()]
    assert registered                                      # added once …
    setup_fonts()
    assert len([e for e in font_manager.fontManager.ttflist
                if Path(e.fname).resolve() == bundled.resolve()]) == len(registered)  # … not twice
    chart, messages = _render_recording(_rates)
    assert messages == [] and chart.png.startswith(PNG_SIGNATURE)


def test_system_font_is_preferred(monkeypatch):
    fake = font_manager.FontEntry(fname="/usr/share/fonts/wqy/wqy-zenhei.ttc", name="WenQuanYi Zen Hei")
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [*font_manager.fontManager.ttflist, fake])
    monkeypatch.setattr(charts.base, "SYSTEM_CJK_FAMILIES", ("WenQuanYi Zen Hei",))
    assert setup_fonts() == "WenQuanYi Zen Hei"
    assert setup_fonts(prefer_system=False) == "Noto Sans CJK SC"


def test_glyph_check_would_catch_a_font_without_chinese(monkeypatch):
    # the no-warning tests can fail: with a Latin-only font matplotlib warns about glyphs
    monkeypatch.setattr(charts.base, "setup_fonts", lambda **_: "DejaVu Sans")
    monkeypatch.setattr(charts.base, "_font_rc", lambda family: {
        "font.family": "sans-serif", "font.sans-serif": [family], "axes.unicode_minus": False})
    _, messages = _render_recording(_channel)
    assert any("Glyph" in m for m in messages)


def test_setup_fonts_apply_sets_rcparams(monkeypatch):
    monkeypatch.setattr(matplotlib, "rcParams", matplotlib.RcParams(matplotlib.rcParams.copy()))
    family = setup_fonts(apply=True)
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    assert matplotlib.rcParams["axes.unicode_minus"] is False


# --- content ---------------------------------------------------------------------------------

def _has_colour(png: bytes, rgb: tuple[int, int, int]) -> bool:
    pixels = (imread(io.BytesIO(png), format="png")[..., :3] * 255).round().astype(int)
    return bool(np.all(pixels == np.array(rgb), axis=-1).any())


def test_unit_ranking_highlight_colour():
    red = (0xC0, 0x50, 0x4D)
    blue = (0x2F, 0x55, 0x97)
    values = pd.Series([27, 7, 6], index=["城南街道", "火车南站街道", "城西街道"])
    highlighted = unit_ranking(values, title="进京登记人次", unit="人次", highlight="城西街道").png
    assert _has_colour(highlighted, red) and _has_colour(highlighted, blue)
    assert not _has_colour(unit_ranking(values, title="进京登记人次", unit="人次").png, red)
    assert not _has_colour(unit_ranking(values, title="进京登记人次", unit="人次",
                                        highlight="板桥乡").png, red)


def test_unit_ranking_order_and_ties_keep_input_order():
    values = pd.Series([6, 27, 6, 7, 6], index=["城西街道", "城南街道", "中心路街道", "火车南站街道", "红旗路街道"])
    chart = unit_ranking(values, title="进京登记人次", unit="人次")
    assert chart.alt == ("进京登记人次（由高到低）：城南街道27人次；火车南站街道7人次；城西街道6人次；"
                         "中心路街道6人次；红旗路街道6人次")
    assert unit_ranking(values, title="进京登记人次", unit="人次", top=2).alt == \
        "进京登记人次（由高到低）：城南街道27人次；火车南站街道7人次"


def test_domain_bars_top_and_other():
    counts = pd.Series({"教育就学": 10, "城乡建设": 40, "其他": 5, "住房保障": 30, "民生医疗": 15})
    chart = domain_bars(counts, top=2)
    # rest = 其他 5 + 教育就学 10 + 民生医疗 15 = 30; total 100
    assert chart.alt == ("信访问题领域分布：城乡建设40件次，占40.0％；住房保障30件次，占30.0％；"
                         "其他30件次，占30.0％")


def test_channel_comparison_order_and_missing_channel():
    chart = channel_comparison({"网上信访": 287, "来信": 156}, {"来访": 16})
    assert chart.alt == ("到国家信访局信访量（分渠道）：来信本期156件人次、上年同期0件人次；"
                         "来访本期0件人次、上年同期16件人次；网上信访本期287件人次、上年同期0件人次")


def test_rates_undefined_is_a_dash_not_zero(rendered):
    chart = rendered["rates"][0]
    assert "到国家信访局初次来信一次性化解率（全类别）—（目标90.00％）" in chart.alt
    assert "到国家信访局来信重复率321.43％；" in chart.alt      # above 100％, no target
    assert "参评率99.44％（目标95.00％）" in chart.alt
    assert "率0.00％" not in chart.alt and "）0.00％" not in chart.alt


def test_budget_execution_rate():
    chart = budget_bars(pd.DataFrame({"item": ["基本支出", "办公经费"], "budget": [420.5, 0],
                                      "actual": [415.32, 3]}))
    # 415.32 / 420.5 = 0.98768… → 98.77％; zero budget → —
    assert chart.alt == "预算执行情况：基本支出预算420.5万元、实际支出415.32万元、执行率98.77％；" \
                        "办公经费预算0万元、实际支出3万元、执行率—"


def test_monthly_trend_partial_year_and_bad_index():
    chart = monthly_trend(pd.Series({1: 30, 2: 35, 3: 0}), None)
    assert chart.alt == "月度信访量走势。本年：1月30件次、2月35件次、3月0件次"
    with pytest.raises(ValueError, match="1..12"):
        monthly_trend(pd.Series({0: 3, 13: 4}))
    with pytest.raises(ValueError):
        monthly_trend(pd.Series({"一月": 3}))


def test_missing_columns_are_named():
    with pytest.raises(ValueError, match="target"):
        rates_vs_targets(pd.DataFrame({"name": ["参评率"], "value": [0.99]}))
    with pytest.raises(ValueError, match="actual"):
        budget_bars(pd.DataFrame({"item": ["基本支出"], "budget": [1.0]}))


@pytest.mark.parametrize("make, title", [
    (lambda: channel_comparison({}, {}), "到国家信访局信访量（分渠道）"),
    (lambda: monthly_trend(pd.Series(dtype="int64"), pd.Series(dtype="int64")), "月度信访量走势"),
    (lambda: domain_bars(pd.Series(dtype="int64")), "信访问题领域分布"),
    (lambda: unit_ranking(pd.Series(dtype="int64"), title="进京登记人次", unit="人次"), "进京登记人次"),
    (lambda: rates_vs_targets(pd.DataFrame(columns=["name", "value", "target"])), "主要指标完成情况"),
    (lambda: budget_bars(pd.DataFrame(columns=["item", "budget", "actual"])), "预算执行情况"),
], ids=IDS)
def test_empty_input_says_no_data(make, title):
    chart, messages = _render_recording(make)
    assert messages == []
    assert chart.title == title and chart.alt == f"{title}：无数据"
    assert chart.png.startswith(PNG_SIGNATURE)


# --- issue 14: cost at the floor, same pictures ------------------------------------------------

def test_same_bytes_in_a_fresh_process(rendered):
    """Determinism across processes, not only within one (font and layout caches start cold)."""
    import subprocess
    import sys

    code = ("import sys, hashlib\nsys.path.insert(0, sys.argv[1])\nimport test_charts as t\n"
            "print(' '.join(hashlib.sha256(m().png).hexdigest() for m in t.ALL_CHARTS))")
    out = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent)], capture_output=True,
                         text=True, check=True).stdout.split()
    import hashlib

    assert out == [hashlib.sha256(rendered[name][0].png).hexdigest() for name in IDS]


def test_png_is_lossless_palette_or_rgb(rendered):
    """The palette PNG keeps every pixel's colour: decoded, it is what matplotlib drew."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    fig = Figure(figsize=(3, 2), dpi=100, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.bar([0, 1], [1, 2], color=["#2F5597", "#C0504D"])
    ax.set_title("anti-aliased text")
    canvas.draw()
    drawn = np.asarray(canvas.buffer_rgba())[..., :3]
    image = Image.open(io.BytesIO(charts._png(canvas)))
    assert image.mode in ("P", "RGB")
    assert np.array_equal(np.asarray(image.convert("RGB")), drawn)
    for name in IDS:
        assert Image.open(io.BytesIO(rendered[name][0].png)).mode in ("P", "RGB")


def test_layout_keeps_every_label_inside_the_figure(rendered):
    """The layout computed without constrained layout leaves a white border on every side:
    nothing (title, tick labels, value labels, legend) is cut at an edge."""
    from PIL import Image

    for name in IDS:
        pixels = np.asarray(Image.open(io.BytesIO(rendered[name][0].png)).convert("RGB"))
        for edge in (pixels[:2], pixels[-2:], pixels[:, :2], pixels[:, -2:]):
            assert (edge == 255).all(), name


def test_unit_ranking_of_a_province_draws_a_page_not_a_wall():
    names = [f"示例{i:04d}街道" for i in range(2000)]
    values = pd.Series(np.arange(2000, 0, -1), index=names)
    chart = unit_ranking(values, title="各单位到国家信访局信访量", unit="件人次", highlight="示例1500街道")
    assert chart.height_cm == round(2.2 + 0.45 * charts.MAX_BARS, 1)
    assert chart.alt.startswith("各单位到国家信访局信访量（由高到低，共2000个单位）：示例0000街道2000件人次；")
    assert chart.alt.endswith("；示例1500街道（第1501位）500件人次")
    assert _has_colour(chart.png, (0xC0, 0x50, 0x4D))
    # a highlighted unit among the first ones is not repeated; top= still means top
    first = unit_ranking(values, title="t", unit="件", highlight="示例0003街道")
    assert first.alt.count("示例0003街道") == 1 and "第" not in first.alt
    assert unit_ranking(values, title="t", unit="件", top=3).alt == "t（由高到低）：示例0000街道2000件；示例0001街道1999件；示例0002街道1998件"
