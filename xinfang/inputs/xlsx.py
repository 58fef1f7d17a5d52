""".xlsx as a person sees it: limits checked before reading, the sheet chosen, error cells found.

A workbook is refused before calamine reads it when its zip would unpack to too much
(:func:`check_xlsx_limits`: a zip bomb) or when one of its sheets reaches beyond sane rows,
columns or cells (a cell bomb: one value at ``XFD1048576`` makes any reader allocate the whole
rectangle up to it). Both are found by streaming the deflated XML through zlib, in constant
memory. The same pass records the cells Excel stores as error values (``#N/A``, ``#REF!``),
which calamine hands over as blanks.

:func:`choose_sheet` takes the sheet a person means: the active sheet when it is visible and
holds the table's header, else the one visible sheet that does; several such sheets, or the
data only on a hidden sheet, is an error that names the sheets.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping

if TYPE_CHECKING:
    from .header import HeaderMatch
    from .tables import TableSchema

#: Limits a workbook must keep before it is read (a zip bomb is refused, not unpacked).
MAX_XLSX_UNCOMPRESSED = 200 * 1024 * 1024   # bytes, all entries together
MAX_XLSX_RATIO = 100                         # uncompressed / compressed, per large entry
MAX_XLSX_ENTRIES = 10_000
_RATIO_FLOOR = 1024 * 1024                   # entries smaller than this are not ratio-checked
#: Limits of one sheet's used rectangle (a cell bomb is refused, not allocated).
MAX_XLSX_ROWS = 1_048_576                    # Excel's own
MAX_XLSX_COLUMNS = 1_000                     # column ALL; a register has about 20
MAX_XLSX_CELLS = 30_000_000                  # rows × columns of the rectangle a reader fills

_CELL_COL = re.compile(rb'<c r="([A-Z]{1,4})')
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,4}(\d{1,12})"')
_ROW_TAG = re.compile(rb'<row r="(\d{1,12})"')
_ERROR_CELL = re.compile(rb'<c r="([A-Z]{1,4})(\d{1,12})"[^>]*?\bt="e"[^>]*>(?:<f[^<]*(?:</f>)?)?<v>([^<]{0,20})</v>')


class XlsxLimitError(ValueError):
    """A workbook breaks a limit of :func:`check_xlsx_limits`."""


def column_number(letters: str | bytes) -> int:
    """``"A"`` → 1, ``"XFD"`` → 16384."""
    n = 0
    for ch in (letters.decode() if isinstance(letters, bytes) else letters):
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(number: int) -> str:
    """1 → ``"A"``, 28 → ``"AB"``."""
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out


@dataclass
class SheetScan:
    """What the XML of one worksheet holds: the extent of its cells and its error cells."""

    rows: int = 0
    columns: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (row, column) 1-based → #N/A …

    def feed(self, part: bytes) -> None:
        cols = set(_CELL_COL.findall(part))
        if cols:
            self.columns = max(self.columns, max(column_number(c) for c in cols))
        for found in (_CELL_ROW.findall(part), _ROW_TAG.findall(part)):
            if found:
                width = max(map(len, found))
                self.rows = max(self.rows, int(max(r for r in found if len(r) == width)))
        if b't="e"' in part:
            for col, row, value in _ERROR_CELL.findall(part):
                self.errors[(int(row), column_number(col))] = value.decode("utf-8", "replace")

    def check(self, name: str) -> None:
        if self.rows > MAX_XLSX_ROWS or self.columns > MAX_XLSX_COLUMNS or self.rows * self.columns > MAX_XLSX_CELLS:
            corner = f"{column_letters(self.columns)}{self.rows}"
            raise XlsxLimitError(
                f"工作表「{name}」的单元格延伸到 {corner}（{self.rows} 行 × {self.columns} 列），超出上限"
                f"（{MAX_XLSX_ROWS} 行、{MAX_XLSX_COLUMNS} 列、共 {MAX_XLSX_CELLS} 个单元格），疑似单元格炸弹；"
                f"请删除数据区以外的单元格 / a cell lies beyond the sane extent of a sheet (cell bomb?)")


def check_xlsx_limits(data: bytes, *, max_bytes: int = MAX_XLSX_UNCOMPRESSED,
                      max_ratio: float = MAX_XLSX_RATIO, max_entries: int = MAX_XLSX_ENTRIES) -> dict[str, SheetScan]:
    """Refuse a workbook whose zip would unpack to too much, or one of whose sheets reaches too
    far, before any of it is unpacked; return the scan of every worksheet by zip entry name.

    Checks the sizes the zip declares (entries, total uncompressed size, compression ratio of
    every entry over 1 MB), then streams each deflated entry through zlib, stopping as soon as
    it yields more than it declared (a lying header) or the total limit is passed. The XML of
    each worksheet is scanned on the way (:class:`SheetScan`). Memory stays at one chunk; a
    1 MB bomb is refused in milliseconds.

    Raises
    ------
    XlsxLimitError : with a bilingual reason.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return {}  # not a zip: the reader says what is wrong with it
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
    scans: dict[str, SheetScan] = {}
    for info in infos:
        sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        if info.compress_type == zipfile.ZIP_STORED and sheet:
            start = _data_start(data, info)
            if start is None:
                return scans
            scan = scans[info.filename] = SheetScan()
            scan.feed(data[start: start + info.compress_size])
            scan.check(info.filename)
            continue
        if info.compress_type != zipfile.ZIP_DEFLATED:
            continue
        start = _data_start(data, info)
        if start is None:
            return scans  # damaged: the reader reports it
        stream = zlib.decompressobj(-15)
        scan = scans[info.filename] = SheetScan() if sheet else None
        feed = _Feeder(scan.feed) if scan is not None else None
        left = info.file_size + 1  # one byte more than declared is a lie
        pos, end = start, min(start + info.compress_size, len(data))
        while pos < end:
            try:
                out = stream.decompress(data[pos: min(pos + 65536, end)], left)
            except zlib.error:
                return {k: v for k, v in scans.items() if v is not None}  # corrupt: the reader reports it
            pos += 65536
            left -= len(out)
            produced += len(out)
            if stream.unconsumed_tail or left <= 0 or produced > max_bytes:
                raise XlsxLimitError(f"「{info.filename}」解压后超过其声明的大小或总上限，疑似压缩炸弹 / "
                                     f"entry unpacks to more than it declares (zip bomb?)")
            if feed is not None:
                feed(out)
                scan.check(info.filename)
            if stream.eof:
                break
        if feed is not None:
            feed.close()
            scan.check(info.filename)
    return {k: v for k, v in scans.items() if v is not None}


