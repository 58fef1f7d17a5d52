"""CSV (and tab-separated .txt) as a person sees it in Excel: every line accounted for.

:func:`read_delimited` finds the encoding (UTF-8, UTF-8 with BOM, GB18030), the header row
(title rows above it are skipped, :mod:`~xinfang.inputs.header`) and the separator (comma, or
tab when only tabs make a header), then parses with pyarrow's multi-threaded reader, which
skips the columns not wanted (personal data) entirely.

Row accounting: before parsing, the physical lines of the file are counted in one vectorised
pass. A line with an odd number of quotes opens a field that runs into the next line (a stray
``"`` at the start of a 诉求摘要 would swallow the next registration, personal data included):
that is a row error naming the line, never a silent merge. Every record then is exactly one
line, so row *i* of the table is known by its line number, blank lines counted as Excel counts
them. Rows at the end that hold nothing but separators (``,,,,``) are not data, as in a sheet.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from .header import HEADER_SEARCH_ROWS, HeaderMatch, find_header
from .tables import TableSchema

_BOM = b"\xef\xbb\xbf"
_MAX_LISTED = 200


def decode_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 with BOM, UTF-8, else GB18030 (detected, never asked for)."""
    if data.startswith(_BOM):
        try:
            return strip_boms(data).decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass
    raise InputError(Problem(
        str(path), None, None, None,
        "无法识别文件编码：既不是 UTF-8 也不是 GB18030，请在 Excel 中另存为“CSV UTF-8”或 .xlsx",
        "encoding"))


def strip_boms(data: bytes) -> bytes:
    """``data`` without the byte-order marks at its start (a file saved twice may hold two)."""
    while data.startswith(_BOM):
        data = data[3:]
    return data


def utf8_of(data: bytes, path: Path, *, trust_head: bool = False) -> tuple[bytes, str]:
    """The file as UTF-8 bytes without BOM, and the encoding it was in.

    With ``trust_head``, a file whose first 64 KB are UTF-8 is taken as UTF-8 without decoding
    the rest (pyarrow checks it while parsing; :func:`read_delimited` comes back here if not).
    """
    if data.startswith(_BOM):
        body = strip_boms(data)
        if trust_head and _utf8_head(body):
            return body, "utf-8-sig"
        try:
            body.decode("utf-8")
            return body, "utf-8-sig"
        except UnicodeDecodeError:
            pass
    elif trust_head and _utf8_head(data):
        return data, "utf-8"
    text, encoding = decode_bytes(data, path)
    return (data if encoding == "utf-8" else text.encode("utf-8")), encoding


def _utf8_head(data: bytes, n: int = 65536) -> bool:
    """The first ``n`` bytes are UTF-8 (a character cut at the end does not count against it)."""
    try:
        data[:n].decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        return len(data) > n and exc.start >= n - 3 and exc.reason == "unexpected end of data"


@dataclass
class Delimited:
    """A parsed CSV: the wanted columns as text, the line number of each row, its header."""

    frame: pd.DataFrame
    encoding: str
    rows: np.ndarray           # line number (Excel's row) of each row of ``frame``
    header: HeaderMatch
    delimiter: str
    written: list[str]         # every header cell as written


def head_lines(body: bytes, n: int = HEADER_SEARCH_ROWS, delimiter: str = ",") -> list[list[str]]:
    """The first ``n`` physical lines of UTF-8 ``body``, each parsed on its own."""
    lines, start = [], 0
    while len(lines) < n and start <= len(body):
        end = body.find(b"\n", start)
        lines.append(body[start: end if end >= 0 else len(body)])
        if end < 0:
            break
        start = end + 1
    out = []
    for line in lines:
        text = line.rstrip(b"\r").decode("utf-8", "replace")
        try:
            out.append(next(csv.reader([text], delimiter=delimiter), []))
        except csv.Error:
            out.append([text])
    return out


