"""Shared fixtures: tiny hand-made registers written as users' exports."""
from __future__ import annotations

import csv
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HEADERS = ["信访件编号", "信访事项编号", "登记日期", "登记层级", "信访形式", "人数", "责任单位", "问题领域",
           "信访目的", "初重件", "办理方式", "受理日期", "延期天数", "答复日期", "评价结果",
           "信访人", "证件号码", "联系电话", "住址", "诉求摘要"]
UNITS_YAML = """district: 测试区
units:
  - {name: 城南街道, kind: 乡镇街道, aliases: [城南]}
  - {name: 城北街道, kind: 乡镇街道}
  - {name: 区住房和城乡建设局, kind: 区直部门, aliases: [区住建局]}
"""


def xinfang_command() -> list[str]:
    """How to run the ``xinfang`` command of the Python running the tests (a venv, conda, or a
    plain install): its script beside ``sys.executable`` (``Scripts\\`` on Windows), else the
    one on PATH, else ``python -m xinfang.cli``."""
    exe = Path(sys.executable)
    for folder in (exe.parent, exe.parent / "Scripts"):
        script = folder / ("xinfang.exe" if os.name == "nt" else "xinfang")
        if script.is_file():
            return [str(script)]
    found = shutil.which("xinfang")
    return [found] if found else [sys.executable, "-m", "xinfang.cli"]


#: The ``xinfang`` command, as a list for subprocess.
XINFANG = xinfang_command()


def row(case_id: str, matter: str, registered: str, *, level="区", channel="来信", persons="1",
        unit="城南街道", domain="城乡建设", purpose="求决", kind="初件", decision="受理",
        accepted: str | None = None, ext="", replied="", evaluation="", summary="反映问题") -> dict:
    """One register row with sensible defaults (accepted the day it was registered)."""
    if accepted is None:
        accepted = registered if decision else ""
    return {"信访件编号": case_id, "信访事项编号": matter, "登记日期": registered, "登记层级": level,
            "信访形式": channel, "人数": persons, "责任单位": unit, "问题领域": domain, "信访目的": purpose,
            "初重件": kind, "办理方式": decision, "受理日期": accepted, "延期天数": ext, "答复日期": replied,
            "评价结果": evaluation, "信访人": "张测试", "证件号码": "430503199001010011",
            "联系电话": "13800000000", "住址": "测试路1号", "诉求摘要": summary}


def write_csv(path: Path, rows: list[dict], *, encoding="utf-8", headers=HEADERS) -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=headers, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def units_file(tmp_path: Path) -> Path:
    p = tmp_path / "units.yaml"
    p.write_text(UNITS_YAML, encoding="utf-8")
    return p


@pytest.fixture
def units(units_file: Path):
    from xinfang.inputs import read_units

    return read_units(units_file)


def copy_params(dest: Path, output: Path) -> Path:
    """A copy of params/ whose data paths point at seeds/ and whose output goes to ``output``."""
    import shutil

    import yaml

    shutil.copytree(ROOT / "params", dest)
    defaults = dest / "defaults.yaml"
    doc = yaml.safe_load(defaults.read_text(encoding="utf-8"))
    doc["data"] = {k: str((ROOT / "params" / v).resolve()) if v else None for k, v in doc["data"].items()}
    doc["output"] = str(output)
    defaults.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100000), encoding="utf-8")
    return dest


@pytest.fixture(scope="session")
def district_report(tmp_path_factory):
    """The 2023 district report made once by the installed command, from a copy of params/."""
    import subprocess

    base = tmp_path_factory.mktemp("district")
    params = copy_params(base / "params", base / "output")
    proc = subprocess.run([*XINFANG, "report", "--year", "2023", "--params", str(params)],
                          capture_output=True, text=True, cwd=base)
    assert proc.returncode == 0, proc.stderr
    out = base / "output" / "2023"
    stem = "大祥区_2023_整体支出绩效评价报告"
    return {"dir": out, "params": params, "html": out / f"{stem}.html", "docx": out / f"{stem}.docx",
            "ipynb": out / f"{stem}.ipynb", "stderr": proc.stderr}


