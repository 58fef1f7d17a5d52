"""xinfang.inputs.load: every table (the 预算执行表 included) loaded, validated and cached the same way."""
from __future__ import annotations

import pytest
from conftest import ROOT, copy_params

import xinfang.params
from xinfang.errors import InputError
from xinfang.inputs import TABLE_NAMES, BudgetTable, canonical_unit, load_inputs, load_tables
from xinfang.params import load_params


@pytest.fixture
def params(tmp_path):
    return load_params(copy_params(tmp_path / "params", tmp_path / "out"), 2023)


def test_table_names_are_defined_once():
    assert TABLE_NAMES == {"register": "信访事项登记表", "campaign": "治重化积交办件", "beijing": "进京上访台账",
                           "budget": "预算执行表"}
    assert not hasattr(xinfang.params, "TABLE_NAMES")
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "xinfang").rglob("*.py")]
    assert sum(s.count("TABLE_NAMES: dict") + s.count("TABLE_NAMES = ") for s in sources) == 1


def test_the_budget_is_loaded_and_cached_like_every_table(params, tmp_path):
    cache = tmp_path / "cache"
    inputs = load_inputs(params, cache_dir=cache)
    assert isinstance(inputs.budget, BudgetTable) and len(inputs.budget) > 0
    assert [f["table"] for f in inputs.files] == list(TABLE_NAMES.values())
    budget = inputs.files[-1]
    assert (budget["file"], budget["rows"]) == ("预算执行表.csv", len(inputs.budget.frame))
    assert len(budget["sha256"]) == 64 and inputs.missing == []
    tables = [p.name.split("-")[0] for p in cache.iterdir() if p.name.endswith(".arrow")
              and not p.name.endswith(".units.arrow")]
    assert sorted(tables) == sorted(TABLE_NAMES)
    others = sorted(p.name for p in cache.iterdir() if not p.name.startswith(tuple(TABLE_NAMES)))
    assert others[0] == "hashes.json" and len(others) == 2 and others[1].startswith("units-")  # the unit register
    assert len(list(cache.glob("register-*.units.arrow"))) == 1  # the register cut by unit, too
    again = load_inputs(params, cache_dir=cache)  # from the cache
    assert again.files == inputs.files
    assert again.budget.frame.equals(inputs.budget.frame) and again.budget.source == inputs.budget.source


def test_a_missing_budget_is_listed_as_missing(params):
    params = params.model_copy(update={"data": params.data.model_copy(update={"budget": None})})
    inputs = load_inputs(params)
    assert inputs.budget is None and inputs.missing == ["预算执行表"]
    assert "预算执行表" not in [f["table"] for f in inputs.files]


def test_problems_of_every_table_come_together_and_no_cache_is_written(params, tmp_path, units):
    bad_budget = tmp_path / "budget.csv"
    bad_budget.write_bytes("类别,项目,调整后预算,实际支出\n基本支出,工资,十,1\n".encode("gb18030"))
    bad_register = tmp_path / "register.csv"
    bad_register.write_text("信访件编号\nA\n", encoding="utf-8")
    cache = tmp_path / "cache"
    with pytest.raises(InputError) as info:
        load_tables({"register": bad_register, "budget": bad_budget}, units, cache_dir=cache)
    files = {p.file for p in info.value.problems}
    assert files == {"register.csv", "budget.csv"}
    assert ("budget.csv", 2, "调整后预算", "十") in [(p.file, p.row, p.column, p.value) for p in info.value.problems]
    assert not cache.exists() or not any(cache.iterdir())


def test_one_function_gives_the_canonical_unit_name(units):
    assert units.canonical("城南") == "城南街道"
    assert units.canonical(" 区住建局 ") == "区住房和城乡建设局"
    assert units.canonical("城北街道") == "城北街道"
    assert units.canonical("城东") is None
    assert canonical_unit(units, "城南") == "城南街道"


def test_the_unit_register_is_read_once_per_cache(tmp_path: Path, monkeypatch):
    """A cache folder keeps the checked unit register: the next reader of the same content
    gets the same register without parsing it; an edited file is read and checked again."""
    import shutil

    import xinfang.inputs.load as load
    from xinfang.inputs import read_units
    from xinfang.inputs.load import cached_units

    path = tmp_path / "units.yaml"
    shutil.copy(ROOT / "params" / "units.yaml", path)
    first = cached_units(path, tmp_path / "cache")
    assert first == read_units(path) and len(first.units) == 21

    def fail(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(load, "read_units", fail)
    assert cached_units(path, tmp_path / "cache") == first
    monkeypatch.undo()
    path.write_text(path.read_text(encoding="utf-8").replace("district: 大祥区", "district: 示例区"), encoding="utf-8")
    edited = cached_units(path, tmp_path / "cache")
    assert edited.district == "示例区" and edited.units == first.units
