# Working Carers Hub — the two README commands and a few helpers.
#   make run    set up everything and serve the demo on http://127.0.0.1:$(PORT)
#   make test   lint, types, unit, integration and browser tests
SHELL := /bin/bash
.DEFAULT_GOAL := help
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/.venv
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/uv/bin/uv)
PY := .venv/bin/python
SYSTEM_PYTHON := $(shell command -v python3.12 || command -v python3.13 || command -v python3)

.PHONY: help run test test-python test-browser lint assets translations messages deps deps-test chromium wrk azurite oidc-provider bench clean

help:
	@echo "make run   - install, migrate, load demo data and serve on http://127.0.0.1:$(PORT)"
	@echo "make test  - lint, type-check and run every test (SQLite, plus PostgreSQL when DATABASE_URL is set)"
	@echo "make bench - load the key pages at scale on PostgreSQL and compare them with a bare view (bench/README.md)"

$(CURDIR)/.tools/uv/bin/uv:
	@echo "==> Installing uv (the Python package manager) into .tools/"
	$(SYSTEM_PYTHON) -m pip install --quiet --disable-pip-version-check --target .tools/uv uv

.venv/.deps-run: pyproject.toml uv.lock | $(UV)
	@echo "==> Installing Python dependencies"
	$(UV) sync --locked --no-default-groups --compile-bytecode
	@touch $@

.venv/.deps-test: pyproject.toml uv.lock | $(UV)
	@echo "==> Installing Python dependencies for the tests"
	$(UV) sync --locked --group test --compile-bytecode
	@touch $@ .venv/.deps-run

deps: .venv/.deps-run
deps-test: .venv/.deps-test

node_modules/.installed: package.json package-lock.json
	@echo "==> Installing front-end packages (GOV.UK Frontend, Sass, axe-core)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

build/static/.built: node_modules/.installed frontend/app.scss frontend/build.mjs frontend/init.js
	@echo "==> Building front-end assets"
	npm run --silent build
	@touch $@

assets: build/static/.built

# The Welsh (and any other) translations, compiled from locale/*/LC_MESSAGES/django.po.
TRANSLATIONS := $(wildcard locale/*/LC_MESSAGES/django.po)
translations: $(TRANSLATIONS:.po=.mo)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po .venv/.deps-run
	$(PY) manage.py compile_translations --if-stale

# Maintainers: gather new and changed text into the catalogues after changing any (docs/welsh.md).
messages: deps-test
	DJANGO_ENV=test $(PY) manage.py makemessages -l cy --no-obsolete \
	  -i ".venv/*" -i "node_modules/*" -i "build/*" -i "scripts/*" -i "var/*" -i "bench/*"

run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: deps assets translations
	@mkdir -p var/static
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo
	@echo "==> Serving on http://127.0.0.1:$(PORT) with a task worker and scheduler (Ctrl+C stops all three)"
	@trap 'kill 0' INT TERM EXIT; \
	  $(PY) manage.py task_worker >var/worker.log 2>&1 & \
	  $(PY) manage.py crontask --no-heartbeat >var/scheduler.log 2>&1 & \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

chromium:
	@bash scripts/ensure-chromium.sh

wrk:
	@bash scripts/ensure-wrk.sh

# Azure Blob Storage's emulator, for the object storage tests; kept apart from the front-end
# packages so that `make run` does not install it.
scripts/azurite/node_modules/.installed: scripts/azurite/package.json scripts/azurite/package-lock.json
	@echo "==> Installing Azurite (the Azure Blob Storage emulator) for the object storage tests"
	npm ci --prefix scripts/azurite --no-audit --no-fund --loglevel=error
	@touch $@

azurite: scripts/azurite/node_modules/.installed

# A certified OpenID Provider (panva's oidc-provider), for the single sign-on tests only.
scripts/oidc-provider/node_modules/.installed: scripts/oidc-provider/package.json scripts/oidc-provider/package-lock.json
	@echo "==> Installing oidc-provider (an OpenID Provider) for the single sign-on tests"
	npm ci --prefix scripts/oidc-provider --no-audit --no-fund --loglevel=error
	@touch $@

oidc-provider: scripts/oidc-provider/node_modules/.installed

lint: deps-test
	@echo "==> ruff"
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	@echo "==> import-linter (layers point one way: docs/architecture.md)"
	.venv/bin/lint-imports --no-cache
	@echo "==> mypy"
	.venv/bin/mypy .
	@echo "==> migrations are up to date"
	DJANGO_ENV=test $(PY) manage.py makemigrations --check --dry-run -v 1
	@echo "==> production settings pass Django's deployment checks"
	DJANGO_ENV=production SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(60))') \
	  ALLOWED_HOSTS=carers.example.org SITE_URL=https://carers.example.org EMAIL_HOST=smtp.example.org \
	  DATABASE_URL=postgres://carershub@db.example.org/carershub \
	  CREDENTIALS_ENCRYPTION_KEYS=$$($(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') \
	  $(PY) manage.py check --deploy --fail-level WARNING

test: deps-test assets translations chromium wrk azurite oidc-provider lint
	@bash scripts/run-tests.sh

# PostgreSQL only. BENCH_STAFF=1500000 for national size; see bench/README.md for the rest.
bench: deps-test wrk
	$(PY) bench/run.py

clean:
	rm -rf .venv .tools node_modules scripts/azurite/node_modules scripts/oidc-provider/node_modules build var/static
