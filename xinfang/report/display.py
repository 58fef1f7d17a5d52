"""How a notebook output carries a report's text and tables (temporary: replaced by the typed
display contract of the render refactor)."""
from __future__ import annotations

import html

import pandas as pd


class Markdown:
    """Markdown text that a notebook displays as one ``text/markdown`` output."""

    def __init__(self, text: str) -> None:
        self.text = text

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


class Table:
    """A data table shown as one ``text/html`` output: escaped cells, a caption, a header row."""

    def __init__(self, frame: pd.DataFrame, caption: str = "", note: str = "") -> None:
        self.frame = frame
        self.caption = caption
        self.note = note

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f"<th>{esc(str(c))}</th>" for c in self.frame.columns)
        body = []
        for row in self.frame.itertuples(index=False, name=None):
            cells = "".join(f"<td>{esc('' if v is None or (isinstance(v, float) and v != v) else str(v))}</td>"
                            for v in row)
            body.append(f"<tr>{cells}</tr>")
        caption = f"<caption>{esc(self.caption)}</caption>" if self.caption else ""
        table = (f'<table class="xf-table">{caption}<thead><tr>{head}</tr></thead>'
                 f"<tbody>{''.join(body)}</tbody></table>")
        if self.note:
            table += f'<p class="xf-note">{esc(self.note)}</p>'
        return table

    def __repr__(self) -> str:
        return f"{self.caption}\n{self.frame.to_string(index=False)}"
