"""Re-export of :mod:`xinfang.config.layers` (the parameter layers moved to ``xinfang/config/``)."""
from .config.layers import *  # noqa: F401,F403
from .config.layers import _report_date  # noqa: F401
