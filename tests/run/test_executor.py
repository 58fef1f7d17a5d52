"""Issue 23, point 4: a full disk while a report's files are written keeps the previous report
whole and is the environment's failure (OSError, exit 1), not the report's (exit 2)."""
from __future__ import annotations

import errno
import os

import nbformat
import pytest

from xinfang.blocks import Heading, Paragraph
from xinfang.display import bundle


def executed(text: str) -> nbformat.NotebookNode:
    """What a report's kernel leaves: outputs of the display MIME type."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show()")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data, metadata=meta)
                    for data, meta in (bundle(Heading(1, "测试报告")), bundle(Paragraph(text)))]
    nb.cells = [cell]
    return nb


@pytest.fixture
def fake_kernel(monkeypatch):
    """``run_report`` with the notebook's execution replaced by a prepared result."""
    from xinfang.run import executor

    said = {}
    monkeypatch.setattr(executor, "execute", lambda *a, **k: executed(said["text"]))
    return said


def test_point04_a_full_disk_while_writing_keeps_the_previous_report(tmp_path, monkeypatch, fake_kernel):
    from xinfang.run import executor

    out = tmp_path / "out"
    fake_kernel["text"] = "第一次"
    first = executor.run_report(tmp_path / "r.ipynb", {}, out, "报告", {"title": "测试报告"})
    assert first.status == "ok"
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(before) == ["报告.docx", "报告.html", "报告.ipynb"]

    real_fsync = os.fsync

    def full_disk(fd):
        if ".docx." in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk)
    fake_kernel["text"] = "第二次"
    with pytest.raises(OSError) as err:
        executor.run_report(tmp_path / "r.ipynb", {}, out, "报告", {"title": "测试报告"})
    assert err.value.errno == errno.ENOSPC
    after = {p.name: p.read_bytes() for p in out.iterdir()}
    assert after == before            # every file of the previous report, unchanged; no temp file left


def test_point04_the_command_says_disk_full_and_exits_1(tmp_path):
    from xinfang.cli_support import _os_error

    message, code = _os_error(OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "报告.docx")))
    assert code == 1 and "磁盘已满 / disk full" in message
