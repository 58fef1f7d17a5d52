"""Reading an input file: bytes → a raw table of text (or Excel cell values).

Nothing here judges the content of a table: that is :mod:`xinfang.inputs.validate`. This module
only turns bytes into a table whose columns carry internal names (by the table's
:class:`~xinfang.inputs.tables.TableSchema`), detects the encoding of a CSV (UTF-8, UTF-8 with
BOM or GB18030, never asked for), reads .xlsx with calamine, and keeps personal data out:
PII columns of a CSV are never parsed, those of a workbook are dropped at once.
"""
from __future__ import annotations

import csv
import hashlib
import io as _io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import InputError, Problem
from .tables import HEADER_VARIANTS, PII_HEADERS, TABLES, XLSX_SUFFIXES, TableSchema


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
    internal name back to the header the user sees. Row *i* of ``frame`` is Excel row
    ``i + 2`` (the header is row 1).
    """

    path: Path
    kind: str
    frame: pd.DataFrame
    headers: dict[str, str]
    sha256: str
    encoding: str
    dropped_pii: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    def excel_row(self, positions) -> list[int]:
        return [int(p) + 2 for p in positions]


def clean_header(text: object) -> str:
    """A header or name as compared: NFKC, no spaces (``' 城南 '`` → ``'城南'``)."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    return re.sub(r"\s+", "", s)


