"""The cases behind the cut-off counts (``overdue.acceptance``, ``overdue.reply``,
``due_soon.reply``): every registration, whatever its date up to the cut-off C, that the
catalogue counts at C, as :func:`xinfang.indicators.measures.overdue_frame` judges it.

So ``xinfang cases overdue.reply --cutoff C`` lists exactly the cases the indicator counts at
C, with the date each was due and how many days it is past that date (or, due soon, how many
remain). No personal data: the register holds none after it is read.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .case_columns import BASE, IN_NUMERATOR, REASON, WEIGHT, YES, dates
from .catalogue import Spec
from .measures import ACCEPT_DAYS, DAY, REPLY_DAYS, overdue_frame

#: the measure of :func:`~xinfang.indicators.measures.overdue_frame` behind each key
_CUTOFF_MEASURE = {"overdue.acceptance": "od_acc", "overdue.reply": "od_rep", "due_soon.reply": "ds_rep"}


def cutoff_cases(spec: Spec, register: pd.DataFrame, cutoff: dt.date, due_soon_days: int,
                 unit: str | None) -> pd.DataFrame:
    """The registrations :func:`~xinfang.indicators.measures.overdue_frame` counts for ``spec``
    at ``cutoff`` (any registration date up to C), with the due date and the days past it."""
    c = np.datetime64(cutoff, "D")
    standing = overdue_frame(register, c, due_soon_days)
    select = standing[_CUTOFF_MEASURE[spec.key]].to_numpy(dtype=bool) & (
        (register["unit"] == unit).to_numpy() if unit is not None else True)
    sel = register.loc[select]
    due = standing.loc[select, "due"].to_numpy(dtype="datetime64[D]")
    days = [int((c - d) / DAY) for d in due]  # days past the due date (negative: still to come)
    frame = pd.DataFrame({BASE["case_id"]: sel["case_id"].astype(str).to_numpy(),
                          BASE["registered_on"]: dates(sel["registered_on"].to_numpy(dtype="datetime64[D]"))})
    if spec.key != "overdue.acceptance":  # a reply's due date counts from 受理日期 and 延期天数
        frame["受理日期"] = dates(sel["accepted_on"].to_numpy(dtype="datetime64[D]"))
        frame["延期天数"] = sel["extension_days"].to_numpy(dtype=np.int64)
    frame["应办日期"] = dates(due)
    if spec.key == "due_soon.reply":
        frame["剩余天数"] = [-n for n in days]
    else:
        frame["超期天数"] = days
    for col in ("unit", "channel", "level", "domain", "purpose", "first_or_repeat"):
        frame[BASE[col]] = sel[col].astype(object).to_numpy()
    frame[WEIGHT] = np.ones(len(sel), dtype=np.int64)
    frame[IN_NUMERATOR] = YES
    when = cutoff.isoformat()
    if spec.key == "overdue.acceptance":
        reasons = [f"登记后{ACCEPT_DAYS}日（{d.isoformat()}）已过，截至{when}未作出受理决定，超期{n}日"
                   for d, n in zip(frame["应办日期"], days)]
    elif spec.key == "overdue.reply":
        reasons = [f"答复期限（受理后{REPLY_DAYS}日" + (f"+延期{e}日" if e else "") + f"，{d.isoformat()}）已过，"
                   f"截至{when}未答复，超期{n}日" for d, e, n in zip(frame["应办日期"], frame["延期天数"], days)]
    else:
        reasons = [f"截至{when}未答复，答复期限为{d.isoformat()}（{-n}日后，{due_soon_days}日内到期）"
                   for d, n in zip(frame["应办日期"], days)]
    frame[REASON] = reasons
    return frame.sort_values(["应办日期", BASE["case_id"]], kind="stable").reset_index(drop=True)
