"""The synthetic sample data of seeds/ (calibrated to the figures of the original 2023 report) and
the province-scale register of the benchmarks.

* :mod:`.calibration` — the figures the sample must reproduce, as plans per block of registrations;
* :mod:`.generator` — registrations, answers and (synthetic) personal data, block by block;
* :mod:`.build` — the tables, written deterministically by ``xinfang sample``.
"""
from .build import build_sample, build_synthetic, write_sample
from .calibration import (BEIJING_COLUMNS, BUDGET_FILE, CAMPAIGN_COLUMNS, PII_COLUMNS, REGISTER_COLUMNS,
                          SAMPLE_FILES, SEED)

__all__ = ["SEED", "SAMPLE_FILES", "BUDGET_FILE", "REGISTER_COLUMNS", "CAMPAIGN_COLUMNS", "BEIJING_COLUMNS",
           "PII_COLUMNS", "build_sample", "build_synthetic", "write_sample"]
