# xinfang — two commands on a fresh machine: `make report` and `make test`.
# Each builds .venv from pyproject.toml when it is missing or older than pyproject.toml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
YEAR   ?= 2023

.DEFAULT_GOAL := help
.PHONY: help venv report test test-fast bench notebooks sample clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

venv: $(STAMP)  ## create or update .venv from pyproject.toml

report: $(STAMP)  ## sample reports of $(YEAR) into output/: the district's, then one per unit
	$(BIN)/xinfang validate seeds/信访事项登记表.csv
	$(BIN)/xinfang report --year $(YEAR)
	$(BIN)/xinfang batch --year $(YEAR) --by unit
	$(BIN)/xinfang indicators seeds/信访事项登记表.csv --year $(YEAR) -o output/$(YEAR)/indicators.json

test: $(STAMP)  ## the whole test suite
	$(BIN)/python -m pytest

test-fast: $(STAMP)  ## the tests that run no notebook (under a minute)
	$(BIN)/python -m pytest -m "not slow"

$(VENV)/.bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $@

bench: $(VENV)/.bench  ## benchmarks (timings, not tests): scale, batch vs a plain loop, one unit's phases, a province
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/batch_bench.py
	$(BIN)/python benchmarks/profile_unit.py
	$(BIN)/python benchmarks/province.py --sample

notebooks: $(STAMP)  ## rewrite notebooks/*.ipynb from tools/make_notebooks.py (a test checks they are current)
	$(BIN)/python tools/make_notebooks.py

sample: $(STAMP)  ## regenerate seeds/ sample data
	$(BIN)/xinfang sample --out seeds

clean:  ## remove generated output (keeps .venv)
	rm -rf output
