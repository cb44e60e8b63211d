# sifa — two commands: `make run` (demo on http://127.0.0.1:8000) and `make test` (the whole suite).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/sifa

.PHONY: run test setup browser lint typecheck test-sqlite test-postgres test-e2e openapi clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

run: setup
	$(BIN)/sifa migrate -v0
	$(BIN)/sifa demo --scale demo --seed 1 --if-empty
	$(BIN)/sifa serve

# Debian's chromium and CJK fonts for the end-to-end tests (installed when missing and running as root).
browser:
	@bash scripts/ensure-browser.sh

lint: setup
	$(BIN)/ruff check .

typecheck: setup
	$(BIN)/mypy sifa/core sifa/project sifa/modules

test-sqlite: setup
	$(BIN)/pytest -q -n 2 -m "not e2e"

test-postgres: setup
	@bash scripts/with-postgres.sh "$(PG_TEST_URL)" $(BIN)/pytest -q -n 2 -m "not e2e"

# Only tests/e2e is collected (its conftest marks them e2e; the other runs leave them out with -m "not e2e").
test-e2e: setup browser
	$(BIN)/pytest -q -m e2e tests/e2e

test: setup browser
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory lint typecheck test-sqlite test-postgres test-e2e && \
	echo "suite finished in $$(( $$(date +%s) - start )) s"

openapi: setup
	$(BIN)/python -m sifa.project.openapi > docs/api/openapi.json

clean:
	rm -rf $(VENV) node_modules var
