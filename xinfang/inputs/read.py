"""Reading an input file: bytes → a raw table of text (or Excel cell values).

Nothing here judges the content of a table: that is :mod:`xinfang.inputs.validate`. This module
turns bytes into a table whose columns carry internal names (by the table's
:class:`~xinfang.inputs.tables.TableSchema`), reading CSV through :mod:`~xinfang.inputs.csvfile`
and .xlsx through :mod:`~xinfang.inputs.xlsx`, the header found by
:mod:`~xinfang.inputs.header`, and keeps personal data out: PII columns of a CSV are never
parsed, those of a workbook are dropped at once, and free text no report prints (诉求摘要) is
not read at all.
"""
from __future__ import annotations

import csv
import hashlib
import io as _io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import numpy as np
import pandas as pd

from ..errors import InputError, Problem, redact
from .csvfile import check_field_counts, decode_bytes, read_delimited, strip_boms, utf8_of  # noqa: F401
from .header import HEADER_SEARCH_ROWS, HeaderMatch, canonical_header, clean_header, find_header  # noqa: F401
from .tables import NOT_READ, PII_HEADERS, TABLES, XLSX_SUFFIXES, TableSchema
from .xlsx import XlsxLimitError, check_xlsx_limits, read_workbook  # noqa: F401

log = logging.getLogger("xinfang")


def read_bytes(path: Path, shown: str) -> tuple[bytes, str]:
    """The bytes of an input file and their sha256; ``shown`` names the file in messages.

    Raises
    ------
    InputError : the file does not exist or holds nothing but blanks.
    """
    if not path.is_file():
        raise InputError(Problem(shown, None, None, None, "文件不存在", "file not found"))
    data = path.read_bytes()
    if not data[:65536].strip(b" \t\r\n\xef\xbb\xbf") and not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(Problem(shown, None, None, None, "文件为空", "empty file"))
    return data, hashlib.sha256(data).hexdigest()


@dataclass
class RawTable:
    """A table as read from a file, before validation.

    ``frame`` has internal column names; cells are ``str`` for CSV and Excel cell values
    (str, float, int, datetime) for .xlsx; blank cells are ``""``. ``headers`` maps each
    internal name back to the header the user sees. ``rows`` holds the row number the user
    sees (Excel's row; a CSV's line) of each row of ``frame``; without it, row *i* is row
    ``header_row + 1 + i``. ``notices`` says what the reader skipped (title rows) or chose
    (a sheet); ``sheet`` is the sheet read from a workbook.
    """

    path: Path
    kind: str
    frame: pd.DataFrame
    headers: dict[str, str]
    sha256: str
    encoding: str
    dropped_pii: list[str] = field(default_factory=list)
    rows: np.ndarray | None = None
    header_row: int = 1
    notices: list[str] = field(default_factory=list)
    sheet: str | None = None
    header: HeaderMatch | None = None
    delimiter: str = ","

    @property
    def name(self) -> str:
        return self.path.name

    def row_of(self, position: int) -> int:
        """The row number the user sees of row ``position`` of ``frame``."""
        if self.rows is not None:
            return int(self.rows[position])
        return int(position) + self.header_row + 1

    def excel_row(self, positions) -> list[int]:
        return [self.row_of(p) for p in positions]

    def header_hint(self) -> str:
        """Where the header was taken from, for a missing-column message."""
        where = f"（工作表「{self.sheet}」）" if self.sheet else ""
        if self.header is not None and not self.header.fields:
            return (f"前{HEADER_SEARCH_ROWS}行中没有一行含有必需列，未找到表头{where} / "
                    f"no header row found in the first {HEADER_SEARCH_ROWS} rows")
        cells = [c.strip() for c in (self.header.written if self.header else ()) if c and c.strip()]
        found = "、".join(cells[:8]) + ("…" if len(cells) > 8 else "")
        return (f"以第{self.header_row}行为表头{where}" + (f"，该行为：{found}" if found else "") +
                f" / header taken from row {self.header_row}")


