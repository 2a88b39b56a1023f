# Bilim OUO — two set-up commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: run test install lint typecheck pytest migrate clean backup restore bench-load bench-ingest

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) -m api demo --if-empty
	$(PY) -m api serve

migrate: install
	$(PY) -m api migrate

lint: install
	$(VENV)/bin/ruff check api tests migrations
	$(VENV)/bin/ruff format --check api tests

typecheck: install
	$(VENV)/bin/mypy

pytest: install
	$(VENV)/bin/pytest -q

test: lint typecheck pytest

# Backups (scripts/backup.py): `make backup` writes backups/bilim-<db>-<time>.tar (database + uploads);
# `make restore BACKUP=backups/….tar [FORCE=1]` loads one into the app's database.
backup: install
	$(PY) -m scripts.backup backup

restore: install
	@test -n "$(BACKUP)" || (echo "usage: make restore BACKUP=backups/bilim-….tar [FORCE=1]" && exit 2)
	$(PY) -m scripts.backup restore "$(BACKUP)" $(if $(FORCE),--force,)

# Load test against a running server (`make run` in another terminal): see bench/load.py.
bench-load: install
	$(PY) bench/load.py --base-url http://$(HOST):$(PORT)

# Ingest benchmark: marks pushed through the integration API on a fresh database (bench/ingest.py).
bench-ingest: install
	$(PY) bench/ingest.py

clean:
	rm -rf $(VENV) .data .pytest_cache .mypy_cache .ruff_cache

# The benchmark region: 500 schools (~30 million marks) in the database bilim_bench of the same server, loaded
# once and reused; prints how long the load took, by phase, and the naive way (one INSERT per mark) for
# comparison (python -m api demo --help for the scale options).
bench-data: install
	$(PY) -m api demo --database bilim_bench --schools 500 --if-empty --compare-naive 20000

# Management reports: p50/p95 through the HTTP API vs a raw GROUP BY, freshness of a pushed mark, a 100,000-row
# export (bench/reports.py). BENCH_DB=bilim_bench by default (make bench-data loads it).
bench-reports: install
	$(PY) bench/reports.py --database $(or $(BENCH_DB),bilim_bench)
