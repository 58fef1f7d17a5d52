"""No private name of a dependency outside xinfang/compat.py, and what compat.py relies on.

The guard reads every module of the package with :mod:`ast`. A private name is one with a
single leading underscore (``_blob``, not ``__init__``). Forbidden outside ``compat.py``:

* ``x._name`` where ``_name`` is not a private name xinfang itself defines (a module-level or
  class-level name, a function, method or class, an attribute set on ``self`` / ``cls``): such
  an attribute can only belong to another package — python-docx's ``Paragraph._p``,
  nbconvert's ``_init_resources``, papermill's ``_processes``;
* ``x._name`` on anything imported from a dependency, even when xinfang defines the same name;
* ``from dep import _name``, ``import dep._mod``, ``from dep._mod import name``.

One stdlib name with an underscore is public and allowed: ``os._exit``.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "xinfang"
COMPAT = PACKAGE / "compat.py"
DEPENDENCIES = {"docx", "nbconvert", "jupyter_client", "papermill", "nbclient", "nbformat"}
#: public stdlib API whose name starts with an underscore: (module, attribute)
ALLOWED = {("os", "_exit")}


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def defined_names(tree: ast.Module) -> set[str]:
    """The private names a module makes reachable as attributes: module- and class-level
    names, functions, methods, classes, and attributes it sets on ``self`` or ``cls``."""
    names: set[str] = set()

    def scope(body: list[ast.stmt]) -> None:  # module or class body
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
                if isinstance(node, ast.ClassDef):
                    scope(node.body)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.If, ast.Try)):
                scope(node.body + node.orelse + getattr(node, "finalbody", [])
                      + [s for h in getattr(node, "handlers", []) for s in h.body])

    scope(tree.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):  # also classes made inside a function
            names.add(node.name)
            scope(node.body)
        if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}):
            names.add(node.attr)
    return {n for n in names if private(n)}


def dependency_bindings(tree: ast.Module) -> set[str]:
    """Names bound to a dependency or to something imported from one (``import docx``,
    ``from jupyter_client.manager import AsyncKernelManager``), anywhere in the module."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names
                         if a.name.split(".")[0] in DEPENDENCIES)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] in DEPENDENCIES:
                bound.update(a.asname or a.name for a in node.names)
    return bound


def violations(source: str, own: set[str]) -> list[str]:
    """Every use of a dependency's private name in ``source``, given xinfang's own private names."""
    tree = ast.parse(source)
    deps = dependency_bindings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and private(node.attr):
            base = node.value.id if isinstance(node.value, ast.Name) else None
            if (base, node.attr) in ALLOWED:
                continue
            if node.attr not in own or base in deps:
                found.append(f"line {node.lineno}: .{node.attr}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] in DEPENDENCIES and any(private(p) for p in parts):
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] in DEPENDENCIES:
                names = [a.name for a in node.names if private(a.name)]
                if any(private(p) for p in parts) or names:
                    found.append(f"line {node.lineno}: from {node.module} import {', '.join(names) or '…'}")
    return found


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def own_private_names() -> set[str]:
    names: set[str] = set()
    for path in modules():
        names |= defined_names(ast.parse(path.read_text(encoding="utf-8")))
    return names


def test_no_private_name_of_a_dependency_outside_compat():
    own = own_private_names()
    found = {str(path.relative_to(ROOT)): [v.split(": ", 1)[1] for v in found]
             for path in modules() if path != COMPAT
             for found in [violations(path.read_text(encoding="utf-8"), own)] if found}
    assert found == {}


@pytest.mark.parametrize("source", [
    "rel.target_part._blob = b''",                              # python-docx Part._blob
    "p._p.append(x)",                                          # python-docx Paragraph._p
    "exporter._init_resources(resources)",                     # nbconvert
    "for p in papermill_engines._processes: pass",             # papermill (on an object)
    "from papermill.iorw import _ensure_dir",
    "from nbconvert.exporters._private import thing",
    "import jupyter_client._version",
    "import nbformat\nnbformat._helper()",
    "from docx.text.run import Run\nRun._own",                 # a name xinfang defines, on a dependency
])
def test_the_guard_finds_private_names_of_dependencies(source):
    assert violations(source, own={"_own"}) != []


@pytest.mark.parametrize("source", [
    "self._cache = {}\nself._cache.clear()",
    "import os\nos._exit(1)",
    "table._repr_mimebundle_()",                               # defined by xinfang (display)
    "obj.__dict__\nobj.__class__.__name__",                    # dunders are not private
    "from .framework import _to_decimal\n_to_decimal('1')",    # xinfang's own module
    "import docx\ndocx.Document()",
])
def test_the_guard_lets_xinfang_own_names_and_public_ones_pass(source):
    assert violations(source, own={"_cache", "_repr_mimebundle_"}) == []


def test_own_names_are_those_reachable_as_attributes():
    tree = ast.parse("_TABLE = 1\nclass _A:\n    _slot = 2\n    def _m(self):\n        self._x = 1\n"
                     "        _local = 3\n        other._y = 4\n"
                     "def f(_arg):\n    _inner = 5\n    class B:\n        def _n(self): pass\n")
    assert defined_names(tree) == {"_TABLE", "_A", "_slot", "_m", "_x", "_n"}


# -- what compat.py relies on, checked against the installed versions -------------------------


def test_paragraph_element_is_the_w_p_element():
    from docx import Document
    from docx.oxml.ns import qn

    from xinfang.compat import paragraph_element

    doc = Document()
    p = doc.add_paragraph("文本")
    element = paragraph_element(p)
    assert element.tag == qn("w:p")
    assert element.getparent() is doc.element.body and element.xpath("string(.)") == "文本"
