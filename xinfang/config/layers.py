"""Report parameters: YAML layers merged into one plain dict.

Layering, later wins: ``params/defaults.yaml`` → ``params/<year>.yaml`` →
``params/<year>/<unit>.yaml`` → command-line values. ``defaults.yaml`` names every key; a key
unknown there, or a required key left empty, is an error before any notebook runs.
Parameters stay plain YAML types (str, int, float, bool, list, dict, null); dates are ISO
strings, so papermill can pass them to a notebook unchanged.
"""
from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..errors import ParameterError
from ..fileio import safe_filename
from .files import CLI, check_files, check_unit_names
from .schema import ReportParams, check, did_you_mean
from .sources import plain
from .strict_yaml import load_yaml
from ..periods import Period, parse_date

REQUIRED = ("district", "units", "data")
PLAIN = (str, int, float, bool, type(None), list, dict)


def _load_yaml(path: Path, label: str | None = None) -> dict:
    doc = load_yaml(path)
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ParameterError(f"{label or path}: 顶层须为键值映射 / top level must be a mapping")
    return doc


def _check_plain(value: Any, where: str) -> None:
    if isinstance(value, (dt.date, dt.datetime)):
        raise ParameterError(f"{where}: 日期须写成带引号的 ISO 字符串，如 \"2023-12-31\" / dates must be quoted ISO strings")
    if not isinstance(value, PLAIN):
        raise ParameterError(f"{where}: 不支持的取值类型 {type(value).__name__} / unsupported type")
    if isinstance(value, list):
        for i, v in enumerate(value):
            _check_plain(v, f"{where}[{i}]")
    if isinstance(value, dict):
        for k, v in value.items():
            _check_plain(v, f"{where}.{k}")


def _record(origin: dict, value: Any, path: tuple, source: str) -> None:
    """Remember that ``source`` set ``path`` (and everything below it)."""
    for known in [p for p in origin if p[:len(path)] == path]:
        del origin[known]
    origin[path] = source
    if isinstance(value, dict):
        for k, v in value.items():
            _record(origin, v, path + (str(k),), source)


def _merge(base: dict, layer: Mapping, source: str, schema: Mapping | None, prefix: str = "",
           origin: dict | None = None) -> dict:
    out = dict(base)
    origin = {} if origin is None else origin
    for key, value in layer.items():
        where = f"{source}: {prefix}{key}"
        _check_plain(value, where)
        if schema is not None and key not in schema:
            known = "、".join(map(str, schema)) or "（无）"
            hint = did_you_mean(str(key), [str(k) for k in schema])
            raise ParameterError(f"{where}: 未知参数 / unknown key{hint} (可用 / valid: {known})")
        sub = None if schema is None else schema[key]
        path = tuple(prefix.rstrip(".").split(".")) + (str(key),) if prefix else (str(key),)
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "manual_scores":
            # targets merge key by key (a year sets one target and keeps the others); their keys
            # are indicator keys, checked by the typed schema, not by the defaults' tree
            origin[path] = source
            sub = None if key == "targets" and not prefix else sub
            out[key] = _merge(out[key], value, source, sub if isinstance(sub, dict) else None, f"{prefix}{key}.", origin)
        else:
            out[key] = copy.deepcopy(value)
            _record(origin, value, path, source)
    return out


def load_params(params_dir: str | Path, year: int, unit: str | None = None,
                overrides: Mapping[str, Any] | None = None) -> ReportParams:
    """Merge the parameter layers for ``year`` (and ``unit``), check them, and return the frozen
    typed model (:class:`~xinfang.config.schema.ReportParams`; ``.dump()`` gives plain types).

    The result also carries ``year``, ``unit``, ``params_dir`` (absolute) and the resolved
    ``period_start`` / ``period_end`` (ISO strings).

    Every file is read with the strict loader (:mod:`xinfang.config.strict_yaml`: no anchors, no
    duplicate keys, UTF-8, at most 1 MB); the merged tree is validated against the one schema
    (:mod:`xinfang.config.schema`), and the files it names are checked (:func:`check_files`), so
    every mistake is a :class:`ParameterError` naming the file and the key before any kernel
    starts or any file is written. With ``unit`` None, the unit layers of the year
    (``params/<year>/*.yaml``) are checked too.
    """
    params_dir = Path(params_dir).resolve()
    defaults_path = params_dir / "defaults.yaml"
    if not defaults_path.exists():
        raise ParameterError(f"{defaults_path}: 缺少默认参数文件 / defaults.yaml not found")
    defaults = _load_yaml(defaults_path)
    for key, value in defaults.items():
        _check_plain(value, f"{defaults_path.name}: {key}")
    origin: dict[tuple, str] = {}
    _record(origin, defaults, (), "defaults.yaml")
    merged = copy.deepcopy(defaults)
    year_path = params_dir / f"{year}.yaml"
    if year_path.exists():
        merged = _merge(merged, _load_yaml(year_path, year_path.name), year_path.name, defaults, origin=origin)
    if unit is not None:
        unit_path = params_dir / str(year) / f"{safe_filename(unit)}.yaml"
        if unit_path.exists():
            label = f"{year}/{unit_path.name}"
            merged = _merge(merged, _load_yaml(unit_path, label), label, defaults, origin=origin)
    if overrides:
        merged = _merge(merged, {k: v for k, v in overrides.items() if v is not None}, CLI, defaults,
                        origin=origin)
    check(merged, origin)
    for key in REQUIRED:
        if merged.get(key) in (None, "", {}):
            raise ParameterError(f"参数 {key} 缺失 / missing required parameter '{key}'")
    if not (merged.get("data") or {}).get("register"):
        raise ParameterError("参数 data.register 缺失 / missing required parameter 'data.register'")
    start = merged.get("period_start") or f"{year}-01-01"
    end = merged.get("period_end") or f"{year}-12-31"
    period = Period.of(parse_date(start, "period_start"), parse_date(end, "period_end"))
    merged.update(year=int(year), unit=unit, params_dir=str(params_dir),
                  period_start=period.start.isoformat(), period_end=period.end.isoformat())
    check_files(merged, origin)
    if unit is None:
        _check_unit_layers(merged, params_dir, defaults, origin)
    return ReportParams.model_validate(merged)


