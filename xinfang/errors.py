"""Typed errors of xinfang.

Every error a user can cause derives from :class:`XinfangError`; the command line turns it
into a clean bilingual message and exit code 2, never a traceback.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

#: What replaces personal data in a message.
MASK = "＊＊＊"

# A run of digits that is not part of a longer word or number (sha256 prefixes, case ids).
_EDGE_L, _EDGE_R = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_PII_PATTERN = re.compile(
    _EDGE_L + "(?:"
    r"\d{17}[\dXx]|\d{15}"                            # 居民身份证号码 (18 or 15 characters)
    r"|(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}"     # mobile
    r"|0\d{2,3}[- ]?\d{7,8}(?:-\d{1,6})?"               # landline with area code (and extension)
    r"|\d{3,4}-\d{7,8}"                                # landline written with a dash
    r"|\d(?:\.\d+)?[eE]\+?0?(?:[6-9]|[12]\d)"              # any of them stored as a number (4.30599e+17)
    ")" + _EDGE_R)
#: Characters a terminal acts on (escape sequences, bell, carriage return; C1 controls; the
#: bidirectional overrides that reorder what is shown): printed as ``\x1b``, ``\u202e``.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def redact(text: str, pii: Iterable[str] = ()) -> str:
    """``text`` with anything that looks like an ID or phone number, and every value of
    ``pii`` (values of personal-data columns), replaced by :data:`MASK`.

    >>> redact("值「430599195503037051」, 电话 138-0000-0000, 0739-5201234, 行 53")
    '值「＊＊＊」, 电话 ＊＊＊, ＊＊＊, 行 53'
    >>> redact("张三反映", ["张三"])
    '＊＊＊反映'
    """
    text = _PII_PATTERN.sub(MASK, str(text))
    for value in sorted({v for v in pii if v}, key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    return text


def printable(text: str) -> str:
    """``text`` with every character a terminal would act on written out as an escape
    (line breaks and tabs kept): a cell cannot set the window title, clear the screen or write
    the clipboard (OSC 52) when a message or a table is printed.

    >>> print(printable("城南\\x1b]0;标题\\x07街道"))
    城南\\x1b]0;标题\\x07街道
    """
    return _CONTROL.sub(lambda m: (f"\\x{ord(m[0]):02x}" if ord(m[0]) < 0x100 else f"\\u{ord(m[0]):04x}"), str(text))


def looks_like_pii(text: str) -> bool:
    """True when ``text`` holds something shaped like an ID or phone number."""
    return _PII_PATTERN.search(str(text)) is not None


class XinfangError(Exception):
    """Base of all errors xinfang raises on purpose."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One validation failure, located as the user sees it in Excel.

    ``row`` is the Excel row number (header = row 1), or ``None`` for a file-level problem.
    ``rule`` is the Chinese description, ``rule_en`` the short English rule name.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    rule_en: str
    hint: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.row is not None:
            parts.append(f"第{self.row}行 (row {self.row})")
        if self.column:
            parts.append(f"列「{self.column}」")
        if self.value is not None:
            shown = printable(redact(self.value)).replace("\n", "\\n").replace("\t", "\\t")
            parts.append(f"值「{shown}」")
        text = ", ".join(parts) + f": {self.rule} [{self.rule_en}]"
        if self.hint:
            text += f" — {printable(redact(self.hint))}"
        return text


class InputError(XinfangError):
    """An input file cannot be used; ``problems`` lists every failure found."""

    def __init__(self, problems: list[Problem] | Problem | str, file: str = "") -> None:
        if isinstance(problems, str):
            problems = [Problem(file, None, None, None, problems, "input")]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__(self._summary())

    def _summary(self) -> str:
        n = len(self.problems)
        head = f"输入数据有 {n} 处错误 / {n} input error(s):"
        lines = [head] + [f"  - {p}" for p in self.problems[:200]]
        if n > 200:
            lines.append(f"  … 另有 {n - 200} 处 / {n - 200} more")
        return "\n".join(lines)


class ParameterError(XinfangError):
    """A parameter file or value is wrong (unknown key, missing key, wrong type)."""


class RenderError(XinfangError):
    """A notebook could not be turned into HTML or Word."""


class BatchError(XinfangError):
    """A batch run could not start or one of its reports failed."""


class ExecutionFailed(BatchError):
    """A report notebook did not run to its end: a cell raised, or the kernel died or timed out.

    Like papermill's ``PapermillExecutionError`` it carries where and what failed:
    ``notebook`` (the path run), ``cell_index``, ``exec_count`` and ``source`` of the failing
    cell (None when no cell raised, e.g. the kernel died; as in papermill, the index in the
    notebook as run, before papermill inserted its error markers), the exception's ``ename``,
    ``evalue`` and ``traceback``, and ``nb``: the notebook as far as it ran, with papermill's
    error markers, for the caller to save for inspection (None when it never started).
    """

    def __init__(self, notebook: str | Path, ename: str, evalue: str, *, cell_index: int | None = None,
                 exec_count: int | None = None, source: str | None = None, traceback: Sequence[str] = (),
                 nb: Any = None) -> None:
        self.notebook = Path(notebook)
        self.ename = ename
        self.evalue = evalue
        self.cell_index = cell_index
        self.exec_count = exec_count
        self.source = source
        self.traceback = list(traceback)
        self.nb = nb
        super().__init__(str(self.notebook), ename, evalue)

    def __str__(self) -> str:
        if self.cell_index is not None:  # the cell's own error says what is wrong
            return f"{self.ename}: {self.evalue}"
        return f"{self.notebook.name}: 执行失败 / execution failed: {self.ename}: {self.evalue}"
