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

from ..errors import InputError, Problem, redact
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


#: Limits a workbook must keep before it is read (a zip bomb is refused, not unpacked).
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024   # bytes, all entries together
MAX_XLSX_RATIO = 100                         # uncompressed / compressed, per large entry
MAX_XLSX_ENTRIES = 10_000
_RATIO_FLOOR = 1024 * 1024                   # entries smaller than this are not ratio-checked


class XlsxLimitError(ValueError):
    """A workbook breaks a limit of :func:`check_xlsx_limits`."""


def check_xlsx_limits(data: bytes, *, max_bytes: int = MAX_XLSX_UNCOMPRESSED,
                      max_ratio: float = MAX_XLSX_RATIO, max_entries: int = MAX_XLSX_ENTRIES) -> None:
    """Refuse a workbook whose zip would unpack to too much, before any of it is unpacked.

    Checks the sizes the zip declares (entries, total uncompressed size, compression ratio of
    every entry over 1 MB), then streams each deflated entry through zlib, stopping as soon as
    it yields more than it declared (a lying header) or the total limit is passed. Memory stays
    at one chunk; a 1 MB bomb is refused in milliseconds.

    Raises
    ------
    XlsxLimitError : with a bilingual reason.
    """
    import struct
    import zipfile
    import zlib

    try:
        infos = zipfile.ZipFile(_io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return  # not a zip: the reader says what is wrong with it
    if len(infos) > max_entries:
        raise XlsxLimitError(f"压缩包内文件过多（{len(infos)} 个，上限 {max_entries}）/ too many zip entries")
    total = sum(i.file_size for i in infos)
    if total > max_bytes:
        raise XlsxLimitError(f"解压后过大（{total / 2**20:.0f} MB，上限 {max_bytes / 2**20:.0f} MB），"
                             f"疑似压缩炸弹 / uncompressed size over the limit (zip bomb?)")
    for info in infos:
        if info.file_size > _RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
            raise XlsxLimitError(f"压缩比异常（{info.filename}：{info.file_size / max(info.compress_size, 1):.0f} 倍，"
                                 f"上限 {max_ratio:g} 倍），疑似压缩炸弹 / compression ratio over the limit (zip bomb?)")
    produced = 0
    for info in infos:
        if info.compress_type != zipfile.ZIP_DEFLATED:
            continue
        head = data[info.header_offset: info.header_offset + 30]
        if len(head) < 30 or head[:4] != b"PK\x03\x04":
            return  # damaged: the reader reports it
        name_len, extra_len = struct.unpack("<HH", head[26:30])
        start = info.header_offset + 30 + name_len + extra_len
        stream = zlib.decompressobj(-15)
        left = info.file_size + 1  # one byte more than declared is a lie
        pos, end = start, min(start + info.compress_size, len(data))
        while pos < end:
            try:
                out = stream.decompress(data[pos: min(pos + 65536, end)], left)
            except zlib.error:
                return  # corrupt: the reader reports it
            pos += 65536
            left -= len(out)
            produced += len(out)
            if stream.unconsumed_tail or left <= 0 or produced > max_bytes:
                raise XlsxLimitError(f"「{info.filename}」解压后超过其声明的大小或总上限，疑似压缩炸弹 / "
                                     f"entry unpacks to more than it declares (zip bomb?)")
            if stream.eof:
                break


def read_xlsx(data: bytes) -> pd.DataFrame:
    """The first sheet of a workbook, header in row 1, cells as Excel values (blank → '').

    python-calamine directly: pandas' read_excel wraps every cell in Python and is several
    times slower on large sheets. The zip is checked against the limits first
    (:func:`check_xlsx_limits`).
    """
    from python_calamine import CalamineWorkbook

    check_xlsx_limits(data)
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
    # pyarrow refused the file (or its header has duplicates): rows of the wrong length are
    # reported before pandas could pad them and shift personal data into other columns
    check_field_counts(text, str(path))
    frame = pd.read_csv(_io.StringIO(text), header=None, dtype=str, keep_default_na=False, na_filter=False)
    header = [str(h) for h in frame.iloc[0]] if len(frame) else []
    frame = frame.iloc[1:].reset_index(drop=True)
    frame.columns = header  # duplicate headers kept as they are, for read_table to report
    return frame, encoding


_MAX_RAGGED = 200


def check_field_counts(text: str, shown: str) -> None:
    """Every record of a CSV has as many fields as its header, or :class:`InputError`.

    A row with a missing or extra separator would shift its cells into the wrong columns
    (a petitioner's ID number into 评价结果): it is reported by its row number and field count,
    never by its values. Blank lines are skipped, as the reader skips them.
    """
    try:
        reader = csv.reader(_io.StringIO(text))
        header = next(reader, None)
        if header is None:
            return
        width, row, ragged = len(header), 1, []
        for record in reader:
            if not record:
                continue
            row += 1
            if len(record) != width:
                ragged.append((row, len(record)))
    except csv.Error:
        return  # the parser below says what is wrong with the file
    if ragged:
        problems = [Problem(shown, r, None, None,
                            f"该行有 {n} 个字段，表头有 {width} 个（分隔符缺失或多余，整行未读取，内容不予显示）",
                            f"ragged row: {n} fields, header has {width}")
                    for r, n in ragged[:_MAX_RAGGED]]
        if len(ragged) > _MAX_RAGGED:
            problems.append(Problem(shown, None, None, None, f"另有 {len(ragged) - _MAX_RAGGED} 行字段数不对",
                                    "more ragged rows"))
        raise InputError(problems)


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
            raise InputError(Problem(str(path), None, None, None, f"无法读取 Excel 文件：{redact(str(exc))}",
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
            raise InputError(Problem(str(path), None, None, None, f"无法解析 CSV：{redact(str(exc))}",
                                     "unreadable csv")) from None
    cleaned = [clean_header(c) for c in frame.columns]
    dropped = [c for c in (seen if encoding != "xlsx" and seen else cleaned) if c in PII_HEADERS]
    file_header = (_csv_header(data) if encoding != "xlsx" else None) or [str(c) for c in frame.columns]
    _check_duplicate_columns(file_header, mapping, str(path))
    headers: dict[str, str] = {}
    keep: list[int] = []
    for pos, col in enumerate(cleaned):
        internal = mapping.get(HEADER_VARIANTS.get(col, col))
        if internal and internal not in headers:
            headers[internal] = col
            keep.append(pos)
    frame = frame.iloc[:, keep]
    frame.columns = [mapping[HEADER_VARIANTS.get(cleaned[p], cleaned[p])] for p in keep]
    frame = frame.reset_index(drop=True)
    return RawTable(path, kind, frame, headers, sha, encoding, dropped)


def _csv_header(data: bytes) -> list[str] | None:
    """The header row of CSV bytes as written (None when it cannot be decoded)."""
    end = data.find(b"\n")
    first = data[: end if end >= 0 else len(data)].rstrip(b"\r")
    if first.startswith(b"\xef\xbb\xbf"):
        first = first[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return next(csv.reader([first.decode(encoding)]), None)
        except (UnicodeDecodeError, csv.Error):
            continue
    return None


def _check_duplicate_columns(header: list[str], mapping, shown: str) -> None:
    """Two columns that mean the same field (``责任单位`` twice, also after normalisation or as a
    variant such as 登记日期 / 登记时间) are an error naming both: which one is meant?"""
    first: dict[str, int] = {}
    problems = []
    for pos, written in enumerate(header):
        canonical = HEADER_VARIANTS.get(clean_header(written), clean_header(written))
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


def pii_values(raw: RawTable) -> frozenset[str]:
    """The values of the personal-data columns of the file ``raw`` was read from.

    Read again, only on the error path, so that no message shows one of them
    (:func:`xinfang.errors.redact`); never kept in a table. Empty when the file cannot be read
    again or has no such column.
    """
    try:
        data = raw.path.read_bytes()
        if raw.encoding == "xlsx":
            frame = read_xlsx(data)
            header = [clean_header(c) for c in frame.columns]
            rows = frame.itertuples(index=False, name=None)
        else:
            text, _ = decode_bytes(data, raw.path)
            reader = csv.reader(_io.StringIO(text))
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
