"""Re-export of :mod:`xinfang.config.strict_yaml` (the strict YAML loader moved to ``xinfang/config/``)."""
from .config.strict_yaml import *  # noqa: F401,F403
