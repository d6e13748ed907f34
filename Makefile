# wholeplace: `make run` builds the warehouse from the demo feeds and serves the dashboard;
# `make test` runs ruff and the whole pytest suite (which runs `dbt build`).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8501
WAREHOUSE ?= warehouse

.PHONY: run test test-spark install install-spark manifest build dashboard dev lint screenshot clean demo-feeds bench bench-scale

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found). Set PYTHON=/path/to/python3.11"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

SPARK_STAMP := $(VENV)/.installed-spark
$(SPARK_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev,spark]"
	@touch $(SPARK_STAMP)

install-spark: $(SPARK_STAMP)

# dagster-dbt loads the dbt manifest when the definitions are imported: build it first.
manifest: install
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir . --target-path target

lint: install
	$(BIN)/ruff check orchestration schemas dashboards tests
	$(BIN)/ruff format --check orchestration schemas dashboards tests

test: manifest lint
	$(BIN)/pytest

# The demo built on Spark local[2], every published mart compared with the DuckDB build's, and
# the bad-feed catalogue's blocking cases on Spark. Needs Java 17 (.ci/run installs it).
test-spark: manifest install-spark
	$(BIN)/pytest -m spark

build: manifest
	$(BIN)/wholeplace build --warehouse $(WAREHOUSE)

dashboard: install
	$(BIN)/wholeplace dashboard --warehouse $(WAREHOUSE) --port $(PORT)

run: build dashboard

# ENGINE=spark builds on Spark (make install-spark first).
ENGINE ?= duckdb
dev: manifest
	WHOLEPLACE_WAREHOUSE=$(abspath $(WAREHOUSE)) WHOLEPLACE_ENGINE=$(ENGINE) $(BIN)/dagster dev -m orchestration.definitions

demo-feeds: install
	$(BIN)/python -m orchestration.tools.build_reference_seeds
	$(BIN)/python -m orchestration.tools.generate_demo_feeds

screenshot: build
	$(BIN)/python -m orchestration.tools.screenshot --warehouse $(WAREHOUSE) --out docs/overview.png

bench: build
	$(BIN)/python -m benchmarks.dashboard_render --warehouse $(WAREHOUSE)

# Issue 14: every payment, validated in DuckDB; SIZES=1000000,10000000 to choose the sizes.
SIZES ?= 1000000,10000000,50000000
bench-scale: manifest
	$(BIN)/python -m benchmarks.run --sizes $(SIZES)

clean:
	rm -rf $(WAREHOUSE) dbt_project/target dbt_project/logs artifacts
