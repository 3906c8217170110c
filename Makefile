# Quick start: `make run` (the service + LINE emulator chat page), `make test` (ruff, then every test).
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test lint install install-dev browser catalogs compile-catalogs clean

# Both run in development: the dev secrets and the instance dir's key are refused anywhere else.
run: install compile-catalogs
	HOTLINE_ENV=development $(PY) scripts/run_local.py

test: lint browser compile-catalogs
	HOTLINE_ENV=development $(PY) -m pytest

# Ruff's rules and settings are in pyproject.toml; the tree stays clean (CI runs `make test`).
lint: install-dev
	$(PY) -m ruff check .

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: requirements.txt | $(VENV)/bin/python
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# Browser tests drive Debian's chromium through Playwright; never a downloaded browser.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) ; } || \
		echo "chromium not installed: browser tests will be skipped"

# Gettext catalogs: extract message ids (flows + N_() marks) to locales/*.pot, merge them
# into every language's .po (new ids start empty), compile the .mo files (build output).
catalogs: install
	$(PY) -m locales update
	$(PY) -m locales compile

# What run and test need: the .mo files, from the committed .po files (changes nothing tracked).
compile-catalogs: install
	$(PY) -m locales compile

clean:
	rm -rf $(VENV) instance
