"""Output files get the user's umask (0644 under the usual 022), and are still written atomically."""
from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from xinfang.fileio import current_umask, write_bytes_atomic, write_text_atomic, write_xlsx

pytestmark = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


@pytest.fixture
def umask():
    old = os.umask(0o022)
    yield lambda mask: os.umask(mask)
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_current_umask_reads_without_changing_it(umask):
    umask(0o027)
    assert current_umask() == 0o027
    assert current_umask() == 0o027


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_follow_the_umask(tmp_path, umask, mask, expected):
    umask(mask)
    a = write_bytes_atomic(tmp_path / "报告.html", b"<html></html>")
    b = write_text_atomic(tmp_path / "indicators.json", "{}\n")
    c = tmp_path / "indicators.xlsx"
    write_xlsx({"指标": pd.DataFrame({"a": [1]})}, c)
    assert [mode(p) for p in (a, b, c)] == [expected] * 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["indicators.json", "indicators.xlsx", "报告.html"]


def test_a_failed_write_leaves_nothing_and_keeps_the_old_file(tmp_path, umask):
    from xinfang.fileio import atomic_path

    target = write_bytes_atomic(tmp_path / "a.docx", b"old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_bytes(b"half")
            raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["a.docx"]
