"""Writing files: atomic writes, deterministic zips (docx/xlsx), xlsx with neutralised
formulas, safe file names, and the sha256 of a file.

Every file xinfang writes goes through :func:`atomic_path`, so an interrupted run never leaves
a truncated file that looks finished.
"""
from __future__ import annotations

import contextlib
import hashlib
import io as _io
import os
import re
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping

from .errors import ParameterError

if TYPE_CHECKING:  # imported where used: the batch's workers use this module without pandas
    import pandas as pd


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()



def current_umask() -> int:
    """The process's umask (from ``/proc/self/status`` on Linux, which does not change it;
    elsewhere set and restored at once)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temp path beside ``path``; on success it is fsynced and renamed onto ``path``,
    and the directory is fsynced so the rename itself survives a crash.

    An interrupted write leaves at most a hidden ``.~name.*.tmp`` file, never a truncated
    ``path``. The one mechanism for every file xinfang writes. The file gets the mode a plain
    ``open()`` would give it (0666 less the umask: 0644 under the usual 022, so colleagues on a
    shared server can read the reports), not :func:`tempfile.mkstemp`'s private 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".~{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp_path, 0o666 & ~current_umask())
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()
    _fsync_dir(path.parent)


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file, fsync, rename)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_set(files: Mapping[str | Path, bytes]) -> list[Path]:
    """Write several files as one set: every file goes to a temporary file beside its target
    and is fsynced; only when all are complete are they renamed onto their targets.

    A failure while writing (a full disk) removes the temporary files and raises: the previous
    files are all still there, none replaced by a newer one of another run (a report's HTML
    beside the DOCX of the run before). Returns the targets.
    """
    temps: list[tuple[Path, Path]] = []
    try:
        for target, data in files.items():
            target = Path(target)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".~{target.name}.", suffix=".tmp", dir=target.parent)
            temps.append((Path(tmp), target))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o666 & ~current_umask())
        for tmp, target in temps:
            os.replace(tmp, target)
    finally:
        for tmp, _ in temps:
            if tmp.exists():
                tmp.unlink()
    for folder in dict.fromkeys(target.parent for _, target in temps):
        _fsync_dir(folder)
    return [target for _, target in temps]


def _fsync_dir(folder: Path) -> None:
    try:  # POSIX; a no-op where a directory cannot be opened
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:(?:created|modified)>)")


def normalize_zip(data: bytes, date_time: tuple[int, int, int, int, int, int] = FIXED_ZIP_TIME, *,
                  core_dates: str | None = None) -> bytes:
    """Rewrite a zip (xlsx/docx) so that equal content gives equal bytes: fixed entry times,
    attributes, compression and order ([Content_Types].xml and _rels/.rels first, as Office
    writes them, then by name).

    ``core_dates`` (an ISO timestamp) replaces the created/modified dates a writer stamps into
    ``docProps/core.xml`` at save time (openpyxl sets "modified" to the clock).
    """
    src = zipfile.ZipFile(_io.BytesIO(data))
    names = src.namelist()
    first = [n for n in ("[Content_Types].xml", "_rels/.rels") if n in names]
    order = first + sorted(n for n in names if n not in first)
    out = _io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            body = src.read(name)
            if core_dates and name == "docProps/core.xml":
                body = _CORE_DATES.sub(rb"\g<1>" + core_dates.encode() + rb"\g<2>", body)
            dst.writestr(info, body, compresslevel=6)
    return out.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


_XLSX_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralize_formula(value: object) -> object:
    """Make a cell safe for Excel: text that Excel would run as a formula (= + - @) gets a
    leading apostrophe, and control characters that xlsx cannot hold are dropped.

    >>> neutralize_formula("=1+1"), neutralize_formula("-3"), neutralize_formula(-3), neutralize_formula("a\x01b")
    ("'=1+1", "'-3", -3, 'ab')
    """
    if isinstance(value, str):
        value = _XLSX_BAD.sub("", value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


#: Number formats of the xlsx xinfang writes.
PERCENT, INTEGER, WANYUAN, DATE = "0.00%", "0", "0.00", "yyyy-mm-dd"
#: Fill and font of a highlighted cell (Excel's "light red fill with dark red text").
_RED_FILL, _RED_FONT = "FFC7CE", "9C0006"
_BAD_TITLE = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


@dataclass(frozen=True)
class Highlight:
    """Conditional formatting (live in Excel): cells of ``column`` that hold a number
    ``operator`` (``"<"`` or ``">"``) ``value`` get a red fill. Blank cells are never marked."""

    column: str
    operator: str
    value: float

    def __post_init__(self) -> None:
        if self.operator not in ("<", ">"):
            raise ValueError(f"Highlight operator must be < or >, not {self.operator!r}")


@dataclass(frozen=True)
class Sheet:
    """A DataFrame with how it is shown: number formats, widths, wrapping, highlights.

    ``formats`` maps a column to one number format, or to one per row (``None`` = General),
    e.g. ``{"本期值": ["0", "0.00%", …]}``; ``widths`` overrides computed widths; ``wrap``
    lists columns whose text wraps (width capped at :data:`WRAP_WIDTH`); ``header_width``
    caps what a header adds to its column's width (longer headers wrap); ``freeze`` is the
    top-left cell of the scrolling part (``"A2"``: the header row stays).
    """

    frame: pd.DataFrame
    formats: Mapping[str, object] = field(default_factory=dict)
    widths: Mapping[str, float] = field(default_factory=dict)
    wrap: tuple[str, ...] = ()
    highlights: tuple[Highlight, ...] = ()
    header_width: float | None = None
    freeze: str = "A2"


WRAP_WIDTH = 60


def text_width(text: str) -> int:
    """Display width of ``text`` in Excel's character units: 2 per CJK (wide) character, 1 otherwise.

    >>> text_width("城南街道"), text_width("27.56%"), text_width("A区")
    (8, 6, 3)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shown(value: object, fmt: str | None) -> str:
    """Roughly how Excel shows ``value`` under ``fmt`` (for column widths)."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, (int, float)):
        if fmt == PERCENT:
            return f"{value * 100:.2f}%"
        if fmt in (WANYUAN,):
            return f"{value:,.2f}"
        if fmt == INTEGER:
            return f"{value:.0f}"
        return f"{value:.4g}" if isinstance(value, float) else str(value)
    if hasattr(value, "isoformat"):
        return "0000-00-00"
    return str(value)


def _cell_value(value: object) -> object:
    import pandas as pd

    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if hasattr(value, "item"):
        value = value.item()
    return neutralize_formula(value)


def sheet_title(name: object, taken: set[str]) -> str:
    """A valid, unique sheet name: no ``[]:*?/\\`` or control characters, at most 31
    characters, not starting with a formula character (= + - @ get a leading ``_``: Excel
    forbids the apostrophe :func:`neutralize_formula` would add) or an apostrophe.

    >>> sheet_title("=cmd|x", set()), sheet_title("a/b", set())
    ('_=cmd|x', 'a_b')
    """
    title = _BAD_TITLE.sub("_", str(name)).strip("'") or "Sheet"
    if title.startswith(_FORMULA_START):
        title = "_" + title
    title = title[:31]
    base, n = title, 2
    while title.casefold() in {t.casefold() for t in taken}:
        suffix = f"({n})"
        title, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title


def write_xlsx(sheets: Mapping[str, pd.DataFrame | Sheet], path: str | Path) -> Path:
    """Write DataFrames (or :class:`Sheet`\\ s) as sheets of one .xlsx, atomically and deterministically.

    Every text cell, header and sheet name starting with = + - @ is neutralised (formula
    injection, :func:`neutralize_formula`); numbers stay numbers (rates as fractions under a
    percent format), dates get ``yyyy-mm-dd``; the header row is bold, frozen and has an
    autofilter; column widths count a CJK character as 2; a sheet prints landscape, one page
    wide, with the header on every page; the file's bytes depend only on the data (no timestamps).
    """
    import datetime as _dt

    from openpyxl import Workbook
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for title, spec in sheets.items():
        if not isinstance(spec, Sheet):
            spec = Sheet(spec)
        frame = spec.frame
        ws = wb.create_sheet(title=sheet_title(title, taken))
        cols = [str(neutralize_formula(str(c))) for c in frame.columns]
        ws.append(cols)
        header_wraps = False
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=spec.header_width is not None)
        n = len(frame)
        for row in frame.itertuples(index=False, name=None):
            ws.append([_cell_value(v) for v in row])
        for i, name in enumerate(frame.columns, start=1):
            letter = ws.cell(1, i).column_letter
            fmt = spec.formats.get(name)
            per_row = fmt if isinstance(fmt, (list, tuple)) else [fmt] * n
            wrap = name in spec.wrap
            widest = 0
            for r, (cell_fmt, value) in enumerate(zip(per_row, frame.iloc[:, i - 1]), start=2):
                cell = ws.cell(r, i)
                if cell.value is None:
                    continue
                if isinstance(cell.value, (_dt.date, _dt.datetime)):
                    cell.number_format = DATE
                elif cell_fmt and isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    cell.number_format = cell_fmt
                if wrap:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                if r <= 1001:
                    widest = max(widest, text_width(_shown(cell.value, cell_fmt)))
            head = text_width(cols[i - 1]) + 2  # + room for the autofilter button
            if spec.header_width is not None and head > spec.header_width:
                # a long header wraps into at most 3 even lines, not a word cut off on its own
                lines = min(3, -(-head // spec.header_width))
                head, header_wraps = -(-head // lines) + 2, True
            width = max(head, widest) + 2
            width = min(WRAP_WIDTH, width)
            ws.column_dimensions[letter].width = spec.widths.get(name, width)
        if header_wraps:
            ws.row_dimensions[1].height = 45
        if cols:
            ws.auto_filter.ref = f"A1:{ws.cell(1, len(cols)).column_letter}{max(n, 1) + 1}"
        ws.freeze_panes = spec.freeze
        # printing (and PDF): landscape, one page wide, the header row on every page
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.print_title_rows = "1:1"
        for hl in spec.highlights:
            if hl.column not in frame.columns or n == 0:
                continue
            letter = ws.cell(1, list(frame.columns).index(hl.column) + 1).column_letter
            formula = f"AND(ISNUMBER({letter}2),{letter}2{hl.operator}{hl.value!r})"
            ws.conditional_formatting.add(
                f"{letter}2:{letter}{n + 1}",
                FormulaRule(formula=[formula], fill=PatternFill("solid", start_color=_RED_FILL, end_color=_RED_FILL),
                            font=Font(color=_RED_FONT)))
    fixed = _dt.datetime(2000, 1, 1)
    wb.properties.creator = "xinfang"
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.lastModifiedBy = None
    buf = _io.BytesIO()
    wb.save(buf)
    return write_bytes_atomic(path, normalize_zip(buf.getvalue(), core_dates="2000-01-01T00:00:00Z"))


def write_text_atomic(path: str | Path, text: str, encoding: str = "utf-8") -> Path:
    return write_bytes_atomic(path, text.encode(encoding))


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')

#: Device names Windows reserves, with or without an extension and in any case.
_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
                       *(f"COM{i}" for i in "123456789¹²³"), *(f"LPT{i}" for i in "123456789¹²³")})
#: Longest file name (UTF-8 bytes) safe_filename returns: room is left under the 255 bytes of
#: common file systems for ``.failed.ipynb`` and the temp-file affixes of :func:`atomic_path`.
MAX_NAME_BYTES = 200


def safe_filename(name: str) -> str:
    """A unit or report name made safe as one file name (no separators, no ``..``, no controls),
    on every system: a name Windows reserves (CON, PRN, AUX, NUL, COM1–9, LPT1–9, with any
    extension, in any case) gets a leading ``_``, a name ending in a dot or space a trailing
    ``_``, and a name longer than :data:`MAX_NAME_BYTES` bytes in UTF-8 is cut and ends with a
    hash of the whole name (so it stays deterministic and unique).

    Raises :class:`ParameterError` when nothing usable remains.

    >>> safe_filename("城南街道")
    '城南街道'
    >>> safe_filename("../etc/passwd")
    '_.._etc_passwd'
    >>> safe_filename("a\\nb")
    'a_b'
    >>> safe_filename("CON"), safe_filename("nul.txt"), safe_filename("aux."), safe_filename("Com1 ")
    ('_CON', '_nul.txt', '_aux._', '_Com1')
    >>> len(safe_filename("很长的单位名称" * 20).encode()) <= MAX_NAME_BYTES
    True
    """
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", str(name))).strip()
    if cleaned.startswith("."):
        cleaned = "_" + cleaned
    if not cleaned.strip("._ "):
        raise ParameterError(f"名称「{name!r}」不能用作文件名 / unusable as a file name")
    if len(cleaned.encode("utf-8")) > MAX_NAME_BYTES:
        digest = hashlib.sha256(cleaned.encode("utf-8")).hexdigest()[:10]
        head = cleaned.encode("utf-8")[:MAX_NAME_BYTES - len(digest) - 1].decode("utf-8", "ignore")
        cleaned = f"{head.rstrip()}~{digest}"
    if cleaned.split(".")[0].rstrip(" ").upper() in _RESERVED:
        cleaned = "_" + cleaned
    if cleaned.endswith((".", " ")):
        cleaned += "_"
    return cleaned


def filename_key(name: str) -> str:
    """How Windows and macOS compare file names: two names with the same key are one file.

    >>> filename_key("Abc") == filename_key("aBC")
    True
    """
    return unicodedata.normalize("NFC", safe_filename(name)).casefold()
