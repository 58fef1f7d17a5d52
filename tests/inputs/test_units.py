"""Issue 23, point 17: unit-name suggestions stay cheap with thousands of units; names that
differ only by invisible characters are one name."""
from __future__ import annotations

import difflib

import pytest

from inputs.helpers import TODAY, csv_text, rows
from xinfang.errors import InputError
from xinfang.inputs import read_table, validate_register
from xinfang.inputs.units import Unit, UnitRegister

CN = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


def big_register(n: int = 2000) -> UnitRegister:
    """``n`` units with distinct four-character names plus a suffix, like a province's."""
    names = [CN[i % 22] + CN[(i // 22) % 22] + CN[(i // 484) % 22] + "街道" for i in range(n)]
    return UnitRegister("测试区", tuple(Unit(name, "乡镇街道") for name in names))


def test_point17_suggestions_compare_a_name_with_few_units(monkeypatch, tmp_path):
    units = big_register()
    calls = []
    real = difflib.SequenceMatcher

    class Counting(real):
        def set_seq1(self, a):
            calls.append(a)
            super().set_seq1(a)

    monkeypatch.setattr(difflib, "SequenceMatcher", Counting)
    records = rows(50)
    for i, r in enumerate(records):      # 50 unknown names, each one character short of a unit
        r["责任单位"] = units.names[i * 7][:3] + "街"
    path = tmp_path / "r.csv"
    path.write_text(csv_text(records), encoding="utf-8")
    with pytest.raises(InputError) as err:
        validate_register(read_table(path), units, today=TODAY)
    hints = [p.hint for p in err.value.problems]
    assert len(hints) == 50 and all(h.startswith(f"是否为：{units.names[i * 7]}") for i, h in enumerate(hints))
    assert len([c for c in calls if c]) <= 50 * 20   # 20 candidates per name, not 2,000


def test_point17_a_small_register_gets_exactly_difflibs_answer():
    units = UnitRegister("测试区", (Unit("城南街道", "乡镇街道", aliases=("城南",)), Unit("城北街道", "乡镇街道"),
                                   Unit("区住房和城乡建设局", "区直部门", aliases=("区住建局",))))
    for query in ("城南街", "城北", "区住建", "住房城乡建设局", "无关"):
        expected = list(dict.fromkeys(units.lookup()[x] for x in
                                      difflib.get_close_matches(query, list(units.lookup()), n=3, cutoff=0.5)))
        assert units.suggest(query) == expected, query


def test_point17_two_domains_differing_by_an_invisible_character_are_one(tmp_path, units):
    records = rows(3)
    records[1]["问题领域"] = "城乡\u200b建设"
    records[2]["问题领域"] = "\ufeff城乡建设\u2060"
    path = tmp_path / "r.csv"
    path.write_text(csv_text(records), encoding="utf-8")
    frame = validate_register(read_table(path), units, today=TODAY)
    assert list(frame["domain"].cat.categories) == ["城乡建设"]
    assert frame["domain"].astype(str).tolist() == ["城乡建设"] * 3


def test_point17_a_unit_written_with_an_invisible_character_is_the_unit(tmp_path, units):
    records = rows(1)
    records[0]["责任单位"] = "城南\u200b街道"
    path = tmp_path / "r.csv"
    path.write_text(csv_text(records), encoding="utf-8")
    assert validate_register(read_table(path), units, today=TODAY)["unit"].tolist() == ["城南街道"]
