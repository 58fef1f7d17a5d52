"""The command line as a new user meets it: bilingual usage errors, honest --help, --years
taking several values (and implying --by year), a hint when no params folder is found."""
from __future__ import annotations

import subprocess

import pytest
from click.testing import CliRunner

from conftest import ROOT, XINFANG
from xinfang.cli import main, spread


def run(*args: str, cwd=ROOT, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([*XINFANG, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=120)


def invoke(*args: str, **kw):
    return CliRunner().invoke(main, list(args), **kw)


def test_missing_year_is_bilingual_exit_2():
    proc = run("report")
    assert proc.returncode == 2
    assert "缺少选项 --year / Missing option '--year'." in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("args, zh", [
    (("report", "--year", "二〇二三"), "--year 的值无效"),
    (("batch", "--yaers", "2023"), "没有选项 --yaers"),
    (("nosuch",), "没有命令「nosuch」"),
    (("batch", "--years", "abc"), "--years 的值无效"),
    (("validate",), "缺少参数"),
])
def test_usage_errors_read_in_chinese_and_english(args, zh):
    result = invoke(*args)
    assert result.exit_code == 2, result.output
    assert zh in result.output and " / " in result.output and "错误 / Error:" in result.output


def test_batch_help_is_honest():
    out = invoke("batch", "--help").output
    assert "[EXTRA]" not in out and "EXTRA" not in out
    assert "--years YEAR…" in out and "--only NAME…" in out
    assert "--years INTEGER" not in out


def test_spread_repeats_a_variadic_option():
    assert spread(["--years", "2022", "2023", "--force"], ("--years", "--only")) == \
        ["--years", "2022", "--years", "2023", "--force"]
    assert spread(["--only", "城南街道", "罗市镇", "--year", "2023"], ("--years", "--only")) == \
        ["--only", "城南街道", "--only", "罗市镇", "--year", "2023"]
    assert spread(["--year", "2023", "--params", "p"], ("--years",)) == ["--year", "2023", "--params", "p"]


def test_years_without_by_means_by_year(monkeypatch):
    import xinfang.run

    seen = {}

    class Done:
        exit_code, manifests, xlsx = 0, [], []

        def summary(self):
            return "ok"

    def fake(year, params_dir, **kw):
        seen.update(kw, year=year)
        return Done()

    monkeypatch.setattr(xinfang.run, "run_batch", fake)
    for args in (["--years", "2022", "2023"], ["--years", "2022,2023"], ["--years", "2022", "--years", "2023"]):
        result = invoke("batch", *args, "--params", str(ROOT / "params"))
        assert result.exit_code == 0, result.output
        assert seen["by"] == "year" and tuple(seen["years"]) == (2022, 2023), args
    result = invoke("batch", "--year", "2023", "--only", "城南街道", "罗市镇", "--params", str(ROOT / "params"))
    assert result.exit_code == 0 and seen["by"] == "unit" and tuple(seen["only"]) == ("城南街道", "罗市镇")
    result = invoke("batch", "--by", "unit", "--years", "2022", "--params", str(ROOT / "params"))
    assert result.exit_code == 2 and "--by year" in result.output


def test_no_params_folder_gives_a_hint(tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k != "XINFANG_PARAMS"}
    proc = run("report", "--year", "2023", cwd=tmp_path, env=env)
    assert proc.returncode == 2
    assert "--params" in proc.stderr and "XINFANG_PARAMS" in proc.stderr and "Traceback" not in proc.stderr


def test_params_folder_from_the_environment_or_a_folder_above(tmp_path, monkeypatch):
    """`xinfang score` (quick, no notebook) finds params/ through XINFANG_PARAMS, or from a sub-folder."""
    monkeypatch.setenv("XINFANG_PARAMS", str(ROOT / "params"))
    monkeypatch.chdir(tmp_path)
    assert invoke("score", "--year", "2023").exit_code == 0
    monkeypatch.delenv("XINFANG_PARAMS")
    monkeypatch.chdir(ROOT / "notebooks")
    assert invoke("score", "--year", "2023").exit_code == 0


def test_indicators_help_points_to_the_docs_in_the_repository():
    out = invoke("indicators", "--help").output
    assert "docs/指标口径.md" in out and "DESIGN" ".md" not in out
