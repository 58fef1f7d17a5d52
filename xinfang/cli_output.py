"""Text tables the ``xinfang`` command prints: aligned for CJK terminals, every undefined or
absent value written "—" (never "None"), figures worded by :mod:`xinfang.narrative`."""
from __future__ import annotations

import unicodedata
from typing import Mapping

from . import narrative as nv
from .periods import Period
from .result import Indicator

DASH = nv.UNDEFINED
HEADERS = ("指标代码", "指标", "本期（分子/分母）", "上年同期", "同比")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def label(ind: Indicator, unit: str | None) -> str:
    """The indicator's name as a unit's reader reads it: 本单位, not 全区.

    >>> label(Indicator("total.registrations", "全区信访总量（件次）", 3), "城南街道")
    '本单位信访总量（件次）'
    """
    return ind.name.replace("全区", "本单位") if unit else ind.name


def shown(ind: Indicator, value, sign: str = "％") -> str:
    """``value`` (the indicator's own or its previous one) as printed: a rate as a percentage,
    a count with its unit; "—" when undefined."""
    if ind.is_rate:
        return nv.percent(value, sign=sign)
    return nv.count(value, ind.unit)


def yoy_text(ind: Indicator, sign: str = "％") -> str:
    """The 同比 column: a count's change in percent (上升 / 下降 / 持平, 上年同期为0), a rate's
    change in 个百分点 (the difference of the two printed rates); "—" without a comparison.

    >>> yoy_text(Indicator("n", "量", 508, unit="件人次", previous=261))
    '上升94.64％'
    >>> yoy_text(Indicator("r", "率", 508 / 1843, 508, 1843, unit="%", previous=0.19376391982182628))
    '上升8.18个百分点'
    >>> yoy_text(Indicator("n", "量", 5, unit="件"))
    '—'
    """
    if ind.previous is None or ind.value is None:
        return DASH
    if ind.is_rate:
        text = nv.rate_change(nv.exact_rate(ind), ind.previous)
    else:
        text = nv.change(ind.value, ind.previous, sign=sign).removeprefix("同比")
    return DASH if text == nv.NO_COMPARISON else text


def indicator_table(results: Mapping[str, Indicator], period: Period, scope: str, unit: str | None = None,
                    sign: str = "％") -> str:
    """The catalogue as an aligned text table: key, name (the unit's own label), this period
    (a rate with its numerator/denominator), the same period a year earlier, and 同比."""
    rows = [HEADERS]
    for ind in results.values():
        now = shown(ind, ind.value, sign)
        if ind.is_rate and ind.numerator is not None and ind.denominator is not None:
            now += f"  ({nv.count(ind.numerator)}/{nv.count(ind.denominator)})"
        rows.append((ind.key, label(ind, unit), now, shown(ind, ind.previous, sign), yoy_text(ind, sign)))
    widths = [max(_width(r[i]) for r in rows) for i in range(len(HEADERS))]
    lines = [f"{scope}  本期 {period.label}  上年同期 {period.previous().label}"]
    lines += ["  ".join(_pad(cell, w) for cell, w in zip(r, widths)).rstrip() for r in rows]
    return "\n".join(lines)