def decode_bytes(data: bytes, path: Path) -> tuple[str, str]:
    """Decode CSV bytes: UTF-8 with BOM, UTF-8, else GB18030 (detected, never asked for)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
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


def _arrow_csv(data: bytes, header: list[str], keep=None) -> pd.DataFrame:
    """pyarrow's multi-threaded reader, every column as text ('' for blank, never NaN).

    ``keep(header) -> bool`` selects the columns to convert: the others (personal data,
    unknown columns) are skipped by the parser and never become Python objects.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    include = [h for h in header if keep is None or keep(h)]
    source = pa.BufferReader(data) if isinstance(data, pa.Buffer) else _io.BytesIO(data)
    table = pacsv.read_csv(
        source,
        read_options=pacsv.ReadOptions(block_size=1 << 24),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types={h: pa.string() for h in include},
                                             include_columns=include,
                                             strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    return table.to_pandas()


def read_xlsx(data: bytes) -> pd.DataFrame:
    """The first sheet of a workbook, header in row 1, cells as Excel values (blank → '').

    python-calamine directly: pandas' read_excel wraps every cell in Python and is several
    times slower on large sheets.
    """
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(_io.BytesIO(data)).get_sheet_by_index(0).to_python()
    if not rows:
        return pd.DataFrame()
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    width = len(header)
    body = rows[1:]
    # trailing rows that are entirely blank are not data (Excel keeps formatted empty rows)
    while body and all(v in ("", None) for v in body[-1]):
        body.pop()
    if any(len(r) != width for r in body):
        body = [(r + [""] * (width - len(r)))[:width] for r in body]
    columns = list(zip(*body)) if body else [()] * width
    frame = pd.DataFrame({i: pd.Series(col, dtype=object) for i, col in enumerate(columns)})
    frame.columns = header
    return frame


def read_csv_bytes(data: bytes, path: Path, keep=None) -> tuple[pd.DataFrame, str]:
    """Parse CSV bytes in UTF-8 (with or without BOM) or GB18030, detected, never asked for.

    UTF-8 goes straight to pyarrow (which checks it is valid UTF-8); anything else is decoded
    as GB18030 first. pandas' own parser is the fallback for files pyarrow refuses, as it
    explains a malformed file better.
    """
    import pyarrow as pa

    bom = data.startswith(b"\xef\xbb\xbf")
    body = pa.py_buffer(data).slice(3 if bom else 0)   # no copy of a large file
    end = data.find(b"\n")
    first = data[3 if bom else 0: end if end >= 0 else len(data)].rstrip(b"\r")
    try:
        first_text, encoding = first.decode("utf-8"), ("utf-8-sig" if bom else "utf-8")
    except UnicodeDecodeError:
        first_text, encoding = None, "gb18030"
    header = next(csv.reader([first_text])) if first_text is not None else None
    fast = header is not None and len(set(header)) == len(header) and all(h.strip() for h in header)
    if fast:
        try:
            return _arrow_csv(body, header, keep), encoding
        except Exception:  # noqa: BLE001 - not UTF-8 after all, or malformed: decode and retry below
            pass
    text, encoding = decode_bytes(data, path)
    if encoding == "gb18030":
        header = next(csv.reader([text.split("\n", 1)[0].rstrip("\r")]))
        if len(set(header)) == len(header) and all(h.strip() for h in header):
            try:
                return _arrow_csv(text.encode("utf-8"), header, keep), encoding
            except Exception:  # noqa: BLE001
                pass
    return pd.read_csv(_io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False), encoding


def read_table(path: str | Path, kind: str = "register") -> RawTable:
    """Read one exported table (CSV or .xlsx) and map its Chinese headers.

    Parameters
    ----------
    path : the file (``.csv``/``.txt`` in UTF-8, UTF-8-BOM or GB18030, or ``.xlsx``/``.xls``).
    kind : ``"register"`` (信访事项登记表), ``"campaign"`` (治重化积交办件), ``"beijing"``
        (进京上访台账) or ``"budget"`` (预算执行表, read with its headers as written: see
        :func:`_read_as_written`).

    Personal-data columns (信访人, 证件号码, 联系电话, 住址 and their variants) are dropped
    here and never reach the returned table. Unknown columns are kept out as well; required
    columns are checked by :mod:`xinfang.inputs.validate`.

    Raises
    ------
    InputError : missing or empty file, undecodable bytes, unreadable workbook.
    """
    path = Path(path)
    schema = TABLES[kind]
    if not schema.map_headers:
        return _read_as_written(path, schema)
    mapping = schema.headers
    data, sha = read_bytes(path, str(path))
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        encoding = "xlsx"
        try:
            frame = read_xlsx(data)
        except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file for the user
            raise InputError(Problem(str(path), None, None, None, f"无法读取 Excel 文件：{exc}",
                                     "unreadable workbook")) from None
    else:
        seen: list[str] = []

        def wanted(header: str) -> bool:
            clean = clean_header(header)
            seen.append(clean)
            return HEADER_VARIANTS.get(clean, clean) in mapping

        try:
            frame, encoding = read_csv_bytes(data, path, wanted)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise InputError(Problem(str(path), None, None, None, f"无法解析 CSV：{exc}",
                                     "unreadable csv")) from None
    cleaned = [clean_header(c) for c in frame.columns]
    frame.columns = cleaned
    dropped = [c for c in (seen if encoding != "xlsx" and seen else cleaned) if c in PII_HEADERS]
    headers: dict[str, str] = {}
    keep: list[str] = []
    for col in cleaned:
        canonical = HEADER_VARIANTS.get(col, col)
        internal = mapping.get(canonical)
        if internal and internal not in headers:
            headers[internal] = col
            keep.append(col)
    frame = frame[keep]
    frame.columns = [mapping[HEADER_VARIANTS.get(c, c)] for c in keep]
    frame = frame.reset_index(drop=True)
    return RawTable(path, kind, frame, headers, sha, encoding, dropped)


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
            raise InputError(Problem(name, None, None, None, f"无法读取 Excel 文件：{exc}",
                                     "unreadable xlsx")) from exc
        frame = frame.map(_pandas_xlsx_cell)
    else:
        text, encoding = decode_bytes(data, Path(name))
        try:
            frame = pd.read_csv(_io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise InputError(Problem(name, None, None, None, f"CSV 格式错误：{exc}",
                                     "malformed csv")) from exc
    headers = {str(c).strip(): str(c) for c in frame.columns}
    return RawTable(path, schema.kind, frame, headers, sha, encoding)
