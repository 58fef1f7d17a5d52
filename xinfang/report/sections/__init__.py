"""The sections of every report form, registered by name (see :mod:`.base`).

To add a section: write one function with ``@section("名称", "标题")`` in one of these modules
and put its name in a form in ``xinfang/report/forms.yaml``.
"""
from . import annex, bulletin, bulletin_topics, district, evaluation, figures, selfeval, unit  # noqa: F401  (importing registers the sections)
from .base import SECTIONS, ChartPart, DocInfo, Heading, Part, Signature, Sub, TablePart, Text, section
from .district import findings

__all__ = ["SECTIONS", "ChartPart", "DocInfo", "Heading", "Part", "Signature", "Sub", "TablePart", "Text", "section", "findings"]
