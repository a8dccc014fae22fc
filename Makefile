# The two commands: `make up` (the whole stack on http://localhost:8080) and `make test`.
# Every install step is a file target, so a second `make up` with nothing changed
# reinstalls and rebuilds nothing.

PYTHON ?= python3
PORT ?= 8080
REPLICAS ?= 1
export PORT REPLICAS

VENV := .venv
PY := $(VENV)/bin/python
VENV_STAMP := $(VENV)/.installed
CLIENT := services/client
SWAGGER := services/swagger
CLIENT_MODULES := $(CLIENT)/node_modules/.package-lock.json
SWAGGER_MODULES := $(SWAGGER)/node_modules/.package-lock.json
CLIENT_BUILD := $(CLIENT)/dist/index.html
SWAGGER_BUILD := $(SWAGGER)/dist/index.html
CLIENT_SOURCES := $(shell find $(CLIENT)/src $(CLIENT)/public -type f 2>/dev/null) \
	$(wildcard $(CLIENT)/index.html $(CLIENT)/vite.config.* $(CLIENT)/tsconfig*.json) \
	$(filter-out %.test.ts,$(wildcard $(CLIENT)/scripts/*.ts))

.PHONY: up dev test lint bench lock prereqs test-prereqs install clean help
.DEFAULT_GOAL := help

help:
	@echo "make up      the whole stack on http://localhost:$(PORT): users, items, their consumer and relay, gateway"
	@echo "             (PORT=, REPLICAS=, DATABASE_URL=, ITEMS_DATABASE_URL=, REDIS_URL=)"
	@echo "make test    every test suite, one summary line per suite"
	@echo "make dev     both services with reload, the consumer + Vite dev server on :3007"
	@echo "make lint    ruff, mypy, eslint and typecheck"
	@echo "make bench   load benchmarks, recorded in bench/RESULTS.md (BASELINE=<rev>, BENCH_ARGS=)"
	@echo "make lock    re-lock the Python dependencies (hashed, no index URLs)"

up: install
	exec $(PY) tools/stack.py up

dev: install
	exec $(PY) tools/stack.py dev

# Test-only system packages and servers come first, so a machine that lacks them learns it
# before anything is built; `make up` never installs them.
test: prereqs test-prereqs install
	$(PY) tools/run_suites.py

lint: install
	cd services/users && ../../$(PY) -m ruff check . && ../../$(PY) -m ruff format --check . && ../../$(PY) -m mypy
	cd services/items && ../../$(PY) -m ruff check . && ../../$(PY) -m ruff format --check . && ../../$(PY) -m mypy
	$(PY) -m ruff check tools e2e services/nginx services/swagger bench
	cd $(CLIENT) && npm run --silent lint && npm run --silent typecheck

# BASELINE=<rev>: that revision's stack is measured beside ours, taking turns, in the same run.
# BENCH_ARGS: more options of bench/run.py, e.g. BENCH_ARGS="--seconds 3 --rounds 1".
bench: test-prereqs install
	$(PY) bench/run.py $(if $(BASELINE),--baseline '$(BASELINE)') $(BENCH_ARGS)

install: prereqs $(VENV_STAMP) $(CLIENT_BUILD) $(SWAGGER_BUILD)

prereqs:
	@sh tools/check-prereqs.sh "$(PYTHON)"

# Debian's chromium, PostgreSQL, redis-server and slowhttptest, installed as root (or with
# passwordless sudo); PostgreSQL and Redis started when stopped.
test-prereqs:
	@sh tools/test-prereqs.sh

# The locked packages (hashes checked), then the root project (pyproject.toml: tools, e2e,
# bench, the gateway tests) and the services' shared kit editable, built by the setuptools
# the lock just installed: no build isolation and no index, so this second step fetches nothing.
$(VENV_STAMP): requirements/dev.txt pyproject.toml services/kit/pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements/dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-index --no-build-isolation --no-deps \
		--editable . --editable services/kit
	@touch $@

$(CLIENT_MODULES): $(CLIENT)/package-lock.json
	cd $(CLIENT) && npm ci --no-audit --no-fund
	@touch $@

$(CLIENT_BUILD): $(CLIENT_MODULES) $(CLIENT_SOURCES) $(CLIENT)/package.json
	cd $(CLIENT) && npm run --silent build
	@touch $@

$(SWAGGER_MODULES): $(SWAGGER)/package-lock.json
	cd $(SWAGGER) && npm ci --no-audit --no-fund
	@touch $@

$(SWAGGER_BUILD): $(SWAGGER_MODULES) $(SWAGGER)/build.py $(wildcard $(SWAGGER)/static/*)
	$(PY) $(SWAGGER)/build.py
	@touch $@

# Developers only: needs network access to the package index and the uv tool.
lock:
	uv pip compile --quiet --python-version 3.11 --generate-hashes --no-emit-index-url --no-header \
		services/users/requirements.in -o services/users/requirements.txt
	cd services/users && uv pip compile --quiet --python-version 3.11 --generate-hashes \
		--no-emit-index-url requirements-dev.in -o requirements-dev.txt
	cd services/items && uv pip compile --quiet --python-version 3.11 --generate-hashes \
		--no-emit-index-url --no-header requirements.in -o requirements.txt
	cd services/items && uv pip compile --quiet --python-version 3.11 --generate-hashes \
		--no-emit-index-url requirements-dev.in -o requirements-dev.txt
	cd requirements && uv pip compile --quiet --python-version 3.11 --generate-hashes \
		--no-emit-index-url dev.in -o dev.txt

clean:
	rm -rf $(VENV) var $(CLIENT)/node_modules $(CLIENT)/dist $(SWAGGER)/node_modules $(SWAGGER)/dist
