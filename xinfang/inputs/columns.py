"""One column of an input table: its cells as distinct values, and what they parse to.

A :class:`Column` keeps a column as its distinct values plus one code per row, so that every
check on it (a date that parses, a value of an enum, a whole number) runs once per distinct
value and is spread to the rows. :mod:`xinfang.inputs.validate` states the rules of each table
with these and collects the failures.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Iterable

import numpy as np
import pandas as pd

__all__ = ["Column", "cell_text", "enum_values", "long_numbers", "parse_dates", "show_value", "stripped",
           "whole_numbers"]

_EXCEL_EPOCH = np.datetime64("1899-12-30", "D")


def show_value(value: object) -> str:
    """A cell as a message shows it: a date as YYYY-MM-DD, a whole number in digits (so that an
    ID number stored as a number is masked like one: ``4.3059919990101e+17`` →
    ``430599199901010000``), a long text cut to 58 characters."""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def stripped(series: pd.Series) -> pd.Series:
    """A high-cardinality column (ids) as stripped text, kept in its own (pyarrow) storage."""
    if series.dtype == object:
        return pd.Series([cell_text(v) for v in series], dtype=object)
    return series.str.strip()


def cell_text(value: object) -> str:
    """One cell as stripped text ('' for blank); Excel numbers like 3.0 become '3'."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


class Column:
    """A column as its distinct values plus one code per row.

    Every rule is evaluated once per distinct value (``cats``, stripped text) and spread to
    the rows through ``codes``, so validation costs little more for a million rows than for
    a thousand. ``raw`` keeps the cells as read (Excel dates, numbers) for date parsing and
    for showing the value in a message.
    """

    def __init__(self, series: pd.Series) -> None:
        text_is_stripped = False
        if isinstance(series.dtype, pd.CategoricalDtype):
            codes = series.cat.codes.to_numpy().astype(np.int64)
            categories = series.cat.categories
            raw = np.asarray(categories, dtype=object)
            if (codes < 0).any():
                raw = np.append(raw, "")
                codes = np.where(codes < 0, len(raw) - 1, codes)
        elif pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
            # text read from CSV (pyarrow-backed): strip in C++, then one code per distinct value
            codes, uniques = pd.factorize(series.str.strip(), use_na_sentinel=False)
            raw = np.asarray(uniques, dtype=object)
            text_is_stripped = not pd.isna(uniques).any()
        else:
            codes, uniques = pd.factorize(series, use_na_sentinel=False)
            raw = np.asarray(uniques, dtype=object)
        if text_is_stripped:
            text = raw
        else:
            text = np.array([cell_text(v) for v in raw], dtype=object)
        self.raw_codes = codes
        self.raw = raw
        if len(text) and (text == raw).all():
            self.codes, self.cats = codes, text
        else:
            merged, uniques = pd.factorize(text)
            self.codes = merged[codes] if len(codes) else codes
            self.cats = np.asarray(uniques, dtype=object)

    @classmethod
    def blank(cls, n: int) -> "Column":
        return cls(pd.Series([""] * n, dtype=object))

    def __len__(self) -> int:
        return len(self.codes)

    def raw_at(self, i: int) -> object:
        return self.raw[self.raw_codes[i]]

    def spread(self, per_category: np.ndarray) -> np.ndarray:
        """Per-category values → per-row values."""
        return np.asarray(per_category)[self.codes]

    def eq(self, value: str) -> np.ndarray:
        return self.spread(self.cats == value) if len(self.cats) else np.zeros(0, dtype=bool)

    def strings(self) -> np.ndarray:
        """The stripped text of every row (materialised: use only for output columns)."""
        return self.cats[self.codes] if len(self.cats) else np.array([], dtype=object)

    def categorical(self, mapped: np.ndarray | None = None, categories: Iterable[str] | None = None) -> pd.Categorical:
        """A Categorical of the (optionally mapped) text; '' and values outside ``categories`` are NaN."""
        if mapped is None and categories is None:
            keep = self.cats != ""
            new_index = np.cumsum(keep) - 1
            new_index[~keep] = -1
            codes = new_index[self.codes] if len(self.codes) else self.codes
            return pd.Categorical.from_codes(codes.astype(np.int32), pd.Index(self.cats[keep], dtype=object))
        values = self.cats if mapped is None else mapped
        if categories is None:
            categories = [v for v in dict.fromkeys(values) if v != ""]
        categories = list(categories)
        index = {c: i for i, c in enumerate(categories)}
        per_cat = np.array([index.get(v, -1) for v in values], dtype=np.int32)
        return pd.Categorical.from_codes(self.spread(per_cat) if len(per_cat) else np.zeros(0, np.int32), categories)


_DATE_CN = re.compile(r"^\s*(\d{4})\s*[年/\-.]\s*(\d{1,2})\s*[月/\-.]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)?\s*$")
_SERIAL = re.compile(r"^\d{4,5}(?:\.0+)?$")
#: Excel serial numbers read as dates, in a cell of a date column or as text: 1954 … 2119.
_SERIAL_RANGE = (20000, 80000)


