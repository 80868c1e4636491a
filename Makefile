# Two commands matter: `make run` (install + demo + serve) and `make test` (install + every test).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/postgres
export DJANGO_SETTINGS_MODULE := maillage.settings

.PHONY: run install install-dev migrate demo test test-sqlite test-postgres lint typecheck \
        browser bench vendor messages clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

## make run: install, migrate, load the demo territory and serve http://127.0.0.1:$(PORT) (SQLite);
## `make run PORT=8001` when 8000 is taken.
run: install
	DEBUG=1 $(MANAGE) migrate --noinput
	DEBUG=1 $(MANAGE) load_demo
	@# The background worker (batch allocations, e-mails) stops with the server; no reloader
	@# (a second process of the same size): restart `make run` after changing task code.
	DEBUG=1 $(MANAGE) db_worker --no-startup-delay --interval 1 --no-reload & \
	  trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(MANAGE) runserver 127.0.0.1:$(PORT)

## make test: install what tests need, then lint, type-check and run the suite on SQLite and PostgreSQL.
test: install-dev browser lint typecheck test-sqlite test-postgres

test-sqlite: install-dev
	DATABASE_URL= $(PY) -m pytest -q

test-postgres: install-dev
	@scripts/ensure-postgres.sh "$(PG_TEST_URL)"
	DATABASE_URL=$(PG_TEST_URL) $(PY) -m pytest -q

## make lint: ruff (style, complexity), the import layers (`lint-imports`, contracts in
## pyproject.toml) and the module size limit (600 lines outside migrations and tests).
lint: install-dev
	$(BIN)/ruff check src bench scripts conftest.py
	$(BIN)/ruff format --check src bench scripts conftest.py
	PYTHONPATH=src $(BIN)/lint-imports --no-logo --no-cache
	$(PY) scripts/check_module_size.py

typecheck: install-dev
	$(BIN)/mypy

## Debian's Chromium drives the browser tests (Playwright never downloads a browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || scripts/install-chromium.sh

## make bench: every benchmark on the databases its figures are given for (PostgreSQL must
## run); each writes bench/results/*.json; a missed target is reported, the others still run.
bench: install-dev
	@scripts/ensure-postgres.sh "$(PG_TEST_URL)"
	-$(PY) bench/bench_map.py --database sqlite
	-$(PY) bench/bench_map.py --database postgres
	-$(PY) bench/bench_machines.py --database sqlite
	-$(PY) bench/bench_machines.py --database postgres
	-$(PY) bench/bench_matching.py
	-$(PY) bench/bench_booking.py
	-$(PY) bench/bench_matching_api.py --database sqlite
	-$(PY) bench/bench_matching_api.py --database postgres
	-$(PY) bench/bench_maintenance.py --database sqlite
	-$(PY) bench/bench_maintenance.py --database postgres
	-$(PY) bench/bench_scenarios.py --database sqlite
	-$(PY) bench/bench_scenarios.py --database postgres
	-$(PY) bench/bench_impact.py --database sqlite --machines 10000 --bookings 100000 --needs 5000 --orgs 1000 --sites 1500
	-$(PY) bench/bench_impact.py --database postgres
	-$(PY) bench/bench_symbiosis.py --database sqlite
	-$(PY) bench/bench_symbiosis.py --database postgres
	-$(PY) bench/bench_cooperation.py --database sqlite
	-$(PY) bench/bench_cooperation.py --database postgres

vendor:
	scripts/vendor.sh

messages: install
	cd src/maillage && ../../$(MANAGE) makemessages -l fr --no-obsolete --ignore "*/tests/*"
	$(MANAGE) compilemessages --ignore .venv

clean:
	rm -rf $(VENV) staticfiles *.sqlite3
