# PyJolt developer commands. Needs only python3 (with pip) and make.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install test lint typecheck pytest docs docs-serve screenshots demo bench swagger-ui clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "python3 -m venv is unavailable (Debian: python3-venv); using virtualenv from PyPI"; \
	  $(PYTHON) -m pip install --user --quiet virtualenv \
	    || $(PYTHON) -m pip install --user --quiet --break-system-packages virtualenv; \
	  $(PYTHON) -m virtualenv $(VENV); }

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy pyjolt

pytest: install
	$(BIN)/pytest -n auto --dist loadfile --cov --cov-report=term-missing

test: lint typecheck docs pytest

# The documentation site (MkDocs + Material) from docs/, into site/. Strict: a broken
# link or anchor, a missing page or an API name mkdocstrings cannot find fails the build.
# The CLI and API reference pages are generated from the code (docs_build/hooks.py).
DOCS_ENV := NO_MKDOCS_2_WARNING=1

docs: install
	$(DOCS_ENV) $(BIN)/mkdocs build --strict --site-dir site

# Serve the site on http://127.0.0.1:8001 and rebuild on every edit of docs/ or pyjolt/.
DOCS_PORT ?= 8001
docs-serve: install
	$(DOCS_ENV) $(BIN)/mkdocs serve --watch pyjolt --watch docs_build \
	  --dev-addr $(HOST):$(DOCS_PORT)

# Screenshots of the built site (home, a tutorial step, an API page) at desktop and
# mobile widths, with Debian's chromium, into site-screenshots/.
screenshots: docs
	$(BIN)/python scripts/screenshots.py --site site --out site-screenshots

DEMO_DIR ?= .demo

# Scaffold a fresh demo project (SQLite) with the generator, migrate it, and serve it with
# `pyjolt dev`: DEBUG on (the generated config says DEBUG = False, as production should),
# so /openapi/docs is served; it reloads when the demo's files are edited.
demo: install
	rm -rf $(DEMO_DIR)/demo
	mkdir -p $(DEMO_DIR)
	cd $(DEMO_DIR) && $(abspath $(BIN))/pyjolt new-project demo --defaults --force
	cd $(DEMO_DIR)/demo && $(abspath $(BIN))/pyjolt db upgrade
	@echo ""
	@echo "Demo project in $(DEMO_DIR)/demo, DEBUG on. Open:"
	@echo "  http://$(HOST):$(PORT)/               landing page"
	@echo "  http://$(HOST):$(PORT)/openapi/docs   Swagger UI: try the notes API there"
	@echo "  http://$(HOST):$(PORT)/api/v1/notes/  the notes resource (JSON)"
	@echo "  http://$(HOST):$(PORT)/health         health check"
	@echo ""
	cd $(DEMO_DIR)/demo && $(abspath $(BIN))/pyjolt dev --host $(HOST) --port $(PORT)

# Swagger UI shipped in pyjolt/openapi/swagger_ui/: re-fetch the pinned release from npm
# and verify it, or move the pin with `make swagger-ui SWAGGER_UI_VERSION=5.x.y`.
SWAGGER_UI_VERSION ?=

swagger-ui: $(BIN)/python
	$(BIN)/python scripts/update_swagger_ui.py $(SWAGGER_UI_VERSION)

BENCH_VENV := benchmarks/.venv
BENCH_ARGS ?=

$(BENCH_VENV)/.installed: benchmarks/requirements.txt pyproject.toml
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet . -r benchmarks/requirements.txt
	touch $@

# PyJolt itself is installed from a built wheel on every run (not editable), so its modules
# are byte-compiled at install as a user's pip install does: the CLI timings then measure
# what users run, also where PYTHONDONTWRITEBYTECODE=1 is set.
bench: $(BENCH_VENV)/.installed
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(BENCH_VENV)/bin/python -m pip install --quiet --force-reinstall --no-deps .
	$(BENCH_VENV)/bin/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) site site-screenshots .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov $(DEMO_DIR)
