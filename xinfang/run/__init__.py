"""Running report notebooks: papermill executes, :mod:`xinfang.render` renders, files are written.

One report (:func:`run_report`) = one fresh kernel (:mod:`~xinfang.run.kernels`), executed
through papermill's public API with xinfang's engine (:mod:`~xinfang.run.executor`), then HTML +
DOCX rendered in-process. A batch (:func:`run_batch`, :mod:`~xinfang.run.batch`) runs many in
parallel (:mod:`~xinfang.run.planners`, :mod:`~xinfang.run.pool`) and records them in a manifest (:mod:`~xinfang.run.manifest`). The Linux fork server
(:mod:`~xinfang.run.zygote`) is imported only where and when it is used.
"""
from __future__ import annotations

import importlib

_PUBLIC = {
    "BatchResult": "batch", "ReportJob": "jobs", "Workspace": "jobs", "plan_district": "planners",
    "plan_units": "planners",
    "run_batch": "batch", "REPORT_NOTEBOOK": "executor", "RunResult": "executor", "execute": "executor",
    "report_parameters": "executor", "run_report": "executor", "Kernel": "kernels", "Manifest": "manifest",
}
__all__ = list(_PUBLIC)


def __getattr__(name: str):
    # imported on first use: papermill imports run.engine (entry point) whenever it starts
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
