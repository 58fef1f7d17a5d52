"""What a report leaves out because its params name no framework, no targets or no
rectification lines: said once, on stderr and in the manifest, never silently.

A params folder copied or written by hand may lack ``framework``, ``targets`` or
``rectification``. The report is still made (each part is optional), but an analyst must know
what is missing and which key would add it; :func:`report_gaps` lists that from the merged
params alone, before anything runs.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Mapping

from .sources import plain

#: the kinds of report :func:`report_gaps` knows (those of :mod:`xinfang.config.sources`)
KINDS = ("district", "unit", "bulletin")


@dataclass(frozen=True)
class Gap:
    """One part a report leaves out: ``key`` is the params key that would add it; ``zh`` and
    ``en`` say what is left out and how to add it."""

    key: str
    zh: str
    en: str

    def message(self) -> str:
        return f"提示 / note: {self.zh} / {self.en}"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def _named_file(params: Mapping[str, Any], value: str | None) -> Path | None:
    if not value:
        return None
    p = Path(value)
    return p if p.is_absolute() else Path(params["params_dir"]) / p


def report_gaps(params: Any, kind: str) -> list[Gap]:
    """The parts a report of ``kind`` (district, unit or bulletin) leaves out for want of a
    params key, in a fixed order: ``framework``, ``targets``, ``rectification``.

    ``params`` are merged params (:func:`xinfang.config.load_params`). A framework named but
    missing is already an error there; rectification lines named but missing are a gap (the
    reports read them as optional).

    >>> p = {"params_dir": "/p", "framework": None, "targets": {}, "rectification": None}
    >>> [g.key for g in report_gaps(p, "unit")]
    ['framework', 'targets', 'rectification']
    >>> [g.key for g in report_gaps(p, "district")]
    ['framework', 'targets']
    """
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}; known: {', '.join(KINDS)}")
    params = plain(params)
    gaps = []
    if kind in ("district", "unit") and not params.get("framework"):
        gaps.append(Gap("framework", "报告未包含绩效评价指标评分表、总分与等级：参数 framework 为 null，"
                        "写上 framework: scoring/default.yaml 即可（xinfang init 附带一份指标体系）",
                        "the report leaves out the scoring table, total and grade: set framework "
                        "(e.g. scoring/default.yaml)"))
    if not params.get("targets"):
        gaps.append(Gap("targets", "报告未包含绩效目标完成情况及按目标判定的问题：参数 targets 为空，"
                        "按指标 key 写上目标值即可，如 handling.on_time_reply: 1.0",
                        "the report leaves out the targets and whether they were met: set targets by "
                        "indicator key (e.g. handling.on_time_reply: 1.0)"))
    if kind in ("unit", "bulletin"):
        path = _named_file(params, params.get("rectification"))
        if path is None or not path.is_file():
            why = "参数 rectification 为 null" if path is None else f"参数 rectification 所指的文件不存在（{path}）"
            gaps.append(Gap("rectification", f"报告未包含整改要求：{why}，写上 rectification: rectification.yaml "
                            "并提供该文件即可（xinfang init 附带一份）",
                            "the report leaves out the rectification lines: set rectification to a file of "
                            "lines by indicator key (e.g. rectification.yaml)"))
    return gaps
