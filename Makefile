# Bilim OUO — two set-up commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT

.PHONY: bench spa dev api-client chromium pgbouncer frontend-test screenshots run test install lint typecheck pytest fuzz migrate clean backup restore bench-load bench-ingest bench-feed bench-school-reports bench-export bench-scale

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install spa
	$(PY) -m api demo --if-empty
	$(PY) -m api serve

migrate: install
	$(PY) -m api migrate

lint: install
	$(VENV)/bin/ruff check api tests migrations
	$(VENV)/bin/ruff format --check api tests
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy

pytest: install pgbouncer
	$(VENV)/bin/pytest -q

test: lint typecheck pytest frontend-test

# Schemathesis per role with many examples per operation (nightly-sized; `make test` runs 3 per operation).
FUZZ_EXAMPLES ?= 200
fuzz: install
	BILIM_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(VENV)/bin/pytest -q -p no:cacheprovider tests/security/test_schemathesis.py

# The SPA (frontend/): npm ci and vite build run only when their inputs changed.
NPM_STAMP := frontend/node_modules/.installed
SPA_SOURCES := $(shell find frontend/src frontend/public -type f 2>/dev/null) frontend/index.html \
	frontend/vite.config.ts frontend/tsconfig.json frontend/postcss.config.cjs

$(NPM_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	touch $(NPM_STAMP)

frontend/dist/index.html: $(NPM_STAMP) $(SPA_SOURCES)
	cd frontend && npx vite build

spa: frontend/dist/index.html

# Backend on :8000 and Vite on :5173 with hot reload (it proxies /api to the backend).
dev: install $(NPM_STAMP)
	$(PY) -m api serve & trap 'kill $$!' EXIT INT TERM; cd frontend && npx vite --host $(HOST)

# Regenerate frontend/src/api/schema.d.ts from the backend's OpenAPI schema (no server or database needed).
api-client: install $(NPM_STAMP)
	$(PY) -c "import json; from api.main import create_app; print(json.dumps(create_app().openapi()))" > frontend/openapi.json
	cd frontend && npx openapi-typescript openapi.json -o src/api/schema.d.ts && rm openapi.json

# Debian's Chromium drives the end-to-end suite; never a downloaded browser.
chromium:
	@test -x /usr/bin/chromium || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium; }

# Debian's PgBouncer: the pooler tests (tests/scale/test_pgbouncer.py) run the app behind it.
pgbouncer:
	@command -v pgbouncer >/dev/null || test -x /usr/sbin/pgbouncer || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q pgbouncer 2>/dev/null || { $$SUDO apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q pgbouncer; }; }

frontend-test: install spa chromium
	cd frontend && npx tsc --noEmit && npx eslint . && npx vitest run && npx playwright test

# Screenshots for the README (docs/screenshots/*.png, 1280 px) from the e2e run on a larger demo region.
screenshots: install spa chromium
	cd frontend && SCREENSHOTS=1 E2E_DEMO_ARGS="--schools 24 --parallels 1 --students-per-class 8-12" \
		npx playwright test workspace.spec.ts flows.spec.ts phone.spec.ts

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

# FEED_DB: a database you loaded (python -m api demo --database bilim_feedbench --schools 50)
bench-feed: install
	$(PY) bench/feed.py --database $(or $(FEED_DB),bilim_feedbench)

clean:
	rm -rf $(VENV) .data .pytest_cache .mypy_cache .ruff_cache

# The benchmark region: 500 schools (~30 million marks) in the database bilim_bench of the same server, loaded
# once and reused; prints how long the load took, by phase, and the naive way (one INSERT per mark) for
# comparison (python -m api demo --help for the scale options).
bench-data: install
	$(PY) -m api demo --database bilim_bench --schools 500 --if-empty --compare-naive 20000

# Management reports at the benchmark region, read-only: p50/p95 through the HTTP API for today and for a past
# report date (1 October of the school year; BENCH_PAST=YYYY-MM-DD to choose), next to the raw GROUP BY.
bench: install
	$(PY) bench/reports.py --database $(or $(BENCH_DB),bilim_bench) --only reports --no-freshness \
		$(if $(BENCH_PAST),--past-date $(BENCH_PAST))

# The national model's two measured points (docs/scale.md): 500 and 1,500 schools, each loaded once (~10 and
# ~40 min), then at each size the management reports' p50/p95, the write cost of one more mark and the disk use.
bench-scale: install
	$(PY) -m api demo --database bilim_bench --schools 500 --if-empty
	$(PY) -m api demo --database bilim_bench1500 --schools 1500 --if-empty
	$(PY) bench/reports.py --database bilim_bench --only reports --no-freshness --write-sample 2000
	$(PY) bench/reports.py --database bilim_bench1500 --only reports --no-freshness --write-sample 2000 --raw-runs 1
	$(PY) bench/sizes.py bilim_bench bilim_bench1500

# Export of the whole benchmark region as a data package and its import into a new database (dropped after):
# rows/s, zip size, vs the naive fetch + csv.writer (bench/export.py). BENCH_DB=bilim_bench by default.
bench-export: install
	$(PY) bench/export.py --database $(or $(BENCH_DB),bilim_bench)

# Management reports: p50/p95 through the HTTP API vs a raw GROUP BY, freshness of a pushed mark, a 100,000-row
# export (bench/reports.py). BENCH_DB=bilim_bench by default (make bench-data loads it).
bench-reports: install
	$(PY) bench/reports.py --database $(or $(BENCH_DB),bilim_bench)

# The 25 reports about one organization: p50/p95 through the HTTP API for the largest school and the latest
# quarter, against the naive way (bench/school_reports.py). BENCH_DB=bilim_bench by default.
bench-school-reports: install
	$(PY) bench/school_reports.py --database $(or $(BENCH_DB),bilim_bench)
