"""Strict params through the command line: every mistake is a bilingual message naming the file
and the key, exit 2, before any kernel starts or any file is written (issues 11 and 13)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, copy_params


def xinfang_exe() -> str:
    """The installed ``xinfang`` command beside this Python (venv or conda), else on PATH."""
    here = Path(sys.executable).parent
    exe = shutil.which("xinfang", path=str(here)) or shutil.which("xinfang")
    assert exe, "xinfang command not installed"
    return exe


@pytest.fixture
def params(tmp_path: Path) -> Path:
    return copy_params(tmp_path / "params", tmp_path / "output")


def report(params: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([xinfang_exe(), "report", "--year", "2023", "--params", str(params), *extra],
                          capture_output=True, text=True, cwd=params.parent, timeout=600)


def assert_refused(proc: subprocess.CompletedProcess, params: Path, *needles: str) -> None:
    """Exit 2, a clean message (no traceback) naming every needle, and nothing written."""
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-3000:])
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert "错误 / error" in proc.stderr
    for needle in needles:
        assert needle in proc.stderr, (needle, proc.stderr)
    assert not (params.parent / "output").exists(), "a file was written before the params were checked"


def year_layer(params: Path, text: str) -> None:
    (params / "2023.yaml").write_text((params / "2023.yaml").read_text(encoding="utf-8") + "\n" + text,
                                      encoding="utf-8")


# ------------------------------------------------------------------- wrong types (issue 13, 6)
@pytest.mark.parametrize("line, key", [
    ("data: hello", "data"),
    ("units: 5", "units"),
    ("framework: 5", "framework"),
    ("output: 5", "output"),
    ("percent_sign: 5", "percent_sign"),
    ("targets: abc", "targets"),
    ("district: [a, b]", "district"),
    ('period_start: "0001-01-01"', "period_start"),
    ("units: scoring", "units"),                      # a folder, not a file
    ("data: {register: 5}", "data.register"),
    ("targets: {handling.satisfaction: true}", "targets.handling.satisfaction"),
    ("manual_scores: {goal_rationality: {score: abc}}", "manual_scores"),
    ("form: 单位报告x", "form"),
])
def test_a_wrong_type_is_a_message_naming_file_and_key(params, line, key):
    year_layer(params, line)
    assert_refused(report(params), params, "2023.yaml", key)


def test_a_wrong_type_in_a_unit_layer_names_the_unit_file(params):
    (params / "2023" / "城南街道.yaml").write_text("percent_sign: 5\n", encoding="utf-8")
    assert_refused(report(params), params, "城南街道.yaml", "percent_sign")


# ------------------------------------------------------------- strict nested keys (issue 11, 4)
@pytest.mark.parametrize("line, wrong, right", [
    ("targets: {handling.satisfacton: 0.9}", "handling.satisfacton", "handling.satisfaction"),
    ("percent_sigh: '%'", "percent_sigh", "percent_sign"),
    ("data: {registr: x.csv}", "registr", "register"),
    ("text: {practise: 主要做法.md}", "practise", "practices"),
])
def test_an_unknown_key_gets_did_you_mean(params, line, wrong, right):
    year_layer(params, line)
    proc = report(params)
    assert_refused(proc, params, "2023.yaml", wrong, right)
    assert "did you mean" in proc.stderr


def test_a_text_entry_naming_a_missing_file_names_the_expected_path(params):
    year_layer(params, "text: {practices: 做法.md}")
    assert_refused(report(params), params, "text.practices", str(Path("2023") / "做法.md"))


def test_a_unit_text_entry_naming_a_missing_file_names_the_unit_folder(params):
    (params / "2023" / "城南街道.yaml").write_text("text: {plans: 打算.md}\n", encoding="utf-8")
    assert_refused(report(params), params, "城南街道.yaml", "text.plans",
                   str(Path("2023") / "城南街道" / "打算.md"))


def test_a_markdown_file_that_no_text_key_reads_is_a_warning(params):
    (params / "2023" / "存在的问题.md").write_text("误名的文件\n", encoding="utf-8")
    proc = subprocess.run([xinfang_exe(), "score", "--year", "2023", "--params", str(params)],
                          capture_output=True, text=True, cwd=params.parent, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "存在的问题.md" in proc.stderr and "存在问题.md" in proc.stderr and "主要做法.md" in proc.stderr


def test_the_scoring_comment_teaches_the_real_key():
    text = (ROOT / "params" / "scoring" / "default.yaml").read_text(encoding="utf-8")
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    assert "manual_scores:" in comments
    assert "#     manual:" not in comments and "#   scoring:" not in comments


# ------------------------------------------------------------------------- YAML (issue 13, 5)
def test_duplicate_keys_are_a_message(params):
    year_layer(params, 'percent_sign: "%"\npercent_sign: "％"')
    assert_refused(report(params), params, "2023.yaml", "percent_sign", "duplicate")


def test_nested_anchors_are_refused(params):
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    year_layer(params, "\n".join(lines))
    assert_refused(report(params), params, "2023.yaml", "anchor")


def test_a_self_referencing_anchor_is_a_message(params):
    year_layer(params, "targets: &t {x: *t}")
    assert_refused(report(params), params, "2023.yaml", "anchor")


def test_a_gb18030_params_file_says_so(params):
    (params / "2023.yaml").write_bytes('period_start: "2022-12-28"  # 统计期\n'.encode("gb18030"))
    assert_refused(report(params), params, "2023.yaml", "UTF-8", "GB18030")


def test_a_gb18030_markdown_file_says_so(params):
    (params / "2023" / "主要做法.md").write_bytes("主要做法：加强源头治理。\n".encode("gb18030"))
    assert_refused(report(params), params, "主要做法.md", "UTF-8", "GB18030")


def test_a_huge_params_file_is_refused(params):
    year_layer(params, "# " + "x" * 1_100_000)
    assert_refused(report(params), params, "2023.yaml", "1 MB")


def test_a_framework_with_duplicate_keys_is_a_message(params):
    fw = params / "scoring" / "default.yaml"
    fw.write_text(fw.read_text(encoding="utf-8") + "\nname: 重复\n", encoding="utf-8")
    assert_refused(report(params), params, "default.yaml", "name", "duplicate")


def test_a_framework_that_is_missing_is_a_message(params):
    year_layer(params, "framework: scoring/nope.yaml")
    assert_refused(report(params), params, "2023.yaml", "framework", "nope.yaml")


# ------------------------------------------------------------------ units.yaml (issue 13, 6/8/9)
UNIT_LINE = "  - {name: 城南街道, kind: 乡镇街道, aliases: [城南]}"


@pytest.mark.parametrize("line, needle", [
    (UNIT_LINE, "城南街道"),                                      # listed twice
    ("  - {name: " + "长" * 80 + ", kind: 区直部门}", "50"),
    ("  - {name: CON, kind: 区直部门}", "CON"),
    ("  - {name: aux., kind: 区直部门}", "aux."),
    ("  - {name: 区某局, kind: 区直部门, aliases: [null]}", "aliases"),
    ("  - {name: 区Abc局, kind: 区直部门}\n  - {name: 区ABC局, kind: 区直部门}", "区ABC局"),
    ('  - {name: "区\\t局", kind: 区直部门}', "units[22]"),
    ("  - {name: 5, kind: 区直部门}", "name"),
])
def test_a_bad_unit_register_entry_is_a_message(params, line, needle):
    path = params / "units.yaml"
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + line + "\n", encoding="utf-8")
    assert_refused(report(params), params, "units.yaml", needle)
