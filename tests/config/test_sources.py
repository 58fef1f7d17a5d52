"""Editing one file under params/ changes the job key of exactly the reports that read it.

A copy of params/ is planned as three batches (unit reports, the district report, the monthly
bulletins) without running a kernel; then each file is edited in turn and the batches planned
again. The expected sets are written by hand from what each report reads.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from conftest import copy_params  # noqa: E402

from xinfang.run.planners import plan_district, plan_units  # noqa: E402
from xinfang.run.bulletins import plan_months  # noqa: E402

YEAR = 2023
SOURCES = "fixed"  # xinfang's own sources do not change between two plans here


def _keys(pdir: Path) -> dict[str, str]:
    """Job name → key of every report of the year: units, the district report, the bulletins."""
    units, _no_data, _ctx = plan_units(YEAR, pdir, sources=SOURCES)
    district, _ctx = plan_district(YEAR, pdir, sources=SOURCES)
    months, _skipped, _ctx = plan_months(YEAR, pdir, sources=SOURCES)
    return {j.name: j.key for j in [*units, district, *months]}


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(text)


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    base = tmp_path_factory.mktemp("sources")
    pdir = copy_params(base / "params", base / "output")
    return pdir, _keys(pdir)


def _changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    assert set(before) == set(after)
    return {name for name in before if before[name] != after[name]}


def _groups(keys: dict[str, str]) -> dict[str, set[str]]:
    bulletins = {n for n in keys if n.endswith("_通报")}
    district = {n for n in keys if n.endswith("整体支出绩效评价报告")}
    units = set(keys) - bulletins - district
    return {"units": units, "district": district, "bulletins": bulletins}


# file edited → which groups of reports read it
EDITS = [
    ("rectification.yaml", "\n# edited\n", {"units", "bulletins"}),
    ("assessment/default.yaml", "\n# edited\n", {"bulletins"}),
    ("scoring/default.yaml", "\n# edited\n", {"units", "district"}),
    ("units.yaml", "\n# edited\n", {"units", "district", "bulletins"}),
    ("2023/主要做法.md", "\n补充一句。\n", {"district"}),
    ("2023/访情分析.md", "\n补充一句。\n", {"district"}),
    ("2023.yaml", "\ncase_list_limit: 19\n", {"units", "district", "bulletins"}),
    ("2022.yaml", "\ncase_list_limit: 19\n", set()),
]


@pytest.mark.parametrize("name,text,readers", EDITS, ids=[e[0] for e in EDITS])
def test_an_edit_redoes_exactly_the_reports_that_read_the_file(planned, name, text, readers):
    pdir, before = planned
    path = pdir / name
    original = path.read_bytes()
    try:
        _append(path, text)
        changed = _changed(before, _keys(pdir))
    finally:
        path.write_bytes(original)
    groups = _groups(before)
    assert groups["units"] and len(groups["district"]) == 1 and groups["bulletins"]
    expected = set().union(*(groups[g] for g in readers)) if readers else set()
    assert changed == expected


def test_a_months_requirements_text_redoes_that_months_bulletin_only(planned):
    pdir, before = planned
    path = pdir / "2023" / "通报" / "3月工作要求.md"
    path.parent.mkdir()
    try:
        path.write_text("各单位要抓好超期件的办理。\n", encoding="utf-8")
        changed = _changed(before, _keys(pdir))
    finally:
        path.unlink()
        path.parent.rmdir()
    assert changed == {"2023-03_通报"}


def test_every_file_under_params_is_covered():
    """A new file under params/ needs its line in EDITS (or is a unit layer folder's text)."""
    root = Path(__file__).resolve().parents[2] / "params"
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    covered = {e[0] for e in EDITS} | {"defaults.yaml", "2023/下步打算.md", "2023/存在问题.md"}
    assert files <= covered, sorted(files - covered)


def test_a_unit_layer_and_a_unit_text_redo_that_units_report_only(planned):
    pdir, before = planned
    unit = sorted(_groups(before)["units"])[0]
    layer = pdir / "2023" / f"{unit}.yaml"
    text = pdir / "2023" / unit / "存在问题.md"
    try:
        layer.write_text("case_list_limit: 5\n", encoding="utf-8")
        assert _changed(before, _keys(pdir)) == {unit}
        layer.unlink()
        text.parent.mkdir()
        text.write_text("原因在于人手不足。\n", encoding="utf-8")
        assert _changed(before, _keys(pdir)) == {unit}
    finally:
        layer.unlink(missing_ok=True)
        text.unlink(missing_ok=True)
        if text.parent.is_dir():
            text.parent.rmdir()
