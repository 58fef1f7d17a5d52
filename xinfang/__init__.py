"""xinfang — reproducible petition-work (信访) performance reports.

The public API: read and validate the inputs, compute the indicator catalogue, word it in
Chinese, chart it, and render notebooks to HTML and Word.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import BatchError, InputError, ParameterError, Problem, RenderError, XinfangError
from .indicators import KEYS, compute_all, compute_catalogue, rank_units
from .inputs import (Inputs, load_inputs, read_table, read_units, validate_beijing, validate_campaign,
                     validate_register)
from .params import load_params
from .periods import Period
from .result import Indicator

__all__ = [
    "__version__", "BatchError", "InputError", "ParameterError", "Problem", "RenderError", "XinfangError",
    "KEYS", "compute_all", "compute_catalogue", "rank_units", "read_table", "read_units", "Inputs",
    "load_inputs", "load_params", "Period", "Indicator", "validate_beijing", "validate_campaign",
    "validate_register",
]
