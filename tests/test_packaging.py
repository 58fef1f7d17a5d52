"""pyproject.toml is the source of truth for dependencies; environment.yml mirrors it."""
from __future__ import annotations

import re
import tomllib

import yaml
from conftest import ROOT


def _name_and_spec(req: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", req)
    return m[1].lower().replace("_", "-"), m[2].replace(" ", "")


def test_environment_yml_names_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_name_and_spec(r) for r in project["dependencies"] + project["optional-dependencies"]["test"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    have: dict[str, str] = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-e") or item.split(">")[0].split("=")[0] in ("python", "pip"):
                continue
            name, spec = _name_and_spec(item)
            have[name] = spec
    assert have == wanted


def test_entry_points_are_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"]["xinfang"] == "xinfang.cli:main"
    exporters = project["entry-points"]["nbconvert.exporters"]
    assert set(exporters) == {"xinfang_html", "xinfang_docx"}


def _imports(module: str) -> set[str]:
    import ast

    tree = ast.parse((ROOT / "xinfang" / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            name = node.module if node.level == 0 else f"xinfang.{node.module}"
            found.add(name.removeprefix("xinfang.") if name.startswith("xinfang.") else name)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_imports_point_one_way():
    # DESIGN.md §2: the calibers import nothing from the presentation or running layers,
    # and no library module imports the command line.
    presentation = {"io", "narrative", "charts", "render", "batch", "cli", "report"}
    for module in ("indicators", "periods", "scoring"):
        assert not (_imports(module) & presentation), module
    for path in (ROOT / "xinfang").glob("*.py"):
        if path.stem != "cli":
            assert "cli" not in _imports(path.stem), path.name


def test_the_pii_check_finds_what_plain_search_finds():
    from conftest import leaked_values

    blob = "报告正文：城南街道张三丰反映，电话13800000000；地址测试路1号。"
    values = ["张三丰", "13800000000", "测试路1号", "李四", "13900000000", "城南街道王五", "丰", "王"]
    assert leaked_values(values, blob) == sorted(v for v in values if v in blob)
    assert leaked_values(values, blob) == ["13800000000", "丰", "张三丰", "测试路1号"]
