"""A report without a framework, targets or rectification lines says so, once, on stderr and in
the manifest, naming the key that would add each part (issue 22: no silent gaps)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from conftest import XINFANG, copy_params  # noqa: E402

from xinfang.config import load_params  # noqa: E402
from xinfang.config.gaps import report_gaps  # noqa: E402


def _bare_params(tmp_path: Path, **changes) -> Path:
    """A copy of params/ with ``changes`` written into defaults.yaml."""
    pdir = copy_params(tmp_path / "params", tmp_path / "output")
    doc = yaml.safe_load((pdir / "defaults.yaml").read_text(encoding="utf-8"))
    doc.update(changes)
    (pdir / "defaults.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return pdir


def test_the_sample_params_leave_nothing_out(tmp_path):
    params = load_params(copy_params(tmp_path / "params", tmp_path / "output"), 2023)
    assert [report_gaps(params, kind) for kind in ("district", "unit", "bulletin")] == [[], [], []]


def test_each_missing_key_is_one_gap_naming_the_key(tmp_path):
    params = load_params(_bare_params(tmp_path, framework=None, targets={}, rectification=None), 2023)
    assert [g.key for g in report_gaps(params, "district")] == ["framework", "targets"]
    assert [g.key for g in report_gaps(params, "unit")] == ["framework", "targets", "rectification"]
    assert [g.key for g in report_gaps(params, "bulletin")] == ["targets", "rectification"]
    framework = report_gaps(params, "district")[0]
    assert "评分表" in framework.zh and "framework: scoring/default.yaml" in framework.zh
    assert framework.message().startswith("提示 / note: 报告未包含")


def test_rectification_named_but_missing_is_a_gap_naming_the_file(tmp_path):
    params = load_params(_bare_params(tmp_path, rectification="整改.yaml"), 2023)
    (gap,) = report_gaps(params, "unit")
    assert gap.key == "rectification" and "整改.yaml" in gap.zh and "不存在" in gap.zh


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        report_gaps({"params_dir": "/p"}, "annual")


@pytest.mark.slow
def test_a_batch_without_them_says_so_once_on_stderr_and_in_the_manifest(tmp_path):
    pdir = _bare_params(tmp_path, framework=None, targets={}, rectification=None)
    proc = subprocess.run([*XINFANG, "batch", "--year", "2023", "--params", str(pdir), "--only", "城南街道",
                           "--quiet"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    notes = [line for line in proc.stderr.splitlines() if "提示 / note" in line]
    assert len(notes) == 3 and all(line.startswith("2023年：提示 / note: 报告未包含") for line in notes)
    manifest = json.loads((tmp_path / "output" / "2023" / "manifest.json").read_text(encoding="utf-8"))
    assert [g["key"] for g in manifest["omitted"]] == ["framework", "targets", "rectification"]
