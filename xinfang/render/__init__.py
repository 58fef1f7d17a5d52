"""Turn an executed report notebook into a self-contained HTML file and a Word (.docx) file.

Two nbconvert exporters, registered as entry points (``jupyter nbconvert --to xinfang_html``
and ``--to xinfang_docx``), and :func:`render_notebook`, which writes both files atomically.

Both read the notebook through one function, :func:`read_notebook`, into a small document model
(:class:`Document` of headings, paragraphs, lists, tables, figures, error boxes), so that what
the reader sees in HTML and in Word is the same content.

==================  ==============================================================
module              concern
==================  ==============================================================
``blocks``          the document model, and the table layout both writers share
``reader``          executed notebook → :class:`Document` (which outputs, which cells)
``markdown``        Markdown → blocks (mistune); raw HTML stays literal text
``html_output``     a generic ``text/html`` output (a DataFrame) → blocks
``html``            :class:`ReportHTMLExporter` and its template
``gbt9704``         the GB/T 9704-2012 page, fonts and WordprocessingML properties
``docx``            :class:`ReportDocxExporter`: the Word document builder
``notebook``        :func:`render_notebook`: both files, written atomically
==================  ==============================================================

xinfang's own display objects (:mod:`xinfang.display`) reach the reader as data, one JSON MIME
type, never as HTML to be parsed back.
"""
from xinfang.render.blocks import Document
from xinfang.render.docx import ReportDocxExporter, report_docx
from xinfang.render.html import ReportHTMLExporter, report_html
from xinfang.render.notebook import render_notebook
from xinfang.render.reader import output_blocks, read_notebook

__all__ = [
    "Document",
    "read_notebook",
    "output_blocks",
    "report_html",
    "report_docx",
    "render_notebook",
    "ReportHTMLExporter",
    "ReportDocxExporter",
]
