"""Turn a document into a self-contained HTML file and a Word (.docx) file.

A document is a :class:`~xinfang.blocks.Document` of the one document model
(:mod:`xinfang.blocks`): headings, paragraphs, lists, tables, figures, the 落款. It comes from
an executed report notebook (:func:`read_notebook`) or straight from blocks
(:func:`build_document`, for the 督办单); :func:`render_document` writes both files
atomically, so that what the reader sees in HTML and in Word is the same content.

==================  ==============================================================
module              concern
==================  ==============================================================
``blocks``          the table layout both writers share (and the model's former names)
``document``        blocks → :class:`Document`; :func:`render_document` writes the files
``reader``          executed notebook → :class:`Document` (which outputs, which cells)
``markdown``        Markdown → blocks (mistune); raw HTML stays literal text
``html_output``     a generic ``text/html`` output (a DataFrame) → blocks
``html``            the HTML page and its template
``gbt9704``         the GB/T 9704-2012 page, fonts and WordprocessingML properties
``docx``            the Word document builder
``exporters``       the nbconvert exporters (``--to xinfang_html``, ``--to xinfang_docx``)
``notebook``        :func:`render_notebook`: notebook → reader → :func:`render_document`
==================  ==============================================================

xinfang's blocks reach the reader as data, one versioned JSON MIME type
(:mod:`xinfang.display`), never as HTML to be parsed back. Nothing here imports nbformat or
nbconvert until a notebook or an exporter is asked for (:func:`render_notebook`,
:func:`report_html`, the exporters are loaded on first use).
"""
from xinfang.blocks import Document
from xinfang.render.docx import report_docx
from xinfang.render.document import build_document, render_document
from xinfang.render.html import document_html
from xinfang.render.reader import bundle_blocks, output_blocks, read_notebook

__all__ = [
    "Document",
    "build_document",
    "render_document",
    "document_html",
    "read_notebook",
    "output_blocks",
    "bundle_blocks",
    "report_html",
    "report_docx",
    "render_notebook",
    "ReportHTMLExporter",
    "ReportDocxExporter",
]

_LAZY = {
    "render_notebook": "xinfang.render.notebook",
    "report_html": "xinfang.render.notebook",
    "ReportHTMLExporter": "xinfang.render.exporters",
    "ReportDocxExporter": "xinfang.render.exporters",
}


def __getattr__(name: str):
    """The parts that need nbformat or nbconvert, imported on first use."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
