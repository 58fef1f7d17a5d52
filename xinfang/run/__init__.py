"""Running report notebooks: papermill executes, :mod:`xinfang.render` renders, files are written.

One report (:func:`run_report`) = one fresh kernel (:mod:`~xinfang.run.kernels`), executed
through papermill's public API with xinfang's engine (:mod:`~xinfang.run.execute`), then HTML +
DOCX rendered in-process. A batch (:func:`run_batch`, :mod:`~xinfang.run.batch`) runs many in
parallel and records them in a manifest (:mod:`~xinfang.run.manifest`). The Linux fork server
(:mod:`~xinfang.run.zygote`) is imported only where and when it is used.
"""
from __future__ import annotations

from .batch import BatchResult, ReportJob, plan_district, plan_units, run_batch
from .execute import DISTRICT_NOTEBOOK, UNIT_NOTEBOOK, RunResult, execute, report_parameters, run_report
from .kernels import Kernel
from .manifest import Manifest

__all__ = [
    "BatchResult", "ReportJob", "plan_district", "plan_units", "run_batch", "DISTRICT_NOTEBOOK",
    "UNIT_NOTEBOOK", "RunResult", "execute", "report_parameters", "run_report", "Kernel", "Manifest",
]
