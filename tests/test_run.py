"""xinfang.run: what can be checked without running a batch (the batch itself: test_batch.py).

Imports on a platform without :mod:`resource` (Windows), papermill's engine registration, the
typed execution error, CPU accounting's fallback, and the report identity the batch names
reports with before anything is computed.
"""
from __future__ import annotations

import datetime as dt

import subprocess
import sys
import textwrap

import nbformat
import pytest

from conftest import ROOT

NO_RESOURCE = "import sys; sys.modules['resource'] = None  # as on Windows: import resource fails\n"


def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", NO_RESOURCE + textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)


def test_the_command_line_works_without_resource(tmp_path):
    # Windows has no `resource`: importing the CLI and xinfang.run, help, and the report and
    # batch commands up to their first check must work (bad params: exit 2, not an ImportError)
    missing = tmp_path / "无此目录"
    proc = python(f"""
        import xinfang.cli, xinfang.run
        assert "xinfang.run.zygote" not in sys.modules, "the Linux fork server is imported lazily"
        from xinfang.cli import main
        for args in (["report", "--help"], ["batch", "--help"],
                     ["report", "--year", "2023", "--params", {str(missing)!r}],
                     ["batch", "--year", "2023", "--params", {str(missing)!r}]):
            try:
                main(args)
            except SystemExit as exc:
                print("exit:", args[0], args[1], exc.code)
    """)
    assert proc.returncode == 0, proc.stderr
    exits = [line for line in proc.stdout.splitlines() if line.startswith("exit:")]
    assert exits == ["exit: report --help 0", "exit: batch --help 0", "exit: report --year 2", "exit: batch --year 2"]
    assert "defaults.yaml" in proc.stderr and "Traceback" not in proc.stderr


def test_cpu_accounting_falls_back_without_resource(monkeypatch):
    from xinfang.run.batch import BatchResult
    from xinfang.run.kernels import process_cpu_seconds

    assert process_cpu_seconds() > 0
    monkeypatch.setitem(sys.modules, "resource", None)
    assert process_cpu_seconds() is None
    summary = BatchResult({}, [], {}, [], 1.0, None).summary()
    assert "CPU — 秒" in summary


def test_papermill_finds_the_engine_by_entry_point():
    # either import order works (papermill imports the engine module while importing itself)
    for first, second in (("xinfang.run.engine", "papermill"), ("papermill", "xinfang.run.engine")):
        proc = python(f"""
            import {first}, {second}
            from papermill.engines import NBClientEngine, papermill_engines
            from xinfang.run.engine import XinfangEngine
            assert papermill_engines.get_engine("xinfang") is XinfangEngine
            assert issubclass(XinfangEngine, NBClientEngine)
        """)
        assert proc.returncode == 0, proc.stderr


def test_execution_failed_carries_its_context():
    from xinfang.errors import BatchError, ExecutionFailed, XinfangError

    nb = nbformat.v4.new_notebook()
    cell = ExecutionFailed("notebooks/unit_report.ipynb", "ParameterError", "参数错误", cell_index=3,
                           exec_count=2, source="load_report()", traceback=["tb"], nb=nb)
    assert isinstance(cell, BatchError) and isinstance(cell, XinfangError)
    assert (cell.notebook.name, cell.cell_index, cell.exec_count, cell.ename, cell.evalue, cell.nb) == (
        "unit_report.ipynb", 3, 2, "ParameterError", "参数错误", nb)
    assert str(cell) == "ParameterError: 参数错误"
    died = ExecutionFailed("notebooks/unit_report.ipynb", "DeadKernelError", "Kernel died")
    assert died.cell_index is None and died.nb is None
    assert str(died) == "unit_report.ipynb: 执行失败 / execution failed: DeadKernelError: Kernel died"


