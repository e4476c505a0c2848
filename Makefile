# EcoLedger: two commands on a fresh machine (Python 3.11+ and make).
#   make demo   the platform on SQLite with the synthetic city
#   make test   the whole test suite (SQLite; set ECOLEDGER_DATABASE_URL for PostgreSQL)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?= -n 2

.PHONY: demo test lint bench messages vendor clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/ecoledger demo $(ARGS)

test: $(VENV)/.installed-test
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench tools

vendor: $(VENV)/.installed
	$(BIN)/python tools/vendor_static.py

bench: $(VENV)/.installed-test
	$(BIN)/python bench/ledger_scale.py

# Extraction needs neither a signing key nor a database: debug settings, data kept in ./var.
messages: export ECOLEDGER_DEBUG = 1
messages: export ECOLEDGER_DATA_DIR = $(CURDIR)/var
messages: $(VENV)/.installed-test
	cd src/ecoledger && ../../$(BIN)/ecoledger makemessages --locale zh_Hans --no-obsolete \
		--ignore "monitoring/hj212/*" && ../../$(BIN)/ecoledger compilemessages --locale zh_Hans

clean:
	rm -rf $(VENV) var build *.egg-info