def read_table(path: str | Path, kind: str = "register", columns: Mapping[str, str] | None = None) -> RawTable:
    """Read one exported table (CSV or .xlsx) and map its Chinese headers.

    Parameters
    ----------
    path : the file (``.csv``/``.txt`` in UTF-8, UTF-8-BOM or GB18030, comma- or tab-separated,
        or ``.xlsx``/``.xls``).
    kind : ``"register"`` (信访事项登记表), ``"campaign"`` (治重化积交办件), ``"beijing"``
        (进京上访台账) or ``"budget"`` (预算执行表, read with its headers as written: see
        :func:`_read_as_written`).
    columns : the params key ``columns``: an export's header → the data dictionary's.

    The header is the first row among the first rows that holds every required column
    (:func:`~xinfang.inputs.header.find_header`); rows above it are skipped and named in
    ``notices``. Personal-data columns (信访人, 证件号码, 联系电话, 住址 and their variants)
    and free text no report prints (诉求摘要) never reach the returned table; unknown columns
    are kept out as well. Required columns are checked by :mod:`xinfang.inputs.validate`.

    Raises
    ------
    InputError : missing or empty file, undecodable bytes, unreadable workbook, a quote over a
        line end, a row of the wrong width, error cells, several sheets holding the table.
    """
    path = Path(path)
    schema = TABLES[kind]
    if not schema.map_headers:
        return _read_as_written(path, schema)
    mapping = schema.headers
    shown = str(path)
    data, sha = read_bytes(path, shown)

    def wanted(written: str) -> bool:
        internal = mapping.get(canonical_header(written, columns))
        return internal is not None and internal not in NOT_READ

    if path.suffix.lower() in XLSX_SUFFIXES:
        encoding, rows, delimiter = "xlsx", None, ","
        try:
            sheet = read_workbook(data, schema, shown, columns)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file for the user
            raise InputError(Problem(shown, None, None, None, f"无法读取 Excel 文件：{redact(str(exc))}",
                                     "unreadable workbook")) from None
        header, notices, sheet_name = sheet.header, list(sheet.notices), sheet.name
        body = sheet.rows[header.row:]
        while body and all(_blank(v) for v in body[-1]):  # formatted empty rows, a stray space
            body.pop()
        keep = [p for p, internal in header.fields.items() if internal not in NOT_READ]
        frame = pd.DataFrame({mapping_pos: pd.Series([r[mapping_pos] if mapping_pos < len(r) else "" for r in body],
                                                      dtype=object) for mapping_pos in keep})
        frame.columns = [header.written[p] for p in keep]
        written = list(header.written)
    else:
        sheet_name, notices, delimiter = None, [], ","
        try:
            parsed = read_delimited(data, path, schema, columns, wanted)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise InputError(Problem(shown, None, None, None, f"无法解析 CSV：{redact(str(exc))}",
                                     "unreadable csv")) from None
        header, encoding, rows, written = parsed.header, parsed.encoding, parsed.rows, parsed.written
        frame, delimiter = parsed.frame, parsed.delimiter
        if delimiter == "\t":
            notices.append(f"{shown}：按制表符分隔读取 / read as tab-separated")
    note = header.notice(path.name)
    if note:
        notices.insert(0, note)
    dropped = [clean_header(c) for c in written if clean_header(c) in PII_HEADERS]
    _check_duplicate_columns(written, mapping, shown, columns)
    headers: dict[str, str] = {}
    keep_pos: list[int] = []
    names: list[str] = []
    for pos, col in enumerate(frame.columns):
        internal = mapping.get(canonical_header(col, columns))
        if internal and internal not in headers and internal not in NOT_READ:
            headers[internal] = clean_header(col)
            keep_pos.append(pos)
            names.append(internal)
    frame = frame.iloc[:, keep_pos]
    frame.columns = names
    frame = frame.reset_index(drop=True)
    for text in notices:
        log.info("%s", text)
    return RawTable(path, kind, frame, headers, sha, encoding, dropped, rows, header.row, notices, sheet_name, header,
                    delimiter)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_duplicate_columns(header: list[str], mapping, shown: str, columns: Mapping[str, str] | None = None) -> None:
    """Two columns that mean the same field (``责任单位`` twice, also after normalisation or as a
    variant such as 登记日期 / 登记时间) are an error naming both: which one is meant?"""
    first: dict[str, int] = {}
    problems = []
    for pos, written in enumerate(header):
        canonical = canonical_header(written, columns)
        internal = mapping.get(canonical)
        if not internal:
            continue
        if internal in first:
            other = first[internal]
            problems.append(Problem(
                shown, None, canonical, None,
                f"第{other + 1}列「{header[other]}」与第{pos + 1}列「{written}」重复，两列都表示「{canonical}」，"
                f"请删除或改名其中一列", "duplicate column"))
        else:
            first[internal] = pos
    if problems:
        raise InputError(problems)


def head_rows(path: str | Path, n: int = HEADER_SEARCH_ROWS) -> list[list]:
    """The first ``n`` rows of a file as a person sees them (a workbook's first visible sheet,
    a CSV's lines, split by comma or, where only tabs separate, by tab)."""
    path = Path(path)
    data, _ = read_bytes(path, str(path))
    if path.suffix.lower() in XLSX_SUFFIXES:
        from python_calamine import CalamineWorkbook

        check_xlsx_limits(data)
        book = CalamineWorkbook.from_filelike(_io.BytesIO(data))
        visible = [i for i, m in enumerate(book.sheets_metadata) if "Hidden" not in str(m.visible)] or [0]
        return book.get_sheet_by_index(visible[0]).to_python(skip_empty_area=False, nrows=n)
    from .csvfile import head_lines

    body, _ = utf8_of(data, path)
    rows = head_lines(body, n)
    if not any(len(r) > 1 for r in rows) and b"\t" in body[:65536]:
        rows = head_lines(body, n, "\t")
    return rows