def _data_start(data: bytes, info: zipfile.ZipInfo) -> int | None:
    head = data[info.header_offset: info.header_offset + 30]
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        return None
    name_len, extra_len = struct.unpack("<HH", head[26:30])
    return info.header_offset + 30 + name_len + extra_len


class _Feeder:
    """Feeds a scanner whole cell tags: each chunk up to its last ``<c `` (the rest waits)."""

    def __init__(self, feed: Callable[[bytes], None]) -> None:
        self.feed = feed
        self.rest = b""

    def __call__(self, chunk: bytes) -> None:
        buffer = self.rest + chunk
        cut = buffer.rfind(b"<c ")
        if cut <= 0 or len(buffer) - cut > 65536:  # no tag, or a long text: keep a small tail only
            cut = max(0, len(buffer) - 256)
        self.feed(buffer[:cut])
        self.rest = buffer[cut:]

    def close(self) -> None:
        self.feed(self.rest)
        self.rest = b""


# ---------------------------------------------------------------------------------------------
# the sheets of a workbook

@dataclass(frozen=True)
class SheetInfo:
    """One worksheet: its index for calamine, name, visibility and scan (None when unknown)."""

    index: int
    name: str
    visible: bool
    scan: SheetScan | None


def sheets_of(data: bytes, book, scans: Mapping[str, SheetScan]) -> tuple[list[SheetInfo], int]:
    """The worksheets of ``book`` (a calamine workbook of ``data``) and the index of the active one."""
    paths, active = _workbook_parts(data)
    out = []
    for i, meta in enumerate(book.sheets_metadata):
        if "WorkSheet" not in str(meta.typ):
            continue
        path = paths.get(meta.name)
        out.append(SheetInfo(i, meta.name, "Visible" in str(meta.visible) and "Hidden" not in str(meta.visible),
                             scans.get(path) if path else None))
    return out, active


_SHEET = re.compile(rb'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_SHEET_ID_FIRST = re.compile(rb'<sheet\b[^>]*?\br:id="([^"]*)"[^>]*?\bname="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"')
_REL_TARGET_FIRST = re.compile(rb'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"')
_ACTIVE = re.compile(rb'<workbookView\b[^>]*?\bactiveTab="(\d+)"')


