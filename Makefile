# 驿站法援 — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

RUN_PACKAGES := fonts-noto-cjk libharfbuzz-subset0
TEST_PACKAGES := $(RUN_PACKAGES) poppler-utils chromium gpg

.PHONY: run test test-fast lint format bench messages system-run system-test venv venv-dev clean

run: venv system-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_schedules
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver_with_worker 127.0.0.1:$(PORT)

test: venv-dev system-test
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(PY) -m pytest -n 2 --dist loadfile

test-fast: venv-dev
	$(PY) -m pytest -n 2 --dist loadfile -m "not browser"

lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv-dev
	$(PY) bench/run_all.py

messages: venv-dev
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete \
		--ignore=.venv --ignore=bench --ignore=tests --ignore=test-artifacts
	$(PY) manage.py compilemessages --ignore=.venv

venv: $(STAMP)
venv-dev: $(DEV_STAMP)

# The runtime lock is what a server installs; `make test` adds the development lock.
$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(PY) -m pip install -q -r requirements-dev.lock
	touch $(DEV_STAMP)

system-run:
	@bash scripts/ensure_system_packages.sh $(RUN_PACKAGES)

system-test:
	@bash scripts/ensure_system_packages.sh $(TEST_PACKAGES)

clean:
	rm -rf $(VENV) .pytest_cache
