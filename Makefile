# glose: the two commands of the README. Everything else is a helper of these.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test install install-dev bench clean

run: install ## create .venv, install, import samples/ if the database is empty, open the app
	$(BIN)/glose import --if-empty samples/
	$(BIN)/glose

test: install-dev ## install with the dev extra and run the whole suite
	$(BIN)/python -m pytest

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

bench: install ## run the benchmarks (they print their figures)
	$(BIN)/python bench/import_speed.py

clean:
	rm -rf $(VENV) build *.egg-info
