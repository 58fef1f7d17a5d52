"""Re-export of :mod:`xinfang.config.files` (the params file checks moved to ``xinfang/config/``)."""
from .config.files import *  # noqa: F401,F403
