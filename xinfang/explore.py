"""What ``notebooks/explore.ipynb`` asks of the library, so that it runs for any district.

The notebook's parameters default to ``None``: :func:`latest_year` gives the year of the last
registration of the register the params name, and :func:`pick_units` the units to compare
(the ones named, by name or alias, else the first units with data in the period). Nothing of
one district is written in the notebook.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Sequence

from .errors import ParameterError


def latest_year(params_dir: str | Path) -> int:
    """The year of the last registration in the register the params of ``params_dir`` name.

    The params are read for the current year (a year layer of that year may name another
    register); the register is validated as every report validates it.
    """
    from .config.layers import load_params
    from .inputs import load_inputs

    params = load_params(params_dir, dt.date.today().year)
    register = load_inputs(params).register
    if not len(register):
        raise ParameterError("登记表没有数据 / the register has no rows")
    return int(register["registered_on"].max().year)


def pick_units(inputs, *wanted: str | None) -> list[str]:
    """The official names of ``wanted`` (names or aliases); each ``None`` is replaced by the next
    unit with data in the inputs' period (register order) not already chosen.

    Raises :class:`ParameterError` for a name the unit register does not know (listing the
    units), or when there are fewer units with data than ``None`` values.
    """
    from .indicators import units_with_data

    chosen: list[str | None] = []
    for name in wanted:
        if name is None:
            chosen.append(None)
            continue
        canonical = inputs.units.canonical(name)
        if canonical is None:
            raise ParameterError(f"单位「{name}」不在单位名册（{inputs.units.path}）中 / unknown unit "
                                 f"(可用 / valid: {'、'.join(inputs.units.names)})")
        chosen.append(canonical)
    spare = [u for u in units_with_data(inputs.register, inputs.period) if u not in chosen]
    if chosen.count(None) > len(spare):
        raise ParameterError(f"统计期 {inputs.period.label} 内有数据的单位不足 {len(wanted)} 个 / "
                             f"fewer units with data in the period than asked for")
    fill = iter(spare)
    return [name if name is not None else next(fill) for name in chosen]


def describe(params_dir: Path, inputs) -> str:
    """One line: which params folder, which district, which period, how many rows."""
    return (f"参数目录 / params: {Path(params_dir).resolve()}；{inputs.units.district}，"
            f"{inputs.period.label}，登记表 {len(inputs.register)} 行")


__all__: Sequence[str] = ("latest_year", "pick_units", "describe")
