"""The notebooks, shipped as package data of ``xinfang.notebooks`` (see pyproject.toml):
``report.ipynb`` (every report; ``unit = None`` is the district's), ``bulletin.ipynb`` (a
monthly 通报) and ``explore.ipynb``.

This module imports nothing heavy: a batch worker finds the report notebook through it
without importing the report library (pandas, matplotlib), which only the kernels need.
"""
from __future__ import annotations

from pathlib import Path


def path(name: str = "report.ipynb") -> Path:
    """The shipped notebook ``name`` (``notebooks/<name>`` in the repository)."""
    return Path(__file__).resolve().with_name(name)
