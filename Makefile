# Two commands for a newcomer:  `make demo`  and  `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: install demo console test test-services lint bench docs clean
DEMO_PORT ?= 8765

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

# The bot against a local emulated Slack workspace, on SQLite: no tokens needed. Open the printed URL.
demo: install
	-scripts/ensure-cjk-font
	$(BIN)/duban demo --web --port $(DEMO_PORT)

# The same workspace in the terminal.
console: install
	-scripts/ensure-cjk-font
	$(BIN)/duban demo

# Everything CI runs: lint, architecture contracts, docs in sync, the whole suite on SQLite and PostgreSQL.
test: install
	scripts/ensure-postgres
	-scripts/ensure-chromium
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python scripts/state_diagram.py --check
	$(BIN)/pytest

# The fast tiers, for every edit: the pure core and the use cases on in-memory ports (tests/fakes.py),
# with the property tests on a tenth of their budget (tests/properties.py). Under ten seconds; no database.
# Bytecode caching stays on here even where the environment turns it off (PYTHONDONTWRITEBYTECODE):
# without it pytest re-rewrites the asserts of every test module on every run (about half the time).
test-services: install
	env -u PYTHONDONTWRITEBYTECODE DUBAN_QUICK_PROPERTIES=1 $(BIN)/pytest tests/services tests/unit -q -p no:cacheprovider

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

docs: install
	$(BIN)/python scripts/state_diagram.py --write

bench: install
	scripts/ensure-postgres
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis *.egg-info duban-demo.db* test-artifacts
