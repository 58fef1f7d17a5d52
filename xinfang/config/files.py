"""The files that the merged params name: checked in the parent, before any kernel starts.

- ``units`` must not name a folder (a missing register is reported by
  :func:`xinfang.inputs.read_units`);
- ``framework`` must name a scoring framework file that loads and validates;
- a ``text`` entry set by a year or unit layer (or the command line) must name a file that
  exists, in ``params/<year>/`` (year layer) or ``params/<year>/<unit>/`` (unit layer); the
  defaults' entries are optional (the report then says the chapter was not provided);
- every Markdown file a report will read must be UTF-8 (and small);
- a ``.md`` file in the report's folder that no ``text`` key reads is a warning (logger
  ``xinfang``) that names it and lists the expected names;
- a unit layer ``params/<year>/<name>.yaml`` or text folder ``params/<year>/<name>/`` must name
  a unit of the register by its official name (:func:`check_unit_names`): a file that names no
  unit, or an alias, would be skipped by every report without a word.
"""
from __future__ import annotations

import difflib
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


def check_unit_names(params: Mapping[str, Any]) -> None:
    """Every ``<year>/<name>.yaml`` and ``<year>/<name>/`` of the params folder names a unit of
    the register by its official name (as a file name: :func:`xinfang.fileio.safe_filename`).

    Folders that other keys name are allowed (the first part of ``bulletin.requirements_text``
    or of a ``text`` entry, such as ``通报/``), as are hidden files and folders. Raises one
    :class:`ParameterError` listing every wrong name, each with the official name to use:
    the alias's unit, or the closest name of the register.
    """
    from ..fileio import safe_filename
    from ..inputs.units import read_units
    folder = Path(params["params_dir"]) / str(params["year"])
    if not folder.is_dir():
        return
    named = [str((params.get("bulletin") or {}).get("requirements_text") or "")]
    named += [str(v) for v in (params.get("text") or {}).values() if v]
    allowed = {Path(n).parts[0] for n in named if len(Path(n).parts) > 1}
    candidates = [(p.name, p.name) for p in folder.iterdir() if p.is_dir()]
    candidates += [(p.stem, p.name) for p in folder.glob("*.yaml")]
    candidates = [c for c in candidates if not c[0].startswith(".") and c[0] not in allowed]
    if not candidates:
        return
    register = _resolve(params, params["units"])
    if not register.is_file():
        return  # reading the inputs reports a missing register
    units = read_units(register)
    official = {safe_filename(n): n for n in units.names}
    problems = []
    for name, shown in sorted(candidates):
        if name in official:
            continue
        canonical = units.canonical(name)
        where = f"{folder.name}/{shown}"
        if canonical is not None:
            right = f"{folder.name}/{safe_filename(canonical)}{'.yaml' if shown.endswith('.yaml') else ''}"
            problems.append(f"{where}: 「{name}」是单位「{canonical}」的别名，请改名为 {right} / "
                            f"an alias of {canonical}: rename it to {right}")
        else:
            close = difflib.get_close_matches(name, list(official), n=1, cutoff=0.5)
            hint = (f"是否应为 / did you mean: {folder.name}/{close[0]}{'.yaml' if shown.endswith('.yaml') else ''}?"
                    if close else f"单位 / units: {'、'.join(units.names)}")
            problems.append(f"{where}: 单位名册中没有「{name}」，不会被任何报告读取（{hint}）/ "
                            f"names no unit of the register: no report would read it")
    if problems:
        head = (f"参数目录中有 {len(problems)} 个单位参数文件或文件夹不对应任何单位 / {len(problems)} unit "
                "params files or folders name no unit:") if len(problems) > 1 else ""
        raise ParameterError("\n".join(([head] if head else []) + [f"  - {p}" if head else p for p in problems]))
