"""Reading and writing files: CSV/XLSX exports with Chinese headers, the unit register,
deterministic xlsx output and atomic writes.

Nothing here judges the content of a table: that is :mod:`xinfang.schema`. This module only
turns bytes into a table of text (or Excel cell values) whose columns carry internal names,
and drops personal data on the way in.
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
import yaml

from .errors import InputError, ParameterError, Problem

#: Header as exported → internal name, per table. Variants seen in exports are listed too.
REGISTER_HEADERS: dict[str, str] = {
    "信访件编号": "case_id",
    "信访事项编号": "matter_id",
    "登记日期": "registered_on",
    "登记层级": "level",
    "信访形式": "channel",
    "人数": "persons",
    "责任单位": "unit",
    "问题领域": "domain",
    "信访目的": "purpose",
    "初重件": "first_or_repeat",
    "办理方式": "decision",
    "受理日期": "accepted_on",
    "延期天数": "extension_days",
    "答复日期": "replied_on",
    "评价结果": "evaluation",
    "诉求摘要": "summary",
}
CAMPAIGN_HEADERS: dict[str, str] = {
    "交办批次": "batch",
    "信访事项编号": "matter_id",
    "责任单位": "unit",
    "是否汇报": "reported",
    "审核化解": "resolved",
    "化解日期": "resolved_on",
}
BEIJING_HEADERS: dict[str, str] = {
    "日期": "date",
    "责任单位": "unit",
    "人数": "persons",
    "是否登记": "registered",
}
#: Header variants that mean the same column.
HEADER_VARIANTS: dict[str, str] = {
    "登记时间": "登记日期",
    "信访日期": "登记日期",
    "受理时间": "受理日期",
    "答复时间": "答复日期",
    "办结日期": "答复日期",
    "满意度评价": "评价结果",
    "信访人数": "人数",
    "上访日期": "日期",
    "进京日期": "日期",
    "批次": "交办批次",
}
#: Personal data (PII): dropped at load, never kept in memory past :func:`read_table`.
PII_HEADERS: frozenset[str] = frozenset(
    {"信访人", "姓名", "信访人姓名", "证件号码", "身份证号", "身份证号码", "联系电话", "电话", "手机号码", "住址", "地址", "家庭住址"}
)

TABLE_HEADERS = {"register": REGISTER_HEADERS, "campaign": CAMPAIGN_HEADERS, "beijing": BEIJING_HEADERS}
TABLE_NAMES = {"register": "信访事项登记表", "campaign": "治重化积交办件", "beijing": "进京上访台账"}


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


def _clean_header(text: object) -> str:
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


def _read_xlsx(data: bytes) -> pd.DataFrame:
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
    kind : ``"register"`` (信访事项登记表), ``"campaign"`` (治重化积交办件) or ``"beijing"``
        (进京上访台账).

    Personal-data columns (信访人, 证件号码, 联系电话, 住址 and their variants) are dropped
    here and never reach the returned table. Unknown columns are kept out as well; required
    columns are checked by :mod:`xinfang.schema`.

    Raises
    ------
    InputError : missing or empty file, undecodable bytes, unreadable workbook.
    """
    path = Path(path)
    mapping = TABLE_HEADERS[kind]
    if not path.exists():
        raise InputError(Problem(str(path), None, None, None, "文件不存在", "file not found"))
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if not data[:65536].strip(b" \t\r\n\xef\xbb\xbf") and not data.strip(b" \t\r\n\xef\xbb\xbf"):
        raise InputError(Problem(str(path), None, None, None, "文件为空", "empty file"))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls"):
        encoding = "xlsx"
        try:
            frame = _read_xlsx(data)
        except Exception as exc:  # noqa: BLE001 - any reader failure is a bad file for the user
            raise InputError(Problem(str(path), None, None, None, f"无法读取 Excel 文件：{exc}",
                                     "unreadable workbook")) from None
    else:
        seen: list[str] = []

        def wanted(header: str) -> bool:
            clean = _clean_header(header)
            seen.append(clean)
            return HEADER_VARIANTS.get(clean, clean) in mapping

        try:
            frame, encoding = read_csv_bytes(data, path, wanted)
        except InputError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise InputError(Problem(str(path), None, None, None, f"无法解析 CSV：{exc}",
                                     "unreadable csv")) from None
    cleaned = [_clean_header(c) for c in frame.columns]
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


# ---------------------------------------------------------------------------------------------
# unit register

@dataclass(frozen=True)
class Unit:
    name: str
    kind: str
    code: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitRegister:
    """The district's 责任单位名册: names, kinds and aliases (DESIGN.md §3.3)."""

    district: str
    units: tuple[Unit, ...]
    path: str = ""

    @property
    def names(self) -> list[str]:
        return [u.name for u in self.units]

    def lookup(self) -> dict[str, str]:
        """Every accepted spelling (name or alias, NFKC, no spaces) → official name."""
        table: dict[str, str] = {}
        for u in self.units:
            for s in (u.name, *u.aliases):
                table[_clean_header(s)] = u.name
        return table

    def kind_of(self, name: str) -> str | None:
        return next((u.kind for u in self.units if u.name == name), None)


UNIT_KINDS = ("乡镇街道", "区直部门")


def read_units(path: str | Path) -> UnitRegister:
    """Load the unit register YAML; errors name the file and the entry."""
    path = Path(path)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"{path}: 单位名册不存在 / unit register not found") from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: YAML 格式错误 / invalid YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("units"), list) or not doc.get("district"):
        raise ParameterError(f"{path}: 需要 district 与 units 列表 / expected keys 'district' and 'units'")
    units: list[Unit] = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(doc["units"], start=1):
        where = f"{path}: units[{i}]"
        if not isinstance(entry, dict) or not entry.get("name"):
            raise ParameterError(f"{where}: 缺少 name / missing 'name'")
        unknown = set(entry) - {"name", "kind", "code", "aliases"}
        if unknown:
            raise ParameterError(f"{where}: 未知字段 / unknown keys {sorted(unknown)}")
        kind = entry.get("kind")
        if kind not in UNIT_KINDS:
            raise ParameterError(f"{where} ({entry['name']}): kind 须为 {'/'.join(UNIT_KINDS)} / bad kind {kind!r}")
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list):
            raise ParameterError(f"{where}: aliases 须为列表 / aliases must be a list")
        unit = Unit(str(entry["name"]), kind, None if entry.get("code") is None else str(entry["code"]),
                    tuple(str(a) for a in aliases))
        for s in (unit.name, *unit.aliases):
            key = _clean_header(s)
            if key in seen and seen[key] != unit.name:
                raise ParameterError(f"{where}: 名称或别名「{s}」与「{seen[key]}」重复 / duplicate name or alias")
            seen[key] = unit.name
        units.append(unit)
    return UnitRegister(str(doc["district"]), tuple(units), str(path))