def locate_header(body: bytes, schema: TableSchema, columns: Mapping[str, str] | None) -> tuple[HeaderMatch, str]:
    """The header of a delimited file and its separator: comma, or tab when only tabs give a
    complete header (or more of it)."""
    comma = find_header(head_lines(body), schema, columns)
    if comma.complete or b"\t" not in body[:65536]:
        return comma, ","
    tab = find_header(head_lines(body, delimiter="\t"), schema, columns)
    return (tab, "\t") if len(tab.missing) < len(comma.missing) else (comma, ",")


def read_delimited(data: bytes, path: Path, schema: TableSchema, columns: Mapping[str, str] | None = None,
                   keep: Callable[[str], bool] | None = None) -> Delimited:
    """Parse a CSV export: encoding, header row and separator detected, every line accounted for.

    ``keep(header_as_written) -> bool`` selects the columns to convert; the others (personal
    data, unknown columns) are skipped by the parser and never become Python objects.

    Raises
    ------
    InputError : undecodable bytes; a quote that runs over a line end, or a row whose number
        of fields differs from the header's, each by its line number (never by its values).
    """
    shown = str(path)
    body, encoding = utf8_of(data, path, trust_head=True)
    try:
        return _parse(body, encoding, shown, schema, columns, keep)
    except _NotUtf8:  # the head was UTF-8, the rest is not: decode it all (GB18030) and again
        body, encoding = utf8_of(data, path)
        return _parse(body, encoding, shown, schema, columns, keep)


class _NotUtf8(Exception):
    """pyarrow found bytes that are not UTF-8 after a UTF-8 head."""


