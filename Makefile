# Quick start: `make run`, then `make test`. Only python3 (3.11+) and make are needed.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check
PLUGIN_DIRS := $(patsubst %/pyproject.toml,%,$(wildcard plugins/*/pyproject.toml))
# The test-only plugins (tests/plugin_packages/) never go into $(VENV): tests/conftest.py
# installs them into build/test-plugins/ and puts that folder on the test session's path.
TEST_PLUGIN_FILES := $(wildcard tests/plugin_packages/*/pyproject.toml tests/plugin_packages/*/src/*/*.py)
SAY := @printf '==> %s\n'

.PHONY: run test setup lint typecheck bench clean fuzz test-dist test-lowest

# A $(VENV) made by another Python is refused rather than silently reused.
ifneq ($(filter command line environment,$(origin PYTHON)),)
ifeq ($(filter clean,$(MAKECMDGOALS)),)
WANTED := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
HAVE := $(shell test -x $(BIN)/python && $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
ifeq ($(WANTED),)
$(error $(PYTHON) does not run; give a Python 3.11+ command, e.g. make test PYTHON=python3.12)
endif
ifneq ($(HAVE),)
ifneq ($(HAVE),$(WANTED))
$(error $(VENV) was made by Python $(HAVE), not $(PYTHON) ($(WANTED)); use another folder: make $(or $(MAKECMDGOALS),run) PYTHON=$(PYTHON) VENV=.venv-$(WANTED), or start again with make clean)
endif
endif
endif
endif

$(BIN)/python:
	$(SAY) "creating $(VENV) with $(PYTHON) (a few seconds)"
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml $(wildcard plugins/*/pyproject.toml)
	$(SAY) "installing followup-script and its plugins (Gmail drafts, SMS) into $(VENV)"
	$(SAY) "the first time this downloads about 40 packages: 1 to 3 minutes, pip shows each one"
	$(PIP) install --progress-bar on -e . $(foreach d,$(PLUGIN_DIRS),-e $(d))
	@# editable installs get no bytecode from pip; without it (PYTHONDONTWRITEBYTECODE=1)
	@# every run would compile the sources again
	$(SAY) "compiling the sources (a few seconds)"
	$(BIN)/python -m compileall -q src $(PLUGIN_DIRS)
	@touch $@ $(VENV)/.fresh
	$(SAY) "$(VENV) is set up"

# The PEP 735 groups in pyproject.toml need pip >= 25.1 (the venv module brings an older one).
$(VENV)/.installed-test: $(VENV)/.installed
	$(SAY) "installing the test tools (pytest, ruff, mypy, mkdocs...) into $(VENV): about a minute the first time"
	$(PIP) install -q "pip>=25.1"
	@# tests/plugin_packages/ went into $(VENV) before: take them out of the user's tool
	@$(PIP) uninstall -q -y followup-script-postcard 2>/dev/null || true
	$(PIP) install --progress-bar on -e . --group test
	@touch $@

setup: $(VENV)/.installed

run: $(VENV)/.installed
	@if [ -e $(VENV)/.fresh ]; then rm -f $(VENV)/.fresh; \
	 else printf '==> %s\n' "$(VENV) is already set up (make clean starts again); writing the example"; fi
	$(BIN)/followup-script --config examples/profile.toml \
	  --name "Dana Reyes" --company "Acme Analytics" --role "Data Engineer" \
	  --last-contact 2026-11-20 --outcome no-commitment --today 2026-11-25 \
	  --channel voicemail

# Lint, the import contracts (docs/architecture.md) and the types first: they take seconds.
test: $(VENV)/.installed-test
	@rm -f $(VENV)/.fresh
	$(BIN)/ruff check src tests plugins bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	@# both cores (pytest-xdist): the suite takes about 75 s on an idle 2-core machine, 105 s on one
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

# The deep property runs (10,000 examples each, the "fuzz" hypothesis profile in
# tests/conftest.py; `make test` runs 300) and the hostile-input tests: every test file with a
# hypothesis property. Run it before any change to the engine.
FUZZ_TESTS = tests/test_hostile.py $(shell grep -l '@given' tests/*.py plugins/*/tests/*.py)
fuzz: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q -p no:cacheprovider --hypothesis-profile=fuzz $(sort $(FUZZ_TESTS))

bench: $(VENV)/.installed-test
	$(BIN)/python bench/run.py

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests plugins bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

# What a user gets from PyPI: the wheel installed into a new venv, pipx and uv tool
# installs with a plugin added by `followup-script install` (tests/test_packaging.py, the
# tests marked by FOLLOWUP_SCRIPT_TEST_DIST), then the sdist's own suite, run from the sdist.
SDIST_TREE := build/sdist-test
empty :=
SDIST_PATH := $(subst $(empty) $(empty),:,src $(addsuffix /src,$(PLUGIN_DIRS)))
test-dist: $(VENV)/.installed-test
	$(SAY) "building and installing the distributions as a user would (about a minute)"
	@test -x $(BIN)/uv || $(PIP) install -q uv
	FOLLOWUP_SCRIPT_TEST_DIST=1 $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_packaging.py
	$(SAY) "the sdist's own tests, run from the unpacked sdist (a few minutes)"
	rm -rf $(SDIST_TREE) && mkdir -p $(SDIST_TREE)
	$(BIN)/python -c 'import sys, hatchling.build as b; b.build_sdist(sys.argv[1])' $(SDIST_TREE)
	tar -xzf $(SDIST_TREE)/*.tar.gz -C $(SDIST_TREE)
	cd $(SDIST_TREE)/followup_script-*/ && \
	  PYTHONPATH=$(SDIST_PATH) $(abspath $(BIN))/python -m pytest -q -p no:cacheprovider

# The declared lower bounds are true: a separate venv with the lowest version of every
# direct dependency (uv's --resolution lowest-direct) runs the whole suite.
LOWEST := build/venv-lowest
test-lowest: $(VENV)/.installed-test
	$(SAY) "the suite at the declared minimum versions, in $(LOWEST) (a few minutes)"
	@test -x $(BIN)/uv || $(PIP) install -q uv
	rm -rf $(LOWEST)
	$(BIN)/uv venv -q --seed --python $(BIN)/python $(LOWEST)
	@# the core's and the plugins' dependencies at their declared minimums, pinned; then the
	@# test tools, which may not move those pins
	VIRTUAL_ENV=$(LOWEST) $(BIN)/uv pip install --resolution lowest-direct \
	  -e . $(foreach d,$(PLUGIN_DIRS),-e $(d))
	VIRTUAL_ENV=$(LOWEST) $(BIN)/uv pip freeze --exclude-editable > $(LOWEST)/constraints.txt
	VIRTUAL_ENV=$(LOWEST) $(BIN)/uv pip install -q --group test -c $(LOWEST)/constraints.txt
	$(LOWEST)/bin/python -m pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV)
