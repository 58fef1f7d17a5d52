# xinfang — two commands on a fresh machine: `make report` and `make test`.
# Each builds .venv from pyproject.toml when it is missing or older than pyproject.toml.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# the Jupyter kernel "xinfang" (Python (xinfang)), registered inside the venv (--sys-prefix): the
# venv's `jupyter lab`, papermill, and a JupyterLab elsewhere pointed at the venv all find it
KERNEL := $(VENV)/share/jupyter/kernels/xinfang/kernel.json
YEAR   ?= 2023
# JupyterLab refuses to start as root (a server account, CI, a container) unless told --allow-root
LAB_ROOT := $(shell [ "$$(id -u 2>/dev/null)" = 0 ] && echo --allow-root)

.DEFAULT_GOAL := help
.PHONY: help venv lab report test test-fast bench notebooks docs sample clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

$(KERNEL): $(STAMP)
	$(BIN)/python -m ipykernel install --sys-prefix --name xinfang --display-name "Python (xinfang)"

venv: $(STAMP) $(KERNEL)  ## create or update .venv from pyproject.toml, and register the kernel "xinfang"

lab: $(STAMP) $(KERNEL)  ## open JupyterLab on notebooks/ (kernel "Python (xinfang)"; --allow-root when run as root)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_ROOT)

report: $(STAMP) $(KERNEL)  ## sample reports of $(YEAR) into output/: the district's, then one per unit
	$(BIN)/xinfang validate seeds/信访事项登记表.csv
	$(BIN)/xinfang report --year $(YEAR)
	$(BIN)/xinfang batch --year $(YEAR) --by unit
	$(BIN)/xinfang indicators seeds/信访事项登记表.csv --year $(YEAR) -o output/$(YEAR)/indicators.json

test: $(STAMP) $(KERNEL)  ## the whole test suite
	$(BIN)/python -m pytest

test-fast: $(STAMP) $(KERNEL)  ## the tests that run no notebook (under a minute)
	$(BIN)/python -m pytest -m "not slow"

$(VENV)/.bench: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,bench]'
	@touch $@

bench: $(VENV)/.bench  ## benchmarks (timings, not tests): scale, batch vs a plain loop, one unit's phases, a province, 12 bulletins vs 12 unit reports
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/batch_bench.py
	$(BIN)/python benchmarks/profile_unit.py
	$(BIN)/python benchmarks/province.py --sample
	$(BIN)/python benchmarks/bulletin_bench.py

notebooks: $(STAMP)  ## rewrite notebooks/*.ipynb from tools/make_notebooks.py (a test checks they are current)
	$(BIN)/python tools/make_notebooks.py

docs: $(STAMP)  ## regenerate docs/数据字典.md, 指标口径.md and 参数说明.md from the code (tests check they are current)
	$(BIN)/python tools/make_docs.py
	$(BIN)/python -m xinfang.config.doc docs/参数说明.md params/defaults.yaml

sample: $(STAMP)  ## regenerate seeds/ sample data
	$(BIN)/xinfang sample --out seeds

clean:  ## remove generated output (keeps .venv)
	rm -rf output
