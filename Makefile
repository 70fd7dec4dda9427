# The assistant's commands. `make run` and `make test` work on a fresh machine with no other step.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
RASA := $(PY) -m rasa
SPACY_MODEL := .spacy/en_safeguarding
MODEL := models/assistant.tar.gz
GENERATED := data/nlu/generated/glossary.yml data/nlu/generated/areas.yml
RULES := data/rules/generated/answers.yml data/rules/generated/interruptions.yml
KNOWLEDGE_DIR ?= $(CURDIR)/knowledge
export KNOWLEDGE_DIR
KNOWLEDGE := $(wildcard $(KNOWLEDGE_DIR)/*.yml)
KNOWLEDGE_OK := $(VENV)/.knowledge-ok
TRAINING := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) $(GENERATED) $(RULES)
export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export RASA_TELEMETRY_ENABLED := false   # no usage data or crash reports leave the machine

.PHONY: setup generate annotate train run shell validate test test-unit test-server test-conversations lint evaluate risk-cv bench bench-quick clean help run-prod test-prod system-packages teams-package report bench-privacy axe

help:
	@echo "make run       start the assistant (REST at http://localhost:5005/webhooks/rest/webhook)"
	@echo "make shell     chat in the terminal"
	@echo "make validate  check knowledge/ and the training data"
	@echo "make test      install, train, validate and run every test"
	@echo "make evaluate  score the held-out NLU set, held-out questions end to end, and real wordings (tests/real)"
	@echo "make risk-cv   cross-validate the risk detector on its training data (recall, precision per threshold)"
	@echo "make bench     latency, throughput, start-up, memory, training time: ours vs the rasa init config"
	@echo "make bench-quick  ours only (models/assistant.tar.gz), fewer messages: about a minute"
	@echo "make report    for knowledge owners: a page with unanswered questions, ratings, stale entries (REPORT_ARGS=--since ...)"
	@echo "make bench-privacy  recall and precision of the identifier detector per kind (benchmarks/privacy/)"
	@echo "make run-prod  production topology: PostgreSQL, Redis, 2 replicas, nginx on http://localhost:8080"
	@echo "make test-prod test the production topology (tests/production)"
	@echo "make test-unit the tests that need no model, server or browser"
	@echo "make test-server  the tests against running servers (a trained model, channels, the report page)"
	@echo "make test-conversations  the test stories against the trained model"
	@echo "make lint      ruff (pyproject.toml): syntax errors, undefined names, unused imports"
	@echo "make teams-package  the Teams app zip (MICROSOFT_APP_ID=<bot id> make teams-package; README: Teams setup)"

# --- environment ---------------------------------------------------------------------------
$(VENV)/.installed: requirements.txt pyproject.toml scripts/find_python.sh
	@python=$$(bash scripts/find_python.sh) || exit 1; \
	  echo "Using $$python"; \
	  [ -x $(PY) ] || "$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .  # the project's packages (pyproject.toml)
	touch $@

# The validator speaks first: nothing is built from knowledge/ that it has not passed, so a knowledge
# editor who broke a file sees its message (file, line, entry, what to write), never a traceback.
$(KNOWLEDGE_OK): $(VENV)/.installed $(KNOWLEDGE) kb/*.py
	@$(PY) -m kb.validate
	@touch $@

$(SPACY_MODEL)/meta.json: $(KNOWLEDGE_OK) scripts/build_spacy_pipeline.py
	$(PY) scripts/build_spacy_pipeline.py $(SPACY_MODEL)

$(GENERATED) &: $(KNOWLEDGE_OK) scripts/generate_nlu.py scripts/generated.py
	$(PY) scripts/generate_nlu.py
	@touch $(GENERATED)  # newer than what they are made from, even when their content did not change

# The answering rules, from the one routing table (actions/routing.py) and knowledge/topics.yml.
$(RULES) &: $(KNOWLEDGE_OK) scripts/generate_rules.py scripts/generated.py actions/routing.py
	$(PY) scripts/generate_rules.py
	@touch $(RULES)

setup: $(KNOWLEDGE_OK) $(SPACY_MODEL)/meta.json $(GENERATED) $(RULES)

generate: $(GENERATED) $(RULES)

annotate: setup
	$(PY) scripts/annotate_entities.py

# --- model ---------------------------------------------------------------------------------
# The spaCy pipeline is read at start-up, not packed into the model: rebuilding it needs no retraining.
$(MODEL): $(TRAINING) | $(SPACY_MODEL)/meta.json
	$(RASA) train --fixed-model-name assistant --out models --quiet
	@touch $@

train: setup $(MODEL)

# --- running -------------------------------------------------------------------------------
run: train
	bash scripts/run.sh

shell: train
	bash scripts/run.sh shell

# Production topology on this machine (see README, "Production"; settings: deploy/production.env).
run-prod: train
	bash scripts/run_prod.sh

# --- checks --------------------------------------------------------------------------------
# STRICT=1 (as in CI) also fails on contacts last checked more than 18 months ago.
validate: setup
	$(PY) -m kb.validate $(if $(STRICT),--strict)
	$(PY) scripts/generate_nlu.py --check
	$(PY) scripts/generate_rules.py --check
	$(PY) scripts/annotate_entities.py --check
	@$(PY) scripts/quiet_rasa.py data validate --quiet --fail-on-warnings  # without the libraries' warnings

# The test tiers, run in this order by `make test` (and so by CI), each a step of its own:
# unit: no model, server or browser (the knowledge base, the actions, the risk and identifier
#   detectors, the validator, the data checks);
# server: a trained model behind running servers (REST, guided flows, channels, the report page in
#   Chromium, `make run` itself, the lean start-up), and the commands that run make or train a model;
# prod: the production topology (PostgreSQL, Redis, nginx, two replicas; about 2 minutes);
# conversations: the test stories against the trained model.
SERVER_TESTS := tests/test_server.py tests/test_guided_server.py tests/test_report.py tests/test_run_script.py \
  tests/test_lean_rasa.py tests/test_linear_intent.py tests/test_validate_command.py tests/channels
UNIT_TESTS := $(filter-out $(SERVER_TESTS),$(wildcard tests/test_*.py))

test-unit: setup
	$(PY) -m pytest $(UNIT_TESTS) -q -p no:warnings -p no:hypothesispytest -n auto

test-server: train
	$(PY) -m pytest $(SERVER_TESTS) -q -p no:warnings

test-conversations: train
	$(RASA) test core --stories tests/conversations --model $(MODEL) --fail-on-prediction-errors \
	  --out results/conversations --quiet

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

test: system-packages axe lint train validate
	@echo "--- tier 1 of 4: unit tests" && $(MAKE) --no-print-directory test-unit
	@echo "--- tier 2 of 4: servers, channels, report page, commands" && $(MAKE) --no-print-directory test-server
	@echo "--- tier 3 of 4: production topology" && $(MAKE) --no-print-directory test-prod
	@echo "--- tier 4 of 4: test conversations" && $(MAKE) --no-print-directory test-conversations

# Debian's chromium and chromium-driver for the web chat test (quick when they are installed).
system-packages:
	bash scripts/install_system_packages.sh

# axe-core, the accessibility checker the report test runs in Chromium: pinned, from the npm registry,
# into .tools/axe (nothing global).
AXE_VERSION := 4.10.3
AXE := .tools/axe/node_modules/axe-core/axe.min.js
$(AXE):
	@command -v npm >/dev/null || { echo "No npm here: the report page's accessibility test will be skipped (it fails under CI)." >&2; exit 0; }; \
	  npm install --prefix .tools/axe --no-save --no-audit --no-fund --loglevel=error axe-core@$(AXE_VERSION) \
	  || echo "Could not install axe-core: the report page's accessibility test will be skipped (it fails under CI)." >&2

axe: $(AXE)

# Real PostgreSQL, Redis, nginx and two replicas (installed by scripts/install_prod_services.sh).
test-prod: train
	$(PY) -m pytest tests/production -q -p no:warnings

evaluate: train
	$(PY) scripts/evaluate.py

risk-cv: setup
	$(PY) scripts/risk_cv.py

# Trains ours and the baseline into a temp folder (never into models/): takes several minutes.
bench: setup
	$(PY) scripts/bench.py $(BENCH_ARGS)

# The knowledge owners' page, results/report/report.html (REPORT_ARGS="--since 2026-11-01 --csv --export 1,3").
report: $(VENV)/.installed
	@$(PY) scripts/report.py $(REPORT_ARGS)

bench-quick: train
	$(PY) scripts/bench.py --quick $(BENCH_ARGS)

# The privacy benchmark: synthetic messages from benchmarks/privacy/, train and test split by template.
# Fails if the test split misses recall >= 0.99 per kind or precision >= 0.95 (BENCH_PRIVACY_ARGS=--errors 20).
bench-privacy: $(VENV)/.installed
	$(PY) scripts/bench_privacy.py $(BENCH_PRIVACY_ARGS)

# The Teams app package (manifest.json and icons from deploy/teams/, the bot id from MICROSOFT_APP_ID).
teams-package: $(VENV)/.installed
	$(PY) scripts/teams_package.py

clean:
	rm -rf models results $(SPACY_MODEL) .pytest_cache
