"""xinfang.cli_support: the group's one error handler covers every command, also one added
later (here: throwaway commands registered on the group in a fresh interpreter)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT

#: Two commands nobody decorated: one made by the group's decorator, one a plain click.Command.
THROWAWAY = textwrap.dedent("""
    import sys

    import click

    from xinfang.cli import main
    from xinfang.errors import ParameterError


    @main.command("throwaway-xinfang")
    def throwaway_xinfang():
        raise ParameterError("参数 report.date 无效，联系电话 13912345678")


    def fail():
        raise RuntimeError("坏了，联系电话 13912345678")


    main.add_command(click.Command("throwaway-plain", callback=fail))
    main(sys.argv[1:])
""")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", THROWAWAY, *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


@pytest.mark.parametrize("command, code, message", [
    ("throwaway-xinfang", 2, "错误 / error: 参数 report.date 无效，联系电话 ＊＊＊\n"),
    ("throwaway-plain", 1, "内部错误 / internal error: RuntimeError: 坏了，联系电话 ＊＊＊"
                           "（加 -v 查看详情 / run with -v for details）\n"),
])
def test_a_new_command_gets_the_group_error_handler(command, code, message):
    proc = run(command)
    assert (proc.returncode, proc.stderr, proc.stdout) == (code, message, "")


def test_the_traceback_only_with_verbose():
    proc = run("-v", "throwaway-plain")
    assert proc.returncode == 1
    assert "Traceback" in proc.stderr and "RuntimeError: 坏了" in proc.stderr
    assert proc.stderr.endswith("（加 -v 查看详情 / run with -v for details）\n")


def test_click_still_reports_usage_errors_and_help():
    usage = run("throwaway-xinfang", "--nosuch")
    assert usage.returncode == 2 and "没有选项 --nosuch" in usage.stderr and "Traceback" not in usage.stderr
    helped = run("throwaway-plain", "--help")
    assert helped.returncode == 0 and "Usage:" in helped.stdout and helped.stderr == ""
