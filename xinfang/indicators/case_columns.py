"""The columns every case list shares (:mod:`xinfang.indicators.cases`, :mod:`.cutoff`)."""
from __future__ import annotations

import numpy as np

YES, NO = "是", "否"
#: Column headers every list shares.
IN_NUMERATOR, IN_DENOMINATOR, WEIGHT, REASON = "是否计入分子", "是否计入分母", "计入数", "说明"
#: Headers a case list never has: personal data and free text.
FORBIDDEN_COLUMNS = frozenset({"信访人", "证件号码", "联系电话", "住址", "诉求摘要", "summary"})
#: Register columns a list shows, by internal name.
BASE = {"case_id": "信访件编号", "registered_on": "登记日期", "unit": "责任单位", "channel": "信访形式",
        "level": "登记层级", "domain": "问题领域", "purpose": "信访目的", "first_or_repeat": "初重件"}


def dates(values: np.ndarray) -> list:
    """datetime64[D] values as ``datetime.date`` (NaT → None), for tables and xlsx."""
    return [None if np.isnat(v) else v.astype("datetime64[D]").item() for v in values]
