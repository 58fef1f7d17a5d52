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
    or package imports anywhere, relative imports resolved from where each file stands."""
    import ast

    found = set()
    for path in _files(module):
        package = path.relative_to(ROOT).with_suffix("").parts[:-1]  # ("xinfang", "inputs")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[:len(package) - (node.level - 1)]
                    parts = [*base, *(node.module.split(".") if node.module else [])]
                else:
                    parts = node.module.split(".")
                if parts == ["xinfang"]:  # from xinfang import charts / from . import charts
                    names = [a.name for a in node.names]
                elif parts[0] == "xinfang":
                    names = [parts[1]]
                else:
                    names = [parts[0]]
            elif isinstance(node, ast.Import):
                names = [a.name.split(".")[1] if a.name.startswith("xinfang.") else a.name.split(".")[0]
                         for a in node.names]
            else:
                continue
            found.update(n for n in names if n != module)
    return found


def _modules() -> list[str]:
    """The top-level modules and packages of xinfang."""
    root = ROOT / "xinfang"
    return sorted({p.stem for p in root.glob("*.py") if p.stem != "__init__"}
                  | {p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists()})


def test_imports_point_one_way():
    # docs/architecture.md §2: data flows file → inputs → indicators → report → render → run → cli.
    # The calibers import nothing from the input layer, the budget, the presentation or the
    # running layers; the input layer knows nothing of the calibers or the report; render reads
    # notebooks and knows nothing of how reports are computed; nothing below run/ imports it,
    # and no library module imports the command line.
    later = {"inputs", "budget", "narrative", "charts", "render", "run", "cli", "report", "workbook"}
    for module in ("indicators", "periods", "scoring"):
        assert not (_imports(module) & later), (module, _imports(module) & later)
    assert not _imports("inputs") & (later | {"indicators", "scoring"}), _imports("inputs")
    assert not _imports("render") & {"inputs", "indicators", "scoring", "report", "run", "cli", "charts"}
    # the block model is the bottom of the presentation: blocks imports nothing of xinfang,
    # display (its serialiser) only blocks
    assert not _imports("blocks") & set(_modules()), _imports("blocks")
    assert _imports("display") & set(_modules()) == {"blocks"}, "display imports only the block model"
    for module in _modules():
        if module not in ("run", "cli"):
            assert "run" not in _imports(module), module
        if module != "cli":
            assert "cli" not in _imports(module), module


def test_import_checker_sees_relative_imports_of_packages():
    assert {"periods", "result"} <= _imports("indicators")
    assert {"errors", "fileio", "params", "periods"} <= _imports("inputs")
    assert "inputs" in _imports("budget") and "indicators" in _imports("scoring")
    assert {"render", "report", "fileio"} <= _imports("run")
    assert {"inputs", "indicators", "report", "render", "run"} <= set(_modules())


#: Modules that exist only on POSIX systems (Windows has none of them).
POSIX_ONLY = {"resource", "fcntl", "termios", "pwd", "grp", "pty", "tty", "posix"}


def test_no_posix_only_module_at_import_time():
    # xinfang runs on Windows desks: what the command line imports never imports a POSIX-only
    # module at module level (inside a function, guarded, it may); the Linux fork server
    # (run/zygote.py) is imported only where it is used
    import ast

    for path in [ROOT / "xinfang" / "cli.py", ROOT / "xinfang" / "cli_support.py", *_files("run")]:
        top = set()
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                top.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top.add(node.module.split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.level and node.module:
                top.add(node.module)
        assert not top & POSIX_ONLY, (path.name, top & POSIX_ONLY)
        if path.name != "zygote.py":
            assert "zygote" not in top, path.name


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
