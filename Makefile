# Two commands: `make run` serves the workbench, `make test` runs the whole suite.
# Both set up what they need first (virtualenv, packages, database, Chromium for browser tests).

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
PORT ?= 8000
# Root installs system packages directly; anyone else goes through sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The suite runs against this machine's PostgreSQL and Redis; override to point elsewhere.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15

# Settings refuse to start without a real SECRET_KEY (DEBUG is off by default): the local targets
# use one generated once and kept in .secret-key, unless SECRET_KEY is already set.
SECRET_KEY ?= $(shell test -s .secret-key || python3 -c 'import secrets; print(secrets.token_urlsafe(50))' > .secret-key; cat .secret-key)
migrate seed run: export SECRET_KEY := $(SECRET_KEY)

.PHONY: run test check lint typecheck bench bench-web model embedder chromium system-packages migrate seed clean lock upgrade

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet pip==26.3

# Installs come from the lock files (exact versions, every file's hash checked); pyproject.toml
# says what the project needs, `make lock` turns that into the pins.
$(VENV)/.run-installed: requirements.txt pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet --require-hashes -r requirements.txt
	$(PIP) install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt pyproject.toml | $(VENV)/bin/python
	$(PIP) install --quiet --require-hashes -r requirements-dev.txt
	$(PIP) install --quiet --no-deps -e .
	touch $@ $(VENV)/.run-installed

# `make lock` after editing pyproject.toml's dependencies: keeps every other pin as it is.
# `make upgrade` moves every pin to the newest release the ranges allow; run `make test` after.
UV := $(VENV)/bin/uv
COMPILE = $(UV) pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet $(1)
lock upgrade: | $(VENV)/bin/python
	$(PIP) install --quiet uv==0.13.8
	$(call COMPILE,$(if $(filter upgrade,$@),--upgrade)) -o requirements.txt
	$(call COMPILE,$(if $(filter upgrade,$@),--upgrade) --extra dev) -o requirements-dev.txt
	$(call COMPILE,$(if $(filter upgrade,$@),--upgrade) --extra dev --extra bench) -o requirements-bench.txt

# Debian packages: WeasyPrint's libraries and fonts for PDF reports; Chromium for browser tests;
# docker-compose so a test has compose itself parse docker-compose.yml (no Docker engine needed).
RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
TEST_PACKAGES := $(RUN_PACKAGES) chromium docker-compose

define apt_install
	@missing=$$(for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages: $$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

system-packages:
	$(call apt_install,$(RUN_PACKAGES))

chromium:
	$(call apt_install,$(TEST_PACKAGES))

migrate: $(VENV)/.run-installed
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py create_demo_users
	$(PY) manage.py ingest seeds/*.txt

run: system-packages seed
	$(PY) manage.py workbench --port $(PORT)

test: $(VENV)/.dev-installed chromium
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest
	@echo "--- the same database tests on SQLite, the embedded default"
	DATABASE_URL= TEST_REDIS_URL=$(TEST_REDIS_URL) $(PY) -m pytest -q -m "not e2e and not postgres_only and (not worker or sqlite_too)" tests/claims

bench: $(VENV)/.dev-installed
	$(PIP) install --quiet --require-hashes -r requirements-bench.txt
	$(PY) bench/run.py
	$(PY) bench/pathological.py
	$(PY) bench/faults.py
	$(PY) bench/reports.py
	$(PY) bench/pipeline.py
	@# The held-out and matching benchmarks print their figures even when one misses a target.
	$(PY) bench/extraction_news.py; held=$$?; $(PY) bench/matching.py; engine=$$?; \
		$(PY) bench/seed_matches.py; news=$$?; exit $$((held | engine | news))

# The web at newsroom scale: gunicorn on PostgreSQL, wrk against the queue, the article pages and
# the API at 1,000, 10,000 and 100,000 claims (SIZE=small: 1,000 claims, about two minutes).
bench-web: $(VENV)/.dev-installed
	$(call apt_install,wrk)
	$(PY) bench/web.py $(if $(SIZE),--size $(SIZE))

# Rebuilds the shipped check-worthiness model from CheckThat! 2024 train/dev (30–50 min on
# 2 cores). torch is pinned to the CPU build on local disk; a plain `torch` pulls a CUDA build.
model: $(VENV)/.run-installed
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -r training/requirements.txt
	$(PY) training/train_checkworthy.py
	$(PY) training/finetune_minilm.py
	$(PY) training/blend.py
	$(PY) training/train_opinion.py

# Rebuilds the claim-matching embedder (claims/matching/model/): all-MiniLM-L6-v2 fine-tuned one
# epoch on CLEF 2020 train (about 15 min on 2 cores), exported as gzipped int8 ONNX, then prints
# the fusion and pair_score weights and thresholds fitted on train and checked on dev.
embedder: $(VENV)/.run-installed
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -r training/requirements.txt
	$(PY) training/finetune_embedder.py
	$(PY) training/export_embedder.py --weights training/work/embedder.pt
	$(PY) training/tune_matching.py

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.dev-installed
	$(VENV)/bin/mypy .

check: lint typecheck test

clean:
	rm -rf $(VENV) db.sqlite3 .test-db.sqlite3* .broker .celerybeat-schedule* staticfiles exports
