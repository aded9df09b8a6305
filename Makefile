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

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@if [ -f tests/js/package.json ]; then npm install --silent --no-audit --no-fund --prefix tests/js; fi

db: install
	$(FLASK) seed-demo

run: db
	@echo "邻里中心预约 / Neighbourhood centre: http://$(HOST):$(PORT)/"
	@trap 'kill 0' INT TERM EXIT; \
	if $(FLASK) run-scheduler --help >/dev/null 2>&1; then $(FLASK) run-scheduler & fi; \
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) --access-logfile - 'app:create_app()'

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

bench: install-test
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
