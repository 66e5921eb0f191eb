# bro — two commands: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := app.py

.PHONY: run test setup dev-setup translations migrate demo bench load clean chromium check-curricula

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/activate pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed translations

dev-setup: $(VENV)/.dev-installed translations chromium

translations: $(VENV)/.installed
	@$(BIN)/pybabel compile -d bro/translations >/dev/null

migrate: setup
	$(BIN)/flask db upgrade

## make run: install, migrate, import curricula, seed a demo on an empty database, serve on :5000
run: migrate
	@if [ -d curricula ] && $(BIN)/flask bro curricula --help >/dev/null 2>&1; then $(BIN)/flask bro curricula import curricula; fi
	$(BIN)/flask bro demo --if-empty
	@echo "Serving bro at http://127.0.0.1:5000 (Ctrl-C stops)"
	$(BIN)/gunicorn --config python:bro.gunicorn_config --bind 127.0.0.1:5000 app:app

demo: migrate
	$(BIN)/flask bro demo

## Debian's Chromium for the browser tests (installed when missing and running as root)
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ -z "$$BRO_CHROMIUM" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || { echo "could not install chromium"; exit 1; }; \
	  else echo "Chromium is missing: install Debian's chromium (browser tests will skip, and fail under CI=true)"; fi; \
	fi

## make test: dev dependencies, Chromium, then the whole suite (browser tests included)
test: dev-setup
	BRO_CHECK_MIGRATIONS=1 $(BIN)/pytest $(PYTEST_ARGS)

check-curricula: setup
	$(BIN)/flask bro curricula check curricula

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis test-artifacts

## make bench: generate a large organisation, serve it with gunicorn on loopback, measure against the targets
## (BENCH_ARGS="--scale 0.25 --markdown" ...; BENCH_DATABASE_URL=postgresql+psycopg://... adds PostgreSQL)
bench: dev-setup
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## make load: 50 clients for 60 s of mixed work, then every accepted submission must be stored exactly once
## (LOAD_ARGS="--servers 2" with BENCH_DATABASE_URL: two gunicorn servers on one PostgreSQL)
load: dev-setup
	$(BIN)/python -m bench.load --clients 50 --seconds 60 $(LOAD_ARGS)
