# socplan — the front door. `make run` to try it, `make test` for everything CI checks.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# The first Python >= 3.12 found (Django 6 needs it); the machine's default python3 may be older.
PYTHON ?= $(shell for c in python3.14 python3.13 python3.12 python3 \
	$$(ls -d /root/.pyenv/versions/3.1[2-9]*/bin/python3 /usr/local/bin/python3.1[2-9] 2>/dev/null); do \
	  $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$c; break; }; done)
PG_URL ?= postgres://postgres@127.0.0.1:5432/socplan
CHROMIUM ?= /usr/bin/chromium

.PHONY: help install run migrate demo test lint format test-sqlite test-postgres e2e bench clean

help:
	@echo "make run    install, migrate, load the demo county and serve on http://127.0.0.1:8000"
	@echo "make test   ruff, the test suite on SQLite and PostgreSQL, and the browser tests"
	@echo "make bench  timings against their targets, on a throwaway database (exits 1 on a miss)"

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (Django 6). Install it, or set PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --no-input -v 0

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@echo "Serving on http://127.0.0.1:8000 (Ctrl-C to stop). The demo logins are printed above."
	@echo "A background worker makes the PDFs (python manage.py db_worker)."
	DEBUG=true $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=true $(PY) manage.py runserver 127.0.0.1:8000

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint
	$(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

# The browser tests run in a process of their own, one test after another: Playwright's event
# loop changes how Django hands out connections in the process, which plain database tests must
# not meet, and with two workers the live server's shared SQLite connection was seen to fail.
# (Exit status 5 is "no test selected", e.g. with PYTEST_ARGS="-k roster".)
test-sqlite: install
	@echo "== test suite on SQLite =="
	env -u DATABASE_URL $(VENV)/bin/pytest -n 2 --ignore=tests/e2e $(PYTEST_ARGS)
	@echo "== browser tests on SQLite =="
	env -u DATABASE_URL $(VENV)/bin/pytest -p no:xdist tests/e2e $(PYTEST_ARGS) || [ $$? -eq 5 ]

# PostgreSQL: DATABASE_URL if set, else the local server on 127.0.0.1:5432 (started with
# pg_ctlcluster if it is installed but stopped). In CI it must be reachable; elsewhere it is skipped
# with a message when there is none.
test-postgres: install
	@url="$${DATABASE_URL:-$(PG_URL)}"; \
	if ! scripts/ensure-postgres "$$url"; then \
	  if [ "$$CI" = "true" ]; then echo "PostgreSQL is not reachable at $$url and CI requires it"; exit 1; fi; \
	  echo "== PostgreSQL not reachable at $$url: skipped (CI runs it) =="; exit 0; \
	fi; \
	echo "== test suite on PostgreSQL =="; \
	DATABASE_URL="$$url" $(VENV)/bin/pytest -n 2 --ignore=tests/e2e $(PYTEST_ARGS) && \
	echo "== browser tests on PostgreSQL ==" && \
	{ DATABASE_URL="$$url" $(VENV)/bin/pytest -p no:xdist tests/e2e $(PYTEST_ARGS) || [ $$? -eq 5 ]; }

e2e: install
	$(VENV)/bin/pytest -p no:xdist tests/e2e $(PYTEST_ARGS)

# Its own temporary SQLite database, whatever DATABASE_URL says: the dev database is never touched.
bench: install
	env -u DATABASE_URL DJANGO_SETTINGS_MODULE=socplan.settings $(PY) scripts/bench.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 *.egg-info
