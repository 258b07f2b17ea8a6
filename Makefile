# Two commands: `make run` (demo on SQLite) and `make test` (the whole suite).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HTMX_JS := inspect_app/static/vendor/htmx.min.js
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi
# Python writes its bytecode (__pycache__, ignored by git) even where the environment says not
# to: every test worker and child process imports the app and the tests, and compiling them
# again each time took 8 of the 13 s of a collection.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: setup run test lint test-unit test-browser translations clean

$(BIN)/flask: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,bench]'
	@touch $(BIN)/flask

setup: $(BIN)/flask translations node_modules/axe-core/axe.min.js $(HTMX_JS)

# From the npm registry (package-lock.json): htmx for the pages, axe-core for the browser tests'
# accessibility checks.
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

# htmx (npm's htmx.org) copied into the static build folder, served from our own origin.
$(HTMX_JS): node_modules/axe-core/axe.min.js
	mkdir -p $(@D)
	cp node_modules/htmx.org/dist/htmx.min.js $@

translations: $(BIN)/flask
	$(BIN)/pybabel compile -d inspect_app/translations

run: setup
	APP_ENV=development $(BIN)/flask db upgrade
	APP_ENV=development $(BIN)/flask seed-demo
	@echo "Serving on http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	APP_ENV=development $(BIN)/flask run --host $(HOST) --port $(PORT)

test: lint test-unit test-browser

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test-unit: setup
	$(BIN)/python -m pytest -n auto --dist worksteal --ignore=tests/browser

# The browser journeys one at a time: timing-sensitive swaps stay deterministic.
test-browser: setup
	$(BIN)/python -m pytest tests/browser

extract: $(BIN)/flask
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d inspect_app/translations -l vi --no-fuzzy-matching
	rm -f messages.pot

clean:
	rm -rf $(VENV) instance
