# Classes mobiles — developer commands. `make help` lists them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1
export DJANGO_SETTINGS_MODULE := classes_mobiles.settings
APT_RUN := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
APT_TEST := $(APT_RUN) chromium

.PHONY: help run test quality bench lighthouse demo migrate worker system-run system-test clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-run

node_modules/.installed: package.json package-lock.json
	@command -v java >/dev/null || ./.ci/apt-ensure default-jre-headless
	@command -v npm >/dev/null || ./.ci/apt-ensure npm
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

system-run: ## Install the system packages the app needs (WeasyPrint's pango) when missing
	@./.ci/apt-ensure $(APT_RUN)

system-test: ## Install the system packages the tests need (Chromium…) when missing
	@./.ci/apt-ensure $(APT_TEST)

migrate: $(VENV)/.installed-run ## Apply database migrations
	$(BIN)/python manage.py migrate --noinput

demo: migrate ## Load the demo department (idempotent)
	$(BIN)/python manage.py demo_data

run: system-run demo ## Start the app with demo data on http://127.0.0.1:8000/
	@echo ""
	@echo "  Classes mobiles : http://$(HOST):$(PORT)/"
	@echo ""
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py runserver $(HOST):$(PORT)

worker: $(VENV)/.installed-run ## Start a Celery worker with its beat (periodic jobs: outbox…); needs CELERY_BROKER_URL
	$(BIN)/celery -A classes_mobiles worker --beat --schedule=$(VENV)/celerybeat-schedule --loglevel=INFO --concurrency=2

test: system-test $(VENV)/.installed-test node_modules/.installed ## Run the whole test suite (the Nu HTML Checker comes from npm)
	TEMPLATE_STRICT=1 $(BIN)/pytest

quality: $(VENV)/.installed-test ## ruff, djlint, migrations check, Django checks
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

bench: $(VENV)/.installed-test ## Every benchmark under bench/ (pages, gunicorn load test on PostgreSQL, exports…), figures next to their targets
	@statut=0; for script in bench/*.py; do \
	  echo ""; echo "==> $$script"; $(BIN)/python $$script || statut=1; \
	done; exit $$statut

lighthouse: ## Lighthouse (mobile) on the key pages of a running server with the demo data (BASE=http://127.0.0.1:8000)
	$(BIN)/python bench/lighthouse.py --base $(or $(BASE),http://$(HOST):$(PORT))

clean: ## Remove the virtualenv and the demo database
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm
