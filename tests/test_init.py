"""``xinfang init``: another district's params folder from its export, used with no edit."""
from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, XINFANG, docx_text, html_text, leaked_values, row, write_csv

import other_district as other
from xinfang.init import guess_kind, init_district, is_short_form, propose_units


# ------------------------------------------------------------------------------ proposals


def test_kind_follows_the_ending_of_the_name():
    assert [guess_kind(n) for n in ("青山街道", "江口镇", "石门乡", "青山街道办事处", "区教育局", "城南")] == \
        ["乡镇街道", "乡镇街道", "乡镇街道", "乡镇街道", "区直部门", "区直部门"]


def test_short_forms():
    assert is_short_form("城南", "城南街道")
    assert is_short_form("区住建局", "区住房和城乡建设局")
    assert is_short_form("区人社局", "区人力资源和社会保障局")
    assert not is_short_form("区教育局", "区住房和城乡建设局")   # characters not in order
    assert not is_short_form("城南街道", "城南")                 # the longer is never the short form
    assert not is_short_form("城南", "城南路社区")                # a prefix, but not a town's ending


def test_an_alias_is_proposed_only_where_the_short_form_has_one_long_form():
    units = propose_units({"城南街道": 10, "城南": 2, "区住房和城乡建设局": 5, "区住建局": 3, "区教育局": 4,
                           "湖滨镇": 7, "区局": 1, "区人社局": 1})
    by_name = {u.name: u for u in units}
    # 区局 reads as a short form of three departments: it stays a unit, with a note
    assert list(by_name) == ["城南街道", "湖滨镇", "区住房和城乡建设局", "区教育局", "区人社局", "区局"]
    assert by_name["城南街道"].aliases == ["城南"] and by_name["城南街道"].rows == 10
    assert by_name["区住房和城乡建设局"].aliases == ["区住建局"]
    assert by_name["区人社局"].aliases == [] and by_name["区人社局"].kind == "区直部门"
    assert any("可能是" in n for n in by_name["区局"].notes)
    assert [u.kind for u in units] == ["乡镇街道"] * 2 + ["区直部门"] * 4


# ------------------------------------------------------------------------------ the folder


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> Path:
    return other.write_export(tmp_path_factory.mktemp("export") / "青山区登记表.xlsx")


