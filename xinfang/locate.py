"""Re-export of :mod:`xinfang.config.locate` (the params locator moved to ``xinfang/config/``)."""
from .config.locate import *  # noqa: F401,F403
