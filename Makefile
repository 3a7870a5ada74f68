# Run, test and lint dowimm on one machine.
#
#   make run     the demo on http://127.0.0.1:$(PORT) (8000 unless PORT is set)
#   make test    the whole test suite, browser tests included
#   make lint    ruff, as CI runs it
#   make format  rewrite the Python files in place
#   make bench   seed county- and England-sized data in PostgreSQL and time
#                the pages; writes bench/results.json
#
# Each set-up step leaves a stamp file and only runs again when its inputs
# change, so a second `make run` starts in seconds and keeps the database.

SHELL := /bin/bash
.DEFAULT_GOAL := run

VENV := .venv
PYTHON := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

# Python 3.11 is what production runs; fall back to python3 so a machine
# without 3.11 still gets a working demo.
BASE_PYTHON := $(shell command -v python3.11 || command -v python3)

# WeasyPrint only finds DejaVu fonts on a bare Debian: Liberation gives
# Arial's metrics and Noto covers the scripts pupils' names are written in,
# Chinese, Japanese and Korean in a package of their own.
SYSTEM_PACKAGES := fonts-liberation2 fonts-noto-core fonts-noto-cjk

# Playwright cannot download browsers here, so the tests drive Debian's.
CHROMIUM := /usr/bin/chromium

.PHONY: run test lint format bench system-packages chromium


# --- Python -----------------------------------------------------------------

$(PYTHON):
	$(BASE_PYTHON) -m venv $(VENV)

# Order-only on $(PYTHON): pip touches the venv's files, which must not make
# every stamp look stale.
$(VENV)/.installed-requirements: requirements.txt | $(PYTHON)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-requirements-test: requirements-test.txt requirements.txt | $(PYTHON)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@


# --- Front end --------------------------------------------------------------

# npm ci empties node_modules first, so it only runs when the lock changes;
# a change to the Sass or JavaScript needs only the build.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Install Node.js 20 and npm to build the CSS and JavaScript." >&2; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

static/build/.built: node_modules/.installed package-lock.json $(wildcard static/src/*)
	npm run build
	touch $@


# --- Debian packages --------------------------------------------------------

# $(call apt-ensure,<packages>): apt-get install whichever of <packages> are
# not installed, and do nothing when all are. Only root can install; anyone
# else is told the command and stopped. Off Debian there is no dpkg to ask,
# so the packages are named and the caller is left to it.
define apt-ensure
	@if ! command -v dpkg-query >/dev/null; then \
	  echo "Not a Debian system: install the equivalents of $(1) yourself." >&2; \
	  exit 0; \
	fi; \
	missing=""; \
	for package in $(1); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" \
	    || missing="$$missing $$package"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "These Debian packages are missing:$$missing" >&2; \
	  echo "Install them as root: apt-get update && apt-get install -y$$missing" >&2; \
	  exit 1; \
	fi; \
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing
endef

system-packages:
	$(call apt-ensure,$(SYSTEM_PACKAGES))

# The Debian package is what puts Chromium at $(CHROMIUM).
chromium: system-packages
	$(call apt-ensure,chromium)


# --- What people type --------------------------------------------------------

# The demo: embedded SQLite in var/, tasks inline, mail written to var/mail/.
# load_demo is idempotent, so running again keeps whatever was entered.
run: export DJANGO_DEBUG := true
run: $(VENV)/.installed-requirements static/build/.built system-packages
	mkdir -p var
	$(PYTHON) manage.py migrate --noinput
	$(PYTHON) manage.py load_demo
	$(PYTHON) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-requirements-test static/build/.built chromium
	$(PYTHON) -m pytest $(PYTEST_ARGS)

# The scratch database dowimm_bench is created and dropped on the PostgreSQL
# at BENCH_POSTGRES (postgres://postgres@127.0.0.1:5432 unless set); wrk is
# the load generator. BENCH_SIZES="county" skips the England-sized run.
BENCH_SIZES ?= county england

bench: $(VENV)/.installed-requirements-test static/build/.built
	$(call apt-ensure,wrk)
	$(PYTHON) bench/run.py --sizes $(BENCH_SIZES)

lint: $(VENV)/.installed-requirements-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-requirements-test
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
