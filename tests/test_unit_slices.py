"""A unit's register from the batch's cache: exactly the unit's rows of the whole register (every
column, dtype, category, index and attrs), read from the per-unit file alone, the whole register
when that file is missing or damaged; and the sha256 memo, which never serves a changed file."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pyarrow.ipc
import pytest
from conftest import ROOT, copy_params

import xinfang.inputs.load as load
from xinfang.inputs import load_inputs
from xinfang.inputs.load import HASHES, HashMemo
from xinfang.inputs.slices import INDEX, slices_path
from xinfang.params import load_params


def _params(base: Path, extra_unit: str | None = None) -> dict:
    """A copy of params/ whose register is a copy in ``base`` (so that tests may change it)."""
    params = load_params(copy_params(base / "params", base / "out"), 2023)
    register = base / "信访事项登记表.csv"
    shutil.copyfile(ROOT / "seeds" / "信访事项登记表.csv", register)
    params = params.model_copy(update={"data": params.data.model_copy(update={"register_": str(register)})})
    if extra_unit:
        units = base / "params" / "units.yaml"
        units.write_text(units.read_text(encoding="utf-8") + f"  - {{name: {extra_unit}, kind: 乡镇街道}}\n",
                         encoding="utf-8")
    return params


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """The sample's params, and its whole register read without any cache (the reference)."""
    params = _params(tmp_path_factory.mktemp("sample"))
    return params, load_inputs(params)


def _register_cache(cache: Path) -> Path:
    (path,) = [p for p in cache.glob("register-*.arrow") if not p.name.endswith(".units.arrow")]
    return path


def assert_unit_rows(got: pd.DataFrame, full: pd.DataFrame, unit: str) -> None:
    """``got`` is ``full[full["unit"] == unit]``, to the dtype of every category; the 信访事项编号
    keep only the categories the unit's rows hold, in the register's order."""
    expected = full[full["unit"] == unit]
    assert len(expected) == (full["unit"] == unit).sum()
    expected = expected.assign(matter_id=expected["matter_id"].cat.remove_unused_categories())
    assert set(expected["matter_id"].cat.categories) == set(expected["matter_id"])
    pd.testing.assert_frame_equal(got, expected, check_exact=True, check_categorical=True, check_index_type=True)
    assert got.attrs == full.attrs and got.attrs["source"]["rows"] == len(full)
    assert [str(d) for d in got.dtypes] == [str(d) for d in expected.dtypes]
    for name in full.columns:
        if isinstance(full[name].dtype, pd.CategoricalDtype):
            assert got[name].cat.categories.dtype == full[name].cat.categories.dtype
            if name != "matter_id":
                assert list(got[name].cat.categories) == list(full[name].cat.categories)  # unused ones too
            assert got[name].cat.ordered == full[name].cat.ordered


def assert_same_other_inputs(got, whole) -> None:
    assert (got.files, got.missing, got.period, got.units) == (whole.files, whole.missing, whole.period, whole.units)
    for a, b in ((got.campaign, whole.campaign), (got.beijing, whole.beijing)):
        pd.testing.assert_frame_equal(a, b, check_exact=True)
    pd.testing.assert_frame_equal(got.budget.frame, whole.budget.frame, check_exact=True)


def test_every_unit_reads_exactly_its_rows_from_the_per_unit_file(sample, tmp_path, monkeypatch):
    params, whole = sample
    full = whole.register
    cache = tmp_path / "cache"
    load_inputs(params, cache_dir=cache)  # the parent: validates, keeps the register and its cut
    assert slices_path(_register_cache(cache)).is_file()

    def no_whole_register(path, kind):
        assert kind != "register", "the whole register was read"
        return real_read_cache(path, kind)

    real_read_cache = load.read_cache
    monkeypatch.setattr(load, "read_cache", no_whole_register)
    units = list(full["unit"].cat.categories)
    assert len(units) == 21 and all((full["unit"] == u).any() for u in units)
    for unit in units:
        got = load_inputs(params, cache_dir=cache, unit=unit)
        assert_unit_rows(got.register, full, unit)
        assert_same_other_inputs(got, whole)


def test_the_first_call_of_a_unit_validates_and_leaves_the_per_unit_file(sample, tmp_path):
    params, whole = sample
    full = whole.register
    counts = full["unit"].value_counts()
    for unit in {full["unit"].cat.categories[0], full["unit"].cat.categories[-1], counts.idxmax()}:
        cache = tmp_path / unit
        first = load_inputs(params, cache_dir=cache, unit=unit)  # nothing cached yet
        assert_unit_rows(first.register, full, unit)
        assert_same_other_inputs(first, whole)
        assert slices_path(_register_cache(cache)).is_file()
        _register_cache(cache).unlink()  # the next call can only read the per-unit file
        assert_unit_rows(load_inputs(params, cache_dir=cache, unit=unit).register, full, unit)


