"""The catalogue refers to its measures: a misspelt measure is an error, never a silent "no data"."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from conftest import row, write_csv

from xinfang.indicators import CATALOGUE, KEYS, SPECS, Measure, Spec
from xinfang.indicators.measures import (beijing_measures, campaign_measures, last_registration, overdue_measures,
                                         register_measures)
from xinfang.inputs import read_table, validate_beijing, validate_campaign, validate_register
from xinfang.periods import Period

TODAY = dt.date(2026, 11, 26)
YEAR_2023 = Period.of("2023-01-01", "2023-12-31")


def test_a_spec_with_a_misspelt_measure_is_refused():
    with pytest.raises(TypeError, match="Measure"):
        Spec("resolution.national_online_first", "到国家信访局初次网信一次性化解率", "%", "rno_nmu", Measure.RNO_DEN)
    with pytest.raises(TypeError, match="Measure"):
        Spec("x.y", "某率", "%", Measure.RNO_NUM, "rno_den")   # a right name as a bare string: refused too
    with pytest.raises(ValueError):
        Measure("rno_nmu")                                       # how the campaign specs build theirs
    with pytest.raises(AttributeError):
        Measure.RNO_NMU                                          # noqa: B018


def test_a_spec_names_the_table_its_measure_comes_from():
    with pytest.raises(ValueError, match="campaign"):
        Spec("x.y", "某数", "件", Measure.B3_ASSIGNED)            # source defaults to register
    assert Spec("x.y", "某数", "件", Measure.B3_ASSIGNED, source="campaign").numerator is Measure.B3_ASSIGNED


def test_every_spec_refers_to_measures():
    assert len(CATALOGUE) == len(SPECS) == len(KEYS) == 32
    for spec in CATALOGUE:
        assert isinstance(spec.numerator, Measure), spec.key
        assert spec.denominator is None or isinstance(spec.denominator, Measure), spec.key
        assert spec.numerator.source == spec.source, spec.key


def _csv(path, header, rows):
    pd.DataFrame(rows, columns=header).to_csv(path, index=False)
    return path


def test_every_measure_of_the_catalogue_is_produced_by_the_measure_functions(tmp_path, units):
    reg = validate_register(read_table(write_csv(tmp_path / "r.csv", [row("A", "M1", "2023-05-01"),
                                                                        row("B", "M2", "2023-06-01", level="国家")])),
                            units, today=TODAY)
    camp = validate_campaign(read_table(_csv(tmp_path / "c.csv", ["交办批次", "信访事项编号", "责任单位", "是否汇报", "审核化解", "化解日期"],
                                             [[1, "M1", "城南街道", "是", "是", "2023-05-02"]]), "campaign"), units, today=TODAY)
    bj = validate_beijing(read_table(_csv(tmp_path / "b.csv", ["日期", "责任单位", "人数", "是否登记"],
                                          [["2023-05-01", "城南街道", 2, "是"]]), "beijing"), units, today=TODAY)
    codes, uniques = pd.factorize(reg["matter_id"])
    produced = set(register_measures(reg, YEAR_2023, codes, len(uniques)))
    last = last_registration(reg, codes, len(uniques), YEAR_2023.end64)
    produced |= set(campaign_measures(camp, last, pd.Series(np.arange(len(uniques)), index=np.asarray(uniques, dtype=object))))
    produced |= set(beijing_measures(bj, YEAR_2023))
    produced |= set(overdue_measures(reg, YEAR_2023.end64))
    produced -= {"unit", "rep_unit"}
    used = {m for s in CATALOGUE for m in (s.numerator, s.denominator) if m is not None}
    assert used <= produced
    assert produced == {m.value for m in Measure}   # no measure is declared that nothing computes
