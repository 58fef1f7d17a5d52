"""Report identity from the merged params: the form in the file name where it is not the default."""
from __future__ import annotations

import pytest

from xinfang.config.layers import report_identity

PARAMS = {"year": 2023, "district": "大祥区", "city": "邵阳市", "bureau": "大祥区信访局",
          "period_start": "2023-01-01", "period_end": "2023-12-31"}


@pytest.mark.parametrize("unit, form, stem", [
    (None, None, "大祥区_2023_整体支出绩效评价报告"),
    (None, "自评报告", "大祥区_2023_整体支出绩效评价报告"),
    (None, "评价报告", "大祥区_2023_整体支出绩效评价报告_评价报告"),
    ("城南街道", None, "城南街道"),
    ("城南街道", "单位报告", "城南街道"),
])
def test_a_form_other_than_the_default_is_named_in_the_file_name(unit, form, stem):
    assert report_identity(PARAMS | {"form": form}, unit).file_stem == stem


def test_both_forms_keep_one_title():
    titles = {report_identity(PARAMS | {"form": f}).title for f in (None, "评价报告")}
    assert titles == {"2023年邵阳市大祥区信访局整体支出绩效评价报告"}
