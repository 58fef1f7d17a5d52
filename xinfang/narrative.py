"""Chinese wording of figures: percentages, 同比 changes, 个百分点, counts with their unit.

Every rounding here is ROUND_HALF_UP on the exact decimal value, as Chinese statistical
reports expect (Python's ``round`` rounds half to even: ``round(12.5) == 12``). Floats are
read through their shortest ``repr`` (``0.0045`` is taken as 0.0045, not as the binary
0.00449999…); rates are best formatted from their numerator and denominator with
:func:`ratio_percent`, which divides exactly in :mod:`decimal`.

Undefined values (``None``, NaN, a zero denominator) are written "—", never 0％
(docs/architecture.md §4, §6). The percent sign is the full-width "％" of the original report by
default; pass ``sign="%"`` for the ASCII one.

Examples
--------
>>> change(508, 261)
'同比上升94.64％'
>>> ratio_percent(1056, 1062)
'99.44％'
>>> percent(None)
'—'
"""
from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from numbers import Integral, Real

from xinfang.result import Indicator

__all__ = ["UNDEFINED", "NO_COMPARISON", "RISE_WORDS", "rise_word", "percent", "points", "shown_percent", "ratio_percent", "change", "rate_change",
           "count", "phrase", "exact_rate"]

#: How an undefined figure is written.
UNDEFINED = "—"
#: How a change is written when one side of the comparison is missing.
NO_COMPARISON = "无可比数据"

_PRECISION = 50  # digits of the decimal context used for exact divisions

Number = int | float | Decimal | Fraction


def _is_missing(value: object) -> bool:
    """``None``, NaN (float, numpy, Decimal) or ``pd.NA``."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN is the only value unequal to itself
    except TypeError:  # pd.NA: its comparisons cannot be made bool
        return True


def _to_decimal(value: Number | str) -> Decimal:
    """The exact decimal a user means by ``value`` (floats through their shortest repr).

    >>> _to_decimal(0.0045)
    Decimal('0.0045')
    >>> _to_decimal(Fraction(1, 8))
    Decimal('0.125')
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise TypeError(f"expected a number, got {value!r}")
    elif isinstance(value, Integral):
        result = Decimal(int(value))
    elif isinstance(value, Fraction):
        with decimal.localcontext() as ctx:
            ctx.prec = _PRECISION
            result = Decimal(value.numerator) / Decimal(value.denominator)
    elif isinstance(value, Real):
        result = Decimal(repr(float(value)))
    elif isinstance(value, str):
        result = Decimal(value)
    else:
        raise TypeError(f"expected a number, got {type(value).__name__}: {value!r}")
    if not result.is_finite():
        raise ValueError(f"expected a finite number, got {value!r}")
    return result


def _round(value: Decimal, decimals: int) -> Decimal:
    """ROUND_HALF_UP to ``decimals`` places; never a negative zero.

    >>> _round(Decimal("12.5"), 0), _round(Decimal("-0.001"), 2)
    (Decimal('13'), Decimal('0.00'))
    """
    if decimals < 0:
        raise ValueError(f"decimals must be ≥ 0, got {decimals}")
    with decimal.localcontext() as ctx:
        ctx.prec = _PRECISION
        q = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(q) if q == 0 else q


def _times_100(value: Decimal) -> Decimal:
    with decimal.localcontext() as ctx:
        ctx.prec = _PRECISION
        return value * 100


def _ratio(numerator: Number, denominator: Number) -> Decimal:
    with decimal.localcontext() as ctx:
        ctx.prec = _PRECISION
        return _to_decimal(numerator) / _to_decimal(denominator)


def percent(value: Number | None, *, decimals: int = 2, sign: str = "％") -> str:
    """A fraction written as a percentage, ROUND_HALF_UP.

    ``value`` is a fraction (0.9464 for 94.64％); ``None`` or NaN is undefined and written "—".

    >>> percent(0.946428)
    '94.64％'
    >>> percent(0.0045)
    '0.45％'
    >>> percent(1), percent(0), percent(0.99999)   # exactly 100％ and 0％ are written without decimals
    ('100％', '0％', '100％')
    >>> percent(0.125, decimals=0), round(12.5)  # half up, not half to even
    ('13％', 12)
    >>> percent(0.8, sign="%")
    '80.00%'
    >>> percent(None), percent(float("nan"))
    ('—', '—')
    """
    if _is_missing(value):
        return UNDEFINED
    return _percent_text(_round(_times_100(_to_decimal(value)), decimals), sign)


def _percent_text(shown: Decimal, sign: str) -> str:
    """A rounded percentage as written: 100％ and 0％ whole, as office documents write them."""
    if abs(shown) in (0, 100):
        return f"{int(shown)}{sign}"
    return f"{shown:f}{sign}"


