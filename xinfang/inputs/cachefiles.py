"""The cache folder's file protocol, in one place: every file a run keeps in ``output/.cache/``,
its name, who writes it and who reads it (docs/architecture.md §7).

=============================  ==========================  ==========================================
file                           written by                  read by
=============================  ==========================  ==========================================
``hashes.json``                any command that hashed an  every later command, to find a file's
                               input (sha256 by stat)      cache without reading a 200 MB export again
``<kind>-<key>.arrow``         the first reader of a       every later reader of the same file (key:
                               valid table (load.py)       the file's sha256, the unit register's,
                                                           pandas, the codec, the ``columns`` map)
``register-<key>.units.arrow`` the batch's parent, beside  a unit's kernel: its rows only (slices.py)
                               the register's file
``units-<key>.json``           the first reader of a unit  later readers of the same register file
                               register, once all is valid
``catalogue-<key>.jsonl``      the batch's parent: every   the kernels: figures, peers and scores
                               unit's figures and scores   without recomputing them (handoff.py)
=============================  ==========================  ==========================================

Everything is data (Arrow IPC, JSON), written atomically into a folder only its owner can read
(0700). A missing, damaged or foreign file is a missed cache, never an error: the reader logs it
and computes what it needed (a kernel that misses the hand-off says so at info level).
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Mapping

HASHES = "hashes.json"
SLICES_SUFFIX = ".units.arrow"


def private_dir(folder: Path) -> None:
    """Create ``folder`` readable by its owner only (0700; where POSIX modes exist)."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix" and (folder.stat().st_mode & 0o777) != 0o700:
        os.chmod(folder, 0o700)


def table_path(cache_dir: Path, kind: str, key_parts: str, columns: Mapping[str, str] | None = None) -> Path:
    """``<kind>-<key>.arrow``: ``key_parts`` names the content (file sha, register sha, versions)."""
    mapped = f":{json.dumps(sorted(columns.items()), ensure_ascii=False)}" if columns else ""
    key = hashlib.sha256(f"{kind}:{key_parts}{mapped}".encode()).hexdigest()[:32]
    return cache_dir / f"{kind}-{key}.arrow"


def slices_path(cache: Path) -> Path:
    """The per-unit file beside the cache file of a register."""
    return cache.with_name(cache.stem + SLICES_SUFFIX)


def units_path(cache_dir: Path, sha: str, version: str) -> Path:
    """``units-<key>.json``: the parsed unit register of the file whose sha256 is ``sha``."""
    key = hashlib.sha256(f"units:{sha}:{version}:1".encode()).hexdigest()[:32]
    return cache_dir / f"units-{key}.json"


def catalogue_path(cache_dir: str | Path, key: str) -> Path:
    """``catalogue-<key>.jsonl``: the batch's hand-off for the inputs whose content key is ``key``."""
    return Path(cache_dir) / f"catalogue-{key}.jsonl"
