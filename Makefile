# The flow: files in -> ingest -> raw -> dbt -> marts/indicators -> dashboard & exports.
PY      := python3.11
VENV    := .venv
BIN     := $(VENV)/bin
HOME_DIR ?= data
SCALE   ?= demo
AS_OF   ?= 2025-12-31

.PHONY: venv demo synth ingest build serve test test-fast lint bench loadtest clean

venv: $(BIN)/lvzhi
$(BIN)/lvzhi: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

synth: venv
	$(BIN)/lvzhi synth --out $(HOME_DIR)/inbox --scale $(SCALE) --seed 1

ingest: venv
	$(BIN)/lvzhi --home $(HOME_DIR) ingest $(HOME_DIR)/inbox || [ $$? -eq 1 ]

build: venv
	$(BIN)/lvzhi --home $(HOME_DIR) build --as-of $(AS_OF)

serve: venv
	$(BIN)/lvzhi --home $(HOME_DIR) serve

# synth -> ingest -> build -> serve on http://127.0.0.1:8501
demo: venv
	$(BIN)/lvzhi --home $(HOME_DIR) demo --scale $(SCALE) --as-of $(AS_OF)

test: venv
	$(BIN)/python -m pytest

# The inner loop: everything but the slow tests (demo scale, kill -9 and rebuild) and the browser.
test-fast: venv
	$(BIN)/python -m pytest -m "not slow and not e2e"

lint: venv
	$(BIN)/ruff check lvzhi ingest dashboard exports tests

bench: venv
	$(BIN)/python -m lvzhi.bench

# 20 dashboard sessions for 2 minutes while a file is ingested, rebuilt and published every 20 s.
loadtest: venv
	$(BIN)/python -m lvzhi.loadtest

clean:
	rm -rf $(VENV) target logs
