"""What a person sees while a batch runs: a progress bar, or one line per finished report."""
from __future__ import annotations

import os
import sys
import time
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .executor import RunResult

STATUS_ZH = {"ok": "成功", "failed": "失败", "skipped": "未变更，跳过"}


def display_width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns.

    >>> display_width("城南街道"), display_width("ok")
    (8, 2)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class TerminalProgress:
    """tqdm bar on a terminal; one plain line per finished report otherwise (or ``quiet``)."""

    def __init__(self, total: int, quiet: bool, stream=None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet or not getattr(self.stream, "isatty", lambda: False)()
        self.total = total
        self.done = 0
        self.running: list[str] = []
        self.start = time.perf_counter()
        self.bar = None
        if not self.quiet and total:
            from tqdm import tqdm

            try:
                width = os.get_terminal_size(self.stream.fileno()).columns
            except (OSError, AttributeError, ValueError):
                width = 0
            self.bar = tqdm(total=total, file=self.stream, unit="份", desc="报告", ncols=width or 100,
                            bar_format="{desc}: {n_fmt}/{total_fmt} |{bar}| 已用 {elapsed} {postfix}")

    def started(self, name: str) -> None:
        if name not in self.running:
            self.running.append(name)
        self._postfix()

    def finished(self, name: str, result: RunResult) -> None:
        self.done += 1
        if name in self.running:
            self.running.remove(name)
        if self.bar is not None:
            if result.status != "ok":
                self.bar.write(f"失败 / failed: {name}: {result.error}", file=self.stream)
            self.bar.update(1)
            self._postfix()
        else:
            elapsed = time.perf_counter() - self.start
            print(f"[{self.done}/{self.total}] {name} {STATUS_ZH[result.status]} {result.seconds:.1f}s"
                  f"（已用 {elapsed:.0f}s）" + (f": {result.error}" if result.error else ""),
                  file=self.stream, flush=True)

    def _postfix(self) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str("运行中：" + "、".join(self.running[-4:]) if self.running else "", refresh=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
