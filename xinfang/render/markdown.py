"""Markdown into document blocks: moved to :mod:`xinfang.markdown` (sections parse their text
without loading the renderer); re-exported here for old imports."""
from xinfang.markdown import markdown_blocks

__all__ = ["markdown_blocks"]
