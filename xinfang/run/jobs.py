"""A job of a batch: one report, as plain data that crosses to a worker process."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config.schema import ReportParams


def output_root(params: "ReportParams") -> Path:
    """The output folder the params name (``output``, relative to the params folder)."""
    from ..params import resolve

    return resolve(params, params.output)


@dataclass
class ReportJob:
    """One report of a batch (plain data: it crosses to a worker process)."""

    name: str             # unit name, or the district report's stem
    year: int
    unit: str | None
    notebook: str
    parameters: dict
    out_dir: str
    stem: str
    metadata: dict
    key: str              # hash of everything the report is built from
    hashes: dict
    prestart: bool = False
    duban: str | None = None   # a monthly bulletin: the folder of its 督办单 (written after the notebook)
