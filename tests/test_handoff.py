"""The batch's catalogue hand-off: computed once in the parent, read by every kernel, the same
catalogue as computing it (every field, every type), data only (JSON), keyed by content."""
from __future__ import annotations

import json
from dataclasses import astuple, replace
from pathlib import Path

import pytest
from conftest import ROOT

from xinfang.indicators import compute_all, units_with_data
from xinfang.inputs import load_inputs
from xinfang.params import load_params
from xinfang.periods import Period
from xinfang.report import load_context
from xinfang.report.handoff import catalogue_path, load_catalogue, save_catalogue


@pytest.fixture(scope="module")
def sample():
    params = load_params(ROOT / "params", 2023)
    inputs = load_inputs(params)
    district, per_unit = compute_all(inputs.register, inputs.period, inputs.units.names,
                                     campaign=inputs.campaign, beijing=inputs.beijing)
    return inputs, district, per_unit, units_with_data(inputs.register, inputs.period)


def _typed(results):
    """Every field with its type: 5 and 5.0 and None must come back as they went."""
    return {k: [(type(v).__name__, v) for v in astuple(ind)] for k, ind in results.items()}


def test_the_hand_off_gives_the_same_catalogue(tmp_path: Path, sample):
    inputs, district, per_unit, active = sample
    save_catalogue(tmp_path, inputs, district, per_unit, active)
    got_district, got_per_unit, got_active = load_catalogue(tmp_path, inputs)
    assert got_district == district and _typed(got_district) == _typed(district)
    assert list(got_per_unit) == list(per_unit)
    assert all(_typed(got_per_unit[u]) == _typed(per_unit[u]) for u in per_unit)
    assert got_active == active


def test_the_file_is_json_lines_named_by_content(tmp_path: Path, sample):
    """A first line with what every report reads, then one line per unit, each plain JSON."""
    inputs, district, per_unit, active = sample
    path = save_catalogue(tmp_path, inputs, district, per_unit, active)
    assert path == catalogue_path(tmp_path, inputs) and path.suffix == ".jsonl"
    head, *units = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert head["active"] == active and list(head["spans"]) == list(per_unit) and len(units) == len(per_unit)
    assert head["columns"]["national.volume"] == [per_unit[u]["national.volume"].value for u in per_unit]


def test_a_unit_is_read_only_when_looked_up(tmp_path: Path, sample):
    """Only the units a report looks up are parsed; a column of values needs none of them."""
    inputs, district, per_unit, active = sample
    save_catalogue(tmp_path, inputs, district, per_unit, active)
    got = load_catalogue(tmp_path, inputs)[1]
    assert got.column("national.volume") == {u: per_unit[u]["national.volume"].value for u in per_unit}
    assert got._parsed == {}
    assert _typed(got["城南街道"]) == _typed(per_unit["城南街道"]) and list(got._parsed) == ["城南街道"]
    with pytest.raises(KeyError):
        got["不存在的单位"]


def test_the_batch_hands_over_petition_scores_of_its_framework(tmp_path: Path, sample):
    """Scores saved with a framework file are used for that framework's content only."""
    from xinfang.report.handoff import load_handoff, petition_scores, scoring_policy

    inputs, district, per_unit, active = sample
    framework = ROOT / "params" / "scoring" / "default.yaml"
    computed = load_context(2023, ROOT / "params", "城南街道")
    policy = scoring_policy(computed.params)
    scores = petition_scores(framework, per_unit, active, policy)
    save_catalogue(tmp_path, inputs, district, per_unit, active, scores)
    handed = load_handoff(tmp_path, inputs).scores_for(framework, policy)
    assert handed == {u: computed.petition_score(u) for u in active}
    other = tmp_path / "other.yaml"
    other.write_bytes(framework.read_bytes() + b"\n# edited\n")
    assert load_handoff(tmp_path, inputs).scores_for(other, policy) is None
    # another minimum base or another target: the reports score the units themselves
    assert load_handoff(tmp_path, inputs).scores_for(framework, policy | {"min_base": 5}) is None


def test_other_inputs_find_no_catalogue(tmp_path: Path, sample):
    inputs, district, per_unit, active = sample
    save_catalogue(tmp_path, inputs, district, per_unit, active)
    assert load_catalogue(None, inputs) is None
    other_period = replace(inputs, period=Period.of("2023-01-01", "2023-06-30"))
    assert load_catalogue(tmp_path, other_period) is None
    other_data = replace(inputs, files=[{**f, "sha256": "0" * 64} for f in inputs.files])
    assert load_catalogue(tmp_path, other_data) is None
    catalogue_path(tmp_path, inputs).write_text("{not json", encoding="utf-8")
    assert load_catalogue(tmp_path, inputs) is None


def test_a_report_reads_the_catalogue_from_the_cache(tmp_path: Path, sample, monkeypatch):
    """load_context with the batch's cache folder takes the saved catalogue, and the report's
    context is the same as when it computes the catalogue itself."""
    import xinfang.report.context as context

    computed = load_context(2023, ROOT / "params", "城南街道", cache_dir=tmp_path)  # nothing saved yet
    inputs, district, per_unit, active = sample
    save_catalogue(tmp_path, computed.inputs, district, per_unit, active)

    def fail(*args, **kwargs):
        raise AssertionError("the catalogue was computed again")

    monkeypatch.setattr(context, "compute_all", fail)
    handed = load_context(2023, ROOT / "params", "城南街道", cache_dir=tmp_path)
    assert handed.results == computed.results and handed.district == computed.district
    assert handed.per_unit == computed.per_unit and handed.active_units == computed.active_units
