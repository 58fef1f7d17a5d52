"""xinfang — reproducible petition-work (信访) performance reports.

The public API: read and validate the inputs, compute the indicator catalogue, word it in
Chinese, chart it, and render notebooks to HTML and Word.

Names are imported on first use (PEP 562), so that ``import xinfang`` — which papermill does
when it loads the engines registered by entry point — costs nothing until xinfang is used.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

_PUBLIC = {
    "BatchError": "errors", "InputError": "errors", "ParameterError": "errors", "Problem": "errors",
    "RenderError": "errors", "XinfangError": "errors",
    "KEYS": "indicators", "compute_all": "indicators", "compute_catalogue": "indicators",
    "rank_units": "indicators",
    "Inputs": "inputs", "load_inputs": "inputs", "read_table": "inputs", "read_units": "inputs",
    "validate_beijing": "inputs", "validate_campaign": "inputs", "validate_register": "inputs",
    "load_params": "config", "Period": "periods", "Indicator": "result",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'xinfang' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_PUBLIC))
