"""The one YAML loader of every parameter file (defaults, year and unit layers, units.yaml,
scoring frameworks).

Parameter files are small, hand-written and plain, so the loader is stricter than
``yaml.safe_load``:

- **size**: a file over :data:`MAX_BYTES` (1 MB) is refused before it is read;
- **encoding**: UTF-8 (a BOM is allowed). A file that is not UTF-8 but decodes as GB18030 is
  refused with a message that says so and how to convert it; it is not guessed and read, so that
  one file never holds two encodings after an edit;
- **no anchors or aliases** (``&a`` / ``*a``): params never need them. An anchor is refused when the
  parser meets it, before anything is expanded, so nested "billion laughs" anchors and
  self-referencing anchors are refused at once;
- **no duplicate keys**: ``yaml.safe_load`` silently keeps the last one;
- only the safe tags (``!!python/...`` is refused, as by ``safe_load``).

Every failure is a :class:`~xinfang.errors.ParameterError` whose message names the file and,
where there is one, the line.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import ParameterError

MAX_BYTES = 1_000_000

CONVERT_HINT = ("请用记事本「另存为」选择编码 UTF-8，或运行 iconv -f GB18030 -t UTF-8 原文件 > 新文件 / "
                "save it as UTF-8 (Notepad: Save As, Encoding UTF-8; or iconv -f GB18030 -t UTF-8 old > new)")


class _UniqueKeys:
    """Constructor part of the loaders: no duplicate keys, keys are plain values."""

    def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    hash(key)
                except TypeError:
                    raise _Refused(f"第{key_node.start_mark.line + 1}行 (line {key_node.start_mark.line + 1}): "
                                   f"键须为文字 / a key must be plain text") from None
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise _Refused(f"第{line}行 (line {line}): 键「{key}」重复（第{seen[key]}行已有）"
                                   f" / duplicate key '{key}' (first on line {seen[key]})")
                seen[key] = line
        return super().construct_mapping(node, deep=deep)


class _StrictLoader(_UniqueKeys, yaml.SafeLoader):
    """SafeLoader without anchors, aliases or duplicate keys."""

    def compose_node(self, parent, index):  # noqa: ANN001 - PyYAML's signature
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            mark = event.start_mark
            raise _Refused(f"第{mark.line + 1}行 (line {mark.line + 1}): 参数文件不能使用锚点或别名（&、*）"
                           f" / anchors and aliases are not allowed in params files")
        return super().compose_node(parent, index)


#: The same loader on libyaml's C parser (ten times faster; every kernel of a batch reads the
#: params files), for texts that cannot hold an anchor or alias: without a ``&`` or ``*``
#: there is none. PyYAML without libyaml gets the pure-Python loader only.
_FastLoader = type("_FastLoader", (_UniqueKeys, yaml.CSafeLoader), {}) if yaml.__with_libyaml__ else None


class _Refused(Exception):
    """Raised inside the loader; becomes a ParameterError that names the file."""


def decode(data: bytes, path: str | Path) -> str:
    """``data`` as UTF-8 text (BOM dropped); a GB18030 file gets a message saying how to convert."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            data.decode("gb18030")
        except UnicodeDecodeError:
            raise ParameterError(f"{path}: 文件不是 UTF-8 编码 / not UTF-8 text; {CONVERT_HINT}") from None
        raise ParameterError(f"{path}: 文件是 GB18030（GBK）编码，须为 UTF-8 / the file is GB18030 (GBK), "
                             f"it must be UTF-8; {CONVERT_HINT}") from None
    return text.removeprefix("\ufeff")


def read_text(path: str | Path, *, max_bytes: int = MAX_BYTES, what: str = "参数文件 / params file") -> str:
    """The UTF-8 text of a small parameter or Markdown file, checked for size and encoding."""
    path = Path(path)
    try:
        if path.is_dir():
            raise ParameterError(f"{path}: 是文件夹，不是文件 / is a folder, not a file ({what})")
        size = path.stat().st_size
        if size > max_bytes:
            raise ParameterError(f"{path}: 文件过大（{size:,} 字节，上限 {max_bytes // 1_000_000} MB）"
                                 f" / file too large ({size:,} bytes, limit {max_bytes // 1_000_000} MB)")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ParameterError(f"{path}: 文件不存在 / file not found ({what})") from None
    except OSError as exc:
        raise ParameterError(f"{path}: 无法读取 / cannot read: {exc.strerror or exc}") from None
    return decode(data[: max_bytes + 1], path)


def parse_yaml(text: str, path: str | Path) -> Any:
    """Parse YAML text with the strict loader; errors name ``path``."""
    loader = _FastLoader if _FastLoader is not None and "&" not in text and "*" not in text else _StrictLoader
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - SafeLoader subclasses
    except _Refused as exc:
        raise ParameterError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path}: YAML 格式错误 / invalid YAML: {exc}") from None
    except RecursionError:
        raise ParameterError(f"{path}: 嵌套过深 / nested too deeply") from None


def load_yaml(path: str | Path, *, max_bytes: int = MAX_BYTES) -> Any:
    """Read and parse one parameter YAML file (see the module docstring for what is refused).

    >>> parse_yaml("a: 1\\nb: [x, y]\\n", "x.yaml")
    {'a': 1, 'b': ['x', 'y']}
    >>> parse_yaml("a: &x 1\\nb: *x\\n", "x.yaml")
    Traceback (most recent call last):
    xinfang.errors.ParameterError: x.yaml: 第1行 (line 1): 参数文件不能使用锚点或别名（&、*） / anchors and aliases are not allowed in params files
    """
    return parse_yaml(read_text(path, max_bytes=max_bytes), path)
