# Everything runs from a fresh clone with nothing but python3: `make venv` builds .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: venv run test lint format bench clean

venv: $(STAMP)

# Reinstalls only when .venv is missing or pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

run: venv
	$(BIN)/python -m deploy.run

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

bench: venv
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf var/*.db var/*.db-* var/*.log var/demo-credentials.json var/bench-*