def points(difference: Decimal) -> str:
    """A difference of two shown percentages in 个百分点, without its sign, written as a
    percentage is (100 and 0 whole).

    >>> points(Decimal("-8.18")), points(Decimal("100.00")), points(Decimal("10.00"))
    ('8.18', '100', '10.00')
    """
    return _percent_text(abs(difference), "")


def shown_percent(value: Number | None, decimals: int = 2) -> Decimal | None:
    """The percentage a reader sees for the fraction ``value`` (rounded ROUND_HALF_UP), or None.

    >>> shown_percent(Fraction(1051, 1056)), shown_percent(None)
    (Decimal('99.53'), None)
    """
    if _is_missing(value):
        return None
    return _round(_times_100(_to_decimal(value)), decimals)


def ratio_percent(numerator: Number | None, denominator: Number | None, *,
                  decimals: int = 2, sign: str = "％") -> str:
    """``numerator ÷ denominator`` as a percentage, divided exactly and rounded ROUND_HALF_UP.

    A zero or missing denominator makes the rate undefined: "—", never 0％.

    >>> ratio_percent(45, 14)  # 到国家信访局来信重复率 may exceed 100％
    '321.43％'
    >>> ratio_percent(1051, 1056), ratio_percent(73, 74), ratio_percent(119, 134)
    ('99.53％', '98.65％', '88.81％')
    >>> ratio_percent(1, 8, decimals=0)
    '13％'
    >>> ratio_percent(0, 0)
    '—'
    """
    if _is_missing(numerator) or _is_missing(denominator) or _to_decimal(denominator) == 0:
        return UNDEFINED
    return percent(_ratio(numerator, denominator), decimals=decimals, sign=sign)


def change(current: Number | None, previous: Number | None, *, decimals: int = 2,
           sign: str = "％", unit: str = "", min_base: Number | None = None) -> str:
    """The 同比 wording of a count against the same period a year earlier.

    yoy = (current − previous) ÷ previous, divided exactly and rounded ROUND_HALF_UP; the
    wording gives its absolute value after 上升 / 下降. A change that rounds to 0 is 持平.
    A zero base has no percentage: "上年同期为0" (both zero: 持平). A missing side: "无可比数据".

    >>> change(508, 261)
    '同比上升94.64％'
    >>> change(156, 53), change(65, 16)
    ('同比上升194.34％', '同比上升306.25％')
    >>> change(7, 8)
    '同比下降12.50％'
    >>> change(58, 58)
    '同比持平'
    >>> change(12, 0), change(0, 0)
    ('上年同期为0', '同比持平')
    >>> change(120, None)
    '无可比数据'

    Below ``min_base`` (the report's minimum base, 10 by default in the params) a percentage
    says more than the figures do, so the change is told in counts:

    >>> change(12, 1, unit="件次", min_base=10), change(3, 8, unit="人次", min_base=10)
    ('同比由1件次增至12件次', '同比由8人次减至3人次')
    >>> change(5, 5, unit="件", min_base=10), change(4, 0, unit="件", min_base=10)
    ('同比持平', '同比增加4件')

    A zero on either side is said as the change itself ("由1人次减至0人次" repeats the figure
    the sentence has just given):

    >>> change(0, 1, unit="人次", min_base=10)
    '同比减少1人次'
    """
    if _is_missing(current) or _is_missing(previous):
        return NO_COMPARISON
    cur, prev = _to_decimal(current), _to_decimal(previous)
    if prev < 0 or cur < 0:
        raise ValueError(f"同比 needs counts ≥ 0, got current={current!r}, previous={previous!r}")
    if min_base is not None and prev < _to_decimal(min_base):
        if cur == prev:
            return "同比持平"
        if cur == 0 or prev == 0:
            return f"同比{'增加' if cur > prev else '减少'}{count(abs(current - previous), unit)}"
        word = "增至" if cur > prev else "减至"
        return f"同比由{count(previous, unit)}{word}{count(current, unit)}"
    if prev == 0:
        return "同比持平" if cur == 0 else "上年同期为0"
    yoy = _round(_times_100(_ratio(cur - prev, prev)), decimals)
    if yoy == 0:
        return "同比持平"
    word = "上升" if yoy > 0 else "下降"
    return f"同比{word}{_percent_text(abs(yoy), sign)}"


#: How a rise is worded, by its size (growth as a fraction, lower bounds): one table for every
#: document, so that +88.95％ is never "有所增加".
RISE_WORDS: tuple[tuple[float, str], ...] = ((0.5, "大幅上升"), (0.2, "明显上升"), (0.0, "有所上升"))


def rise_word(growth: float) -> str:
    """The word for a rise of ``growth`` (a fraction): 大幅上升 from 50％, 明显上升 from 20％,
    else 有所上升.

    >>> rise_word(0.8895), rise_word(0.2), rise_word(0.05)
    ('大幅上升', '明显上升', '有所上升')
    """
    for bound, word in RISE_WORDS:
        if growth >= bound:
            return word
    return RISE_WORDS[-1][1]


