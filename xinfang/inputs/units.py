"""The unit register (责任单位名册, docs/architecture.md §4) and the canonical names of units."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ..errors import ParameterError
from ..fileio import safe_filename
from .read import clean_header


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str
    code: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnitRegister:
    """The district's 责任单位名册: names, kinds and aliases (docs/architecture.md §4)."""

    district: str
    units: tuple[Unit, ...]
    path: str = ""

    @property
    def names(self) -> list[str]:
        return [u.name for u in self.units]

    def lookup(self) -> dict[str, str]:
        """Every accepted spelling (name or alias, NFKC, no spaces) → official name."""
        return dict(self._lookup)

    @functools.cached_property
    def _lookup(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for u in self.units:
            for s in (u.name, *u.aliases):
                table[clean_header(s)] = u.name
        return table

    def canonical(self, name: object) -> str | None:
        """The official name of a unit given by its name or an alias, ``None`` if unknown.

        The one place where a unit alias becomes its name: spellings are compared after NFKC
        and without spaces (:func:`~xinfang.inputs.read.clean_header`).

        >>> reg = UnitRegister("大祥区", (Unit("城南街道", "乡镇街道", aliases=("城南",)),))
        >>> reg.canonical("城南"), reg.canonical(" 城南街道 "), reg.canonical("城北")
        ('城南街道', '城南街道', None)
        """
        return self._lookup.get(clean_header(name))

    def suggest(self, name: object, n: int = 3, cutoff: float = 0.5) -> list[str]:
        """Official names of the units whose spelling is closest to ``name`` (best first).

        As :func:`difflib.get_close_matches` over every name and alias, but compared only with
        the :data:`SUGGEST_CANDIDATES` spellings sharing most two-character pieces with it, so
        that 2,000 unknown names against 2,000 units cost 2,000 × 20 comparisons, not 4
        million. Registers of up to that many spellings get exactly difflib's answer.

        >>> reg = UnitRegister("大祥区", (Unit("城南街道", "乡镇街道", aliases=("城南",)), Unit("城北街道", "乡镇街道")))
        >>> reg.suggest("城南街")
        ['城南街道', '城北街道']
        """
        import difflib

        query = clean_header(name)
        spellings, index = self._spellings
        if len(spellings) <= SUGGEST_CANDIDATES:
            pool = spellings
        else:
            shared: dict[int, int] = {}
            for piece in _pieces(query):
                for i in index.get(piece, ()):
                    shared[i] = shared.get(i, 0) + 1
            best = sorted(shared, key=lambda i: (-shared[i], i))[:SUGGEST_CANDIDATES]
            pool = [spellings[i] for i in sorted(best)]
        close = difflib.get_close_matches(query, pool, n=n, cutoff=cutoff)
        return list(dict.fromkeys(self._lookup[x] for x in close))

    @functools.cached_property
    def _spellings(self) -> tuple[list[str], dict[str, list[int]]]:
        spellings = list(self._lookup)
        index: dict[str, list[int]] = {}
        for i, s in enumerate(spellings):
            for piece in _pieces(s):
                index.setdefault(piece, []).append(i)
        return spellings, index

    def kind_of(self, name: str) -> str | None:
        return self._kinds.get(name)

    @functools.cached_property
    def _kinds(self) -> dict[str, str]:
        return {u.name: u.kind for u in self.units}


#: How many spellings :meth:`UnitRegister.suggest` compares a name with.
SUGGEST_CANDIDATES = 20


def _pieces(text: str) -> set[str]:
    """The two-character pieces of ``text`` (the text itself when shorter)."""
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


UNIT_KINDS = ("乡镇街道", "区直部门")


#: names Windows cannot hold as file names (with any extension)
WINDOWS_RESERVED = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                              *(f"LPT{i}" for i in range(1, 10))})


def _name_problem(value: object, what: str) -> str | None:
    """Why ``value`` cannot be a unit name or alias (it becomes a file name), or None."""
    from ..params_schema import check_name

    if not isinstance(value, str):
        return f"{what} 须为文字 / must be text (got {value!r})"
    try:
        check_name(value, what)
    except ValueError as exc:
        return str(exc)
    if value.split(".")[0].strip().upper() in WINDOWS_RESERVED or value.endswith((".", " ")):
        return (f"{what}「{value}」是 Windows 保留的文件名或以点、空格结尾 / "
                f"a name Windows cannot hold as a file name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, trailing dot or space)")
    return None


