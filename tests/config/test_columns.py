"""Issue 22: the params key ``columns`` (an export's header → the data dictionary's), checked like
every other key and used by every reader of the register."""
from __future__ import annotations

import pytest
import yaml
from conftest import HEADERS, copy_params, row, write_csv

from xinfang.config import load_params
from xinfang.errors import ParameterError
from xinfang.inputs import load_inputs


def with_columns(tmp_path, columns, register=None):
    params = copy_params(tmp_path / "params", tmp_path / "out")
    doc = yaml.safe_load((params / "defaults.yaml").read_text(encoding="utf-8"))
    doc["columns"] = columns
    if register is not None:
        doc["data"] = {"register": str(register), "campaign": None, "beijing": None, "budget": None}
    (params / "defaults.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return params


def test_the_sample_has_no_mapping():
    from conftest import ROOT

    assert dict(load_params(ROOT / "params", 2023).columns) == {}


@pytest.mark.parametrize("columns,words", [
    ({"登记时刻": "登记日记"}, "did you mean: 登记日期"),           # a value outside the data dictionary
    ({"身份证号": "信访件编号"}, "personal-data column"),             # PII is never read, so never mapped
    ({"编号": 3}, "columns"),                                          # not text
])
def test_a_bad_mapping_is_a_parameter_error_naming_the_key(columns, words, tmp_path):
    with pytest.raises(ParameterError) as err:
        load_params(with_columns(tmp_path, columns), 2023)
    assert words in str(err.value) and "defaults.yaml" in str(err.value)


def test_load_inputs_reads_an_export_through_the_mapping(tmp_path):
    headers = ["件号" if h == "信访件编号" else "登记时刻" if h == "登记日期" else h for h in HEADERS]
    records = [{("件号" if k == "信访件编号" else "登记时刻" if k == "登记日期" else k): v for k, v in r.items()}
               for r in (row("A1", "M1", "2023-03-01", unit="中心路街道"),
                         row("A2", "M1", "2023-04-01", unit="红旗路街道", kind="重件", decision="不再受理"))]
    register = write_csv(tmp_path / "export.csv", records, headers=headers)
    params = load_params(with_columns(tmp_path, {"件号": "信访件编号", "登记时刻": "登记日期"}, register), 2023)
    inputs = load_inputs(params, cache_dir=tmp_path / "cache")
    assert inputs.register["case_id"].tolist() == ["A1", "A2"]
    assert [d.strftime("%m-%d") for d in inputs.register["registered_on"]] == ["03-01", "04-01"]
