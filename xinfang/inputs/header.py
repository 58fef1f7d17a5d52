"""Where an export's header is, and what its columns mean (docs/architecture.md §4).

Exports come with title rows above the header ("信访事项登记表", a date of export), with
header spellings of their own system, tab-separated or comma-separated. :func:`find_header`
looks at the first rows of a sheet (:data:`HEADER_SEARCH_ROWS`) and takes as the header the
first row that holds every required column of the table, after each cell is cleaned
(:func:`clean_header`), renamed by the params key ``columns`` (an export's name → the data
dictionary's) and by the known variants (:data:`~xinfang.inputs.tables.HEADER_VARIANTS`).
Rows above it are skipped, and the :class:`HeaderMatch` names them for a notice. When no row
holds them all, the row holding most of them is the header, so that the error says which
columns are missing *and* which row was read as the header.

:func:`~xinfang.inputs.read.detect_header` does this for a file, reading only its first rows:
what ``xinfang init`` and the reader share.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Mapping, Sequence

from .tables import HEADER_VARIANTS, TableSchema

#: The header is looked for in this many rows from the top of a sheet.
HEADER_SEARCH_ROWS = 20

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060-\u2064\ufeff\u00ad]")


def visible(text: str) -> str:
    """``text`` without the characters nobody sees (zero-width spaces and joiners, BOMs, soft
    hyphens), so that two names that print alike are one name."""
    return _INVISIBLE.sub("", text)


def clean_header(text: object) -> str:
    """A header or name as compared: NFKC, no spaces, no invisible characters (``' 城南 '`` → ``'城南'``)."""
    s = _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(text))).strip()
    return re.sub(r"\s+", "", s)


def canonical_header(written: object, columns: Mapping[str, str] | None = None) -> str:
    """The data dictionary's name of a header as written: cleaned, then the params ``columns``
    mapping, then the known variants (``登记时间`` → ``登记日期``)."""
    clean = clean_header(written)
    if columns:
        clean = columns.get(clean, clean)
    return HEADER_VARIANTS.get(clean, clean)


@dataclass(frozen=True)
class HeaderMatch:
    """The header row of a sheet and the columns it maps.

    ``row`` is the header's row number as the user sees it (1 for the first row); ``written``
    its cells as written; ``fields`` maps a column position to the internal name it holds (the
    first column of each name); ``renamed`` maps a header as written to the data dictionary's
    name wherever the two differ (a variant or a ``columns`` entry); ``missing`` lists the
    required internal names the row lacks (empty when the header is complete); ``skipped`` the
    row numbers above the header that hold something.
    """

    row: int
    written: tuple[str, ...]
    fields: Mapping[int, str]
    renamed: Mapping[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()
    skipped: tuple[int, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing

    def notice(self, file: str) -> str | None:
        """The notice for rows skipped above the header (None when there are none)."""
        if not self.skipped:
            return None
        rows = "、".join(f"第{r}行" for r in self.skipped)
        return (f"{file}：表头在第{self.row}行，其上的{rows}（标题等）未作为数据读取 / "
                f"header found in row {self.row}; row(s) {', '.join(map(str, self.skipped))} above it skipped")


def _needed(schema: TableSchema) -> tuple[str, ...]:
    return tuple(c for c in schema.required if c not in schema.optional_defaults)


def match_row(cells: Sequence[object], row: int, schema: TableSchema,
              columns: Mapping[str, str] | None = None, skipped: tuple[int, ...] = ()) -> HeaderMatch:
    """Read ``cells`` (row number ``row``) as the header of a ``schema`` table."""
    written = tuple("" if c is None else str(c) for c in cells)
    fields: dict[int, str] = {}
    renamed: dict[str, str] = {}
    seen: set[str] = set()
    for pos, cell in enumerate(written):
        canon = canonical_header(cell, columns)
        internal = schema.headers.get(canon)
        if internal is None:
            continue
        if clean_header(cell) != canon:
            renamed[clean_header(cell)] = canon
        if internal not in seen:
            seen.add(internal)
            fields[pos] = internal
    missing = tuple(c for c in _needed(schema) if c not in seen)
    return HeaderMatch(row, written, fields, renamed, missing, skipped)


def find_header(rows: Sequence[Sequence[object]], schema: TableSchema, columns: Mapping[str, str] | None = None,
                *, within: int = HEADER_SEARCH_ROWS) -> HeaderMatch:
    """The header among the first ``within`` of ``rows`` (row *i* of the list is row *i + 1*).

    The first row holding every required column wins; without one, the row holding most of
    them (the first of equals; the first non-blank row when none holds any), whose
    ``missing`` then says what is missing.

    >>> from xinfang.inputs.tables import BEIJING
    >>> m = find_header([["进京上访台账"], [], ["日期", "责任单位", "人数", "是否登记"], ["2023-01-05"]], BEIJING)
    >>> m.row, m.skipped, m.complete
    (3, (1,), True)
    """
    best: HeaderMatch | None = None
    filled: list[int] = []
    for i, cells in enumerate(rows[:within]):
        if not any(str(c).strip() for c in cells if c is not None):
            continue
        match = match_row(cells, i + 1, schema, columns, tuple(filled))
        if match.complete:
            return match
        if best is None or len(match.missing) < len(best.missing):
            best = match
        filled.append(i + 1)
    if best is None:
        return match_row([], 1, schema, columns)
    return best

