"""What a batch runs: the workspace a report is planned in, a job, and the post-steps by name.

A :class:`Workspace` is the preamble every command and planner shares (params → output root →
cache folder → validated inputs); a :class:`ReportJob` is one report as plain data that crosses
to a worker process; a job's ``post`` names a step of :data:`POST_STEPS` that the worker runs
after the notebook succeeded (the 督办单 after a 通报), so the worker knows no kind of report.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:
    from ..config.schema import ReportParams
    from ..inputs import Inputs

#: The post-steps a job may name: name → ``module:function``, resolved in the worker only when a
#: job asks for it (the worker imports nothing a batch of unit reports does not use). The function
#: takes the job's parameters and ``post_args`` and returns ``{label: path}`` of the files it wrote.
POST_STEPS: dict[str, str] = {
    "duban": "xinfang.run.bulletins:finish_bulletin",
    "case_lists": "xinfang.report.caselists:write_case_book",
}


def post_step(name: str) -> Callable[..., Mapping[str, Path]]:
    """The function registered as ``name`` in :data:`POST_STEPS` (KeyError for an unknown name)."""
    module, _, attr = POST_STEPS[name].partition(":")
    return getattr(importlib.import_module(module), attr)


def output_root(params: "ReportParams") -> Path:
    """The output folder the params name (``output``, relative to the params folder)."""
    from ..config.layers import resolve

    return resolve(params, params.output)


@dataclass
class Workspace:
    """The params of a year (the district layer), where its output goes, and its inputs,
    validated and cached once (:meth:`open`)."""

    params_dir: Path
    year: int
    register: str | None
    params: "ReportParams"
    out_root: Path
    inputs: "Inputs"

    @property
    def cache_dir(self) -> Path:
        return self.out_root / ".cache"

    @property
    def year_dir(self) -> Path:
        return self.out_root / str(self.year)

    @classmethod
    def open(cls, params_dir: str | Path, year: int, register: str | None = None) -> "Workspace":
        """Load the year's params and validate its inputs into the cache (InputError /
        ParameterError, exit 2, before anything is written)."""
        from ..config.layers import load_params, register_override
        from ..inputs import load_inputs

        params_dir = Path(params_dir)
        params = load_params(params_dir, year, None, register_override(register))
        out_root = output_root(params)
        inputs = load_inputs(params, cache_dir=out_root / ".cache")
        return cls(params_dir, int(year), register, params, out_root, inputs)

    def unit_params(self, unit: str | None) -> "ReportParams":
        """The params of one unit's report (its layers over the year's)."""
        from ..config.layers import load_params, register_override

        if unit is None:
            return self.params
        return load_params(self.params_dir, self.year, unit, register_override(self.register))


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
    kind: str = "district"               # unit, district or bulletin (the manifest records it)
    prestart: bool = False
    post: str | None = None              # a name in POST_STEPS, run after the notebook succeeded
    post_args: dict[str, Any] = field(default_factory=dict)
