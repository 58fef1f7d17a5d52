"""The unit register (责任单位名册, DESIGN.md §3.3) and the canonical names of units."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ParameterError
from .read import clean_header


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
            key = clean_header(s)
            if key in seen and seen[key] != unit.name:
                raise ParameterError(f"{where}: 名称或别名「{s}」与「{seen[key]}」重复 / duplicate name or alias")
            seen[key] = unit.name
        units.append(unit)
    return UnitRegister(str(doc["district"]), tuple(units), str(path))


def canonical_unit(units: UnitRegister, name: object) -> str | None:
    """The official name of ``name`` (a name or an alias) in ``units``; ``None`` if unknown.

    Same as :meth:`UnitRegister.canonical`.
    """
    return units.canonical(name)