def read_units(path: str | Path) -> UnitRegister:
    """Load the unit register YAML; errors name the file and the entry.

    Read with the strict params loader (UTF-8, no anchors, no duplicate keys, at most 1 MB).
    Names and aliases are non-empty text of at most 50 characters, without control characters,
    path separators or names Windows reserves (CON, NUL, ``aux.`` …); no two units share a name or
    alias, compared without spaces after NFKC and, for the file-name form, case-insensitively.
    Every problem found is listed in one :class:`ParameterError`.
    """
    from ..params_yaml import load_yaml

    path = Path(path)
    if not path.exists():
        raise ParameterError(f"{path}: 单位名册不存在 / unit register not found")
    doc = load_yaml(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("units"), list) or not doc.get("district"):
        raise ParameterError(f"{path}: 需要 district 与 units 列表 / expected keys 'district' and 'units'")
    problems: list[str] = []
    if not isinstance(doc["district"], str):
        problems.append(f"district: 须为文字 / must be text (got {doc['district']!r})")
    unknown_top = set(map(str, doc)) - {"district", "units"}
    if unknown_top:
        problems.append(f"未知字段 / unknown keys {sorted(unknown_top)}（可用 / valid: district、units）")
    units: list[Unit] = []
    seen: dict[str, str] = {}        # spelling (NFKC, no spaces) → unit name
    files: dict[str, str] = {}       # file-name form, case-folded → unit name
    listed: set[str] = set()         # names of the units taken
    for i, entry in enumerate(doc["units"], start=1):
        where = f"units[{i}]"
        if not isinstance(entry, dict) or entry.get("name") in (None, ""):
            problems.append(f"{where}: 缺少 name / missing 'name'")
            continue
        unknown = set(map(str, entry)) - {"name", "kind", "code", "aliases"}
        if unknown:
            problems.append(f"{where}: 未知字段 / unknown keys {sorted(unknown)}（可用 / valid: name、kind、code、aliases）")
        name = entry["name"]
        bad = _name_problem(name, "name")
        if bad:
            problems.append(f"{where}: {bad}")
            continue
        where = f"{where} ({name})"
        kind = entry.get("kind")
        if kind not in UNIT_KINDS:
            problems.append(f"{where}: kind 须为 {'/'.join(UNIT_KINDS)} / bad kind {kind!r}")
        aliases = entry.get("aliases")
        aliases = [] if aliases is None else aliases
        if not isinstance(aliases, list):
            problems.append(f"{where}: aliases 须为列表 / aliases must be a list")
            aliases = []
        alias_problems = [p for a in aliases if (p := _name_problem(a, "aliases 中的别名 / alias"))]
        if alias_problems:
            problems.extend(f"{where}: aliases: {p}" for p in alias_problems)
            continue
        code = entry.get("code")
        if code is not None and not isinstance(code, (str, int)) or isinstance(code, bool):
            problems.append(f"{where}: code 须为文字或数字 / code must be text or a number")
        if name in listed:
            problems.append(f"{where}: 单位「{name}」重复列出 / unit listed twice")
            continue
        unit = Unit(name, str(kind), None if code is None else str(code), tuple(aliases))
        clash = False
        for s in (unit.name, *unit.aliases):
            key = clean_header(s).casefold()
            if key in seen and seen[key] != unit.name:
                problems.append(f"{where}: 名称或别名「{s}」与「{seen[key]}」重复（不分大小写）"
                                f" / duplicate name or alias (case-insensitive)")
                clash = True
            seen[key] = unit.name
        file_key = safe_filename(unit.name).casefold()
        if file_key in files and not clash:
            problems.append(f"{where}: 名称「{name}」与「{files[file_key]}」仅大小写不同，文件名会相互覆盖"
                            f" / differs from '{files[file_key]}' only in case: their report files would clash")
        files[file_key] = unit.name
        units.append(unit)
        listed.add(name)
    if problems:
        head = f"{path}: 单位名册有 {len(problems)} 处错误 / {len(problems)} error(s) in the unit register:"
        raise ParameterError("\n".join([head] + [f"  - {path.name}: {p}" for p in problems]))
    return UnitRegister(str(doc["district"]), tuple(units), str(path))


def canonical_unit(units: UnitRegister, name: object) -> str | None:
    """The official name of ``name`` (a name or an alias) in ``units``; ``None`` if unknown.

    Same as :meth:`UnitRegister.canonical`.
    """
    return units.canonical(name)
