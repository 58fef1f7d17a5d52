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
from pathlib import Path
from typing import Iterator, Mapping

import pandas as pd

from .errors import ParameterError


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
    try:  # POSIX; a no-op where a directory cannot be opened
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def write_bytes_atomic(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temp file, fsync, rename)."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


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


def write_xlsx(sheets: Mapping[str, pd.DataFrame], path: str | Path) -> Path:
    """Write DataFrames as sheets of one .xlsx, atomically and deterministically.

    Text cells starting with = + - @ are neutralised (formula injection); column widths are
    set for Chinese text; the file's bytes depend only on the data (no timestamps).
    """
    import datetime as _dt

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.active)
    for title, frame in sheets.items():
        ws = wb.create_sheet(title=str(title)[:31])
        cols = [neutralize_formula(str(c)) for c in frame.columns]
        ws.append(cols)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
        for row in frame.itertuples(index=False, name=None):
            ws.append([None if (v is None or v is pd.NA or (isinstance(v, float) and v != v))
                       else neutralize_formula(v.item() if hasattr(v, "item") else v) for v in row])
        for i, c in enumerate(cols, start=1):
            width = max([len(c) * 2] + [len(str(v)) * (2 if re.search(r"[^\x00-\x7f]", str(v)) else 1)
                                         for v in frame.iloc[:200, i - 1]]) + 2
            ws.column_dimensions[ws.cell(1, i).column_letter].width = min(60, width)
        ws.freeze_panes = "A2"
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
