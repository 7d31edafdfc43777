# Build and test the course. Each step says what it does and skips work already done, so a
# second `make test` only runs the checks. CI runs `make test` too (.ci/run).
#
#   make site       install the project into .venv and build the site into site/
#   make unit       ruff, mypy, ESLint and every test but the browser tests: no sudo, no Chromium
#   make test       install the test tools (Chromium, axe-core), run the linters and all of pytest
#   make serve      preview the site with live reload
#   make handouts   print the trainer handouts (guides, role-play cards) as PDFs into handouts/
#   make exports    the question banks for an LMS: exports/course.gift (Moodle), exports/course-qti.zip (Canvas)
#   make package    the course as SCORM 2004, SCORM 1.2 and cmi5 packages for an LMS, into dist/
#   make bench      run the benchmarks
#   make bench-assessment  how the built assessment resists guessing (Chromium)
#   make bench-live  200 simulated phones vote at once in `course live` (127.0.0.1 only)
#   make originality  check that no 9 words in a row are copied from the source articles
#   make coverage   branch coverage of builder/ by the tests that need no browser
#   make properdocs  build the site with MkDocs and with ProperDocs (own venv) and compare
#   make clean      remove the built site, test output and caches
#   make distclean  also remove .venv, .venv-properdocs and .ci/node_modules
#
# Each check also runs alone (make ruff, make format, make mypy, make lint-js, make pytest,
# and make pytest-unit for the tests without a browser). Extra pytest arguments go in PYTEST_ARGS, e.g.
# make pytest PYTEST_ARGS='-k axe --headed'.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
BIN := $(VENV)/bin
AXE := .ci/node_modules/axe-core/axe.min.js
ESLINT := .ci/node_modules/.bin/eslint
GIFT_PEGJS := .ci/node_modules/gift-pegjs/package.json
NODE_STAMP := .ci/node_modules/.installed
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

.PHONY: help venv install install-test site serve handouts exports package bench bench-assessment bench-live system-deps \
	chromium-policy node-tools unit test ruff format mypy lint-js pytest pytest-unit originality \
	clean distclean

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

# One zip per format (docs/lms.md). All are tried; make fails if any is refused (SCORM 1.2
# refuses a course whose resume data cannot fit in 4,096 characters).
PACKAGE_FORMATS := scorm2004 scorm12 cmi5
package: install
	@status=0
	for format in $(PACKAGE_FORMATS); do
		echo "==> $(BIN)/course package --format $$format --out dist/course-$$format.zip"
		$(BIN)/course package --format $$format --out dist/course-$$format.zip || status=1
	done
	exit $$status

# PDFs are printed by Debian's Chromium, which `system-deps` installs when it is missing.
handouts: install system-deps chromium-policy
	@echo "==> $(BIN)/course handouts --out handouts"
	$(BIN)/course handouts --out handouts

exports: install
	@mkdir -p exports
	echo "==> $(BIN)/course export gift --out exports/course.gift"
	$(BIN)/course export gift --out exports/course.gift
	echo "==> $(BIN)/course export qti --out exports/course-qti.zip"
	$(BIN)/course export qti --out exports/course-qti.zip

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

# ProperDocs, the maintained fork of MkDocs 1.6, builds the same site (docs/platform.md). It gets
# a virtual environment of its own, so .venv never holds two engines. Extra arguments for
# bench/properdocs_compare.py go in PROPERDOCS_ARGS, e.g. PROPERDOCS_ARGS='--keep /tmp/sites'.
PD_VENV := .venv-properdocs
PROPERDOCS_ARGS ?=
.PHONY: properdocs
properdocs:
	@if [ ! -x $(PD_VENV)/bin/python ]; then
		echo "==> python3 -m venv $(PD_VENV)"
		python3 -m venv $(PD_VENV)
	fi
	if [ $(PD_VENV)/.installed -nt pyproject.toml ] && [ $(PD_VENV)/.installed -nt constraints.txt ]; then
		echo "==> pip install -e '.[properdocs]': up to date in $(PD_VENV)"
	else
		echo "==> $(PD_VENV)/bin/pip install -c constraints.txt -e '.[properdocs]'"
		$(PD_VENV)/bin/pip install --quiet -c constraints.txt -e '.[properdocs]'
		touch $(PD_VENV)/.installed
	fi
	echo "==> $(PD_VENV)/bin/python bench/properdocs_compare.py $(PROPERDOCS_ARGS)"
	$(PD_VENV)/bin/python bench/properdocs_compare.py $(PROPERDOCS_ARGS)

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

