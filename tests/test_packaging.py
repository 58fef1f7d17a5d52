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
    """What ``module`` (``"report"``, ``"run.batch"``) imports anywhere, as names inside xinfang."""
    import ast

    path = ROOT / "xinfang" / f"{module.replace('.', '/')}.py"
    package = module.rpartition(".")[0].split(".") if "." in module else []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 0:
                name = node.module
            else:  # relative: from the module's package, up level - 1
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                name = ".".join(["xinfang", *base, *([node.module] if node.module else [])])
            found.add(name.removeprefix("xinfang.") if name.startswith("xinfang.") else name)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def _modules() -> list[str]:
    """Every module of the package, as ``"report"`` or ``"run.batch"``."""
    return [p.relative_to(ROOT / "xinfang").with_suffix("").as_posix().replace("/", ".")
            for p in sorted((ROOT / "xinfang").rglob("*.py"))]


def _top(name: str) -> str:
    return name.split(".")[0]


def test_imports_point_one_way():
    # DESIGN.md §2: the calibers import nothing from the presentation or running layers,
    # and no library module imports the command line.
    presentation = {"io", "narrative", "charts", "render", "run", "cli", "report"}
    for module in ("indicators", "periods", "scoring"):
        assert not ({_top(n) for n in _imports(module)} & presentation), module
    for module in _modules():
        if module != "cli":
            assert "cli" not in _imports(module), module
    # run/ sits above render and report: nothing it runs imports it back
    for module in _modules():
        if _top(module) not in ("run", "cli", "__init__"):
            assert "run" not in {_top(n) for n in _imports(module)}, module


#: Modules that exist only on POSIX systems (Windows has none of them).
POSIX_ONLY = {"resource", "fcntl", "termios", "pwd", "grp", "pty", "tty", "posix"}


def test_no_posix_only_module_at_import_time():
    # xinfang runs on Windows desks: what the command line imports never imports a POSIX-only
    # module at module level (inside a function, guarded, it may); the Linux fork server
    # (run/zygote.py) is imported only where it is used
    import ast

    for module in ["cli"] + [m for m in _modules() if _top(m) == "run"]:
        tree = ast.parse((ROOT / "xinfang" / f"{module.replace('.', '/')}.py").read_text(encoding="utf-8"))
        top = set()
        for node in tree.body:
            if isinstance(node, ast.Import):
                top.update(_top(a.name) for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top.add(_top(node.module))
            elif isinstance(node, ast.ImportFrom) and node.level and node.module:
                top.add(node.module)
        assert not top & POSIX_ONLY, (module, top & POSIX_ONLY)
        if module != "run.zygote":
            assert "zygote" not in top, module