def _parse(body: bytes, encoding: str, shown: str, schema: TableSchema, columns, keep) -> Delimited:
    header, delimiter = locate_header(body, schema, columns)
    arr = np.frombuffer(body, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    starts = np.concatenate(([0], newlines + 1))
    ends = np.concatenate((newlines, [len(arr)]))
    if len(starts) and starts[-1] == len(arr):     # the file ends with a newline
        starts, ends = starts[:-1], ends[:-1]
    lengths = ends - starts
    cr = lengths > 0
    cr[cr] = arr[np.minimum(ends[cr] - 1, len(arr) - 1)] == 13
    lengths = lengths - cr
    blank = lengths == 0
    first = header.row - 1                            # index of the header's line
    last = _last_data_line(body, starts, lengths, first, delimiter)
    # the parity of the quotes of every line, in one pass (XOR of each line's quote flags)
    odd = (np.bitwise_xor.reduceat((arr == 34).view(np.uint8), starts) == 1) if len(starts) else np.zeros(0, bool)
    odd &= lengths > 0                                # reduceat gives an empty line its next byte
    odd_lines = np.flatnonzero(odd[first: last + 1]) + first
    if odd_lines.size:
        raise InputError(_open_quotes(shown, odd_lines))
    lines = np.arange(first + 1, last + 1)
    lines = lines[~blank[first + 1: last + 1]]
    end = int(ends[last]) if last >= first else int(ends[first])
    chunk = body[int(starts[first]): end]
    written = head_lines(chunk, 1, delimiter)[0] if chunk else []
    try:
        frame = _arrow(chunk, written, delimiter, keep)
    except Exception as exc:  # noqa: BLE001 - a row of the wrong width (found below), or duplicate headers
        if "utf8" in str(exc).lower().replace("-", "") and encoding in ("utf-8", "utf-8-sig"):
            raise _NotUtf8() from None
        check_field_counts(chunk.decode("utf-8", "replace"), shown, delimiter, offset=first)
        frame = _pandas(chunk, delimiter, keep)
    if len(frame) != len(lines):  # cannot happen once quotes are balanced per line; never guess
        raise InputError(Problem(shown, None, None, None, f"解析得到 {len(frame)} 行，文件有 {len(lines)} 行数据，"
                                 "无法对应行号，请另存为 .xlsx 后重试", "row count mismatch"))
    return Delimited(frame, encoding, lines + 1, header, delimiter, written)


def _last_data_line(body: bytes, starts: np.ndarray, lengths: np.ndarray, first: int, delimiter: str) -> int:
    """The index of the last line after ``first`` that holds more than separators and blanks."""
    junk = set(b" \t\r\"" + delimiter.encode())
    last = len(starts) - 1
    while last > first:
        s = int(starts[last])
        if any(b not in junk for b in body[s: s + int(lengths[last])]):
            break
        last -= 1
    return last


def _open_quotes(shown: str, odd_lines: np.ndarray) -> list[Problem]:
    """Row errors for lines whose quotes do not close on the line (pairs: a field over a line end)."""
    problems = []
    lines = [int(x) + 1 for x in odd_lines]
    for i in range(0, len(lines), 2):
        if len(problems) >= _MAX_LISTED:
            problems.append(Problem(shown, None, None, None, f"另有 {(len(lines) - i) // 2} 处引号未闭合",
                                    "more unclosed quotes"))
            break
        if i + 1 < len(lines):
            rule = (f"引号未在本行闭合，该字段一直延续到第{lines[i + 1]}行，其间各行被并入一个单元格"
                    f"（单元格内的换行或多余的引号；内容不予显示）")
            en = f"a quoted field runs over the line end to line {lines[i + 1]}"
        else:
            rule = "引号未闭合，其后各行都被并入一个单元格（多余的引号；内容不予显示）"
            en = "a quote that never closes"
        problems.append(Problem(shown, lines[i], None, None, rule, en))
    return problems


def _arrow(chunk: bytes, header: list[str], delimiter: str, keep) -> pd.DataFrame:
    """pyarrow's multi-threaded reader, every wanted column as text ('' for blank, never NaN)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if len(set(header)) != len(header) or not all(h.strip() for h in header):
        raise ValueError("duplicate or blank headers")
    include = [h for h in header if keep is None or keep(h)]
    table = pacsv.read_csv(
        pa.py_buffer(chunk),
        read_options=pacsv.ReadOptions(block_size=1 << 24),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False),
        convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in include},
                                             include_columns=include,
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    return table.to_pandas()


def _pandas(chunk: bytes, delimiter: str, keep) -> pd.DataFrame:
    """pandas' parser, for a header pyarrow cannot take (duplicates, blanks); every column kept
    as written (duplicates too, for the reader to report)."""
    frame = pd.read_csv(io.BytesIO(chunk), header=None, dtype=str, keep_default_na=False, na_filter=False,
                        sep=delimiter, skip_blank_lines=True, encoding="utf-8")
    header = [str(h) for h in frame.iloc[0]] if len(frame) else []
    frame = frame.iloc[1:].reset_index(drop=True)
    frame.columns = header
    return frame


def check_field_counts(text: str, shown: str, delimiter: str = ",", offset: int = 0) -> None:
    """Every record of a CSV has as many fields as its header, or :class:`InputError`.

    A row with a missing or extra separator would shift its cells into the wrong columns
    (a petitioner's ID number into 评价结果): it is reported by its line number and field
    count, never by its values. ``offset`` is the line of the header in the file.
    """
    lines = text.split("\n")
    header = next(csv.reader([lines[0].rstrip("\r")], delimiter=delimiter), [])
    width, ragged = len(header), []
    for number, line in enumerate(lines[1:], start=offset + 2):
        line = line.rstrip("\r")
        if not line:
            continue
        try:
            fields = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error:
            fields = []
        if len(fields) != width:
            ragged.append((number, len(fields)))
    if ragged:
        problems = [Problem(shown, r, None, None,
                            f"该行有 {n} 个字段，表头有 {width} 个（分隔符缺失或多余，整行未读取，内容不予显示）",
                            f"ragged row: {n} fields, header has {width}")
                    for r, n in ragged[:_MAX_LISTED]]
        if len(ragged) > _MAX_LISTED:
            problems.append(Problem(shown, None, None, None, f"另有 {len(ragged) - _MAX_LISTED} 行字段数不对",
                                    "more ragged rows"))
        raise InputError(problems)
