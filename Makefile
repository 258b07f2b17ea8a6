# Two commands: `make run` (demo on SQLite) and `make test` (the whole suite).
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: setup run test lint translations clean

$(BIN)/flask: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,bench]'
	@touch $(BIN)/flask

setup: $(BIN)/flask translations node_modules/axe-core/axe.min.js

# axe-core for the browser tests' accessibility checks, from the npm registry (package-lock.json).
node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@touch $@

translations: $(BIN)/flask
	$(BIN)/pybabel compile -d inspect_app/translations

run: setup
	APP_ENV=development $(BIN)/flask db upgrade
	APP_ENV=development $(BIN)/flask seed-demo
	@echo "Serving on http://$(HOST):$(PORT)/  (stop with Ctrl+C)"
	APP_ENV=development $(BIN)/flask run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -n auto

extract: $(BIN)/flask
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o messages.pot .
	$(BIN)/pybabel update -i messages.pot -d inspect_app/translations -l vi --no-fuzzy-matching
	rm -f messages.pot

clean:
	rm -rf $(VENV) instance