def _all_text(folder: Path) -> str:
    texts = []
    for path in folder.rglob("*"):
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as z:
                texts.extend(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
        elif path.is_file() and path.suffix != ".png":
            texts.append(path.read_bytes().decode("utf-8", errors="ignore"))
    return "\n".join(texts)


def test_init_writes_a_folder_that_validates_with_no_edit(tmp_path, export):
    folder = tmp_path / "params"
    proc = subprocess.run([*XINFANG, "init", str(folder), "--register", str(export), "--district", "青山区",
                           "--city", "江城市"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert f"xinfang report --year 2025 --params {folder}" in proc.stdout
    stdout = proc.stdout
    assert "10 个单位（乡镇街道 6，区直部门 4），别名 1 个；登记表 690 行，登记日期 2024-01-02 至 2025-12-30" in proc.stdout
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    texts = ["2025/" + n for n in ("下步打算.md", "主要做法.md", "存在问题.md", "开头.md", "组织实施.md", "评价依据.md",
                                   "评价对象和范围.md", "评价方法.md", "评价目的.md", "访情分析.md", "部门概况.md")]
    assert written == sorted(["defaults.yaml", "units.yaml", "rectification.yaml", "scoring/default.yaml",
                              "assessment/default.yaml", *texts])
    assert all((folder / t).read_bytes() == b"" for t in texts)
    defaults = yaml.safe_load((folder / "defaults.yaml").read_text(encoding="utf-8"))
    assert defaults["district"] == "青山区" and defaults["city"] == "江城市" and defaults["bureau"] == "青山区信访局"
    assert defaults["data"] == {"register": f"../../{export.parent.name}/青山区登记表.xlsx", "campaign": None,
                                "beijing": None, "budget": None}  # relative: the folder and the export move together
    assert (folder / defaults["data"]["register"]).resolve() == export.resolve()
    assert defaults["framework"] == "scoring/default.yaml" and defaults["rectification"] == "rectification.yaml"
    assert defaults["targets"]["handling.on_time_reply"] == 1.0
    units = yaml.safe_load((folder / "units.yaml").read_text(encoding="utf-8"))
    assert units["district"] == "青山区"
    assert {u["name"]: (u["kind"], u["aliases"]) for u in units["units"]} == {
        **{t: ("乡镇街道", []) for t in other.TOWNS},
        **{d: ("区直部门", ["区住建局"] if d == "区住房和城乡建设局" else []) for d in other.DEPARTMENTS}}
    lines = [line for line in (folder / "units.yaml").read_text(encoding="utf-8").splitlines() if "{name:" in line]
    assert len(lines) == 10 and all("# 请核对 / review:" in line for line in lines)
    assert leaked_values(other.pii_values(), _all_text(folder) + stdout) == []

    assert f"xinfang validate {export} --params {folder}" in proc.stdout
    proc = subprocess.run([*XINFANG, "validate", str(export), "--params", str(folder)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "690 行" in proc.stdout


def test_the_templates_ship_in_the_package_and_equal_the_sample_files():
    from importlib import resources

    base = resources.files("xinfang.init") / "templates"
    for name in ("scoring/default.yaml", "assessment/default.yaml", "rectification.yaml"):
        assert (base / name).read_bytes() == (ROOT / "params" / name).read_bytes(), name
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"xinfang.init"' in text and '"templates/*.yaml"' in text


def test_an_existing_folder_is_not_overwritten_without_force(tmp_path, export):
    folder = tmp_path / "青山区"
    folder.mkdir()
    (folder / "units.yaml").write_text("mine\n", encoding="utf-8")
    proc = subprocess.run([*XINFANG, "init", str(folder), "--register", str(export)], capture_output=True, text=True)
    assert proc.returncode == 2 and "--force" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["units.yaml"]
    assert (folder / "units.yaml").read_text(encoding="utf-8") == "mine\n"

    (folder / "notes.txt").write_text("kept\n", encoding="utf-8")
    proc = subprocess.run([*XINFANG, "init", str(folder), "--register", str(export), "--force"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "青山区（取自文件夹名 / from the folder's name）" in proc.stdout  # the district from the folder
    assert (folder / "units.yaml").read_text(encoding="utf-8").startswith("# 责任单位名册")
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "kept\n"
    assert [p.name for p in tmp_path.iterdir()] == ["青山区"]  # no staging folder left


def test_an_export_that_does_not_validate_writes_nothing(tmp_path):
    export = write_csv(tmp_path / "登记表.csv", [row("A1", "M1", "2024-03-01"), row("A2", "M2", "2024-13-01")])
    proc = subprocess.run([*XINFANG, "init", str(tmp_path / "params"), "--register", str(export)],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "登记日期" in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["登记表.csv"]


def test_a_year_whose_data_end_before_december_ends_its_period_there(tmp_path):
    export = write_csv(tmp_path / "登记表.csv", [row("A1", "M1", "2024-03-01", unit="城南"),
                                                row("A2", "M2", "2024-06-30", unit="城南街道")])
    result = init_district(tmp_path / "params", export, district="测试区")
    assert (result.first.isoformat(), result.last.isoformat(), result.year) == ("2024-03-01", "2024-06-30", 2024)
    doc = yaml.safe_load((tmp_path / "params" / "2024.yaml").read_text(encoding="utf-8"))
    assert doc == {"period_end": "2024-06-30"}
    assert [(u.name, u.aliases) for u in result.units] == [("城南街道", ["城南"])]


@pytest.mark.slow
def test_report_and_batch_run_on_what_init_wrote(tmp_path, export):
    """The acceptance of issue 22: init, then report and batch with no hand edit; the district
    report has its 评分表 and targets, unit reports their 整改要求; no personal data anywhere."""
    folder = tmp_path / "params"
    assert subprocess.run([*XINFANG, "init", str(folder), "--register", str(export), "--district", "青山区"],
                          capture_output=True).returncode == 0
    proc = subprocess.run([*XINFANG, "report", "--year", "2025", "--params", str(folder)], capture_output=True,
                          text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = tmp_path / "output" / "2025"
    text = html_text(out / "青山区_2025_整体支出绩效评价报告.html")
    assert "绩效评价指标评分表" in text and "绩效目标完成情况" in text and "目标值" in text
    proc = subprocess.run([*XINFANG, "batch", "--year", "2025", "--by", "unit", "--params", str(folder), "--quiet",
                           "--workers", "2"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    reports = sorted(p.stem for p in (out / "units").glob("*.docx"))
    assert reports == sorted(other.UNITS)
    # 江口镇 and 区人社局 accept and reply late in the export: their 整改要求 say so
    rectification = yaml.safe_load((folder / "rectification.yaml").read_text(encoding="utf-8"))
    unit_text = docx_text(out / "units" / "江口镇.docx")
    # each 整改要求 line carries the params' line for its indicator (inside the unit's own sentence)
    assert "整改要求" in unit_text and rectification["handling.on_time_reply"].rstrip("。") in unit_text
    assert leaked_values(other.pii_values(), _all_text(tmp_path / "output")) == []


def test_init_writes_the_sample_values_but_names_and_data(tmp_path, export):
    """docs/参数说明.md promises it: init's defaults.yaml is the sample's but for the district's
    names and its export, so the two templates cannot drift apart."""
    init_district(tmp_path / "params", export, district="青山区")
    mine = yaml.safe_load((tmp_path / "params" / "defaults.yaml").read_text(encoding="utf-8"))
    sample = yaml.safe_load((ROOT / "params" / "defaults.yaml").read_text(encoding="utf-8"))
    names = ("district", "city", "bureau", "data", "bulletin")
    assert list(mine) == list(sample)
    assert {k: v for k, v in mine.items() if k not in names} == {k: v for k, v in sample.items() if k not in names}
    # the 通报's own names are the district's: its office, and what only the bureau can fill in
    own = ("signature", "code", "duban_code", "cc", "contact", "phone")
    assert list(mine["bulletin"]) == list(sample["bulletin"])
    assert ({k: v for k, v in mine["bulletin"].items() if k not in own}
            == {k: v for k, v in sample["bulletin"].items() if k not in own})
    assert mine["bulletin"]["signature"] == "青山区信访工作联席会议办公室"
    assert [mine["bulletin"][k] for k in own[1:]] == [None, None, [], None, None]