def _check_unit_layers(year_params: dict, params_dir: Path, defaults: Mapping, origin: Mapping) -> None:
    """Check every unit layer ``params/<year>/*.yaml`` on top of the year's params, and that
    each unit file or folder names a unit (:func:`check_unit_names`), so that a batch finds a
    bad unit file before it writes its cache or starts a kernel."""
    folder = params_dir / str(year_params["year"])
    if not folder.is_dir():
        return
    check_unit_names(year_params)
    base = {k: v for k, v in year_params.items() if k not in ("year", "unit", "params_dir")}
    for path in sorted(folder.glob("*.yaml")):
        label = f"{folder.name}/{path.name}"
        layer_origin = dict(origin)
        merged = _merge(base, _load_yaml(path, label), label, defaults, origin=layer_origin)
        check(merged, layer_origin)
        check_files({**merged, "year": year_params["year"], "unit": path.stem, "params_dir": str(params_dir)},
                    layer_origin)


def register_override(register: str | Path | None) -> dict | None:
    """The command-line layer that replaces the register named by the params (``--data``)."""
    return {"data": {"register": str(Path(register).resolve())}} if register else None


def params_hash(params: ReportParams | Mapping) -> str:
    """sha256 of the parameters in canonical JSON (for the batch's out-of-date check)."""
    if isinstance(params, ReportParams):
        params = params.dump()
    text = json.dumps(params, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def resolve(params: ReportParams | Mapping, relative: str | None) -> Path | None:
    """A path from params, relative to the params folder."""
    if not relative:
        return None
    p = Path(relative)
    base = params.params_dir if isinstance(params, ReportParams) else params["params_dir"]
    return p if p.is_absolute() else (Path(base) / p).resolve()



#: Characters on one line of a 2号 (22 pt) title across the GB/T 9704 text width (15.6 cm).
TITLE_CHARS_PER_LINE = 20


def _report_date(params: Mapping, period: Period):
    """The date a report is signed as the params alone say it: ``report_date``, else the day
    after the period (a report's own date, :attr:`ReportContext.report_date`, also looks at the
    data: it is never before the latest date its figures use)."""
    value = plain(params).get("report_date")
    return dt.date.fromisoformat(str(value)) if value else period.end + dt.timedelta(days=1)


@dataclass(frozen=True)
class ReportIdentity:
    """What names one report: its title, the stem of its file names and its notebook metadata."""

    title: str
    file_stem: str
    metadata: dict


def report_identity(params: Mapping, unit: str | None = None) -> ReportIdentity:
    """The title, file stem and renderer metadata of the report of ``params`` (and ``unit``).

    ``params`` are merged parameters (:func:`load_params`); ``unit`` is a canonical unit name,
    or None for the district report. Nothing is read or computed: a batch names its reports
    before any kernel starts.

    >>> p = {"year": 2023, "district": "大祥区", "city": "邵阳市", "bureau": "大祥区信访局",
    ...      "period_start": "2022-12-28", "period_end": "2023-12-31"}
    >>> report_identity(p).file_stem
    '大祥区_2023_整体支出绩效评价报告'
    >>> report_identity(p, "城南街道").title
    '2023年大祥区城南街道信访工作绩效评价报告'
    >>> report_identity(p).metadata["subtitle"]
    '统计期：2022年12月28日至2023年12月31日'
    >>> report_identity(p | {"form": "评价报告"}).file_stem
    '大祥区_2023_整体支出绩效评价报告_评价报告'
    """
    params = plain(params)
    year, district = params["year"], params["district"]
    if unit:
        # 区人力资源和社会保障局 of 大祥区 is 大祥区人力资源和社会保障局, not 大祥区区…
        who, kind = f"{year}年{district}{unit[1:] if unit.startswith('区') and district.endswith('区') else unit}", \
            "信访工作绩效评价报告"
        stem = safe_filename(unit)
    else:
        who, kind = f"{year}年{params.get('city', '')}{params.get('bureau') or district}", "整体支出绩效评价报告"
        stem = safe_filename(f"{district}_{year}_整体支出绩效评价报告")
    form = params.get("form")
    if form and form != ("单位报告" if unit else "自评报告"):
        stem = safe_filename(f"{stem}_{form}")  # both forms side by side: the default keeps its name
    title = who + kind
    # a 2号 title holds 20 characters a line: a longer one breaks between the issuer and the
    # kind of report, never inside a word (GB/T 9704 §7.3.3: balanced lines)
    lines = [who, kind] if len(title) > TITLE_CHARS_PER_LINE else [title]
    period = Period.of(params["period_start"], params["period_end"])
    metadata = {"title": title, "title_lines": lines, "subtitle": f"统计期：{period.label}"}
    if params.get("report_date"):  # else the report dates itself from its data (its DocumentInfo)
        metadata["date"] = _report_date(params, period).isoformat()
    return ReportIdentity(title, stem, metadata)