def detect_header(path: str | Path, kind: str = "register", columns: Mapping[str, str] | None = None) -> HeaderMatch:
    """The header of the file ``path`` as :func:`read_table` takes it, from its first rows only:
    ``.row`` (1-based), ``.skipped`` (rows above it), ``.renamed`` (export header → data
    dictionary header, by variant or ``columns``), ``.missing`` (required columns not found).

    Raises
    ------
    InputError : the file cannot be read.
    """
    path = Path(path)
    if path.suffix.lower() in XLSX_SUFFIXES:
        data, _ = read_bytes(path, str(path))
        return read_workbook(data, TABLES[kind], str(path), columns).header
    data, _ = read_bytes(path, str(path))
    from .csvfile import locate_header

    body, _ = utf8_of(data, path)
    return locate_header(body, TABLES[kind], columns)[0]


def read_xlsx(data: bytes) -> pd.DataFrame:
    """The first sheet of a workbook, header in row 1, cells as Excel values (blank → '').

    For tables read with their headers as written (the 预算执行表). The workbook is checked
    against the limits first (:func:`~xinfang.inputs.xlsx.check_xlsx_limits`).
    """
    from python_calamine import CalamineWorkbook

    check_xlsx_limits(data)
    rows = CalamineWorkbook.from_filelike(_io.BytesIO(data)).get_sheet_by_index(0).to_python()
    if not rows:
        return pd.DataFrame()
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    width = len(header)
    body = rows[1:]
    while body and all(_blank(v) for v in body[-1]):
        body.pop()
    if any(len(r) != width for r in body):
        body = [(r + [""] * (width - len(r)))[:width] for r in body]
    columns = list(zip(*body)) if body else [()] * width
    frame = pd.DataFrame({i: pd.Series(col, dtype=object) for i, col in enumerate(columns)})
    frame.columns = header
    return frame


def pii_values(raw: RawTable) -> frozenset[str]:
    """The values of the personal-data columns of the file ``raw`` was read from.

    Read again, only on the error path, so that no message shows one of them
    (:func:`xinfang.errors.redact`); never kept in a table. Empty when the file cannot be read
    again or has no such column.
    """
    try:
        data = raw.path.read_bytes()
        if raw.encoding == "xlsx":  # the sheet and header row read, as they were found
            from python_calamine import CalamineWorkbook

            check_xlsx_limits(data)
            book = CalamineWorkbook.from_filelike(_io.BytesIO(data))
            sheet = book.get_sheet_by_name(raw.sheet) if raw.sheet else book.get_sheet_by_index(0)
            cells = sheet.to_python(skip_empty_area=False)
            header = [clean_header(c) for c in cells[raw.header_row - 1]] if len(cells) >= raw.header_row else []
            rows = cells[raw.header_row:]
        else:
            text, _ = decode_bytes(data, raw.path)
            reader = csv.reader(_io.StringIO(text), delimiter=raw.delimiter)
            for _ in range(raw.header_row - 1):
                next(reader, None)
            header = [clean_header(c) for c in next(reader, [])]
            rows = reader
        where = [i for i, h in enumerate(header) if h in PII_HEADERS]
        if not where:
            return frozenset()
        values = set()
        for record in rows:
            for i in where:
                if i < len(record):
                    text = _cell(record[i])
                    if text:
                        values.add(text)
        return frozenset(values)
    except Exception:  # noqa: BLE001 - best effort: the patterns of redact() still apply
        return frozenset()


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _pandas_xlsx_cell(value: object) -> object:
    """Whole floats as int, as pandas' calamine reader gives them (``80.0`` → ``80``)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _read_as_written(path: Path, schema: TableSchema) -> RawTable:
    """A table whose validator reads the headers as written (the 预算执行表).

    Every column is kept under its header and blank lines stay rows, so that the validator
    can report Excel row numbers and accept headers with a unit suffix (``调整后预算（万元）``).
    CSV is decoded by :func:`decode_bytes` (the encoding detection of every table).
    """
    name = path.name
    if schema.suffixes is not None and path.suffix.lower() not in schema.suffixes:
        if not path.is_file():
            raise InputError(Problem(name, None, None, None, "文件不存在", "file not found"))
        raise InputError(Problem(name, None, None, path.suffix, "不支持的文件类型（应为 .xlsx 或 .csv）",
                                 "unsupported file type"))
    data, sha = read_bytes(path, name)
    if path.suffix.lower() in XLSX_SUFFIXES:
        encoding = "xlsx"
        try:
            frame = read_xlsx(data)
        except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
            raise InputError(Problem(name, None, None, None, f"无法读取 Excel 文件：{redact(str(exc))}",
                                     "unreadable xlsx")) from None
        frame = frame.map(_pandas_xlsx_cell)
    else:
        text, encoding = decode_bytes(data, Path(name))
        try:
            frame = pd.read_csv(_io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError(Problem(name, None, None, None, f"CSV 格式错误：{redact(str(exc))}",
                                     "malformed csv")) from None
    headers = {str(c).strip(): str(c) for c in frame.columns}
    return RawTable(path, schema.kind, frame, headers, sha, encoding)
