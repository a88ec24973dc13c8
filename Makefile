# Everything runs from a fresh clone with nothing but python3: `make venv` builds .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: venv run test lint format bench clean lock compose-up compose-down browser

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

test: lint browser
	$(BIN)/python -m pytest -p no:cacheprovider $(PYTEST_ARGS)

# tests/docs drive Debian's Chromium through Playwright; Playwright's own browser download is
# never used (offline networks). Installed as root when missing; without root the docs tests
# skip on a laptop and fail in CI, as the PostgreSQL leg does.
CHROMIUM := /usr/bin/chromium

browser: $(CHROMIUM)

$(CHROMIUM):
	if [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	else \
		echo "$(CHROMIUM) is missing: as root, apt-get install chromium"; \
	fi

bench: venv
	$(BIN)/python -m bench.run $(BENCH_ARGS)

clean:
	rm -rf var/*.db var/*.db-* var/*.log var/demo-credentials.json var/bench-*

# The image's pinned runtime dependencies (deploy/requirements.lock), from what .venv runs.
lock: venv
	$(BIN)/python -m deploy.lock > deploy/requirements.lock

# On a machine with Docker (Compose v2): the image, Kafka, PostgreSQL, the services, Prometheus.
# Needs deploy/.env (copy deploy/.env.example and fill it in); APIs on 127.0.0.1:8001-8003.
COMPOSE := docker compose --file deploy/compose.yaml --env-file deploy/.env

compose-up:
	test -f deploy/.env || { echo "deploy/.env is missing: copy deploy/.env.example and fill it in"; exit 1; }
	$(COMPOSE) up --build --detach

compose-down:
	$(COMPOSE) down
