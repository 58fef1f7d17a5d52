"""A unit register proposed from the 责任单位 values of an export (``xinfang init``).

Every proposal is a guess an analyst checks: the kind follows from the name's suffix, and a
short form is proposed as an alias of a long form found beside it in the same export. Pure:
names and counts in, proposals and YAML text out.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterable, Mapping

#: Endings of a 乡镇街道's name (the official name or the one exports use); anything else is
#: guessed to be a 区直部门.
TOWN_SUFFIXES = ("街道", "镇", "乡", "街道办事处", "镇人民政府", "乡人民政府")
#: What a long form may add to its short form for the short form to be a plain prefix alias
#: (城南 → 城南街道, 青山街道 → 青山街道办事处).
PREFIX_TAILS = ("街道", "镇", "乡", "办事处", "人民政府", "街道办事处", "镇人民政府", "乡人民政府")
#: Endings usual for a department, office or other body; a name with none of them is flagged.
DEPARTMENT_ENDINGS = ("局", "办", "委", "院", "所", "中心", "公司", "队", "站", "会", "部", "室", "处", "厅", "馆",
                      "社", "团", "组", "园", "区")
TOWN, DEPARTMENT = "乡镇街道", "区直部门"


@dataclass
class ProposedUnit:
    """One entry of the proposed register: the name, its guessed kind and aliases, and why."""

    name: str
    kind: str
    rows: int
    aliases: list[str] = field(default_factory=list)
    alias_rows: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def guess_kind(name: str) -> str:
    """乡镇街道 when the name ends like a town or street office, else 区直部门.

    >>> guess_kind("青山街道"), guess_kind("湖滨镇"), guess_kind("区住建局"), guess_kind("城南")
    ('乡镇街道', '乡镇街道', '区直部门', '区直部门')
    """
    return TOWN if name.endswith(TOWN_SUFFIXES) else DEPARTMENT


def _in_order(short: str, long: str) -> bool:
    """Every character of ``short`` appears in ``long``, in the same order."""
    rest = iter(long)
    return all(ch in rest for ch in short)


def is_short_form(short: str, long: str) -> bool:
    """Whether ``short`` reads as an abbreviation of ``long``: ``long`` is ``short`` plus a
    town ending (城南 → 城南街道), or both begin and end with the same character and
    ``short``'s characters appear in ``long`` in order (区住建局 → 区住房和城乡建设局).

    >>> is_short_form("城南", "城南街道"), is_short_form("区住建局", "区住房和城乡建设局")
    (True, True)
    >>> is_short_form("区教育局", "区住房和城乡建设局"), is_short_form("城南街道", "城南")
    (False, False)
    """
    if len(short) >= len(long):
        return False
    if long.startswith(short) and long[len(short):] in PREFIX_TAILS:
        return True
    return short[0] == long[0] and short[-1] == long[-1] and _in_order(short, long)


def propose_units(counts: Mapping[str, int]) -> list[ProposedUnit]:
    """The proposed register for the names of ``counts`` (name → registrations).

    A name is an alias when it is the short form (:func:`is_short_form`) of exactly one other
    name; a short form of several names stays a unit of its own, with a note naming them.
    Units are listed 乡镇街道 first, then 区直部门, each by registrations (most first) and name.
    """
    names = sorted(counts, key=lambda n: (-len(n), n))
    longs: dict[str, list[str]] = {n: [m for m in names if is_short_form(n, m)] for n in names}
    alias_of = {n: ls[0] for n, ls in longs.items() if len(ls) == 1 and not longs[ls[0]]}
    units: dict[str, ProposedUnit] = {}
    for name in names:
        if name in alias_of:
            continue
        kind = guess_kind(name)
        unit = ProposedUnit(name, kind, counts[name])
        unit.notes.append(_kind_note(name, kind))
        if len(longs[name]) > 1:
            unit.notes.append(f"可能是{'、'.join(longs[name])}的简称，请核对")
        units[name] = unit
    for short, long in alias_of.items():
        units[long].aliases.append(short)
        units[long].alias_rows[short] = counts[short]
    for unit in units.values():
        unit.aliases.sort(key=lambda a: (-unit.alias_rows[a], a))
        if unit.aliases:
            listed = "、".join(f"{a}（{unit.alias_rows[a]} 条）" for a in unit.aliases)
            unit.notes.append(f"登记表中的简称 {listed} 推定为别名，全称作正式名称")
    return sorted(units.values(), key=lambda u: (u.kind != TOWN, -(u.rows + sum(u.alias_rows.values())), u.name))


def _kind_note(name: str, kind: str) -> str:
    if kind == TOWN:
        ending = next(s for s in sorted(TOWN_SUFFIXES, key=len, reverse=True) if name.endswith(s))
        return f"名称以「{ending}」结尾，推定为乡镇街道"
    if name.endswith(DEPARTMENT_ENDINGS):
        return "名称不以街道、镇、乡结尾，推定为区直部门"
    return "名称没有常见的单位后缀，推定为区直部门，请特别核对"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def units_yaml(district: str, units: Iterable[ProposedUnit], source: str) -> str:
    """The text of ``units.yaml``: one flow mapping per unit, each guess in a comment after it."""
    units = list(units)
    lines = [
        f"# 责任单位名册 / unit register of {district}：由 xinfang init 根据 {source} 的「责任单位」列推定。",
        "# 请逐条核对（标有 # 的说明都是推定）：name 为报告和文件名中的正式名称；kind 为 乡镇街道 或 区直部门；",
        "# aliases 为导出数据中的其他写法，读取时换成正式名称。核对后可删去注释。",
        "# Every entry is a guess to review: the kind from the name's ending, aliases where a short and",
        "# a long form both occur in the export (the long form is taken as the official name).",
        f"district: {_quoted(district)}",
        "units:",
    ]
    for u in units:
        aliases = ", ".join(_quoted(a) for a in u.aliases)
        rows = u.rows + sum(u.alias_rows.values())
        lines.append(f"  - {{name: {_quoted(u.name)}, kind: {u.kind}, aliases: [{aliases}]}}"
                     f"  # 请核对 / review: {rows} 条登记；{'；'.join(u.notes)}")
    return "\n".join(lines) + "\n"
