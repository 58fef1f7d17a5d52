"""The result of one indicator: value plus everything needed to trace it."""
from __future__ import annotations

import html
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Indicator:
    """One computed indicator (指标).

    Attributes
    ----------
    key : catalogue key, e.g. ``"national.volume"`` (docs/architecture.md §4).
    name : 中文名 as printed in reports, e.g. ``"到国家信访局信访量（件人次）"``.
    value : the figure; a fraction for rates (0.9864 for 98.64 %), a count otherwise;
        ``None`` when undefined (a rate whose denominator is 0).
    numerator, denominator : the counts a rate is made of (``None`` for a plain count).
    unit : unit of count for counts (件次, 人次, 批次, 件人次, 件) or ``"%"`` for rates.
    previous : the value of the comparison period (同比), where the catalogue asks for it.
    yoy : (value - previous) / previous, a fraction; ``None`` when previous is 0 or absent.
    caliber : one-line 口径 text printed in the report's 口径说明.
    comparable : False when the comparison period lies before the data the figure is computed
        from begin (无可比数据): ``previous`` and ``yoy`` are then ``None``, never 0.
    """

    key: str
    name: str
    value: float | int | None
    numerator: float | int | None = None
    denominator: float | int | None = None
    unit: str = ""
    previous: float | int | None = None
    yoy: float | None = None
    caliber: str = ""
    comparable: bool = True

    @property
    def is_rate(self) -> bool:
        return self.unit == "%"

    def to_dict(self) -> dict:
        """Plain JSON-able dict with the fields of the ``indicators --format json`` contract."""
        d = asdict(self)
        return {k: d[k] for k in ("name", "value", "numerator", "denominator", "previous", "yoy", "caliber")}

    def _repr_html_(self) -> str:
        def fmt(v):
            if v is None:
                return "—"
            if self.is_rate and v is self.value:
                return f"{v * 100:.2f}%"
            return f"{v:g}" if isinstance(v, float) else str(v)

        rows = [("指标 key", self.key), ("值 value", fmt(self.value)),
                ("分子 numerator", fmt(self.numerator)), ("分母 denominator", fmt(self.denominator)),
                ("上年同期 previous", fmt(self.previous)),
                ("同比 yoy", "—" if self.yoy is None else f"{self.yoy * 100:+.2f}%"),
                ("口径 caliber", self.caliber)]
        body = "".join(f"<tr><th>{html.escape(a)}</th><td>{html.escape(str(b))}</td></tr>" for a, b in rows)
        return f"<table><caption>{html.escape(self.name)}</caption>{body}</table>"
