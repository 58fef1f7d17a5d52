"""What xinfang relies on in its dependencies beyond their documented API, in one place.

xinfang uses python-docx, nbconvert, nbclient, nbformat, jupyter_client and papermill through
their public API and their extension points (nbconvert exporters, papermill's engine and
jupyter_client's kernel provisioner, all registered by entry point; subclasses of
``AsyncKernelManager`` and ``AsyncKernelClient``). Where that is not enough, the one function
that leans on an upstream detail lives here, with a comment naming the behaviour it relies on
and the versions it was checked against; ``tests/test_compat.py`` fails if a private name of a
dependency (``obj._name``, ``from dep import _name``) is used anywhere else in the package.

A dependency upgrade therefore means: read this module against the new version's source, and
run ``tests/test_compat.py``, which also checks each behaviour listed here.
"""
from __future__ import annotations

from typing import Any

__all__ = ["paragraph_element"]


def paragraph_element(paragraph: Any) -> Any:
    """The ``w:p`` element of a python-docx ``Paragraph``, for writing its XML directly.

    python-docx has no public attribute for a paragraph's element (``Paragraph._p`` and
    ``Paragraph._element`` are private). Its public ``Paragraph.paragraph_format`` is a
    ``ParagraphFormat`` element proxy built on the ``w:p`` itself (not on ``w:pPr``), and
    ``ElementProxy.element`` is public, so the element is reached without a private name.

    Relies on: ``Paragraph.paragraph_format`` returning ``ParagraphFormat(self._element)``.
    Checked: python-docx 1.1.0, 1.1.2 and 1.2.0 (installed; ``pyproject.toml`` allows >=1.1,<2).
    """
    return paragraph.paragraph_format.element
