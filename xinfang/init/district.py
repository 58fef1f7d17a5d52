"""``xinfang init``: a params folder for another district, from its register export.

:func:`init_district` reads the export, proposes the unit register from its 责任单位 values
(:mod:`xinfang.init.units`), validates the export against that register, and writes, all at
once or not at all:

========================== ================================================================
``defaults.yaml``          the district's names, the export's path, the period keys, targets
``<year>.yaml``            only when the data of their last year end before December:
                           that year's ``period_end`` (the last registration date)
``units.yaml``             the proposed register, every guess marked in a comment
``scoring/default.yaml``   editable copies of the templates shipped in the package
``assessment/default.yaml``
``rectification.yaml``
``<year>/*.md``            empty analyst texts, named as the ``text`` keys expect
========================== ================================================================

The folder is checked the way every report checks its params (:func:`xinfang.config.load_params`)
before it is put in place, so ``xinfang validate``, ``report`` and ``batch`` work on it as
written. Nothing personal is copied: the export is read through :func:`xinfang.inputs.read_table`,
which drops 信访人, 证件号码, 联系电话 and 住址, and only unit names and counts are kept.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import string
import tempfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..errors import InputError, ParameterError, Problem
from .units import ProposedUnit, propose_units, units_yaml

#: The editable copies written into a new folder, at the same path as in ``templates/``.
COPIES = ("scoring/default.yaml", "assessment/default.yaml", "rectification.yaml")


@dataclass
class InitResult:
    """What :func:`init_district` wrote, and what the analyst should check."""

    folder: Path
    export: Path
    district: str
    units: list[ProposedUnit]
    first: dt.date
    last: dt.date
    rows: int
    year: int
    files: list[Path] = field(default_factory=list)
    guessed_district: bool = False

    @property
    def aliases(self) -> int:
        return sum(len(u.aliases) for u in self.units)

    def kinds(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for u in self.units:
            out[u.kind] = out.get(u.kind, 0) + 1
        return out

    def summary(self, shown: str | None = None, export: str | None = None) -> str:
        """What was written, what to check, and the next commands (``shown``, ``export``: the
        folder and the export as the user typed them)."""
        where, export = (_shell(v) for v in (shown or str(self.folder), export or str(self.export)))
        kinds = "，".join(f"{k} {n}" for k, n in self.kinds().items())
        named = "（取自文件夹名 / from the folder's name）" if self.guessed_district else ""
        partial = any(p.name == f"{self.year}.yaml" for p in self.files)
        lines = [
            f"已生成参数目录 / params folder written: {where}",
            f"  {self.district}{named}：{len(self.units)} 个单位（{kinds}），别名 {self.aliases} 个；"
            f"登记表 {self.rows} 行，登记日期 {self.first.isoformat()} 至 {self.last.isoformat()}",
            "请核对 / check before the first report:",
            "  1. units.yaml：每个单位的类别（按名称后缀推定）与别名（简称与全称同时出现时推定），见各行「请核对」注释"
            " / each unit's kind and aliases (guesses, marked in comments)",
            f"  2. defaults.yaml：district、city、bureau；targets（xinfang 样例目标值）；可选数据 data.campaign、"
            "data.beijing、data.budget / names, targets, optional tables",
            "  3. scoring/default.yaml、assessment/default.yaml、rectification.yaml：xinfang 样例的指标体系、月度考核办法"
            "与整改要求，可按本地办法修改 / the sample framework, assessment rules and rectification lines",
            f"  4. {self.year}/*.md：分析人员撰写的文字，空文件则该章从略 / analyst texts (empty: chapter left out)",
        ]
        if partial:
            lines.append(f"  5. {self.year}.yaml：数据至 {self.last.isoformat()}，{self.year}年统计期截至该日 / "
                         "the year's period ends with the data")
        lines += ["下一步 / next:",
                  f"  xinfang validate {export} --params {where}",
                  f"  xinfang report --year {self.year} --params {where}",
                  f"  xinfang batch --year {self.year} --by unit --params {where}"]
        return "\n".join(lines)


def _shell(text: str) -> str:
    """A path as typed in a command: quoted when it holds a space."""
    return f'"{text}"' if " " in text else text


def template(name: str) -> str:
    """The text of a template shipped in the package (``xinfang/init/templates/``)."""
    return (resources.files("xinfang.init") / "templates" / name).read_text(encoding="utf-8")


def _relative(target: Path, folder: Path) -> str:
    """``target`` relative to ``folder`` when they share a drive (the folder and the export can
    move together), else absolute; always with forward slashes."""
    try:
        return Path(os.path.relpath(target.resolve(), folder.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return target.resolve().as_posix()


def _district_from(folder: Path) -> str:
    """A district name guessed from the folder: its own name, or its parent's for ``params``."""
    folder = folder.resolve()
    return folder.parent.name if folder.name == "params" else folder.name


def _unit_counts(raw) -> dict[str, int]:
    """责任单位 (as compared: NFKC, no spaces) → rows, blanks left out (validation reports them)."""
    from ..inputs import clean_header

    if "unit" not in raw.frame.columns:
        raise InputError(Problem(raw.name, None, "责任单位", None, "缺少必需列「责任单位」，无法推定单位名册",
                                 "missing column 责任单位: no unit register can be proposed"))
    values = raw.frame["unit"].map(lambda v: "" if v is None or v != v else clean_header(v))
    counts = values[values != ""].value_counts()
    return {str(k): int(v) for k, v in counts.items()}


