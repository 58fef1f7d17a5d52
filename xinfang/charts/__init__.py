"""Charts for the reports: matplotlib with a CJK font that is always available, deterministic
PNG bytes, alt text for every picture.

* :mod:`.base` — :class:`Chart`, fonts, layout and PNG writing;
* :mod:`.kinds` — one function per kind of chart.
"""
from . import base, kinds  # noqa: F401
from .base import *  # noqa: F401,F403
from .base import _bundled_font_path, _png, _system_cjk_family  # noqa: F401  (tests)
from .kinds import *  # noqa: F401,F403

__all__ = ["Chart", "setup_fonts", "channel_comparison", "monthly_trend", "domain_bars", "budget_parts",
           "month_unit_heatmap",
           "unit_ranking", "rates_vs_targets", "budget_bars", "warm_up", "WIDTH_CM", "HEIGHT_CM", "DPI", "MAX_BARS"]
