# The flow: files in -> ingest -> raw -> dbt -> marts/indicators -> dashboard & exports.
PY      := python3.11
VENV    := .venv
BIN     := $(VENV)/bin
HOME_DIR ?= data
SCALE   ?= demo
AS_OF   ?= 2025-12-31
PORT    ?= 8501

.PHONY: venv demo synth ingest build serve test test-fast test-spark lint bench bench-nation loadtest clean

venv: $(BIN)/lvzhi
$(BIN)/lvzhi: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev,spark]"
	touch $@

synth: venv
	$(BIN)/lvzhi-dev synth --out $(HOME_DIR)/inbox --scale $(SCALE) --seed 1

ingest: venv
	$(BIN)/lvzhi --home $(HOME_DIR) ingest $(HOME_DIR)/inbox || [ $$? -eq 1 ]

build: venv
	$(BIN)/lvzhi --home $(HOME_DIR) build --as-of $(AS_OF)

serve: venv
	$(BIN)/lvzhi --home $(HOME_DIR) serve --port $(PORT)

# synth -> ingest -> build -> serve on http://127.0.0.1:$(PORT) (checks the port first)
demo: venv
	$(BIN)/lvzhi-dev demo --home $(HOME_DIR) --scale $(SCALE) --as-of $(AS_OF) --port $(PORT)

test: venv
	$(BIN)/python -m pytest

# The inner loop: everything but the slow tests (demo scale, kill -9 and rebuild), the browser and Spark.
test-fast: venv
	$(BIN)/python -m pytest -m "not slow and not e2e and not spark"

# DuckDB and Spark give equal indicators (skipped without Java 17).
test-spark: venv
	$(BIN)/python -m pytest -m spark

# ruff, then the import contracts of pyproject.toml ([tool.importlinter]): the layers of the flow.
lint: venv
	$(BIN)/ruff check lvzhi ingest access dashboard exports reports devtools tests
	$(BIN)/lint-imports

bench: venv
	$(BIN)/python -m devtools.bench

# 20 dashboard sessions for 2 minutes while a file is ingested, rebuilt and published every 20 s.
loadtest: venv
	$(BIN)/python -m devtools.loadtest

clean:
	rm -rf $(VENV) target logs

# The national scale (not in CI): nation synth -> raw load -> DuckDB full build, and a 1/10 sample
# on local Spark; figures into bench.json (BENCH_NATION_FRACTION=0.1 for a tenth of the nation).
bench-nation: venv
	$(BIN)/python -m devtools.bench_nation
