# Sahakum — `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The project's own code for bandit (bench/ and tests/ are not shipped).
BANDIT_PATHS := accounts cms marketplace networks notifications training scripts manage.py

.DEFAULT_GOAL := help
.PHONY: help install install-test demo localstripe serve migrate seed test test-postgres lint audit format messages check bench lighthouse clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-14s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(VENV)/bin/python
	$(PY) -m pip install -r requirements-test.txt
	touch $(VENV)/.installed $@

install: $(VENV)/.installed ## Create .venv and install requirements.txt

install-test: $(VENV)/.installed-test ## Install requirements plus test requirements

migrate: install ## Apply migrations to the local database (SQLite unless DATABASE_URL is set)
	$(PY) manage.py migrate --noinput

seed: migrate ## Load the demo site and data (idempotent)
	$(PY) manage.py seed_demo

demo: seed ## Install, migrate, seed and serve the demo on http://127.0.0.1:8000
	$(PY) manage.py runserver $(HOST):$(PORT)

localstripe: install-test ## Stripe double on 127.0.0.1:8420 for card payments in the demo (see README)
	PORT=$(PORT) $(PY) manage.py payments_localstripe --port 8420

serve: install ## Serve without seeding
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install-test ## Install everything and run the whole suite (SQLite)
	$(PY) -m pytest

test-postgres: install-test ## Run the suite against PostgreSQL (DATABASE_URL, default local postgres)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/sahakum} $(PY) -m pytest

lint: install-test ## ruff lint and format check, import contracts, bandit, offline dependency audit, Django checks, missing migrations
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(VENV)/bin/lint-imports
	$(PY) -m bandit -q -ll -r $(BANDIT_PATHS) -x '*/migrations/*'
	$(PY) scripts/audit_dependencies.py
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=cms.settings.test $(PY) manage.py makemigrations --check --dry-run

audit: install-test ## Dependency audit, plus pip-audit against the advisory database (needs network)
	$(PY) scripts/audit_dependencies.py --online

format: install-test ## Apply ruff fixes and formatting
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

messages: install ## Refresh the Khmer catalog and compile it (needs gettext)
	$(PY) manage.py makemessages -l km --ignore=.venv --ignore=staticfiles --ignore=bench --ignore=node_modules --no-obsolete
	$(PY) manage.py compilemessages -l km --ignore=.venv --ignore=node_modules

bench: install-test ## Run the benchmarks (needs PostgreSQL, Redis, wrk) and rewrite bench/RESULTS.md
	$(PY) bench/perf.py
	$(PY) bench/run.py

lighthouse: install-test ## Lighthouse on a phone (home, catalog, product, course; Regular 3G); needs Chromium and `npm ci`
	$(PY) bench/lighthouse.py

clean: ## Remove the virtualenv, database and collected files
	rm -rf $(VENV) db.sqlite3 staticfiles media
