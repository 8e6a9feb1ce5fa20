# Two commands for people: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
.DEFAULT_GOAL := help

# Rasa 3.6 needs Python 3.10. Use python3.10 from PATH, else pyenv's, else say so.
PYTHON310 ?= $(shell command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys' 2>/dev/null && command -v python3.10 || ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.10.*/bin/python3.10 2>/dev/null | tail -1)
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
MODEL := models/net-bot.tar.gz

export PYTHONPATH := $(CURDIR)
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1
export ACTIONS_PORT ?= 5055
export BOT_DATA_DIR ?= $(CURDIR)/var

CONTENT := $(shell find content config -name '*.yml') ../shared/source/net-treatment-article.txt $(NETBOT_SETTINGS)
BUILD_CODE := bot/__main__.py bot/content.py bot/source.py bot/kb_build.py bot/nlp.py bot/responses.py bot/settings.py \
  bot/governance.py bot/yaml_edit.py
# The model depends on the training data and on what shapes its features (subjects, the
# generated responses); answers and glossary live in the knowledge base, not the model.
TRAIN_INPUTS := config.yml domain.yml $(shell find data -name '*.yml') bot/nlu/*.py bot/policies/*.py bot/subjects.py \
  bot/nlp.py content/subjects.yml

.PHONY: help venv build model run test test-unit validate test-stories test-e2e test-browser bench eval cross-validate forget clean

help:
	@echo "make run    set everything up and start the bot (chat at http://localhost:8080)"
	@echo "make test   set everything up and run every test"
	@echo "make safety-report   write docs/safety-report.md (the triage table for clinical sign-off)"
	@echo "make run-cluster   two replicas on PostgreSQL and Redis behind nginx (docs/deploy.md)"
	@echo "make test-cluster  the cluster tests against real servers (CI runs it after make test)"
	@echo "make review-pack   write build/review-pack.html, the printable clinical review pack"
	@echo "make audit  check the pinned packages against known vulnerabilities (offline; docs/security.md)"
	@echo "make bench-abuse  one client floods while another patient asks (docs/security.md)"
	@echo "make report printable monthly summary for the NET team (MONTH=YYYY-MM; default last month)"
	@echo "make bench-staff  staff page speed with 100,000 turns, and answer path with/without analytics"

venv: $(VENV)/.installed
$(VENV)/.installed: requirements.txt constraints.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 not found: install python3.10 (Rasa 3.6 does not support 3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON310) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip 2>&1 | { grep -v '^WARNING: Location' || true; }
	$(PY) -m pip install -q -r requirements.txt -c constraints.txt 2>&1 | { grep -v '^WARNING: Location' || true; }
	touch $@

# Knowledge base, spaCy pipeline and generated domain responses, from content/ and settings.
build: build/.stamp
build/.stamp: $(VENV)/.installed $(CONTENT) $(BUILD_CODE)
	$(PY) -m bot build
	$(PY) -m bot.analytics.vocabulary
	touch $@

# Written by the build only when its text changes, so an unchanged reply does not retrain.
build/domain/responses.yml: build/.stamp
	@:

# Train only when data, config or the build changed (Rasa's own check is slower).
model: $(MODEL)
$(MODEL): $(TRAIN_INPUTS) build/domain/responses.yml
	@start=$$(date +%s); \
	$(RASA) train --config config.yml --domain build/domain --data data \
	  --out models --fixed-model-name net-bot --force --quiet && \
	echo "trained in $$(( $$(date +%s) - start )) s"

run: build/.stamp $(MODEL)
	$(PY) -m bot.serve

test: build/.stamp $(MODEL) test-unit validate test-stories test-e2e test-browser
	@echo "All test suites passed."

test-unit: build/.stamp
	$(PY) -m pytest -q tests --ignore=tests/e2e --ignore=tests/browser --ignore=tests/cluster

validate: build/.stamp
	$(RASA) data validate --config config.yml --domain build/domain --data data --fail-on-warnings

test-stories: $(MODEL)
	$(RASA) test core --model $(MODEL) --stories tests/stories --endpoints endpoints.yml \
	  --fail-on-prediction-errors --out results/stories

test-e2e: $(MODEL)
	$(PY) -m pytest -q tests/e2e

test-browser: build/.stamp
	$(PY) -m pytest -q tests/browser

cross-validate: build/.stamp
	$(RASA) test nlu --config config.yml --nlu data/nlu --cross-validation --folds 5 --out results/nlu-cv
	$(PY) -m bot.report_cv results/nlu-cv

eval: $(MODEL)
	$(PY) -m tests.e2e.eval_dev

bench: $(MODEL)
	$(PY) -m bench.run
	$(PY) -m bench.cluster

# PostgreSQL, Redis, two replicas and nginx on this machine (Debian packages, no Docker).
.PHONY: run-cluster
run-cluster: build/.stamp $(MODEL)
	$(PY) -m bot.cluster

.PHONY: test-cluster
test-cluster: build/.stamp $(MODEL)
	$(PY) -m pytest -q tests/cluster

.PHONY: bench-cluster
bench-cluster: $(MODEL)
	$(PY) -m bench.cluster

.PHONY: safety-report
safety-report: build/.stamp   # the triage table, replies and examples as docs/safety-report.md for sign-off
	$(PY) -m bot.safety_report

forget: venv   # delete conversations older than privacy.keep_conversations_days (for cron)
	$(PY) -m bot.retention

.PHONY: review-pack
review-pack: build/.stamp
	$(PY) -m bot review-pack
.PHONY: report
report: venv   # printable monthly summary of the analytics (docs/insights.md)
	$(PY) -m bot.analytics.report $(if $(MONTH),--month $(MONTH))

.PHONY: bench-staff
bench-staff: build/.stamp
	$(PY) -m bench.staff

clean:
	rm -rf build models results var .pytest_cache

.PHONY: audit
audit: venv   # pins against config/advisories.yml offline; pip-audit too where it is installed and online
	$(PY) -m bot.audit

.PHONY: bench-abuse
bench-abuse: $(MODEL)   # flood from one address while another patient asks; ABUSE_SECONDS (60)
	$(PY) -m bench.abuse