def test_a_unit_reads_one_batch_of_the_per_unit_file_and_nothing_else(sample, tmp_path, monkeypatch):
    params, whole = sample
    full = whole.register
    cache = tmp_path / "cache"
    load_inputs(params, cache_dir=cache)
    register_cache = _register_cache(cache)
    register_cache.unlink()
    read = []

    class Spy:
        def __init__(self, reader):
            self.schema = reader.schema
            self._reader = reader

        def get_batch(self, i):
            read.append(i)
            return self._reader.get_batch(i)

    real_open = pyarrow.ipc.open_file
    monkeypatch.setattr(pyarrow.ipc, "open_file", lambda source: Spy(real_open(source)))
    monkeypatch.setattr(load, "read_table", lambda *a: pytest.fail("the register was read again"))
    unit = full["unit"].value_counts().idxmin()
    got = load_inputs(params, cache_dir=cache, unit=unit)
    assert_unit_rows(got.register, full, unit)
    meta = json.loads(real_open(slices_path(register_cache)).schema.metadata[b"xinfang.cache"])
    assert read == [meta["slices"]["units"][unit]]
    assert not register_cache.exists()  # a unit's kernel writes no cache


def test_the_per_unit_file_is_one_arrow_batch_per_unit(sample, tmp_path):
    params, whole = sample
    full = whole.register
    cache = tmp_path / "cache"
    load_inputs(params, cache_dir=cache)
    reader = pyarrow.ipc.open_file(slices_path(_register_cache(cache)))
    meta = json.loads(reader.schema.metadata[b"xinfang.cache"])
    units = list(full["unit"].cat.categories)
    assert meta["slices"]["units"] == {u: i for i, u in enumerate(units)}
    assert reader.num_record_batches == len(units)
    for unit, i in meta["slices"]["units"].items():
        batch = reader.get_batch(i).to_pydict()
        assert set(batch["unit"]) == {unit}
        assert batch[INDEX] == list(full.index[full["unit"] == unit])


@pytest.mark.parametrize("damage", ["garbage", "empty", "foreign", "deleted"])
def test_a_damaged_or_missing_per_unit_file_falls_back_to_the_whole_register(damage, sample, tmp_path, caplog):
    params, whole = sample
    full = whole.register
    cache = tmp_path / "cache"
    load_inputs(params, cache_dir=cache)
    cut = slices_path(_register_cache(cache))
    if damage == "garbage":
        cut.write_bytes(os.urandom(4096))
    elif damage == "empty":
        cut.write_bytes(b"")
    elif damage == "foreign":  # a valid Arrow file, but the whole register's
        shutil.copyfile(_register_cache(cache), cut)
    else:
        cut.unlink()
    unit = full["unit"].cat.categories[3]
    with caplog.at_level(logging.WARNING, logger="xinfang"):
        got = load_inputs(params, cache_dir=cache, unit=unit)
    assert_unit_rows(got.register, full, unit)
    warned = any("per-unit cache file ignored" in r.getMessage() for r in caplog.records)
    assert warned == (damage != "deleted")
    assert not cut.exists()  # removed; never written by a unit's kernel
    load_inputs(params, cache_dir=cache)  # the next parent cuts the register again
    assert cut.is_file()
    assert_unit_rows(load_inputs(params, cache_dir=cache, unit=unit).register, full, unit)


def test_a_unit_without_rows_gets_an_empty_register_with_every_column_and_category(tmp_path):
    params = _params(tmp_path, extra_unit="新设街道")
    full = load_inputs(params).register
    assert "新设街道" in list(full["unit"].cat.categories) and not (full["unit"] == "新设街道").any()
    first = load_inputs(params, cache_dir=tmp_path / "cache", unit="新设街道").register  # validated
    assert len(first) == 0
    assert_unit_rows(first, full, "新设街道")
    assert_unit_rows(load_inputs(params, cache_dir=tmp_path / "cache", unit="新设街道").register, full, "新设街道")
    _register_cache(tmp_path / "cache").unlink()
    assert_unit_rows(load_inputs(params, cache_dir=tmp_path / "cache", unit="新设街道").register, full, "新设街道")


# ---------------------------------------------------------------------------------------------
# the sha256 memo

