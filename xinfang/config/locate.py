"""Finding the params folder when none is given, the way git finds ``.git``.

:func:`find_params_dir` looks, in order:

1. at the ``XINFANG_PARAMS`` environment variable (it must name a params folder: a wrong value
   is an error, never silently passed over);
2. walking up from the working directory (``start``) for a folder ``params/`` that holds a
   ``defaults.yaml`` (the directory itself counts when it *is* such a folder);
3. walking up from the notebook's own folder (``notebook_dirs``; :func:`notebook_dirs` gives
   the folder of the notebook JupyterLab runs, ``JPY_SESSION_NAME``, and the folder the report
   notebook ships in).

So ``papermill notebooks/report.ipynb out.ipynb -p year 2023`` finds ``params/`` from the
repository root and from ``notebooks/`` alike, and ``xinfang report`` works from any folder
inside a project.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import ParameterError

log = logging.getLogger("xinfang")

#: The environment variable that names the params folder.
ENV_VAR = "XINFANG_PARAMS"
#: The folder name looked for, and the file that makes a folder a params folder.
FOLDER = "params"
MARKER = "defaults.yaml"


def is_params_dir(path: str | Path) -> bool:
    """True when ``path`` is a folder holding ``defaults.yaml``."""
    return (Path(path) / MARKER).is_file()


def _walk_up(start: Path) -> Iterator[Path]:
    """``start``'s own params folder (if it is one), then ``params/`` in it and each parent."""
    start = start.resolve()
    if start.name == FOLDER:
        yield start
    for folder in (start, *start.parents):
        yield folder / FOLDER


def notebook_dirs() -> list[Path]:
    """Folders a running notebook may live in: JupyterLab's ``JPY_SESSION_NAME`` (the
    notebook's path), then the folder of the shipped report notebook (``notebooks/`` of an
    editable install)."""
    dirs = []
    session = os.environ.get("JPY_SESSION_NAME")
    if session:
        dirs.append(Path(session).parent)
    try:
        from importlib import resources

        dirs.append(Path(str(resources.files("xinfang.notebooks"))))
    except (ImportError, TypeError):  # pragma: no cover - a broken install
        pass
    return dirs


def find_params_dir(start: str | Path | None = None, *, notebook: Iterable[str | Path] = ()) -> Path:
    """The params folder: ``XINFANG_PARAMS``, else the nearest ``params/`` (with a
    ``defaults.yaml``) walking up from ``start`` (default: the working directory), else
    walking up from each folder of ``notebook``.

    The folder found is logged (logger ``xinfang``, INFO: the command line shows it on stderr),
    so that a command run in the wrong place says which district's parameters it read.
    Raises :class:`~xinfang.errors.ParameterError` (exit code 2) naming what was searched
    and how to say where the folder is.

    >>> import tempfile, pathlib
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "params").mkdir(); _ = (root / "params" / "defaults.yaml").write_text("{}")
    >>> (root / "notebooks").mkdir()
    >>> find_params_dir(root / "notebooks") == (root / "params").resolve()
    True
    """
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env).expanduser()
        if not is_params_dir(path):
            raise ParameterError(f"环境变量 {ENV_VAR}={env} 不是参数目录（其中没有 {MARKER}）/ "
                                 f"{ENV_VAR} does not name a params folder (no {MARKER} in it)")
        log.info("参数目录 / params folder: %s（环境变量 / from %s）", path.resolve(), ENV_VAR)
        return path.resolve()
    start = Path.cwd() if start is None else Path(start)
    searched = [start, *(Path(d) for d in notebook)]
    for base in searched:
        for candidate in _walk_up(base):
            if is_params_dir(candidate):
                log.info("参数目录 / params folder: %s（自 %s 向上查找 / found walking up from there；"
                         "另一参数目录请用 --params 或 %s / another one: --params or %s）",
                         candidate.resolve(), base.resolve(), ENV_VAR, ENV_VAR)
                return candidate.resolve()
    where = "、".join(str(p) for p in dict.fromkeys(str(b.resolve()) for b in searched))
    raise ParameterError(
        f"找不到参数目录：{where} 及其上级目录中都没有 {FOLDER}/{MARKER}。请用 --params 指定参数目录"
        f"（笔记本中为 params_dir），或设置环境变量 {ENV_VAR}。/ no params folder found in {where} or "
        f"above: give --params DIR (params_dir in a notebook) or set {ENV_VAR}.")


def params_dir_or_find(params_dir: str | Path | None) -> Path:
    """``params_dir`` when given, else :func:`find_params_dir` from the working directory and
    then from the notebook's folder (what a notebook's ``params_dir = None`` means)."""
    if params_dir is not None:
        return Path(params_dir)
    return find_params_dir(notebook=notebook_dirs())
