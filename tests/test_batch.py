"""The batch runner (xinfang.run, ``xinfang batch``): end-to-end on the sample data.

One batch of four units (three good, one made to fail by its own params file) is run once
for the module and reused; the other tests run small batches of one or two units. Every
batch runs through the command line, as users run it.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, XINFANG, assert_no_pii, copy_params, html_text, row, write_csv

SEEDS = ROOT / "seeds"
GOOD = ["城南街道", "翠园街道", "罗市镇"]
BAD = "中心路街道"

pytestmark = pytest.mark.slow


def batch(params: Path, *args: str, check: int | None = None, **kw) -> subprocess.CompletedProcess:
    cmd = [*XINFANG, "batch", "--params", str(params), *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)
    if check is not None:
        assert proc.returncode == check, proc.stdout + proc.stderr
    return proc


def manifest(out: Path, year: int = 2023) -> dict:
    return json.loads((out / str(year) / "manifest.json").read_text(encoding="utf-8"))


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_complete(folder: Path) -> None:
    """No truncated report: every HTML ends as HTML does, every DOCX is a valid zip."""
    for html in folder.glob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert text.rstrip().endswith("</html>"), html
        html_text(html)
    for docx in folder.glob("*.docx"):
        with zipfile.ZipFile(docx) as z:
            assert z.testzip() is None, docx
            assert "word/document.xml" in z.namelist()
    for nb in folder.glob("*.ipynb"):
        json.loads(nb.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def run4(tmp_path_factory):
    """One batch: three good units and one whose notebook fails inside its kernel.

    Every mistake in the params is now caught before any kernel starts, so the failure is
    made where only a kernel sees it: a ``sitecustomize`` on the kernels' path makes loading
    that one unit's report raise.
    """
    base = tmp_path_factory.mktemp("batch")
    out = base / "output"
    params = copy_params(base / "params", out)
    hook = base / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import os\n"
        "if os.environ.get('XINFANG_TEST_FAIL_UNIT'):\n"
        "    import xinfang.report as _r\n"
        "    from xinfang.errors import ParameterError\n"
        "    _real = _r.load_context\n"
        "    def _failing(year, params_dir=None, unit=None, **kw):\n"
        "        if unit == os.environ['XINFANG_TEST_FAIL_UNIT']:\n"
        "            raise ParameterError('framework: 评分框架文件不存在 / the framework file does not exist')\n"
        "        return _real(year, params_dir, unit, **kw)\n"
        "    _r.load_context = _failing\n", encoding="utf-8")
    env = dict(os.environ, XINFANG_TEST_FAIL_UNIT=BAD,
               PYTHONPATH=os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")])))
    only = [a for u in GOOD + [BAD] for a in ("--only", u)]
    proc = batch(params, "--year", "2023", "--by", "unit", "--quiet", *only, env=env)
    return {"base": base, "out": out, "params": params, "proc": proc, "only": only}


def test_each_unit_shows_its_own_figures(run4):
    from xinfang import narrative as nv

    units = run4["out"] / "2023" / "units"
    for unit in GOOD:
        got = subprocess.run([*XINFANG, "indicators", str(SEEDS / "信访事项登记表.csv"), "--year", "2023",
                              "--unit", unit, "--params", str(run4["params"]), "--format", "json"],
                             capture_output=True, text=True, check=True)
        ind = json.loads(got.stdout)["indicators"]
        text = html_text(units / f"{unit}.html")
        assert str(run4["base"]) not in text  # no local paths in the report
        assert f"在国家信访局登记{nv.count(ind['beijing.registered']['value'], '人次')}" in text, unit
        assert f"到国家信访局信访量{nv.count(ind['national.volume']['value'], '件人次')}" in text, unit
        assert f"本单位信访总量{nv.count(ind['total.registrations']['value'], '件次')}" in text, unit
        assert (units / f"{unit}.docx").is_file() and (units / f"{unit}.ipynb").is_file()
        if unit == "城南街道":
            assert ind["beijing.registered"]["value"] == 27
            assert "在国家信访局登记27人次" in text


def test_failing_unit_does_not_stop_the_others(run4):
    proc, units = run4["proc"], run4["out"] / "2023" / "units"
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "失败" in proc.stdout and BAD in proc.stdout
    assert "成功 3，失败 1" in proc.stdout
    for unit in GOOD:
        assert (units / f"{unit}.html").is_file()
    assert not (units / f"{BAD}.html").exists() and not (units / f"{BAD}.docx").exists()
    failed = json.loads((units / f"{BAD}.failed.ipynb").read_text(encoding="utf-8"))
    errors = [o for c in failed["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])
              if o["output_type"] == "error"]
    assert errors and errors[0]["ename"] == "ParameterError"
    m = manifest(run4["out"])
    assert m["reports"][BAD]["status"] == "failed" and "不存在" in m["reports"][BAD]["error"]
    assert {u for u in GOOD if m["reports"][u]["status"] == "ok"} == set(GOOD)


def test_each_unit_has_its_whole_case_lists_beside_its_report(run4):
    import re

    from openpyxl import load_workbook

    units = run4["out"] / "2023" / "units"
    m = manifest(run4["out"])
    for unit in GOOD:
        path = units / f"{unit}_案件清单.xlsx"
        assert m["reports"][unit]["files"]["案件清单"]["path"] == f"units/{unit}_案件清单.xlsx"
        book = load_workbook(path, read_only=True)
        rows = {ws.title: ws.max_row - 1 for ws in book}
        assert list(rows) == ["到国家信访局来访登记", "重复信访事项", "超期件", "即将到期件"]
        text = html_text(units / f"{unit}.html")
        # the report's count of each list is the workbook's number of rows
        said = dict(re.findall(r"本单位(到国家信访局来访登记|重复信访事项)共(\d+)条", text))
        for name, n in said.items():
            assert rows[name] == int(n), (unit, name)


def test_no_personal_data_in_any_output(run4):
    assert_no_pii(run4["out"])


def test_manifest_and_indicators_xlsx(run4):
    from openpyxl import load_workbook

    m = manifest(run4["out"])
    assert {"python", "xinfang", "pandas", "papermill", "nbconvert", "python-docx"} <= set(m["versions"])
    tables = {f["table"]: f for f in m["inputs"]}
    assert tables["信访事项登记表"]["sha256"] == sha(SEEDS / "信访事项登记表.csv") and tables["信访事项登记表"]["rows"] > 0
    entry = m["reports"]["城南街道"]
    assert entry["key"] and entry["hashes"]["params"] and entry["seconds"] > 0
    for info in entry["files"].values():
        assert sha(run4["out"] / "2023" / info["path"]) == info["sha256"]
    wb = load_workbook(run4["out"] / "2023" / "indicators.xlsx", read_only=True)
    assert wb.sheetnames == ["全区指标", "各单位指标", "排名", "得分排名", "自评表", "口径", "明细"]
    self_table = list(wb["自评表"].values)
    assert self_table[0][:3] == ("一级指标", "二级指标", "三级指标") and len(self_table) == 1 + 19 + 1
    assert self_table[-1][0] == "合计" and self_table[-1][6] == 78.03  # the district's 总分
    rows = list(wb["各单位指标"].values)
    head = rows[0]
    by_unit = {r[0]: r for r in rows[1:]}
    assert by_unit["城南街道"][head.index("进京上访在国家信访局登记人次")] == 27
    assert 0 <= by_unit["城南街道"][head.index("参评满意率")] <= 1  # rates as fractions
    scores = list(wb["得分排名"].values)
    assert scores[0][:3] == ("名次", "名次说明", "单位") and len(scores) > 10
    assert scores[1][0] == 1 and scores[1][1].endswith("第1位")
    caliber = [r[3] for r in wb["口径"].values]
    assert any("不计入" in (c or "") for c in caliber)  # the scoring rule, once
    wb.close()


def test_rerun_does_nothing_then_only_the_changed_unit(run4):
    params, out = run4["params"], run4["out"]
    good = [a for u in GOOD for a in ("--only", u)]
    before = {u: sha(out / "2023" / "units" / f"{u}.html") for u in GOOD}
    batch(params, "--year", "2023", "--quiet", *good, check=0)
    assert manifest(out)["last_run"]["run"] == []
    assert sorted(manifest(out)["last_run"]["skipped"]) == sorted(GOOD)
    (params / "2023" / "翠园街道.yaml").write_text('percent_sign: "%"\n', encoding="utf-8")
    batch(params, "--year", "2023", "--quiet", *good, check=0)
    assert manifest(out)["last_run"]["run"] == ["翠园街道"]
    after = {u: sha(out / "2023" / "units" / f"{u}.html") for u in GOOD}
    assert after["城南街道"] == before["城南街道"] and after["翠园街道"] != before["翠园街道"]
    assert "%" in html_text(out / "2023" / "units" / "翠园街道.html")


def test_reports_are_byte_identical_across_clean_runs(run4, tmp_path):
    out = tmp_path / "output"
    params = copy_params(tmp_path / "params", out)
    batch(params, "--year", "2023", "--quiet", "--only", "城南街道", check=0)
    for ext in ("html", "docx"):
        a = run4["out"] / "2023" / "units" / f"城南街道.{ext}"
        b = out / "2023" / "units" / f"城南街道.{ext}"
        assert sha(a) == sha(b), ext


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_killed_batch_resumes(tmp_path, sig):
    out = tmp_path / "output"
    params = copy_params(tmp_path / "params", out)
    # three units, one worker: killed right after the first one finishes, at least one is left
    units = ["城南街道", "罗市镇", "蔡锷乡"]
    only = [a for u in units for a in ("--only", u)]
    cmd = [*XINFANG, "batch", "--params", str(params), "--year", "2023", "--quiet", "--workers", "1", *only]
    # SIGINT back to its default in the child: a shell that runs the tests as a background job
    # starts everything with SIGINT ignored, and the batch would then (rightly) not notice it
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    path = out / "2023" / "manifest.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # kill once the first unit is finished
        if path.exists():
            try:
                if json.loads(path.read_text(encoding="utf-8"))["reports"]:
                    break
            except ValueError:
                pass
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.2)
    time.sleep(0.3)  # into the second unit
    assert proc.poll() is None, "the batch finished before it could be killed"
    os.killpg(proc.pid, sig)
    proc.communicate(timeout=60)
    if sig == signal.SIGINT:
        assert proc.returncode == 130
    folder = out / "2023" / "units"
    assert_complete(folder)
    done = [u for u, e in manifest(out)["reports"].items() if e["status"] == "ok"]
    assert units[0] in done
    assert len(done) < len(units)
    batch(params, "--year", "2023", "--quiet", *only, check=0)
    last = manifest(out)["last_run"]
    assert sorted(last["run"]) == sorted(u for u in units if u not in done)
    assert_complete(folder)
    assert not list(folder.glob(".*.tmp"))
    assert {p.name for p in folder.iterdir()} == ({f"{u}.{e}" for u in units for e in ("ipynb", "html", "docx")}
                                                  | {f"{u}_案件清单.xlsx" for u in units})


def test_unit_names_that_would_leave_the_output_folder_are_refused(tmp_path):
    out = tmp_path / "output"
    params = copy_params(tmp_path / "params", out)
    evil, ctrl = "../../逃逸/单位", "控制\x07单位"
    (params / "units.yaml").write_text(
        "district: 测试区\nunits:\n"
        f"  - {{name: {json.dumps(evil, ensure_ascii=False)}, kind: 乡镇街道}}\n"
        f"  - {{name: {json.dumps(ctrl, ensure_ascii=False)}, kind: 乡镇街道}}\n", encoding="utf-8")
    rows = [row(f"C{i}", f"M{i}", "2023-03-01", unit=u) for i, u in enumerate([evil, ctrl, evil])]
    register = write_csv(tmp_path / "登记表.csv", rows)
    text = (params / "defaults.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  register:.*$", f"  register: {register}", text)
    text = re.sub(r"(?m)^  (campaign|beijing):.*$", r"  \1: null", text)
    (params / "defaults.yaml").write_text(text, encoding="utf-8")
    proc = batch(params, "--year", "2023", "--quiet")
    # the unit register refuses such names before anything runs or is written (the file-name
    # guard, fileio.safe_filename, stays as a second line: tests/test_io.py)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "单位" in proc.stderr and "Traceback" not in proc.stderr
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert all(f.startswith(("params/", "登记表.csv")) for f in files), files
    assert not (tmp_path / "逃逸").exists() and not out.exists()


def test_district_report_per_year(tmp_path):
    out = tmp_path / "output"
    params = copy_params(tmp_path / "params", out)
    batch(params, "--by", "year", "--years", "2022", "2023", "--quiet", check=0)
    for year in (2022, 2023):
        folder = out / str(year)
        stem = f"大祥区_{year}_整体支出绩效评价报告"
        assert {f"{stem}.{e}" for e in ("ipynb", "html", "docx")} <= {p.name for p in folder.iterdir()}
        assert manifest(out, year)["reports"], year
    assert "到国家信访局信访量261件人次" in html_text(out / "2022" / "大祥区_2022_整体支出绩效评价报告.html")
    assert "到国家信访局信访量508件人次" in html_text(out / "2023" / "大祥区_2023_整体支出绩效评价报告.html")