@pytest.mark.parametrize("unit", [None, "城南街道"])
def test_report_identity_is_what_the_report_calls_itself(unit):
    """A batch names its reports from the params alone, as the report names itself."""
    from xinfang.params import load_params, report_identity
    from xinfang.report import load_report

    params = load_params(ROOT / "params", 2023, unit)
    identity = report_identity(params, unit)
    expected = {None: ("2023年邵阳市大祥区信访局整体支出绩效评价报告", "大祥区_2023_整体支出绩效评价报告"),
                "城南街道": ("2023年大祥区城南街道信访工作绩效评价报告", "城南街道")}[unit]
    assert (identity.title, identity.file_stem) == expected
    lines = {None: ["2023年邵阳市大祥区信访局", "整体支出绩效评价报告"],
             "城南街道": ["2023年大祥区城南街道", "信访工作绩效评价报告"]}[unit]
    # no report_date in the params: the report dates itself from its data (tests/report/test_report_date.py)
    assert identity.metadata == {"title": expected[0], "title_lines": lines,
                                 "subtitle": "统计期：2022年12月28日至2023年12月31日"}
    report = load_report(2023, ROOT / "params", unit)
    date = report.context.report_date
    assert date >= dt.date(2024, 1, 1)
    assert (report.title, report.file_stem, report.metadata()) == (identity.title, identity.file_stem,
                                                                   identity.metadata | {"date": date.isoformat()})


@pytest.mark.slow
def test_a_failing_cell_is_a_typed_error_on_the_kernel_given(tmp_path):
    from xinfang.errors import ExecutionFailed
    from xinfang.run import Kernel, execute, run_report

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("x = 1")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("import os\nprint(os.getpid())"),
                nbformat.v4.new_code_cell("raise ValueError(f'坏值 {x}')")]
    nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    path = tmp_path / "fails.ipynb"
    nbformat.write(nb, path)

    kernel = Kernel.start(tmp_path)
    pid = kernel.pid
    with pytest.raises(ExecutionFailed) as info:
        execute(path, {"x": 7}, kernel=kernel)
    exc = info.value
    assert (exc.notebook, exc.ename, exc.evalue) == (path, "ValueError", "坏值 7")
    # as papermill's error: the cell's index in the notebook as run, before papermill inserted
    # its two markers (a note at the top, an anchor just before the cell)
    assert exc.nb.cells[exc.cell_index + 2].source.startswith("raise ValueError")
    printed = [o["text"] for c in exc.nb.cells if c.cell_type == "code" for o in c.outputs if o.get("name") == "stdout"]
    assert pid and printed == [f"{pid}\n"]  # ran on the kernel given, which is closed now
    assert not kernel.km.has_kernel and not kernel.runtime_dir.exists()
    assert "papermill-error-cell-tag" in exc.nb.cells[0].metadata.get("tags", [])
    injected = [c for c in exc.nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert [c.id for c in injected] == ["injected-parameters"]

    result = run_report(path, {"x": 8}, tmp_path / "out", "fails")
    assert result.status == "failed" and result.error == "ValueError: 坏值 8"
    assert set(result.files) == {"failed"} and result.files["failed"].name == "fails.failed.ipynb"


def test_a_fresh_kernel_is_ready_with_its_output_channel_connected(tmp_path):
    """The client of a report's kernel is ready once the kernel answered and IOPub delivered
    that answer's idle status (not after jupyter_client's 0.2 s of silence): what the first
    cell prints right after is never lost, kernel after kernel."""
    from jupyter_core.utils import run_sync

    from xinfang.run import Kernel

    for i in range(4):
        kernel = Kernel.start(tmp_path, warm=())
        kc = kernel.km.client()
        assert type(kc).__name__ == "ReadyClient"
        kc.start_channels()
        try:
            run_sync(kc.wait_for_ready)(timeout=60)
            msg_id = kc.execute(f"print('第{i}个内核')")
            printed = []
            while True:
                msg = run_sync(kc.get_iopub_msg)(timeout=30)
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "stream":
                    printed.append(msg["content"]["text"])
                if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                    break
            assert printed == [f"第{i}个内核\n"]
        finally:
            kc.stop_channels()
            kernel.close()
