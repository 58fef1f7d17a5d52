"""``output/<year>/manifest.json``: what was built, from what, when and how it went.

For every report the manifest records the hash of what it was built from (inputs, merged
params, notebook, xinfang's sources: :func:`build_hashes`) and the sha256 of its files; a
re-run redoes only failed, missing or out-of-date reports (:meth:`Manifest.up_to_date`).
Versions of the tools (:func:`versions`) and the time of the run live here, never in a report.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
import platform
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from ..fileio import safe_filename, sha256_file, write_bytes_atomic

if TYPE_CHECKING:
    from .batch import ReportJob
    from .executor import RunResult

log = logging.getLogger("xinfang")

PACKAGE = Path(__file__).resolve().parent.parent


class Manifest:
    """``output/<year>/manifest.json``: what was built, from what, when and how it went.

    A file of the wrong shape (not JSON, not an object, ``reports`` not an object of objects)
    is rebuilt, with a warning. :meth:`save` re-reads the file under a lock and merges: the
    reports another run recorded meanwhile are kept, so two runs on one folder lose nothing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.doc: dict = self._read()
        self._recorded: set[str] = set()

    def _read(self) -> dict:
        """The manifest on disk as a dict with a dict of ``reports`` (empty when there is none)."""
        if not self.path.exists():
            return {"reports": {}}
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            log.warning("%s: 无法读取，将重建 / unreadable, rebuilding", self.path)
            return {"reports": {}}
        if not isinstance(doc, dict):
            log.warning("%s: 格式不对（应为对象），将重建 / not a JSON object, rebuilding", self.path)
            return {"reports": {}}
        reports = doc.get("reports", {})
        if not isinstance(reports, dict):
            log.warning("%s: reports 格式不对，将重建 / malformed reports, rebuilding", self.path)
            reports = {}
        bad = [k for k, v in reports.items() if not isinstance(v, dict)]
        if bad:
            log.warning("%s: %d 条记录格式不对，已忽略 / %d malformed entries ignored", self.path, len(bad), len(bad))
        doc["reports"] = {k: v for k, v in reports.items() if isinstance(v, dict)}
        return doc

    @property
    def reports(self) -> dict:
        return self.doc["reports"]

    def up_to_date(self, job: ReportJob) -> bool:
        """Finished from the same hash, and every file still there with its recorded sha256."""
        entry = self.reports.get(job.name)
        if not entry or entry.get("status") != "ok" or entry.get("key") != job.key:
            return False
        files = entry.get("files") or {}
        if not files or not isinstance(files, dict):
            return False
        base = self.path.parent
        try:
            for info in files.values():
                path = base / info["path"]
                if not path.is_file() or sha256_file(path) != info["sha256"]:
                    return False
        except (KeyError, TypeError, ValueError, OSError):
            return False
        return True

    def record(self, job: ReportJob, result: RunResult, cpu: float | None = None) -> None:
        """Record how ``job`` went; ``cpu`` is None where the platform cannot measure it."""
        base = self.path.parent
        files = {}
        for kind, path in result.files.items():
            path = Path(path)
            files[kind] = {"path": path.relative_to(base).as_posix(), "sha256": sha256_file(path)}
        self.reports[job.name] = {
            "kind": job.kind,
            "unit": job.unit, "stem": job.stem,
            "status": result.status, "seconds": round(result.seconds, 3),
            "cpu_seconds": None if cpu is None else round(cpu, 3),
            "timings": {k: round(v, 3) for k, v in result.timings.items()},
            "finished": now(), "key": job.key, "hashes": job.hashes, "files": files, "error": result.error,
        }
        self._recorded.add(job.name)

    def save(self) -> None:
        """Write the manifest atomically, merged under a lock with what is on disk now: the
        reports this object recorded replace theirs, every other report on disk is kept."""
        from filelock import FileLock

        with FileLock(str(self.path.with_name(f".{self.path.name}.lock"))):  # hidden beside the manifest
            disk = self._read()
            mine = self.doc["reports"]
            merged = {k: v for k, v in disk["reports"].items() if k not in self._recorded}
            for name, entry in mine.items():
                if name in self._recorded or name not in merged:
                    merged[name] = entry
            self.doc["reports"] = merged
            text = json.dumps(self.doc, ensure_ascii=False, indent=2, sort_keys=False, default=str)
            write_bytes_atomic(self.path, (text + "\n").encode("utf-8"))


def now() -> str:
    """The local time with its offset, to the second (the only place a run's time is kept)."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def source_hash() -> str:
    """sha256 over xinfang's sources and templates: a library change redoes the reports."""
    h = hashlib.sha256()
    files = sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and p.suffix not in (".pyc",))
    for p in files:
        h.update(p.relative_to(PACKAGE).as_posix().encode())
        h.update(b"\0")
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


def file_sha(path: Path | None) -> str | None:
    """sha256 of a file, or None when there is none.

    Hashed once per process while the file's size, modification time and inode stay the
    same: planning a batch asks for the register's hash once per unit (2,000 times for a
    province, whose register is 200 MB).
    """
    if path is None or not Path(path).is_file():
        return None
    st = Path(path).stat()
    return _sha_of(str(Path(path).resolve()), st.st_size, st.st_mtime_ns, st.st_ino)


@functools.lru_cache(maxsize=64)
def _sha_of(path: str, size: int, mtime_ns: int, inode: int) -> str:
    return sha256_file(path)


def build_hashes(params: Mapping, notebook: Path, sources: str, unit: str | None, *,
                 kind: str | None = None, month: int | None = None) -> dict:
    """Every hash a report depends on, by name: the files of
    :func:`xinfang.config.sources.report_sources` for its ``kind`` (default: a unit report when
    ``unit`` is given, else the district report), the merged params, the notebook, xinfang."""
    from .. import __version__
    from ..config.layers import params_hash
    from ..config.sources import report_sources

    kind = kind or ("unit" if unit is not None else "district")
    inputs = {name: file_sha(path) for name, path in report_sources(params, kind, unit=unit, month=month).items()}
    return {"inputs": inputs, "params": params_hash(params), "notebook": sha256_file(notebook),
            "xinfang": f"{__version__}+{sources}"}


def hash_key(hashes: Mapping) -> str:
    """One key for a mapping of hashes: equal keys, equal sources."""
    return hashlib.sha256(json.dumps(hashes, sort_keys=True).encode()).hexdigest()


def input_list(params: Mapping, inputs) -> list[dict]:
    """The input files of a year (table, file name, sha256, rows) for the manifest."""
    from ..params import resolve

    files = [dict(f) for f in inputs.files]
    units = resolve(params, params.units)
    files.append({"table": "单位名册", "file": units.name, "sha256": sha256_file(units),
                  "rows": len(inputs.units.units)})
    return files


def versions() -> dict[str, str | None]:
    """Versions of what makes the reports (for the manifest)."""
    from importlib.metadata import PackageNotFoundError, version

    from .. import __version__

    out: dict[str, str | None] = {"python": platform.python_version(), "xinfang": __version__}
    for dist in ("pandas", "papermill", "nbconvert", "nbclient", "ipykernel", "matplotlib", "python-docx"):
        try:
            out[dist] = version(dist)
        except PackageNotFoundError:
            out[dist] = None
    return out
