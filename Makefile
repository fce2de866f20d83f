# glose: the two commands of the README. Everything else is a helper of these.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: run test lint install install-dev lock bench clean

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

# The versions tested together come from the lock files; glose itself, editable, on top.
$(VENV)/.installed: pyproject.toml requirements.lock | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml requirements-dev.lock | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(VENV)/.installed $@

lock: install ## re-pin requirements*.lock from pyproject.toml's ranges (after changing a dependency)
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --quiet -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --quiet -o requirements-dev.lock

bench: install ## run the benchmarks (they print their figures)
	$(BIN)/python bench/import_speed.py

clean:
	rm -rf $(VENV) build .build *.egg-info
