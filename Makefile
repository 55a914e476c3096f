# Quick start: `make run`, then `make test`. Only python3 (3.11+) and make are needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PLUGIN_DIRS := $(patsubst %/pyproject.toml,%,$(wildcard plugins/*/pyproject.toml))
TEST_PLUGIN_DIRS := $(patsubst %/pyproject.toml,%,$(wildcard tests/plugin_packages/*/pyproject.toml))

.PHONY: run test setup lint bench clean fuzz

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml $(wildcard plugins/*/pyproject.toml)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e . $(foreach d,$(PLUGIN_DIRS),-e $(d))
	@# editable installs get no bytecode from pip; without it (PYTHONDONTWRITEBYTECODE=1)
	@# every run would compile the sources again
	$(BIN)/python -m compileall -q src $(PLUGIN_DIRS)
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed $(wildcard tests/plugin_packages/*/pyproject.toml)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]' $(foreach d,$(TEST_PLUGIN_DIRS),-e $(d))
	touch $@

setup: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/followup-script --config examples/profile.toml \
	  --name "Dana Reyes" --company "Acme Analytics" --role "Data Engineer" \
	  --last-contact 2026-11-20 --outcome no-commitment --today 2026-11-25 \
	  --channel voicemail

# Lint and the import contracts (docs/architecture.md) first: they take seconds.
test: $(VENV)/.installed-test
	$(BIN)/ruff check src tests plugins bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q -p no:cacheprovider

# The deep property runs (10,000 examples each, the "fuzz" hypothesis profile in
# tests/conftest.py) and the hostile-input tests. Run it before any change to the engine.
fuzz: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -p no:cacheprovider --hypothesis-profile=fuzz tests/test_properties.py tests/test_hostile.py

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests plugins bench
	$(BIN)/lint-imports --no-cache

clean:
	rm -rf $(VENV)
