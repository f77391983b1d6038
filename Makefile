# Two commands for a newcomer: `make run` and `make test`. Everything else is for CI and
# maintainers. Only Python 3.11+ and make are needed; dependencies come from the hashed
# lock files in requirements/.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
SCHEMA := docs/openapi.yaml

.DEFAULT_GOAL := help
.PHONY: help run port-free serve demo test lint format migrations-check schema schema-check check client-check schemathesis lock clean messages

help:
	@echo "make run     install, migrate, load demo data, print a token, serve http://$(HOST):$(PORT)"
	@echo "make test    install test dependencies and run the whole suite (DATABASE_URL honoured)"
	@echo "make serve   production serving (gunicorn, PostgreSQL); see docs/deploy.md"
	@echo "make check   lint, migration check and OpenAPI check (what CI runs besides tests)"
	@echo "make schema  regenerate $(SCHEMA) after an API change"
	@echo "make client-check  generate a Python client from $(SCHEMA) and drive a live server"
	@echo "make schemathesis  a long schemathesis run (PostgreSQL on 127.0.0.1:5432)"
	@echo "make lock    re-lock requirements/*.txt after editing pyproject.toml"
	@echo "make messages  extract and compile the Spanish catalogue (locale/; needs xgettext)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-base: requirements/base.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/base.txt
	@rm -f $(VENV)/.installed-dev
	@touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	@touch $@ $(VENV)/.installed-base

# Prepare the SQLite (or DATABASE_URL) database with reference and demo data.
# Before anything else: a busy port would fail the server after the data were loaded.
port-free:
	@python3 -c "import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('$(HOST)', $(PORT)))" 2>/dev/null \
	  || { echo "Port $(PORT) on $(HOST) is in use: stop what runs there, or choose another: PORT=8001 make run"; exit 1; }

demo: $(VENV)/.installed-base
	DEBUG=1 $(MANAGE) migrate --noinput -v 0
	DEBUG=1 $(MANAGE) load_reference_data
	DEBUG=1 $(MANAGE) load_demo_data

run: port-free demo
	@token=$$(DEBUG=1 $(MANAGE) create_token demo-acnur --name make-run --expires-days 30 --reuse-file var/demo-token | tail -n 1); \
	password=$$(DEBUG=1 $(MANAGE) demo_password | tail -n 1); \
	echo; \
	echo "Demo API token (demo-acnur, reporter at ACNUR, valid 30 days):"; \
	echo "  $$token"; \
	echo "Try:  curl -H 'Authorization: Bearer $$token' http://$(HOST):$(PORT)/api/v1/me/"; \
	echo "Docs: http://$(HOST):$(PORT)/api/docs/"; \
	echo "More tokens: DEBUG=1 $(MANAGE) create_token demo-analyst   (or demo-coordinator, demo-hias)"; \
	echo; \
	echo "Web console: http://$(HOST):$(PORT)/console/ (also the admin and the browsable API):"; \
	echo "sign in as demo-coordinator (coordinator, staff) with the one-time password $$password"; \
	echo "A background worker runs beside the server (large imports, webhooks, housekeeping)."; \
	echo
	@DEBUG=1 $(MANAGE) run_worker --supervised -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(MANAGE) runserver $(HOST):$(PORT)

# Production serving: gunicorn against PostgreSQL, settings from the environment
# (DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS required; see docs/deploy.md).
serve: $(VENV)/.installed-base
	@test -n "$$DATABASE_URL" || { echo "make serve: set DATABASE_URL (PostgreSQL)"; exit 2; }
	@test -n "$$SECRET_KEY" || { echo "make serve: set SECRET_KEY"; exit 2; }
	@test -n "$$ALLOWED_HOSTS" || { echo "make serve: set ALLOWED_HOSTS"; exit 2; }
	$(MANAGE) migrate --noinput -v 0
	$(MANAGE) createcachetable
	$(MANAGE) load_reference_data
	$(MANAGE) collectstatic --noinput -v 0
	@# One background worker beside the web server (imports, webhooks, housekeeping); run
	@# more, on this or other machines, with `manage.py run_worker` (docs/deploy.md).
	@$(MANAGE) run_worker --supervised -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DB_STATEMENT_TIMEOUT_MS=$${DB_STATEMENT_TIMEOUT_MS:-30000} $(BIN)/gunicorn -c config/gunicorn.py config.wsgi

test: $(VENV)/.installed-dev
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(VENV)/.installed-dev
	DEBUG=1 $(MANAGE) makemigrations --check --dry-run

schema: $(VENV)/.installed-dev
	DEBUG=1 $(MANAGE) spectacular --validate --fail-on-warn --file $(SCHEMA)

schema-check: $(VENV)/.installed-dev
	@mkdir -p build
	DEBUG=1 $(MANAGE) spectacular --validate --fail-on-warn --file build/openapi.yaml
	@diff -u $(SCHEMA) build/openapi.yaml || { echo "$(SCHEMA) is stale: run 'make schema' and commit it."; exit 1; }

check: lint migrations-check schema-check

# Schemathesis against a live server; CI runs 4 examples per operation, this runs 100.
schemathesis: $(VENV)/.installed-dev
	bash .ci/schemathesis 100

# Generate a Python client from docs/openapi.yaml and drive a live server with it.
client-check: $(VENV)/.installed-dev
	bash .ci/client-check

# Extract the messages to translate into locale/es/LC_MESSAGES/django.po (needs GNU
# gettext's xgettext, for developers only), compile the .mo with polib and list the messages
# still without Spanish. Translations are written in the .po (Poedit, Weblate...). Running
# the service needs neither: the compiled catalogue is committed.
messages: $(VENV)/.installed-dev
	DEBUG=1 $(MANAGE) makemessages -l es --no-location --no-obsolete --ignore=.venv --ignore=build --ignore=bench --ignore=tests --ignore=locale
	$(BIN)/python locale/compile.py

lock:
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links --extra dev -o requirements/dev.txt pyproject.toml
	$(BIN)/pip-compile --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/client.txt requirements/client.in

clean:
	rm -rf $(VENV) var build .pytest_cache .ruff_cache
