"""Re-export of :mod:`xinfang.config.schema` (the params schema moved to ``xinfang/config/``)."""
from .config.schema import *  # noqa: F401,F403
