# Jangkau: the two commands of the README.
#   make run   set up a virtual environment with the app only, build the SQLite database, load reference + demo
#              data, serve :5000 (make run HOST=0.0.0.0 serves the office LAN)
#   make test  add the test tools to the virtual environment, run `make check`, then the whole test suite
# Debian packages make needs: make, python3 (3.11+), python3-venv (see README, "Yang dibutuhkan").
#   make check lint (ruff: pyflakes, import order, complexity), security checks: bandit (our code) and pip-audit
#              (known vulnerabilities in installed packages)

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install check clean bench bench-full

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) tidak ditemukan: di Debian, apt-get install python3 python3-venv"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Jangkau needs Python 3.11 or newer")'
	@$(PYTHON) -m venv $(VENV) || { echo "Creating the virtual environment failed: on Debian, apt-get install python3-venv"; exit 1; }
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip

# Two stamps: the app alone (what `make run` needs) and the test tools on top (what `make test` and `make check`
# need). `make test` after `make run` still installs the test extra; a changed pyproject.toml reinstalls both.
$(VENV)/.installed-app: $(BIN)/python pyproject.toml
	@echo "Memasang Jangkau ke $(VENV) ..."
	@# PYTHONWARNINGS: setuptools' notice that an editable install is editable is noise for the IT officer.
	@PYTHONWARNINGS=ignore $(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed-app
	@echo "Memasang alat uji ke $(VENV) ..."
	@PYTHONWARNINGS=ignore $(BIN)/pip install --quiet --disable-pip-version-check -e ".[test]"
	@touch $@

install: $(VENV)/.installed-app

# Migrations and seed print only what matters (alembic's INFO lines appear only with JANGKAU_LOG_LEVEL=DEBUG).
run: $(VENV)/.installed-app
	@echo "Menyiapkan basis data ..."
	@$(BIN)/flask --app admin_app db upgrade
	@$(BIN)/flask --app admin_app seed --demo
	@echo "Jangkau berjalan di http://$(HOST):$(PORT)  (hentikan dengan Ctrl+C)"
	@$(BIN)/flask --app admin_app run --host $(HOST) --port $(PORT)

test: check
	$(BIN)/python -m pytest

# pip-audit asks PyPI's advisory database about every installed package. --strict: a package it cannot look up
# fails the audit instead of being skipped with a warning (without it, an unreachable or partial index "passes").
# When the audit cannot run at all (this sandbox reaches PyPI's package index but not its advisory JSON API, so
# every package reads "not found"), it says so loudly and goes on; vulnerabilities found always fail.
PIP_AUDIT_LOG := $(VENV)/pip-audit.log

check: $(VENV)/.installed-test
	$(BIN)/ruff check admin_app tests bench
	$(BIN)/bandit -q -r admin_app -c pyproject.toml
	@echo "pip-audit: known vulnerabilities in the installed packages"
	@status=0; $(BIN)/pip-audit --strict --skip-editable --progress-spinner off >$(PIP_AUDIT_LOG) 2>&1 || status=$$?; \
	cat $(PIP_AUDIT_LOG); \
	if [ $$status -eq 0 ]; then exit 0; fi; \
	if grep -Eq "known vulnerabilit|^Name +Version +ID" $(PIP_AUDIT_LOG); then \
	  echo "pip-audit: VULNERABLE packages (above). Upgrade them, or record an accepted risk in SECURITY.md and pass --ignore-vuln."; \
	  exit 1; \
	fi; \
	echo "************************************************************************************************"; \
	echo "pip-audit could NOT audit the dependencies (vulnerability service unreachable, or packages it"; \
	echo "cannot look up: see above). No vulnerability check was made."; \
	echo "************************************************************************************************"; \
	echo "Continuing without the dependency audit: this workplace cannot reach PyPI's advisory API (see SECURITY.md)."

# Speed (bench/README.md): ours against stock Flask-Admin and the single-SQL floor, interleaved. `make bench`: 10k
# cases on SQLite and PostgreSQL (a few minutes); `make bench-full`: 100k and 1M on both (the 1M data takes a while
# to generate the first time; it is kept for the next run), then 50 users under gunicorn at 100k on both.
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench --cases 10000 --db sqlite
	$(BIN)/python -m bench --cases 10000 --db postgresql

bench-full: $(VENV)/.installed-test
	for n in 100000 1000000; do for d in sqlite postgresql; do $(BIN)/python -m bench --cases $$n --db $$d || exit 1; done; done
	for d in postgresql sqlite; do $(BIN)/python -m bench.load --cases 100000 --db $$d || exit 1; done

clean:
	rm -rf $(VENV) instance .pytest_cache
