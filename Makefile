# Barnahus Family Voices: developer commands. See README.md.
SHELL := /bin/bash
VENV ?= .venv
PYTHON ?= $(shell scripts/find-python)
BIN := $(VENV)/bin
PORT ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: demo test install install-app lint typecheck pytest messages lock worker clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.app-installed: requirements/app.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/app.lock
	touch $@

$(VENV)/.dev-installed: requirements/dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/dev.lock
	touch $@ $(VENV)/.app-installed

install-app: $(VENV)/.app-installed
install: $(VENV)/.dev-installed

## Run the application with demo data on SQLite (no services needed).
demo: install-app
	DJANGO_ENV=dev $(BIN)/python manage.py migrate --noinput
	DJANGO_ENV=dev $(BIN)/python manage.py migrate --noinput --database keystore
	DJANGO_ENV=dev $(BIN)/python manage.py seed_demo
	DJANGO_ENV=dev $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## A Celery worker with beat for development (needs Redis: CELERY_BROKER_URL=redis://127.0.0.1:6379/0).
worker: install-app
	DJANGO_ENV=dev CELERY_BROKER_URL=$${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0} $(BIN)/celery -A config worker --beat --loglevel=INFO --concurrency=2

## The whole suite plus lint and type checks. Uses PostgreSQL when DATABASE_URL points at one.
test: install lint typecheck pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy .

pytest: install
	$(BIN)/pytest $(PYTEST_ARGS)

## Extract and compile translations (needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages --all --no-obsolete --no-location --ignore '.venv/*' --ignore 'tests/*'
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

## Re-pin dependencies after editing requirements/*.in.
lock: install
	cd requirements && ../$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o app.lock app.in
	cd requirements && ../$(BIN)/pip-compile -q --generate-hashes --allow-unsafe --strip-extras -o dev.lock dev.in

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