def rate_change(current_rate: Number | None, previous_rate: Number | None, *,
                decimals: int = 2) -> str:
    """The change of a rate in 个百分点 (percentage points).

    Both rates are fractions (pass a :class:`~fractions.Fraction` of numerator and
    denominator for an exact rate). The change is the difference of the two percentages as
    they are displayed (each rounded ROUND_HALF_UP first), so that a table's 本期, 上年同期 and
    同比 columns always agree: 27.56％ against 19.38％ is 8.18 points, even when the exact
    difference rounds to 8.19. A change of 0 is 持平; a missing or undefined rate on either
    side gives "无可比数据".

    >>> rate_change(Fraction(508, 1843), Fraction(261, 1347))   # 27.56％ − 19.38％
    '上升8.18个百分点'

    >>> rate_change(0.9944, 0.9819)
    '上升1.25个百分点'
    >>> rate_change(0.8, 0.8865)
    '下降8.65个百分点'
    >>> rate_change(1, 1)
    '持平'
    >>> rate_change(0.9865, None)
    '无可比数据'
    """
    if _is_missing(current_rate) or _is_missing(previous_rate):
        return NO_COMPARISON
    diff = shown_percent(current_rate, decimals) - shown_percent(previous_rate, decimals)
    if diff == 0:
        return "持平"
    word = "上升" if diff > 0 else "下降"
    return f"{word}{points(diff)}个百分点"


def count(n: Number | None, unit: str = "", *, thousands: bool = False) -> str:
    """A count followed by its unit (件次, 人次, 件人次, 批次, 件, 万元 …).

    Plain digits by default, as official documents write them; integral floats are written
    as integers; other values keep their shortest decimal form.

    >>> count(508, "件人次"), count(58, "人次"), count(77.0, "批次")
    ('508件人次', '58人次', '77批次')
    >>> count(1843, "件次"), count(1843, "件次", thousands=True)
    ('1843件次', '1,843件次')
    >>> count(12.5, "万元")
    '12.5万元'
    >>> count(None, "件次")
    '—'
    """
    if _is_missing(n):
        return UNDEFINED
    d = _to_decimal(n)
    if d == d.to_integral_value():
        text = f"{int(d):,}" if thousands else str(int(d))
    else:
        text = f"{d.normalize():,f}" if thousands else f"{d.normalize():f}"
    return f"{text}{unit}"


def exact_rate(ind: Indicator) -> Number | None:
    """The rate of ``ind`` exactly: numerator ÷ denominator as a Fraction when both are known.

    >>> exact_rate(Indicator("r", "率", 2 / 3, 2, 3, unit="%"))
    Fraction(2, 3)
    """
    if not _is_missing(ind.numerator) and not _is_missing(ind.denominator) and ind.denominator != 0:
        return Fraction(int(ind.numerator), int(ind.denominator)) \
            if float(ind.numerator).is_integer() and float(ind.denominator).is_integer() \
            else _ratio(ind.numerator, ind.denominator)
    return None if _is_missing(ind.value) else ind.value


def phrase(ind: Indicator, *, decimals: int = 2, sign: str = "％") -> str:
    """A short phrase for one indicator, as the 基本情况 sentences use it.

    * a count: the count with its unit, and its 同比 when the previous value is known;
    * a rate: the percentage, from numerator ÷ denominator when both are there (exact
      rounding), else from ``value``; with its change in 个百分点 when a previous rate is known;
    * an undefined value: "—".

    >>> phrase(Indicator("national.volume", "到国家信访局信访量（件人次）", 508,
    ...                  unit="件人次", previous=261))
    '508件人次，同比上升94.64％'
    >>> phrase(Indicator("beijing.registered", "在国家信访局登记人次", 58, unit="人次"))
    '58人次'
    >>> phrase(Indicator("handling.participation", "参评率", 1056 / 1062, 1056, 1062, unit="%"))
    '99.44％'
    >>> phrase(Indicator("handling.satisfaction", "满意率", None, 0, 0, unit="%"))
    '—'
    """
    if _is_missing(ind.value):
        return UNDEFINED
    if ind.is_rate:
        if not _is_missing(ind.numerator) and not _is_missing(ind.denominator) \
                and _to_decimal(ind.denominator) != 0:
            text = ratio_percent(ind.numerator, ind.denominator, decimals=decimals, sign=sign)
        else:
            text = percent(ind.value, decimals=decimals, sign=sign)
        if not _is_missing(ind.previous):
            text += "，同比" + rate_change(ind.value, ind.previous, decimals=decimals)
        return text
    text = count(ind.value, ind.unit)
    if not _is_missing(ind.previous):
        text += "，" + change(ind.value, ind.previous, decimals=decimals, sign=sign)
    return text
