# Two commands for people: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10. Use python3.10 from PATH, else pyenv's, else say so.
PYTHON310 ?= $(shell command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys' 2>/dev/null && command -v python3.10 || ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.10.*/bin/python3.10 2>/dev/null | tail -1)
VENV := .venv
PY := $(VENV)/bin/python
# Every Rasa command runs through bot.rasa_ext.run: the project's Rasa patches, applied once
# (bot/rasa_ext/patches/; NETBOT_RASA_PATCHES=off for Rasa as shipped).
RASA := $(PY) -m bot.rasa_ext.run
MODEL := models/net-bot.tar.gz

export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1
export ACTIONS_PORT ?= 5055

CONTENT := $(shell find content config -name '*.yml') ../shared/source/net-treatment-article.txt $(NETBOT_SETTINGS)
BUILD_CODE := bot/__main__.py bot/paths.py bot/settings.py bot/answers/replies.py $(wildcard bot/content/*.py)
# The model depends on the training data and on what shapes its features (subjects, the
# generated responses); answers and glossary live in the knowledge base, not the model.
TRAIN_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') bot/rasa_ext/components/*.py bot/rasa_ext/policies/*.py \
  bot/rasa_ext/patches/*.py bot/understanding/subjects.py bot/content/spacy_pipeline.py content/subjects.yml

.PHONY: help venv build model run test test-unit validate test-stories test-e2e test-browser bench eval cross-validate forget clean

# `make help` prints the `## ` comment of every target (tests/ops/test_makefile.py checks each has one).
help: ## list every target, one line each
	@awk -F ':.*## ' '/^[a-zA-Z0-9_-]+:.*## / { printf "  make %-15s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

venv: $(VENV)/.installed ## create .venv (Python 3.10) with the pinned packages
$(VENV)/.installed: requirements.txt constraints.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found: install python3.10 (Rasa 3.6 does not support 3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 2>&1 | { grep -v '^WARNING: Location' || true; }
	$(PY) -m pip install -q -r requirements.txt -c constraints.txt 2>&1 | { grep -v '^WARNING: Location' || true; }
	touch $@

# Knowledge base, spaCy pipeline and generated domain responses, from content/ and settings.
build: build/.stamp ## knowledge base, spaCy pipeline and domain responses from content/ and settings
build/.stamp: $(VENV)/.installed $(CONTENT) $(BUILD_CODE)
	$(PY) -m bot build
	$(PY) -m bot.analytics.vocabulary
	touch $@

# Written by the build only when its text changes, so an unchanged reply does not retrain.
build/domain/responses.yml: build/.stamp
	@:

# Train only when data, config or the build changed (Rasa's own check is slower).
model: $(MODEL) ## train the Rasa model, only when its inputs changed
$(MODEL): $(TRAIN_INPUTS) build/domain/responses.yml
	@start=$$(date +%s); \
	$(RASA) train --config config.yml --domain build/domain --data data \
	  --out models --fixed-model-name net-bot --force --quiet && \
	echo "trained in $$(( $$(date +%s) - start )) s"

run: build/.stamp $(MODEL) ## set everything up and start the bot (chat at http://localhost:8080)
	$(PY) -m bot.ops.serve

test: build/.stamp $(MODEL) lint test-unit validate test-stories test-e2e test-browser ## set everything up and run every test (lint, unit, validate, stories, e2e, browser)
	@echo "All test suites passed."

.PHONY: lint
lint: venv ## ruff on all Python: pyflakes, syntax errors and import order (ruff.toml)
	$(PY) -m ruff check --no-cache .

test-unit: build/.stamp ## the unit tests (no servers)
	$(PY) -m pytest -q tests --ignore=tests/e2e --ignore=tests/browser --ignore=tests/cluster

validate: build/.stamp ## rasa data validate on the training data and the built domain
	$(RASA) data validate --config config.yml --domain build/domain --data data --fail-on-warnings

test-stories: $(MODEL) ## the conversation tests (tests/stories) through Rasa, patches applied
	$(RASA) test core --model $(MODEL) --stories tests/stories --endpoints endpoints.yml \
	  --fail-on-prediction-errors --out results/stories

test-e2e: $(MODEL) ## end-to-end tests over HTTP against a started bot, probe sets included
	$(PY) -m pytest -q tests/e2e

test-browser: build/.stamp ## browser tests of the widget and pages (Playwright, Chromium, axe)
	$(PY) -m pytest -q tests/browser

cross-validate: build/.stamp ## 5-fold NLU cross-validation and its per-intent summary
	$(RASA) test nlu --config config.yml --nlu data/nlu --cross-validation --folds 5 --out results/nlu-cv
	$(PY) -m bot.ops.report_cv results/nlu-cv

eval: $(MODEL) ## grade a fresh bot with the shared dev set (../shared/eval)
	$(PY) -m tests.e2e.eval_dev

bench: $(MODEL) ## throughput and latency: this bot (patches on and off) and a stock Rasa bot
	$(PY) -m bench.run
	$(PY) -m bench.cluster

# PostgreSQL, Redis, two replicas and nginx on this machine (Debian packages, no Docker).
.PHONY: run-cluster
run-cluster: build/.stamp $(MODEL) ## two replicas on PostgreSQL and Redis behind nginx (docs/deploy.md)
	$(PY) -m bot.ops.cluster

.PHONY: test-cluster
test-cluster: build/.stamp $(MODEL) ## the cluster tests against real servers (CI runs it after make test)
	$(PY) -m pytest -q tests/cluster

.PHONY: bench-cluster
bench-cluster: $(MODEL) ## cluster throughput and lock-store figures (docs/deploy.md)
	$(PY) -m bench.cluster

.PHONY: safety-report
safety-report: build/.stamp ## write docs/safety-report.md (the triage table for clinical sign-off)
	$(PY) -m bot.safety.report

forget: venv ## delete conversations older than privacy.keep_conversations_days (for cron)
	$(PY) -m bot.privacy.retention

.PHONY: review-pack
review-pack: build/.stamp ## write build/review-pack.html, the printable clinical review pack
	$(PY) -m bot review-pack
.PHONY: report
report: venv ## printable monthly summary for the NET team (MONTH=YYYY-MM; default last month)
	$(PY) -m bot.analytics.report $(if $(MONTH),--month $(MONTH))

.PHONY: bench-staff
bench-staff: build/.stamp ## staff page speed with 100,000 turns, and answer path with/without analytics
	$(PY) -m bench.staff

clean: ## delete build/, models/, results/ and var/ (conversations too)
	rm -rf build models results var .pytest_cache

.PHONY: audit
audit: venv ## check the pinned packages against known vulnerabilities (offline; docs/security.md)
	$(PY) -m bot.ops.audit

.PHONY: bench-abuse
bench-abuse: $(MODEL) ## one client floods while another patient asks (docs/security.md)
	$(PY) -m bench.abuse
