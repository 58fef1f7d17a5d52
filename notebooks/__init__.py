"""The notebooks, shipped as package data of ``xinfang.notebooks`` (see pyproject.toml):
``report.ipynb`` (every report; ``unit = None`` is the district's) and ``explore.ipynb``."""
