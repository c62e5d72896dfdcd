# Jangkau: the two commands of the README.
#   make run   set up a virtual environment, build the SQLite database, load reference + demo data, serve :5000
#   make test  set up the virtual environment with test tools and run the whole test suite

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install check clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Jangkau needs Python 3.11 or newer")'
	@$(PYTHON) -m venv $(VENV) || { echo "Creating the virtual environment failed: on Debian, apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
	@touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/flask --app admin_app db upgrade
	$(BIN)/flask --app admin_app seed --demo
	@echo "Jangkau berjalan di http://$(HOST):$(PORT)  (hentikan dengan Ctrl+C)"
	$(BIN)/flask --app admin_app run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) instance .pytest_cache
