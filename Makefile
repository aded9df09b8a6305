# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test install install-test db lint bench clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(VENV)/.installed

# Reinstall only when the dependencies change, so `make run` starts without pip's chatter.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(VENV)/.installed
	@if [ -f tests/js/package.json ]; then npm install --silent --no-audit --no-fund --prefix tests/js; fi

db: install
	$(FLASK) seed-demo

# Set-up output goes to instance/logs/setup.log; the address and demo logins are printed last, once up.
run: install
	@mkdir -p instance/logs
	@$(FLASK) seed-demo > instance/logs/setup.log 2>&1 || (cat instance/logs/setup.log; exit 1)
	@$(FLASK) serve --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: install-test
	$(BIN)/ruff check .

# After changing user-facing text: collect the msgids (Chinese), merge them into the catalogues, translate the
# new English entries in translations/en/LC_MESSAGES/messages.po, then `make translations` again to compile.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d translations

# Load comes from outside, from wrk (Debian package `wrk`), never from a Python client sharing the cores.
bench: install-test
	@command -v wrk >/dev/null || { echo "make bench needs wrk: sudo apt-get install wrk"; exit 1; }
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
