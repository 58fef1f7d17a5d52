"""xinfang's papermill engine: papermill's nbclient engine, on a kernel xinfang started.

Registered by entry point (``[project.entry-points."papermill.engine"] xinfang``), so
papermill loads it; :func:`xinfang.run.executor.execute` runs notebooks with
``papermill.execute_notebook(..., engine_name="xinfang", km=kernel.km)``. papermill hands
``km`` on to nbclient's ``NotebookClient(km=...)``: the notebook runs on the pre-started (or
forked) kernel instead of one nbclient would start.

The class is made on first access (PEP 562 ``__getattr__``): papermill imports this module
while it imports its own engines, so a class statement at module level would make importing
this module before papermill a circular import.
"""
from __future__ import annotations

from typing import Callable

#: Tag and cell id of the cell papermill injects with the parameters.
INJECTED = "injected-parameters"


def _define(base: type) -> type:
    class XinfangEngine(base):
        """papermill's ``NBClientEngine`` with two additions.

        * The injected-parameters cell gets a fixed id (papermill gives it a random one), so
          the executed notebook kept beside a report is the same for the same inputs.
        * ``on_start``, if given, is called with the notebook about to run: the caller then
          holds the notebook papermill marks when a cell fails, to save it for inspection.
        """

        @classmethod
        def execute_notebook(cls, nb, kernel_name, on_start: Callable | None = None, **kwargs):
            for cell in nb.cells:
                if INJECTED in cell.metadata.get("tags", []):
                    cell.id = INJECTED
            if on_start is not None:
                on_start(nb)
            return super().execute_notebook(nb, kernel_name, **kwargs)

    XinfangEngine.__module__, XinfangEngine.__qualname__ = __name__, "XinfangEngine"
    return XinfangEngine


def __getattr__(name: str):
    if name != "XinfangEngine":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # importing papermill may come back here through the entry point, which then defines it
    from papermill.engines import NBClientEngine

    if "XinfangEngine" not in globals():
        globals()["XinfangEngine"] = _define(NBClientEngine)
    return globals()["XinfangEngine"]
