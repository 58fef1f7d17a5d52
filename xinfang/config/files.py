"""The files that the merged params name: checked in the parent, before any kernel starts.

- ``units`` must not name a folder (a missing register is reported by
  :func:`xinfang.inputs.read_units`);
- ``framework`` must name a scoring framework file that loads and validates;
- a ``text`` entry set by a year or unit layer (or the command line) must name a file that
  exists, in ``params/<year>/`` (year layer) or ``params/<year>/<unit>/`` (unit layer); the
  defaults' entries are optional (the report then says the chapter was not provided);
- every Markdown file a report will read must be UTF-8 (and small);
- a ``.md`` file in the report's folder that no ``text`` key reads is a warning (logger
  ``xinfang``) that names it and lists the expected names.
"""
from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any, Mapping

from ..errors import ParameterError
from .sources import text_folder
from .strict_yaml import load_yaml, read_text

log = logging.getLogger("xinfang")

#: the source name of the command-line layer
CLI = "命令行 / command line"
DEFAULTS = "defaults.yaml"

_warned: set[str] = set()


def _resolve(params: Mapping, relative: str) -> Path:
    p = Path(relative)
    return p if p.is_absolute() else (Path(params["params_dir"]) / p).resolve()


def check_files(params: Mapping[str, Any], origin: Mapping[tuple, str]) -> None:
    """Check the files ``params`` (merged, validated by the schema) name; see the module doc."""
    units = _resolve(params, params["units"])
    if units.is_dir():
        raise ParameterError(f"{origin.get(('units',), DEFAULTS)}: units: 「{units}」是文件夹，应为单位名册 YAML 文件"
                             f" / is a folder; name the unit register file (e.g. units.yaml)")
    if params.get("framework"):
        framework = _resolve(params, params["framework"])
        where = f"{origin.get(('framework',), DEFAULTS)}: framework"
        if framework.is_dir():
            raise ParameterError(f"{where}: 「{framework}」是文件夹 / is a folder, not a framework file")
        if not framework.exists():
            raise ParameterError(f"{where}: 指标体系文件不存在 / framework file not found: {framework}")
        stat = framework.stat()
        _framework(str(framework), stat.st_mtime_ns, stat.st_size)
    _check_rectification(params, origin)
    _check_text(params, origin)


def _check_rectification(params: Mapping[str, Any], origin: Mapping[tuple, str]) -> None:
    """The 整改要求 lines are read by every unit report and bulletin: a mistake in them is one
    error before any report starts, not one failure per report."""
    if not params.get("rectification"):
        return
    path = _resolve(params, params["rectification"])
    if not path.is_file():
        return  # an absent file is a gap the report says, not an error
    doc = load_yaml(path)
    if doc is not None and not isinstance(doc, Mapping):
        raise ParameterError(f"{path}: 整改要求应为“指标 key: 一条要求”的映射 / must map indicator keys to lines")


@functools.lru_cache(maxsize=8)
def _framework(path: str, mtime_ns: int, size: int) -> None:
    """Load and validate a framework once per version of the file."""
    from .schema import indicator_keys
    from ..scoring import parse_framework

    parse_framework(load_yaml(path), indicator_keys(), file=Path(path).name)


def _check_text(params: Mapping[str, Any], origin: Mapping[tuple, str]) -> None:
    text = params.get("text") or {}
    unit = params.get("unit")
    folder = text_folder(params, unit)
    for key, name in text.items():
        if not name:
            continue
        source = origin.get(("text", str(key)), DEFAULTS)
        if source != DEFAULTS:
            layer_unit = unit if (source == CLI or source.count("/") >= 1) else None
            expected = text_folder(params, layer_unit) / name
            if not expected.is_file():
                raise ParameterError(f"{source}: text.{key}: 文件不存在，应在 / file not found, expected at: {expected}")
        path = folder / name
        if path.is_file():
            read_text(path, what="Markdown")  # UTF-8 and size, as the report will read it
    if folder.is_dir():
        _warn_unread(folder, {str(v) for v in text.values() if v})


def _warn_unread(folder: Path, read: set[str]) -> None:
    expected = "、".join(sorted(read)) or "（无 / none）"
    for md in sorted(folder.glob("*.md")):
        if md.name in read or str(md) in _warned:
            continue
        _warned.add(str(md))
        log.warning(f"警告 / warning: {md}: 没有 text 参数读取此文件，将被忽略（可读取的文件名：{expected}）"
                    f" / no text key reads this file, it is ignored (expected names: {expected})")
