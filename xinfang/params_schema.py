"""Re-export of :mod:`xinfang.config.schema` (the params schema moved to ``xinfang/config/``)."""
from .config.schema import *  # noqa: F401,F403
from .config.schema_doc import params_doc, write_doc  # noqa: F401
