"""Chinese wording: exact strings, worked out by hand from the 2023 report's figures."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from xinfang.narrative import change, count, percent, phrase, rate_change, ratio_percent
from xinfang.result import Indicator


# --- percent ---------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (0.946428, "94.64％"),
    (0.2756, "27.56％"),
    (0.0045, "0.45％"),      # binary 0.00449999… must not round down
    (0.00445, "0.45％"),     # half up on the decimal the user wrote
    (0.00444, "0.44％"),
    (1, "100％"),
    (0, "0％"),
    (Decimal("0.8"), "80.00％"),
    (Fraction(45, 14), "321.43％"),
    (np.float64(0.9865), "98.65％"),
    (-0.125, "-12.50％"),
    (-0.00001, "0％"),    # no negative zero
])
def test_percent(value, expected):
    assert percent(value) == expected


def test_percent_half_up_not_bankers():
    # 12.5 → 13 (Python's round gives 12), 0.5 → 1 (round gives 0)
    assert percent(0.125, decimals=0) == "13％"
    assert percent(0.005, decimals=0) == "1％"
    assert percent(0.00125, decimals=1) == "0.1％"   # 0.125 → 0.1 (next digit 2)
    assert percent(0.00135, decimals=2) == "0.14％"   # 0.135 → 0.14 (binary 0.00135 is just below)


def test_percent_sign_and_decimals():
    assert percent(0.8, sign="%") == "80.00%"
    assert percent(0.8, decimals=1) == "80.0％"
    assert percent(0.8, sign="") == "80.00"


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, Decimal("NaN")])
def test_percent_undefined_is_dash(missing):
    assert percent(missing) == "—"


def test_percent_rejects_non_numbers():
    with pytest.raises(TypeError):
        percent(True)
    with pytest.raises(ValueError):
        percent(float("inf"))
    with pytest.raises(ValueError):
        percent(0.5, decimals=-1)


# --- ratio_percent -------------------------------------------------------------------------

@pytest.mark.parametrize("num, den, expected", [
    (45, 14, "321.43％"),    # 3.2142857… (来信重复率)
    (90, 28, "321.43％"),
    (1051, 1056, "99.53％"),  # 0.9952651…
    (1056, 1062, "99.44％"),  # 0.9943502…
    (73, 74, "98.65％"),      # 0.9864864…
    (119, 134, "88.81％"),    # 0.8880597…
    (4, 5, "80.00％"),
    (508, 1843, "27.56％"),   # 0.2756375…
    (126, 126, "100％"),
    (0, 15, "0％"),
])
def test_ratio_percent_exact(num, den, expected):
    assert ratio_percent(num, den) == expected


def test_ratio_percent_half_up():
    assert ratio_percent(1, 8, decimals=0) == "13％"
    assert ratio_percent(1, 8, decimals=1) == "12.5％"
    assert ratio_percent(1, 200) == "0.50％"
    assert ratio_percent(1, 16, decimals=1) == "6.3％"   # 6.25 → 6.3
    assert ratio_percent(1, 16, decimals=1, sign="%") == "6.3%"


@pytest.mark.parametrize("num, den", [(0, 0), (5, 0), (None, 10), (3, None), (1, float("nan"))])
def test_ratio_percent_undefined(num, den):
    assert ratio_percent(num, den) == "—"


# --- change ------------------------------------------------------------------------------

@pytest.mark.parametrize("current, previous, expected", [
    (508, 261, "同比上升94.64％"),   # 247/261 = 0.946360…
    (156, 53, "同比上升194.34％"),   # 103/53 = 1.943396…
    (65, 16, "同比上升306.25％"),    # 49/16 = 3.0625 exactly
    (287, 192, "同比上升49.48％"),   # 95/192 = 0.494791…
    (120, 77, "同比上升55.84％"),    # 43/77 = 0.558441…
    (7, 8, "同比下降12.50％"),       # −1/8
    (53, 156, "同比下降66.03％"),    # −103/156 = −0.660256…
    (0, 5, "同比下降100％"),
    (58, 58, "同比持平"),
    (100000, 100000.000001, "同比持平"),  # rounds to 0.00 → 持平
    (12, 0, "上年同期为0"),
    (0, 0, "同比持平"),
    (None, 5, "无可比数据"),
    (5, None, "无可比数据"),
])
def test_change(current, previous, expected):
    assert change(current, previous) == expected


def test_change_half_up_and_sign():
    # 9/8 − 1 = 0.125 → 12.5 with decimals=0 → 13 (banker's would give 12)
    assert change(9, 8, decimals=0) == "同比上升13％"
    assert change(7, 8, decimals=0) == "同比下降13％"
    assert change(508, 261, sign="%") == "同比上升94.64%"
    # 1/200 = 0.5％ → rounds to 1％, not 0
    assert change(201, 200, decimals=0) == "同比上升1％"


def test_change_rejects_negative_counts():
    with pytest.raises(ValueError):
        change(5, -1)


# --- rate_change ---------------------------------------------------------------------------

@pytest.mark.parametrize("cur, prev, expected", [
    (0.9944, 0.9819, "上升1.25个百分点"),
    (0.8, 0.8865, "下降8.65个百分点"),
    (0.1, 0.2, "下降10.00个百分点"),        # float 0.1 − 0.2 is −0.1 exactly in decimal
    (0.12345, 0.1, "上升2.35个百分点"),     # 2.345 → 2.35 half up
    (1, 1, "持平"),
    (0.99999, 0.99998, "持平"),              # 0.001 points rounds to 0.00
    (None, 0.5, "无可比数据"),
    (0.5, float("nan"), "无可比数据"),
])
def test_rate_change(cur, prev, expected):
    assert rate_change(cur, prev) == expected


def test_rate_change_decimals():
    # the difference of the values as shown (99.4％ − 98.2％), not the rounded exact 1.25 → 1.3
    assert rate_change(0.9944, 0.9819, decimals=1) == "上升1.2个百分点"


# --- count -------------------------------------------------------------------------------

@pytest.mark.parametrize("n, unit, expected", [
    (508, "件人次", "508件人次"),
    (58, "人次", "58人次"),
    (77, "批次", "77批次"),
    (1843, "件次", "1843件次"),
    (126.0, "件", "126件"),
    (np.int64(15), "件", "15件"),
    (np.float64(109.0), "份", "109份"),
    (12.5, "万元", "12.5万元"),
    (0, "人次", "0人次"),
    (None, "件次", "—"),
    (float("nan"), "件次", "—"),
    (42, "", "42"),
])
def test_count(n, unit, expected):
    assert count(n, unit) == expected


def test_count_thousands():
    assert count(1843, "件次", thousands=True) == "1,843件次"
    assert count(1234567.5, "万元", thousands=True) == "1,234,567.5万元"


# --- phrase ------------------------------------------------------------------------------

def _ind(**kw) -> Indicator:
    base = dict(key="k", name="名", value=None)
    base.update(kw)
    return Indicator(**base)


def test_phrase_count_with_previous():
    ind = _ind(key="national.letters", name="来信（件次）", value=156, unit="件次", previous=53,
               yoy=103 / 53)
    assert phrase(ind) == "156件次，同比上升194.34％"
    assert phrase(ind, sign="%") == "156件次，同比上升194.34%"


def test_phrase_count_cases():
    assert phrase(_ind(value=58, unit="人次")) == "58人次"
    assert phrase(_ind(value=15, unit="件", previous=0)) == "15件，上年同期为0"
    assert phrase(_ind(value=7, unit="件次", previous=8)) == "7件次，同比下降12.50％"
    assert phrase(_ind(value=9, unit="批次", previous=9)) == "9批次，同比持平"


def test_phrase_rate_uses_exact_ratio():
    # value stored as a float; numerator/denominator give the exact rounding
    ind = _ind(value=1051 / 1056, numerator=1051, denominator=1056, unit="%")
    assert phrase(ind) == "99.53％"
    assert phrase(_ind(value=45 / 14, numerator=45, denominator=14, unit="%")) == "321.43％"
    # no numerator/denominator: from the value
    assert phrase(_ind(value=0.8, unit="%")) == "80.00％"


def test_phrase_rate_with_previous_rate():
    ind = _ind(value=0.9944, unit="%", previous=0.9819)
    assert phrase(ind) == "99.44％，同比上升1.25个百分点"


def test_phrase_undefined():
    assert phrase(_ind(value=None, numerator=0, denominator=0, unit="%")) == "—"
    assert phrase(_ind(value=None, unit="件次", previous=5)) == "—"
    assert phrase(_ind(value=float("nan"), unit="%")) == "—"
