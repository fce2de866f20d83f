# glose: the two commands of the README. Everything else is a helper of these.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test lint install install-dev bench clean

run: install ## create .venv, install, import samples/ if the database is empty, open the app
	$(BIN)/glose import --if-empty samples/
	$(BIN)/glose

test: install-dev lint ## install with the dev extra, lint, and run the whole suite
	$(BIN)/python -m pytest

# ruff on the source tree; mypy on an installed copy (it cannot follow the package-dir
# mapping glose <- app/ of the editable install). The import contracts run in the suite.
lint: install-dev ## ruff and mypy, zero findings
	$(BIN)/ruff check app db widgets tests bench samples
	rm -rf build .build/site  # setuptools would ship what a stale build/lib still holds
	$(BIN)/python -m pip install --quiet --no-deps --target .build/site .
	cd .build/site && ../../$(BIN)/mypy --config-file ../../pyproject.toml -p glose

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
	rm -rf $(VENV) build .build *.egg-info
