# matchmaker — `make help` lists every target.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.DEFAULT_GOAL := help
.PHONY: help install frontend run serve migrate seed worker test test-sqlite test-postgresql \
        check lint format typecheck schema schema-check docs docs-check migrations-check bench clean \
        frontend-deps frontend-codegen frontend-check frontend-test e2e browser

help: ## List every target
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the app with its dev tools

FRONTEND_STAMP := frontend/node_modules/.installed

$(FRONTEND_STAMP): frontend/package.json frontend/package-lock.json
	@# The committed lock lists every platform's optional packages (rollup, esbuild), so
	@# npm ci installs exactly it and never rewrites it.
	cd frontend && npm ci --no-audit --no-fund
	@touch $(FRONTEND_STAMP)

frontend-deps: $(FRONTEND_STAMP) ## Install the front end's npm packages (npm ci)

frontend: frontend-deps ## Build the front end into frontend/dist (served by the app)
	cd frontend && npm run build

frontend-codegen: frontend-deps ## Regenerate the front end's GraphQL types from schema.graphql
	cd frontend && npm run codegen

frontend-check: frontend-deps ## Fail if the generated GraphQL types are stale; type-check, lint (ESLint) and format-check (Prettier) the front end
	cd frontend && npm run codegen-check && npm run typecheck && npm run lint && npm run format:check

frontend-test: frontend-deps ## Vitest component tests (validation rules, error catalogue)
	cd frontend && npm test

browser: ## Install Debian's Chromium (and CJK fonts) for the end-to-end tests when missing
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi 'noto.*cjk'; then \
		apt-get update && apt-get install -y chromium fonts-noto-cjk; \
	fi

e2e: install frontend browser ## End-to-end tests in headless Chromium against the real app (fresh DB)
	cd frontend && npm run e2e

run: install frontend ## Install, build, migrate, seed demo data on first run, serve on :8000
	$(BIN)/matchmaker migrate
	$(BIN)/matchmaker seed --scale small --if-empty
	$(BIN)/matchmaker serve

serve: install ## Serve without rebuilding (MATCHMAKER_* settings apply)
	$(BIN)/matchmaker serve

migrate: install ## Upgrade the database to the latest migration
	$(BIN)/matchmaker migrate

seed: install ## Load demo data (SCALE=small|city|province, SEED=N)
	$(BIN)/matchmaker seed --scale $(or $(SCALE),small) --seed $(or $(SEED),1)

worker: install ## Run the arq worker (needs MATCHMAKER_REDIS_URL)
	$(BIN)/matchmaker worker

test: install ## Install and run every test, on SQLite and PostgreSQL, with Redis; front end and E2E
	$(BIN)/pytest -q
	MATCHMAKER_TEST_DB=postgresql MATCHMAKER_TEST_POSTGRES_URL=$(PG_URL) $(BIN)/pytest -q
	$(MAKE) frontend-test
	$(MAKE) e2e

test-sqlite: install ## Tests on SQLite only
	$(BIN)/pytest -q

test-postgresql: install ## Tests on PostgreSQL only
	MATCHMAKER_TEST_DB=postgresql MATCHMAKER_TEST_POSTGRES_URL=$(PG_URL) $(BIN)/pytest -q

check: lint typecheck schema-check docs-check migrations-check frontend-check ## Every static check CI runs

lint: install ## ruff lint and format check
	$(BIN)/ruff check src tests migrations
	$(BIN)/ruff format --check src tests migrations

format: install ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix src tests migrations
	$(BIN)/ruff format src tests migrations

typecheck: install ## mypy --strict on src/ with strawberry's plugin
	$(BIN)/mypy

schema: install ## Export the GraphQL SDL to schema.graphql
	$(BIN)/matchmaker export-schema -o schema.graphql

schema-check: install ## Fail if schema.graphql differs from the code
	@$(BIN)/matchmaker export-schema | diff -u schema.graphql - || (echo "schema.graphql is stale: run make schema" && exit 1)

docs: install ## Regenerate docs/permissions.md from the permissions module
	$(BIN)/matchmaker permissions-doc -o docs/permissions.md

docs-check: install ## Fail if docs/permissions.md differs from the code
	@$(BIN)/matchmaker permissions-doc | diff -u docs/permissions.md - || (echo "docs/permissions.md is stale: run make docs" && exit 1)

migrations-check: install ## alembic check: the models match the migrations (on a scratch SQLite)
	@rm -rf var/check && mkdir -p var/check
	MATCHMAKER_DATABASE_URL=sqlite:///var/check/check.db $(BIN)/matchmaker migrate
	MATCHMAKER_DATABASE_URL=sqlite:///var/check/check.db $(BIN)/alembic check
	@rm -rf var/check

bench: install ## Benchmarks on PostgreSQL (not part of the tests); prints figures
	MATCHMAKER_BENCH_DATABASE_URL=$(PG_URL) $(PY) -m benchmarks.run
	MATCHMAKER_BENCH_DATABASE_URL=$(PG_URL) $(PY) -m benchmarks.volunteering
	MATCHMAKER_BENCH_DATABASE_URL=$(PG_URL) $(PY) -m benchmarks.matching
	MATCHMAKER_BENCH_DATABASE_URL=$(PG_URL) $(PY) -m benchmarks.oversight

clean: ## Remove the virtual environment, build output and local data
	rm -rf $(VENV) var frontend/dist frontend/node_modules .pytest_cache .mypy_cache .ruff_cache
