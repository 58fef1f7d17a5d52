"""docs/参数说明.md, the reference of every params key, generated from the schema
(:mod:`xinfang.config.schema`) and a defaults file: ``python -m xinfang.config.doc [DOC [DEFAULTS]]``
(``make docs``); a test checks the file is current."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Mapping

from pydantic import BaseModel

from .schema import *  # noqa: F401,F403  (the models and types the reference walks)
from .schema import IsoDate, Name, Number, Params, PathText, Phone, ReportParams, _path, check_name  # noqa: F401

_LABELS = ((PathText, "路径 / path"), (IsoDate, "ISO 日期 / date"), (Name, "文字 / text"), (Phone, "电话号码 / telephone"),
           (Number, "数 / number"), (str, "文字 / text"))


def _type_label(tp: Any) -> str:
    import typing

    for known, label in _LABELS:
        if tp == known:
            return label
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Literal:
        return " 或 ".join(f"「{a}」" for a in args)
    if origin is dict:
        return "映射 / mapping"
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return "映射 / mapping"
    if args:
        labels = [_type_label(a) for a in args if a is not type(None)]
        return " | ".join(dict.fromkeys(labels)) + (" 或 null" if type(None) in args else "")
    return getattr(tp, "__name__", str(tp))


def _shown_default(value: Any) -> str:
    import json

    if value is None:
        return "null"
    if isinstance(value, dict):
        return "（见下 / see below）" if value else "{}"
    return json.dumps(value, ensure_ascii=False)


def _code_default(field: Any) -> str:
    """What the code takes for a key that no layer sets: the field's default, or 必填."""
    if field.is_required():
        return "（必填 / required）"
    value = field.get_default(call_default_factory=True)
    value = value.model_dump(by_alias=True) if isinstance(value, BaseModel) else value
    return "（见下 / see below）" if isinstance(value, dict) and value else _shown_default(value)


def params_doc(defaults: Mapping[str, Any]) -> str:
    """``docs/参数说明.md``: every params key with its type, the code's default (what applies when
    no layer sets the key), the value in ``defaults`` (the parsed ``params/defaults.yaml`` of the
    sample district) and its meaning (the schema's field descriptions)."""
    lines = ["# 参数说明 / parameters", "",
             "<!-- 由 `make docs`（python -m xinfang.config.doc）从参数模式生成，请勿手改。",
             "     Generated from xinfang/config/schema.py and params/defaults.yaml; do not edit. -->", "",
             "参数按层合并，后者优先：`params/defaults.yaml` → `params/<年度>.yaml` → "
             "`params/<年度>/<单位>.yaml` → 命令行。`manual_scores` 整体替换，其余映射（包括 `targets`）逐项合并。"
             "未知参数、类型错误、不存在的文件都会在生成任何报告之前报错（退出码 2）。"
             "路径相对于 params 文件夹；日期写成带引号的 ISO 字符串（\"2023-12-31\"）。", "",
             "Layers, later wins: defaults → year → unit → command line. `manual_scores` is "
             "replaced whole, other mappings (`targets` too) merged key by key. Unknown keys, wrong types and missing files "
             "are errors (exit 2) before any report is made.", "",
             "两列取值不同：「代码默认值」是任何一层都未写该参数时程序采用的值（没有评分框架、目标值和整改要求）；"
             "「样例参数」是本仓库 `params/defaults.yaml`（大祥区样例）写的值，不是程序的默认。"
             "`xinfang init` 为新区县写出的 defaults.yaml 与样例参数相同，只有区县名称和数据文件按导出填写"
             "（可选数据表为 null），并附带指标体系、考核办法和整改要求的副本。", "",
             "Two columns: the code's default applies when no layer sets a key (no framework, no targets, no "
             "rectification lines); the sample column is what the sample district's `params/defaults.yaml` "
             "sets. `xinfang init` writes the sample values for a new district, with its own names and export.", "",
             "| 参数 / key | 类型 / type | 代码默认值 / code default | 样例参数 / sample params | 说明 / meaning |",
             "|---|---|---|---|---|"]

    def rows(model: type[BaseModel], prefix: str, values: Mapping[str, Any]) -> None:
        for name, field in model.model_fields.items():
            key = field.alias or name
            value = values.get(key) if isinstance(values, Mapping) else None
            if not isinstance(values, Mapping) or key not in values:
                sample = "—"
            else:
                sample = "（见下 / see below）" if isinstance(value, dict) and value else _shown_default(value)
            desc = (field.description or "").replace("|", "\\|")
            funcs = {getattr(m, "func", None) for m in field.metadata}
            label = ("路径 / path" if _path in funcs else "文字 / text" if check_name in funcs
                     else _type_label(field.annotation))
            lines.append(f"| `{prefix}{key}` | {label} | {_code_default(field)} | {sample} | {desc} |")
            sub = field.annotation if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel) else None
            if sub is not None:
                rows(sub, f"{prefix}{key}.", value if isinstance(value, Mapping) else {})
            elif key == "targets":
                for target, number in (value or {}).items():
                    lines.append(f"| `targets.{target}` | 数 / number | — | {_shown_default(number)} | 目标值 / target |")

    rows(Params, "", defaults)
    lines += ["", "`targets` 的 key 为指标目录的 key（见 `xinfang indicators --help`）。`manual_scores` 的每一项："
              "`{score: 分数, evidence: 评分依据}`，key 为评分框架中 rule: manual 的三级指标 id。", ""]
    return "\n".join(lines)


def write_doc(path: str | Path = "docs/参数说明.md", defaults: str | Path = "params/defaults.yaml") -> Path:
    """Write :func:`params_doc` of ``defaults`` to ``path`` (UTF-8, ``\\n`` line ends)."""
    from .strict_yaml import load_yaml

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(params_doc(load_yaml(defaults) or {}), encoding="utf-8", newline="\n")
    return path


if __name__ == "__main__":  # python -m xinfang.config.doc [docs/参数说明.md [params/defaults.yaml]]
    import sys

    print(write_doc(*sys.argv[1:3]))
