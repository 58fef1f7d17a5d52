"""Issue 23, point 13: escape sequences in cells are printed escaped, never acted on by the
terminal (window title, clear screen, OSC 52 writing the clipboard)."""
from __future__ import annotations

from click.testing import CliRunner
from conftest import copy_params, row, write_csv

from xinfang.cli import main

OSC52 = "\x1b]52;c;ZXZpbA==\x07"
TITLE = "\x1b]0;pwned\x07\x1b[2J"


def run(args):
    result = CliRunner().invoke(main, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    return result.exit_code, result.stdout, result.stderr


def test_point13_cases_prints_cell_text_with_escapes_written_out(tmp_path):
    params = copy_params(tmp_path / "params", tmp_path / "out")
    rows = [row("A1", "M1", "2023-03-01", unit="中心路街道", domain="城建" + OSC52),
            row("A2", "M2", "2023-03-02", unit="中心路街道")]
    data = write_csv(tmp_path / "r.csv", rows)
    code, out, err = run(["cases", "total.registrations", "--year", "2023", "--params", str(params),
                          "--data", str(data)])
    assert code == 0, err
    assert "\x1b" not in out and "\x07" not in out
    assert "城建\\x1b]52;c;ZXZpbA==\\x07" in out


def test_point13_validate_prints_a_bad_value_with_escapes_written_out(tmp_path, units_file):
    data = write_csv(tmp_path / "r.csv", [row("A1", "M1", "2023-03-01", level="区" + TITLE)])
    code, _, err = run(["validate", str(data), "--units", str(units_file)])
    assert code == 2
    assert "\x1b" not in err and "\x07" not in err
    assert "区\\x1b]0;pwned\\x07\\x1b[2J" in err
