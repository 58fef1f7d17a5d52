"""The design document lives in the repository, and what cites it points at real sections.

Code and tests cite ``docs/architecture.md §n``; nothing tracked may point at a design file or a
folder outside the repository, since whoever carries the project on cannot read those.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"

# Spelled in pieces so that this file does not itself contain what it forbids.
FORBIDDEN = ("DESIGN" + ".md", ".." + "/shared", "/" + "work/")
_CITATION = re.compile(r"docs/architecture\.md((?:,? §\d+(?:\.\d+)?)+)")
_HEADING = re.compile(r"^#{2,3} (\d+(?:\.\d+)?)\. ", re.MULTILINE)


def cited_sections(text: str) -> set[str]:
    """The section numbers ``text`` cites as ``docs/architecture.md §n`` (or ``§n, §m``)."""
    return {n for m in _CITATION.finditer(text) for n in re.findall(r"§(\d+(?:\.\d+)?)", m.group(1))}


def document_sections(text: str) -> set[str]:
    """The numbers of the numbered headings (``## 4. …``, ``### 4.1. …``) of a Markdown text."""
    return set(_HEADING.findall(text))


def tracked_files() -> list[Path]:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True).stdout
    return [ROOT / name for name in out.decode("utf-8").split("\0") if name and (ROOT / name).is_file()]


def test_citations_and_headings_are_parsed_as_written():
    doc = "docs/architecture" + ".md"  # in pieces: this file's own text cites no section
    text = f"见 {doc} §4, §6；又见 {doc} §7.2 与 {doc}（无节）"
    assert cited_sections(text) == {"4", "6", "7.2"}
    assert document_sections("# 标题\n## 1. 甲\n### 1.2. 乙\n## 十. 丙\n#### 3. 丁\n") == {"1", "1.2"}


def test_the_document_has_numbered_sections():
    sections = document_sections(DOC.read_text(encoding="utf-8"))
    assert {str(n) for n in range(1, 12)} <= sections


def test_no_tracked_file_points_outside_the_repository():
    offenders = []
    for path in tracked_files():
        data = path.read_bytes()
        offenders += [f"{path.relative_to(ROOT)}: {word}" for word in FORBIDDEN if word.encode() in data]
    assert offenders == []


def test_every_cited_section_exists():
    sections = document_sections(DOC.read_text(encoding="utf-8"))
    missing = []
    for path in tracked_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary: cites nothing
        missing += [f"{path.relative_to(ROOT)}: §{n}" for n in sorted(cited_sections(text) - sections)]
    assert missing == []
    assert cited_sections((ROOT / "xinfang" / "narrative.py").read_text(encoding="utf-8")) == {"4", "6"}


def test_readme_links_the_design_document():
    assert "](docs/architecture.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