@pytest.fixture
def hashed(monkeypatch):
    """Every sha256_file call of the loader, by path."""
    calls = []
    real = load.sha256_file

    def spy(path):
        calls.append(Path(path).resolve())
        return real(path)

    monkeypatch.setattr(load, "sha256_file", spy)
    return calls


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_memo_spares_the_kernels_hashing_the_register(sample, tmp_path, hashed, monkeypatch):
    params, whole = sample
    monkeypatch.setattr(load, "_RACY_NS", 0)  # the register was copied a moment ago (see the racy test)
    register = Path(params.data.register_).resolve()
    time.sleep(0.05)
    cache = tmp_path / "cache"
    load_inputs(params, cache_dir=cache)
    assert register in hashed
    memo = json.loads((cache / HASHES).read_text(encoding="utf-8"))
    st = register.stat()
    entry = memo[str(register)]
    assert (entry["size"], entry["mtime_ns"], entry["inode"], entry["sha256"]) == (
        st.st_size, st.st_mtime_ns, st.st_ino, _sha(register))
    hashed.clear()
    unit = whole.register["unit"].cat.categories[0]
    got = load_inputs(params, cache_dir=cache, unit=unit)
    assert register not in hashed
    assert got.files == whole.files


@pytest.mark.parametrize("change", ["other content", "same size, same inode, same mtime"])
def test_a_changed_file_is_hashed_again(change, tmp_path, hashed, monkeypatch):
    monkeypatch.setattr(load, "_RACY_NS", 0)
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n")
    time.sleep(0.05)
    memo = HashMemo(tmp_path / "cache")
    assert memo.sha256(path) == _sha(path)
    memo.save()
    assert HashMemo(tmp_path / "cache").sha256(path) == _sha(path) and len(hashed) == 1  # unchanged: memo
    before = path.stat()
    time.sleep(0.05)  # a later tick of the file system's clock
    if change == "other content":
        path.write_bytes(b"a,b\n1,2\n3,4\n")
    else:
        with open(path, "r+b") as fh:
            fh.write(b"x,y")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
        after = path.stat()
        assert (after.st_size, after.st_ino, after.st_mtime_ns) == (before.st_size, before.st_ino, before.st_mtime_ns)
    memo = HashMemo(tmp_path / "cache")
    assert memo.sha256(path) == _sha(path) != json.loads((tmp_path / "cache" / HASHES).read_text())[
        str(path.resolve())]["sha256"]
    assert len(hashed) == 2
    memo.save()
    assert HashMemo(tmp_path / "cache").sha256(path) == _sha(path)


def test_a_file_changed_just_before_it_was_hashed_is_hashed_again(tmp_path, hashed):
    """Within one tick of the file system's clock a rewrite leaves the stat as it was."""
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n")
    memo = HashMemo(tmp_path / "cache")
    memo.sha256(path)
    memo.save()
    assert HashMemo(tmp_path / "cache").sha256(path) == _sha(path)
    assert len(hashed) == 2


def test_a_changed_register_of_the_same_size_gives_its_own_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "_RACY_NS", 0)
    params = _params(tmp_path)
    register = Path(params.data.register_)
    time.sleep(0.05)
    cache = tmp_path / "cache"
    load_inputs(params, cache_dir=cache)
    before = register.stat()
    time.sleep(0.05)
    lines = register.read_bytes().split(b"\n")
    lines[1], lines[2] = lines[2], lines[1]  # same bytes, other order
    register.write_bytes(b"\n".join(lines))
    assert register.stat().st_size == before.st_size
    full = load_inputs(params).register
    assert full.attrs["source"]["sha256"] == _sha(register)
    for unit in full["unit"].iloc[[0, 1]]:
        got = load_inputs(params, cache_dir=cache, unit=unit)
        assert got.files[0]["sha256"] == _sha(register)
        assert_unit_rows(got.register, full, unit)


def test_a_damaged_memo_is_only_a_missed_memo(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n")
    (tmp_path / "cache").mkdir()
    for text in ("{not json", "[]", json.dumps({str(path.resolve()): {"sha256": 5}})):
        (tmp_path / "cache" / HASHES).write_text(text, encoding="utf-8")
        assert HashMemo(tmp_path / "cache").sha256(path) == _sha(path)
    assert HashMemo(None).sha256(path) == _sha(path)


def test_a_memo_that_cannot_be_written_is_a_warning(tmp_path, monkeypatch, caplog):
    def fail(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(load, "write_bytes_atomic", fail)
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n1,2\n")
    memo = HashMemo(tmp_path / "cache")
    assert memo.sha256(path) == _sha(path)
    with caplog.at_level(logging.WARNING, logger="xinfang"):
        memo.save()
    assert any("sha256 memo not saved" in r.getMessage() for r in caplog.records)
