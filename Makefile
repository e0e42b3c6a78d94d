# 驿站法援 — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed

RUN_PACKAGES := fonts-noto-cjk libharfbuzz-subset0
TEST_PACKAGES := $(RUN_PACKAGES) poppler-utils chromium

.PHONY: run test test-fast lint format bench messages system-run system-test venv clean

run: venv system-run
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_schedules
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver_with_worker 127.0.0.1:$(PORT)

test: venv system-test
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(PY) -m pytest -n 2 --dist loadfile

test-fast: venv
	$(PY) -m pytest -n 2 --dist loadfile -m "not browser"

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: venv
	$(PY) bench/run_all.py

messages: venv
	$(PY) manage.py makemessages -l zh_Hans -l en --no-obsolete \
		--ignore=.venv --ignore=bench --ignore=tests --ignore=test-artifacts
	$(PY) manage.py compilemessages --ignore=.venv

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.lock
	touch $(STAMP)

system-run:
	@bash scripts/ensure_system_packages.sh $(RUN_PACKAGES)

system-test:
	@bash scripts/ensure_system_packages.sh $(TEST_PACKAGES)

clean:
	rm -rf $(VENV) .pytest_cache
