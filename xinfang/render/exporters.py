"""The nbconvert exporters: ``jupyter nbconvert --to xinfang_html`` and ``--to xinfang_docx``.

Both go through nbconvert's public API only. :class:`ReportHTMLExporter` is a
:class:`~nbconvert.exporters.TemplateExporter` whose template (``xinfang_report``) is found
through its ``template_name`` and ``extra_template_basedirs`` traits, and whose one
preprocessor reads the notebook into the document model (:class:`ReportPreprocessor`); its
``from_notebook_node`` is nbconvert's own. :class:`ReportDocxExporter` is an
:class:`~nbconvert.exporters.Exporter` (nbconvert has no Word exporter) that hands the
notebook it has preprocessed to :func:`~xinfang.render.docx.report_docx`.

Only this module imports nbconvert; rendering a :class:`~xinfang.blocks.Document` needs it not.
"""
from __future__ import annotations

from nbconvert.exporters import Exporter, TemplateExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import default

from xinfang.render.docx import DOCX_MIMETYPE, report_docx
from xinfang.render.html import TEMPLATE_NAME, TEMPLATES_DIR, page_resources
from xinfang.render.reader import read_notebook

__all__ = ["ReportHTMLExporter", "ReportPreprocessor", "ReportDocxExporter"]


class ReportPreprocessor(Preprocessor):
    """Reads the notebook into the document model and puts what the page template reads in
    ``resources["xinfang"]``."""

    def preprocess(self, nb, resources):  # noqa: D102 (nbconvert API)
        resources["xinfang"] = page_resources(read_notebook(nb))
        return nb, resources


class ReportHTMLExporter(TemplateExporter):
    """Self-contained report HTML: no code, no prompts, no script, images as data URIs.

    ``jupyter nbconvert --to xinfang_html report.ipynb``
    """

    export_from_notebook = "xinfang 报告 (HTML)"
    output_mimetype = "text/html"

    @default("file_extension")
    def _file_extension_default(self):
        return ".html"

    @default("template_name")
    def _template_name_default(self):
        return TEMPLATE_NAME

    @default("extra_template_basedirs")
    def _default_extra_template_basedirs(self):
        return [str(TEMPLATES_DIR)]

    @default("preprocessors")
    def _preprocessors_default(self):
        return [ReportPreprocessor]

    @default("optimistic_validation")
    def _optimistic_validation_default(self):
        return True

    @default("exclude_input")
    def _exclude_input_default(self):
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self):
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self):
        return True


class ReportDocxExporter(Exporter):
    """Word (.docx) report in the GB/T 9704-2012 layout, built with python-docx.

    ``jupyter nbconvert --to xinfang_docx report.ipynb``
    """

    export_from_notebook = "xinfang 报告 (Word)"
    output_mimetype = DOCX_MIMETYPE

    @default("file_extension")
    def _file_extension_default(self):
        return ".docx"

    @default("optimistic_validation")
    def _optimistic_validation_default(self):
        return True

    def from_notebook_node(self, nb, resources=None, **kw):  # type: ignore[override]
        """Return ``(docx bytes, resources)``."""
        nb_copy, resources = super().from_notebook_node(nb, resources, **kw)
        return report_docx(read_notebook(nb_copy)), resources