def assert_no_pii(folder: Path) -> None:
    """No name, id number, phone or address of the sample register appears in any file under
    ``folder`` (text files, and the XML inside .docx/.xlsx)."""
    import re
    import zipfile

    import pandas as pd

    raw = pd.read_csv(ROOT / "seeds" / "信访事项登记表.csv", encoding="gb18030", dtype=str)
    pii = set()
    for col in ("信访人", "证件号码", "联系电话", "住址"):
        pii.update(raw[col].dropna())
    assert len(pii) > 1000
    texts = []
    for path in folder.rglob("*"):
        if path.suffix in (".docx", ".xlsx"):
            with zipfile.ZipFile(path) as z:
                texts.extend(z.read(n).decode("utf-8", "ignore") for n in z.namelist() if n.endswith(".xml"))
        elif path.is_file():
            texts.append(path.read_bytes().decode("utf-8", errors="ignore"))
    # drop embedded pictures (base64): only text can carry a name, number or address
    blob = re.sub(r"[A-Za-z0-9+/=\\n]{200,}", " ", "\n".join(texts))
    leaked = leaked_values(pii, blob)
    assert not leaked, leaked[:5]


def leaked_values(values, blob: str) -> list[str]:
    """The values that occur in ``blob``.

    The blob (tens of MB over a batch, mostly the same text in many files) is cut at
    whitespace and markup characters, which no value contains, and each distinct piece is kept
    once; a value can occur only if each of its two-character pieces occurs, so only the few
    values that pass that test are searched for (17,000 plain ``in`` tests over the whole
    blob took a minute).
    """
    cut = re.compile(r"""[\s<>"'&]+""")
    if any(cut.search(v) for v in values):
        return sorted(v for v in values if v in blob)  # a value a piece cannot hold: search plainly
    text = "\n".join(set(cut.split(blob)))
    pairs = {text[i:i + 2] for i in range(len(text) - 1)}
    found = []
    for v in values:
        if len(v) < 2:
            if v and v in text:
                found.append(v)
            continue
        if all(v[i:i + 2] in pairs for i in range(len(v) - 1)) and v in text:
            found.append(v)
    return sorted(found)


def html_text(path: Path) -> str:
    """The text a reader sees in an HTML page (no tags, no <style>/<script> content)."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("style", "script")

        def handle_endtag(self, tag):
            self.skip -= tag in ("style", "script")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    parser = Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return "".join(parser.parts)


def docx_text(path: Path) -> str:
    """The text a reader sees in a .docx: paragraphs, then every table cell."""
    from docx import Document

    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


# --------------------------------------------------------------------------------------------
# no personal data in the stderr of any failing command of the suite

#: The personal data of the registers the tests write (tests/conftest.py ``row``).
ROW_PII = ("张测试", "430503199001010011", "13800000000", "测试路1号")
_SAMPLE_PII: set[str] | None = None


def sample_pii() -> set[str]:
    """Every name, ID number, phone number and address of the sample register and of ``row``."""
    global _SAMPLE_PII
    if _SAMPLE_PII is None:
        import pandas as pd

        raw = pd.read_csv(ROOT / "seeds" / "信访事项登记表.csv", encoding="gb18030", dtype=str)
        values = set(ROW_PII)
        for col in ("信访人", "证件号码", "联系电话", "住址"):
            values.update(v for v in raw[col].dropna() if v)
        _SAMPLE_PII = values
    return _SAMPLE_PII


def assert_no_pii_in(text: str | bytes, extra=()) -> None:
    """No PII value of the sample register (or of ``extra``) occurs in ``text``."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    leaked = leaked_values(sample_pii() | set(extra), text)
    assert not leaked, f"personal data in a message: {leaked[:5]}"


def _is_xinfang(args) -> bool:
    if isinstance(args, (str, bytes)):
        return False
    args = [str(a) for a in args]
    return bool(args) and (Path(args[0]).name == "xinfang" or ("-m" in args and "xinfang" in args[1:3]))


@pytest.fixture(autouse=True)
def no_pii_in_failing_commands(monkeypatch):
    """Every xinfang command a test runs (subprocess.run) that fails is checked: its stderr
    holds no name, ID number, phone number or address of the sample register."""
    import subprocess

    real = subprocess.run

    def checked(args, *a, **kw):
        proc = real(args, *a, **kw)
        if _is_xinfang(args) and proc.returncode != 0 and proc.stderr:
            assert_no_pii_in(proc.stderr)
        return proc

    monkeypatch.setattr(subprocess, "run", checked)