# The JavaScript test tools, pinned in .ci/package-lock.json: axe-core (the accessibility
# checks of the browser tests), ESLint (make lint-js) and gift-pegjs (a GIFT parser that
# reads back `course export gift`, tests/test_gift.py). npm needs no sudo.
node-tools:
	@if [ -f $(AXE) ] && [ -x $(ESLINT) ] && [ -f $(GIFT_PEGJS) ] \
			&& [ $(NODE_STAMP) -nt .ci/package-lock.json ] \
			&& [ $(NODE_STAMP) -nt .ci/package.json ]; then
		echo "==> axe-core, ESLint, gift-pegjs: already installed in .ci/node_modules"
	else
		echo "==> npm ci --prefix .ci"
		npm ci --prefix .ci --no-audit --no-fund
		touch $(NODE_STAMP)
	fi

# Every check runs even when an earlier one fails (--keep-going); make fails if any did.
# `unit` needs neither sudo nor a browser: it is the check to run before each commit.
unit:
	@$(MAKE) --keep-going ruff format mypy lint-js pytest-unit
	echo "==> make unit: all checks passed (browser tests not run: make test runs them)"

test:
	@$(MAKE) --keep-going ruff format mypy lint-js pytest
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

# The site's own scripts are ES5 for browsers (.ci/eslint.config.mjs says why).
lint-js: node-tools
	@echo "==> eslint templates/static/assets templates/lms"
	$(ESLINT) --config .ci/eslint.config.mjs --max-warnings 0 templates/static/assets templates/lms

# $(call pytest,ARGS): the tests run in a network namespace with only a loopback interface
# when the machine allows one (and has iproute2), so nothing in them can reach the network
# even by mistake.
define pytest
if unshare -n true 2>/dev/null && command -v ip >/dev/null; then
	echo "==> pytest$(if $(1), $(1)) (in a loopback-only network namespace)"
	unshare -n -- bash -c 'ip link set lo up && exec "$$0" "$$@"' $(BIN)/pytest $(1)
else
	echo "==> pytest$(if $(1), $(1)) (on the normal network: no unshare -n or no ip here)"
	$(BIN)/pytest $(1)
fi
endef

pytest: install-test system-deps chromium-policy node-tools
	@$(call pytest,$(PYTEST_ARGS))

# Everything but the browser tests, so neither Chromium nor its policy is needed (node-tools:
# gift-pegjs, for tests/test_gift.py).
pytest-unit: install-test node-tools
	@$(call pytest,-m 'not browser'$(if $(PYTEST_ARGS), $(PYTEST_ARGS)))

# The originality check on its own (it also runs in `make test`): content, templates and docs
# share no run of 9 words with the source articles.
originality: install-test
	@echo "==> pytest tests/test_originality.py"
	$(BIN)/pytest -q tests/test_originality.py

# Branch coverage of builder/ (settings in pyproject.toml) by the tests that run without a
# browser; builds the tests start as separate processes are not counted. A figure to watch,
# not a gate: the table is printed even when a test fails, and then make fails.
.PHONY: coverage
coverage: install-test
	@echo "==> coverage run -m pytest -m 'not browser'$(if $(PYTEST_ARGS), $(PYTEST_ARGS))"
	status=0
	$(BIN)/coverage run -m pytest -q -m "not browser" $(PYTEST_ARGS) || status=$$?
	$(BIN)/coverage report
	exit $$status

clean:
	@echo "==> removing site/, test output and caches"
	rm -rf site dist test-results .pytest_cache .mypy_cache .ruff_cache .coverage *.egg-info
	find . -name __pycache__ -type d -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean
	@echo "==> removing $(VENV), $(PD_VENV) and .ci/node_modules"
	rm -rf $(VENV) $(PD_VENV) .ci/node_modules
