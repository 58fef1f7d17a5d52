"""The scoring rules: pure functions, Decimal in and out, not rounded.

Rules (``a`` = actual, ``t`` = target, ``w`` = weight; every score is clipped to [0, w])
--------------------------------------------------------------------------------------
``ratio``       w × a ÷ t, at most w (t > 0).
``threshold``   w when a ≥ t; else w × (a − floor) ÷ (t − floor), 0 at or below ``floor``
                (``floor`` defaults to 0, giving w × a ÷ t).
``deduction``   w − points × max(t − a, 0) ÷ per, floor 0; the shortfall counts pro rata
                (half a percentage point short costs half of ``points``).
``reversed``    lower is better. w when a ≤ t. Otherwise
                t > 0 (a level such as 重复率):   w × t ÷ a;
                t ≤ 0 (a growth rate, target 0 or a cut): w × max(0, 1 − (a − t)), i.e. each
                percentage point above the target costs 1 % of the weight, +100 pp → 0.
                A negative growth (decrease) is ≤ a target of 0 and gets full marks.
``manual``      the score given in params (:mod:`xinfang.scoring.manual`) or in the framework's
                ``score``, 0 ≤ score ≤ w, with its evidence (评分依据) and, below full marks,
                its reason (扣分理由).
"""
from __future__ import annotations

from decimal import Decimal

from .framework import _to_decimal

__all__ = ["deduction_score", "ratio_score", "reversed_score", "threshold_score"]


def _dec(value: object) -> Decimal:
    if isinstance(value, Decimal):
        return value
    number = _to_decimal(value)
    if number is None:
        raise TypeError(f"not a number: {value!r}")
    return number


def _clip(value: Decimal, weight: Decimal) -> Decimal:
    return min(max(value, Decimal(0)), weight)


def ratio_score(actual, target, weight) -> Decimal:
    """w × a ÷ t, capped at w, at least 0.

    >>> ratio_score(0.45, 0.9, 10)
    Decimal('5.0')
    >>> ratio_score(1, 0.9, 10)
    Decimal('10')
    """
    a, t, w = _dec(actual), _dec(target), _dec(weight)
    return _clip(w * a / t, w)


def threshold_score(actual, target, weight, floor=0) -> Decimal:
    """w if a ≥ t, else w × (a − floor) ÷ (t − floor), 0 at or below floor.

    >>> threshold_score(0.95, 0.95, 5)
    Decimal('5')
    >>> threshold_score(0.9, 1, 5, floor=0.8)
    Decimal('2.5')
    """
    a, t, w, f = _dec(actual), _dec(target), _dec(weight), _dec(floor)
    if a >= t:
        return w
    return _clip(w * (a - f) / (t - f), w)


def deduction_score(actual, target, weight, per, points) -> Decimal:
    """w − points × max(t − a, 0) ÷ per, floor 0 (pro rata per unit of shortfall).

    >>> deduction_score(0.97, 1, 6, per=0.01, points=0.5)
    Decimal('4.5')
    """
    a, t, w = _dec(actual), _dec(target), _dec(weight)
    shortfall = max(t - a, Decimal(0))
    return _clip(w - _dec(points) * shortfall / _dec(per), w)


def reversed_score(actual, target, weight) -> Decimal:
    """Lower is better: w if a ≤ t; else w × t ÷ a (t > 0) or w × max(0, 1 − (a − t)) (t ≤ 0).

    >>> reversed_score(0.6, 0.3, 6)
    Decimal('3')
    >>> reversed_score(0.25, 0, 8)
    Decimal('6.00')
    >>> reversed_score(-0.1, 0, 8)
    Decimal('8')
    """
    a, t, w = _dec(actual), _dec(target), _dec(weight)
    if a <= t:
        return w
    if t > 0:
        return _clip(w * t / a, w)
    return _clip(w * (1 - (a - t)), w)

