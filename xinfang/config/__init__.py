"""The report parameters: the layers (:mod:`.layers`), the one typed schema (:mod:`.schema`),
the strict YAML loader (:mod:`.strict_yaml`), the checks of the files they name (:mod:`.files`)
and the params-folder locator (:mod:`.locate`).

The public names are imported on first use, so that importing the locator alone (the command
line does, at start-up) does not import pydantic.
"""
from __future__ import annotations

import importlib

_PUBLIC = {"load_params": "layers", "params_hash": "layers", "register_override": "layers",
           "report_identity": "layers", "resolve": "layers", "ReportIdentity": "layers",
           "find_params_dir": "locate", "params_dir_or_find": "locate"}

__all__ = list(_PUBLIC)


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'xinfang.config' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
