# Build and test the course. Each step says what it does and skips work already done, so a
# second `make test` only runs the checks. CI runs `make test` too (.ci/run).
#
#   make site       install the project into .venv and build the site into site/
#   make test       install the test tools (Chromium, axe-core), run ruff, mypy and pytest
#   make serve      preview the site with live reload
#   make handouts   print the trainer handouts (guides, role-play cards) as PDFs into handouts/
#   make bench      run the benchmarks
#   make bench-assessment  how the built assessment resists guessing (Chromium)
#   make bench-live  200 simulated phones vote at once in `course live` (127.0.0.1 only)
#   make originality  check that no 9 words in a row are copied from the source articles
#   make clean      remove the built site, test output and caches
#   make distclean  also remove .venv and .ci/node_modules
#
# Each check also runs alone (make ruff, make format, make mypy, make pytest). Extra pytest
# arguments go in PYTEST_ARGS, e.g. make pytest PYTEST_ARGS='-k axe --headed'.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
BIN := $(VENV)/bin
AXE := .ci/node_modules/axe-core/axe.min.js
AXE_STAMP := .ci/node_modules/.installed
POLICY := /etc/chromium/policies/managed/offline-tests.json
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
PYTEST_ARGS ?=

export PIP_DISABLE_PIP_VERSION_CHECK := 1
export NO_MKDOCS_2_WARNING := 1
export DEBIAN_FRONTEND := noninteractive

# $(call install,REQUIREMENT,STAMP): pip install REQUIREMENT unless STAMP is newer than
# pyproject.toml and constraints.txt. The test install also covers the plain one.
define install
if [ $(2) -nt pyproject.toml ] && [ $(2) -nt constraints.txt ]; then
	echo "==> pip install -e '$(1)': up to date in $(VENV) (newer than pyproject.toml, constraints.txt)"
else
	echo "==> $(BIN)/pip install -c constraints.txt -e '$(1)'"
	$(BIN)/pip install --quiet -c constraints.txt -e '$(1)'
	touch $(2) $(if $(findstring test,$(1)),$(VENV)/.installed-site)
fi
endef

.PHONY: help venv install install-test site serve handouts bench bench-assessment bench-live system-deps \
	chromium-policy axe test ruff format mypy pytest originality clean distclean

help:
	@sed -n 's/^#   //p' $(firstword $(MAKEFILE_LIST))

venv:
	@if [ -x $(BIN)/python ]; then
		echo "==> virtual environment: $(VENV) exists"
	else
		echo "==> python3 -m venv $(VENV)"
		python3 -m venv $(VENV)
	fi

install: venv
	@$(call install,.,$(VENV)/.installed-site)

install-test: venv
	@$(call install,.[test],$(VENV)/.installed-test)

site: install
	@echo "==> $(BIN)/course build"
	$(BIN)/course build

serve: install
	@echo "==> $(BIN)/course serve"
	$(BIN)/course serve

# PDFs are printed by Debian's Chromium, which `system-deps` installs when it is missing.
handouts: install system-deps chromium-policy
	@echo "==> $(BIN)/course handouts --out handouts"
	$(BIN)/course handouts --out handouts

bench: install
	@if [ -f bench/run.py ]; then
		echo "==> $(BIN)/python bench/run.py"
		$(BIN)/python bench/run.py
	else
		echo "==> bench: bench/run.py is not there yet, nothing to run"
	fi

bench-assessment: install system-deps chromium-policy
	@echo "==> $(BIN)/python bench/assessment.py"
	$(BIN)/python bench/assessment.py

# N phones (default 200; PARTICIPANTS=500 make bench-live) against a live server on 127.0.0.1,
# stopped by itself after two minutes at most.
PARTICIPANTS ?= 200
bench-live: install
	@echo "==> $(BIN)/python bench/live_load.py --participants $(PARTICIPANTS)"
	$(BIN)/python bench/live_load.py --participants $(PARTICIPANTS)

# Debian's Chromium (Playwright cannot download its own browser here) and iproute2 for the
# loopback-only network namespace.
system-deps:
	@packages=()
	[ -x /usr/bin/chromium ] || packages+=(chromium fonts-liberation)
	command -v ip >/dev/null || packages+=(iproute2)
	if [ $${#packages[@]} -eq 0 ]; then
		echo "==> system packages: chromium and iproute2 already installed"
	else
		echo "==> apt-get install $${packages[*]}"
		$(SUDO) apt-get update
		$(SUDO) apt-get install -y --no-install-recommends "$${packages[@]}"
	fi

# Without this policy a failed page load makes Chromium probe public DNS servers directly.
chromium-policy:
	@if [ -f $(POLICY) ]; then
		echo "==> chromium policy: $(POLICY) exists"
	else
		echo "==> writing $(POLICY)"
		$(SUDO) mkdir -p $(dir $(POLICY))
		echo '{"AlternateErrorPagesEnabled": false}' | $(SUDO) tee $(POLICY) >/dev/null
	fi

axe:
	@if [ -f $(AXE) ] && [ $(AXE_STAMP) -nt .ci/package-lock.json ] \
			&& [ $(AXE_STAMP) -nt .ci/package.json ]; then
		echo "==> axe-core: already installed in .ci/node_modules"
	else
		echo "==> npm ci --prefix .ci"
		npm ci --prefix .ci --no-audit --no-fund
		touch $(AXE_STAMP)
	fi

# Every check runs even when an earlier one fails (--keep-going); make fails if any did.
test:
	@$(MAKE) --keep-going ruff format mypy pytest
	echo "==> make test: all checks passed"

ruff: install-test
	@echo "==> ruff check"
	$(BIN)/ruff check

format: install-test
	@echo "==> ruff format --check"
	$(BIN)/ruff format --check

mypy: install-test
	@echo "==> mypy"
	$(BIN)/mypy

# The tests run in a network namespace with only a loopback interface when the machine
# allows one, so nothing in them can reach the network even by mistake.
pytest: install-test system-deps chromium-policy axe
	@if unshare -n true 2>/dev/null; then
		echo "==> pytest$(if $(PYTEST_ARGS), $(PYTEST_ARGS)) (in a loopback-only network namespace)"
		unshare -n -- bash -c 'ip link set lo up && exec "$$0" "$$@"' $(BIN)/pytest $(PYTEST_ARGS)
	else
		echo "==> pytest$(if $(PYTEST_ARGS), $(PYTEST_ARGS)) (on the normal network: unshare -n is not permitted here)"
		$(BIN)/pytest $(PYTEST_ARGS)
	fi

# The originality check on its own (it also runs in `make test`): content, templates and docs
# share no run of 9 words with the source articles.
originality: install-test
	@echo "==> pytest tests/test_originality.py"
	$(BIN)/pytest -q tests/test_originality.py

clean:
	@echo "==> removing site/, test output and caches"
	rm -rf site test-results .pytest_cache .mypy_cache .ruff_cache *.egg-info
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean
	@echo "==> removing $(VENV) and .ci/node_modules"
	rm -rf $(VENV) .ci/node_modules
