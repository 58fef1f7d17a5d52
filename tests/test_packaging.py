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


def _files(module: str) -> list:
    """The source files of a top-level module of xinfang: ``name.py``, or every file of ``name/``."""
    package = ROOT / "xinfang" / module
    return sorted(package.rglob("*.py")) if package.is_dir() else [ROOT / "xinfang" / f"{module}.py"]


def _imports(module: str) -> set[str]:
    """The top-level xinfang modules (``inputs``, ``periods`` …) and outside packages a module
    or package imports, relative imports resolved from where each file stands."""
    import ast

    found = set()
    for path in _files(module):
        here = path.relative_to(ROOT).with_suffix("").parts  # ("xinfang", "inputs", "load")
        package = here[:-1] if path.name != "__init__.py" else here[:-1]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[:len(package) - (node.level - 1)]
                    parts = [*base, *(node.module.split(".") if node.module else [])]
                    if len(parts) == 1:  # from . import charts
                        names = [a.name for a in node.names]
                    else:
                        names = [parts[1]]
                else:
                    parts = node.module.split(".")
                    names = [parts[1]] if parts[0] == "xinfang" and len(parts) > 1 else [node.module]
                    if parts == ["xinfang"]:
                        names = [a.name for a in node.names]
                found.update(n for n in names if n != module)
            elif isinstance(node, ast.Import):
                for a in node.names:
                    parts = a.name.split(".")
                    found.add(parts[1] if parts[0] == "xinfang" and len(parts) > 1 else a.name)
    return found


def _modules() -> list[str]:
    root = ROOT / "xinfang"
    return sorted({p.stem for p in root.glob("*.py") if p.stem != "__init__"}
                  | {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()})


def test_imports_point_one_way():
    # DESIGN.md §2: the calibers import nothing from the input layer, the budget, the
    # presentation or running layers, and no library module imports the command line.
    later = {"inputs", "budget", "narrative", "charts", "render", "batch", "run", "cli", "report"}
    for module in ("indicators", "periods", "scoring"):
        assert not (_imports(module) & later), (module, _imports(module) & later)
    # the input layer reads and validates: it knows nothing of the calibers or the report
    assert not (_imports("inputs") & (later | {"indicators", "scoring"}) - {"inputs"}), _imports("inputs")
    for module in _modules():
        if module != "cli":
            assert "cli" not in _imports(module), module


def test_import_checker_sees_relative_imports_of_packages():
    assert {"periods", "result"} <= _imports("indicators")
    assert {"errors", "fileio", "params", "periods"} <= _imports("inputs")
    assert "inputs" in _imports("budget") and "indicators" in _imports("scoring")
    assert {"inputs", "indicators"} <= set(_modules())


def test_the_pii_check_finds_what_plain_search_finds():
    from conftest import leaked_values

    blob = "报告正文：城南街道张三丰反映，电话13800000000；地址测试路1号。"
    values = ["张三丰", "13800000000", "测试路1号", "李四", "13900000000", "城南街道王五", "丰", "王"]
    assert leaked_values(values, blob) == sorted(v for v in values if v in blob)
    assert leaked_values(values, blob) == ["13800000000", "丰", "张三丰", "测试路1号"]


def test_every_package_is_in_the_wheel():
    """pyproject lists the packages by name: a new package folder left out of it would work in
    the editable install and be missing from a built wheel."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {"xinfang"} | {"xinfang." + ".".join(p.parent.relative_to(ROOT / "xinfang").parts)
                           for p in (ROOT / "xinfang").rglob("__init__.py") if p.parent != ROOT / "xinfang"}
    assert found | {"xinfang.notebooks"} == listed


def test_everything_imported_is_declared():
    """Every third-party module the library imports belongs to a declared dependency."""
    import ast
    import sys
    from importlib.metadata import packages_distributions

    declared = {_name_and_spec(r)[0] for r in
                tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]}
    dists = packages_distributions()
    missing = set()
    for path in (ROOT / "xinfang").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in ("xinfang", "__future__"):
                    continue
                owners = {d.lower().replace("_", "-") for d in dists.get(top, [])}
                if not owners & declared:
                    missing.add((path.name, top))
    assert not missing, sorted(missing)