def _check_names(units: list[ProposedUnit], source: str) -> None:
    """Every proposed name must be able to be a unit name (it becomes a file name)."""
    from ..inputs.units import _name_problem

    problems = [Problem(source, None, "责任单位", n, p, "not usable as a unit name")
                for u in units for n in (u.name, *u.aliases) if (p := _name_problem(n, "责任单位"))]
    if problems:
        raise InputError(problems)


def _scalar(value: str | None) -> str:
    """``value`` as a YAML scalar: null, or a double-quoted string (JSON's syntax is YAML's)."""
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def _defaults_text(district: str, city: str | None, bureau: str, register: str, first: dt.date,
                   last: dt.date) -> str:
    q = _scalar
    note = f"登记日期 {first.isoformat()} 至 {last.isoformat()} / the export covers these dates"
    return string.Template(template("defaults.yaml")).substitute(
        district=district, district_q=q(district), city_q=q(city), bureau_q=q(bureau), register_q=q(register),
        register_note=note)


def _analyst_files(defaults: str) -> list[str]:
    """The file names the ``text`` keys of ``defaults`` (the text of defaults.yaml) expect."""
    from ..config.strict_yaml import parse_yaml

    doc = parse_yaml(defaults, "defaults.yaml")
    return [str(v) for v in (doc.get("text") or {}).values() if v]


def init_district(folder: str | Path, register: str | Path, *, district: str | None = None,
                  city: str | None = None, bureau: str | None = None, force: bool = False) -> InitResult:
    """Write a params folder for the district whose register export is ``register``.

    ``district`` defaults to the folder's name (its parent's when the folder is ``params``),
    ``bureau`` to ``<district>信访局``. An existing, non-empty ``folder`` is refused unless
    ``force``; then the files listed in the module docstring are replaced and every other file
    in it is kept.

    Raises
    ------
    ParameterError : the folder exists (without ``force``), or a name is not usable.
    InputError : the export cannot be read, or does not validate against the proposed register
        (every problem listed, nothing written).
    """
    from ..config.schema import check_name
    from ..inputs import read_table, validate_register
    from ..inputs.units import Unit, UnitRegister

    folder, register = Path(folder), Path(register)
    if folder.exists() and not folder.is_dir():
        raise ParameterError(f"{folder}: 已存在且不是文件夹 / exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise ParameterError(f"{folder}: 文件夹已存在且不为空，不会覆盖；要重写其中由 init 生成的文件请加 --force / "
                             "the folder exists and is not empty: nothing is overwritten without --force")
    guessed = district is None
    district = district or _district_from(folder)
    for value, what in ((district, "--district"), (city, "--city"), (bureau, "--bureau")):
        if value is not None:
            try:
                check_name(value, what)
            except ValueError as exc:
                raise ParameterError(f"{what}: {exc}") from None
    bureau = bureau or f"{district}信访局"

    raw = read_table(register)
    proposed = propose_units(_unit_counts(raw))
    _check_names(proposed, raw.name)
    units = UnitRegister(district, tuple(Unit(u.name, u.kind, None, tuple(u.aliases)) for u in proposed))
    frame = validate_register(raw, units)
    first, last = frame["registered_on"].min().date(), frame["registered_on"].max().date()
    year = last.year

    defaults = _defaults_text(district, city, bureau, _relative(register, folder), first, last)
    files = {
        "defaults.yaml": defaults,
        "units.yaml": units_yaml(district, proposed, raw.name),
        **{name: template(name) for name in COPIES},
        **{f"{year}/{name}": "" for name in _analyst_files(defaults)},
    }
    if last.month < 12:  # the last month missing: the year's report covers what there is
        files[f"{year}.yaml"] = (
            f"# {year}: 登记表的数据至 {last.isoformat()}，统计期截至该日（同比为上年同期）。数据补齐后删去本行即为全年。\n"
            f"# The export ends on {last.isoformat()}: the {year} period ends there (compared with the same dates a\n"
            "# year earlier). Remove period_end once the year's data are complete.\n"
            f"period_end: \"{last.isoformat()}\"\n")
    written = _write_folder(folder, files, year)
    return InitResult(folder, register, district, proposed, first, last, len(frame), year, written, guessed)


def _write_folder(folder: Path, files: dict[str, str], year: int) -> list[Path]:
    """Write ``files`` into a temporary folder beside ``folder``, check it as every report checks
    its params, then move it into place (a new folder), or copy each file over (``--force``)."""
    from ..config.layers import load_params
    from ..fileio import write_bytes_atomic

    parent = folder.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.init-", dir=parent))
    try:
        for name, text in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="\n")
        load_params(staging, year)  # the same checks as every report, before anything is in place
        if not folder.exists() or not any(folder.iterdir()):
            if folder.exists():
                folder.rmdir()
            staging.rename(folder)
        else:
            for name in files:
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                write_bytes_atomic(target, (staging / name).read_bytes())
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return [folder / name for name in files]