def _parse_one_date(value: object) -> object:
    """One cell → numpy datetime64[D]; NaT for blank; the string 'ERR' when it cannot parse."""
    if isinstance(value, (dt.datetime, pd.Timestamp)):
        return np.datetime64(value.date() if isinstance(value, dt.datetime) else value, "D")
    if isinstance(value, dt.date):
        return np.datetime64(value, "D")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:  # NaN
            return np.datetime64("NaT")
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1] and float(value).is_integer():
            return _EXCEL_EPOCH + np.timedelta64(int(value), "D")
        return "ERR"  # 2023 is not 1905-07-15, nor 7 1900-01-07: a number that is no plausible date
    text = str(value).strip()
    if not text:
        return np.datetime64("NaT")
    m = _DATE_CN.match(text)
    if m:
        try:
            return np.datetime64(dt.date(int(m[1]), int(m[2]), int(m[3])), "D")
        except ValueError:
            return "ERR"
    if _SERIAL.match(text):
        n = int(float(text))
        if _SERIAL_RANGE[0] <= n <= _SERIAL_RANGE[1]:
            return _EXCEL_EPOCH + np.timedelta64(n, "D")
    return "ERR"


def parse_dates(series: pd.Series | Column) -> tuple[pd.Series, np.ndarray]:
    """Parse a date column; returns (datetime64 series with NaT for blank, bad-value mask).

    Accepts 2023-01-05, 2023/1/5, 2023年1月5日, 2023.1.5, Excel serial numbers and Excel date
    cells. Each distinct value is parsed once.

    >>> d, bad = parse_dates(pd.Series(["2023-01-05", "2023/1/5", "2023年1月5日", "44931", "", "5号"]))
    >>> [str(x)[:10] for x in d], bad.tolist()
    (['2023-01-05', '2023-01-05', '2023-01-05', '2023-01-05', 'NaT', 'NaT'], [False, False, False, False, False, True])
    """
    col = series if isinstance(series, Column) else Column(series)
    parsed = [_parse_one_date(u) for u in col.raw]
    bad_u = np.array([isinstance(v, str) for v in parsed], dtype=bool)
    values_u = np.array([np.datetime64("NaT") if isinstance(v, str) else v for v in parsed],
                        dtype="datetime64[D]")
    codes = col.raw_codes
    out = pd.Series(values_u[codes].astype("datetime64[s]") if len(codes) else np.array([], "datetime64[s]"))
    return out, (bad_u[codes] if len(codes) else np.zeros(0, dtype=bool))


def long_numbers(series: pd.Series) -> np.ndarray:
    """The cells that are numbers of 16 digits or more (an id Excel stored as a number: beyond
    15 significant digits it has changed the last ones, so two ids may have become one).

    >>> long_numbers(pd.Series([1234567890123456789.0, 123456789012345, "1234567890123456789", 7])).tolist()
    [True, False, False, False]
    """
    if series.dtype != object:
        return np.zeros(len(series), dtype=bool)
    return np.fromiter((isinstance(v, (int, float)) and not isinstance(v, bool) and v == v and abs(v) >= 1e15
                        for v in series), dtype=bool, count=len(series))


def enum_values(col: Column, allowed: Iterable[str], variants: dict[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """(normalised value per category, bad mask per row): variants mapped, '' allowed."""
    allowed = set(allowed) | {""}
    mapped = np.array([variants.get(v, v) for v in col.cats], dtype=object)
    bad = np.array([v not in allowed for v in mapped], dtype=bool)
    return mapped, col.spread(bad) if len(col) else np.zeros(0, dtype=bool)


def whole_numbers(col: Column) -> tuple[np.ndarray, np.ndarray]:
    """Whole numbers per row ('3', '3.0'; blank → NaN) and the mask of cells that are not.

    Not whole: text, fractions, and anything not finite (``inf``, ``nan``) or beyond 2**53,
    where a float no longer holds every integer (``9223372036854775807``).

    >>> num, bad = whole_numbers(Column(pd.Series(["3", "3.0", "", "1.5", "inf", "nan", "1e30", "x"])))
    >>> bad.tolist()
    [False, False, False, True, True, True, True, True]
    """
    if not len(col):
        return np.zeros(0), np.zeros(0, dtype=bool)
    try:
        num = pd.to_numeric(pd.Series(col.cats, dtype=object).replace("", None),
                            errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError, OverflowError):
        num = np.array([_number(t) for t in col.cats], dtype=float)
    blank = np.array([t == "" for t in col.cats], dtype=bool)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(num) & (np.abs(num) <= 2.0 ** 53) & (np.mod(np.nan_to_num(num), 1) == 0)
    bad = ~blank & ~whole
    num = np.where(blank | whole, num, np.nan)
    return col.spread(num), col.spread(bad)


def _number(text: str) -> float:
    """A cell's text as a float (NaN for blank or not a number)."""
    if not text or "_" in text:
        return np.nan
    try:
        return float(text)
    except (TypeError, ValueError, OverflowError):
        return np.nan