def _workbook_parts(data: bytes) -> tuple[dict[str, str], int]:
    """Sheet name → zip entry of its XML, and the active tab (0 when not said)."""
    import html

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            book = z.read("xl/workbook.xml")
            rels = z.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        return {}, 0
    targets = {i: t for i, t in _REL.findall(rels)}
    targets.update({i: t for t, i in _REL_TARGET_FIRST.findall(rels)})
    sheets = [(n, i) for n, i in _SHEET.findall(book)] + [(n, i) for i, n in _SHEET_ID_FIRST.findall(book)]
    paths = {}
    for name, rid in sheets:
        target = targets.get(rid, b"").decode("utf-8", "replace")
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        paths[html.unescape(name.decode("utf-8", "replace"))] = target
    m = _ACTIVE.search(book)
    return paths, int(m[1]) if m else 0


@dataclass
class Sheet:
    """The rows of the sheet a person means (row *i* is Excel row *i + 1*), its header and notices."""

    name: str
    rows: list[list]
    header: "HeaderMatch"
    notices: list[str]


def read_workbook(data: bytes, schema: "TableSchema", shown: str, columns: Mapping[str, str] | None = None) -> Sheet:
    """The sheet of a workbook that holds a ``schema`` table, as a person sees it.

    The active sheet when it is visible and its header (within the first rows, see
    :func:`~xinfang.inputs.header.find_header`) holds the required columns; else the one
    visible sheet that does. Error cells in the table's columns are row errors.

    Raises
    ------
    XlsxLimitError : a zip or cell bomb (:func:`check_xlsx_limits`).
    InputError : several sheets hold the table, or only a hidden one does; error cells.
    """
    from python_calamine import CalamineWorkbook

    from ..errors import InputError, Problem
    from .header import HEADER_SEARCH_ROWS, find_header

    scans = check_xlsx_limits(data)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    sheets, active = sheets_of(data, book, scans)
    if not sheets:
        raise InputError(Problem(shown, None, None, None, "工作簿中没有工作表", "no worksheet"))
    heads = {}
    if len(sheets) == 1:
        chosen = sheets[0]
    else:
        for info in sheets:
            heads[info.index] = find_header(book.get_sheet_by_index(info.index).to_python(
                skip_empty_area=False, nrows=HEADER_SEARCH_ROWS), schema, columns)
        holding = [s for s in sheets if heads[s.index].complete]
        visible = [s for s in holding if s.visible]
        by_index = {s.index: s for s in sheets}
        if active in by_index and by_index[active].visible and heads[active].complete:
            chosen = by_index[active]
        elif len(visible) == 1:
            chosen = visible[0]
        elif len(visible) > 1:
            names = "、".join(f"「{s.name}」" for s in visible)
            raise InputError(Problem(shown, None, None, None,
                                     f"多个工作表都像{schema.name}：{names}；请只保留一个，或把要用的工作表设为当前工作表后保存",
                                     "several sheets hold the table"))
        elif holding:
            names = "、".join(f"「{s.name}」" for s in holding)
            raise InputError(Problem(shown, None, None, None,
                                     f"{schema.name}在隐藏的工作表{names}中；请在 Excel 中取消隐藏（或删除其他工作表）后保存",
                                     "the table is on a hidden sheet"))
        else:
            shown_sheets = [s for s in sheets if s.visible] or sheets
            chosen = by_index[active] if active in by_index and by_index[active].visible else shown_sheets[0]
    rows = book.get_sheet_by_index(chosen.index).to_python(skip_empty_area=False)
    header = heads.get(chosen.index) or find_header(rows, schema, columns)
    notices = []
    if len(sheets) > 1:
        notices.append(f"{shown}：读取工作表「{chosen.name}」/ reading sheet {chosen.name!r}")
    if chosen.scan is not None and chosen.scan.errors:
        problems = [Problem(shown, r, header.written[c - 1].strip() or column_letters(c), value,
                            "单元格是 Excel 错误值（公式出错或引用失效），请改为实际值或留空", "excel error value")
                    for (r, c), value in sorted(chosen.scan.errors.items())
                    if r > header.row and (c - 1) in header.fields]
        if problems:
            raise InputError(problems)
    return Sheet(chosen.name, rows, header, notices)
