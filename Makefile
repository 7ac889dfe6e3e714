# Every command a user runs. Each target sets up what it needs (.venv, node_modules) on a fresh machine.
# ENV picks the environment (config/ENV.yaml); default dev.

ENV ?= dev
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CDK := node_modules/.bin/cdk
OUT := cdk.out/$(ENV)
# CONFIG_DIR=examples/estate tries DIR/ENV.yaml instead of config/ENV.yaml: its assembly and reports go to
# cdk.out/<dir name>-ENV, so cdk.out/ENV and every tracked file stay as they were.
CONFIG_DIR ?=
CONFIG := $(ENV)
ifneq ($(strip $(CONFIG_DIR)),)
OUT := cdk.out/$(notdir $(patsubst %/,%,$(CONFIG_DIR)))-$(ENV)
CONFIG := $(patsubst %/,%,$(CONFIG_DIR))/$(ENV).yaml
ifeq ($(REPORT),1)
$(error REPORT=1 rewrites BENCHMARKS.md, which holds the shipped environments (config/) only: drop CONFIG_DIR or REPORT)
endif
endif
# Node 20 is past end of life for jsii; the warning is harmless and drowns the output, so silence it.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
CDK_ARGS := --app "$(PY) app.py" -c env=$(ENV) $(if $(strip $(CONFIG_DIR)),-c config_dir=$(CONFIG_DIR))

.PHONY: help setup synth lint test deploy diff clean

help:
	@echo "make synth ENV=dev|staging|prod   synthesize (no AWS credentials needed) and summarize"
	@echo "make plan ENV=prod                what ENV monitors (alarms, thresholds, who is reached) + cdk.out/ENV/plan.json"
	@echo "  make plan|cost|simulate ... ACCOUNT=name REGION=r   only the services of that account and/or region"
	@echo "make lint                         ruff (and the type checker) over the app's code"
	@echo "make test                         install everything, lint, synthesize every environment, run the suite"
	@echo "make preflight ENV=prod           check the account can take the deploy (needs credentials)"
	@echo "make discover ENV=prod            resources by tag into config/discovered/ENV.yaml (read-only, needs credentials)"
	@echo "make bootstrap ENV=prod           cdk bootstrap every region the environment deploys to"
	@echo "make deploy ENV=prod              preflight, then cdk deploy every stack (SKIP_PREFLIGHT=1 skips it)"
	@echo "make prune ENV=prod               delete deployed stacks config no longer produces (asks first)"
	@echo "make bench | cost                 write the report files (BENCHMARKS.md / .json)"
	@echo "make simulate ENV=prod [REPORT=1]  every incident scenario x 20 seeds; exit 1 when a goal is missed"
	@echo "make report ENV=prod              make simulate REPORT=1: also rewrite BENCHMARKS.md / .json"
	@echo "make preview ENV=prod             draw every dashboard of ENV to cdk.out/preview/*.png"
	@echo "make maintenance ENV=prod STATE=on|off [REASON=...]  hold / release paging (needs credentials)"
	@echo "make slo-report ENV=prod [AT=time]  error budget of every SLO in the console (needs credentials)"
	@echo "make cost ENV=prod [REPORT=1]     price ENV at its region, per AWS and monitored service (cdk.out/ENV/reports)"
	@echo "make synth|plan|cost|simulate ENV=prod CONFIG_DIR=examples/estate   try DIR/ENV.yaml (into cdk.out/estate-prod)"

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Prints the project's summary only: the config check with what each service monitors, then the synth report.
# Feature flags are pinned in cdk.json (so the CLI has none to report) and notices are off for synth. The CLI's
# own progress lines ("Successfully synthesized", "Supply a stack id") are info-level, which no CLI option turns
# off: they go to cdk.out/ENV.cdk.log, printed in full when the CLI fails.
synth: setup
	@$(PY) -m config validate $(CONFIG)
	@# A fresh assembly (no stale stacks), keeping the reports make cost / make simulate wrote under it.
	@mkdir -p $(OUT) && find $(OUT) -mindepth 1 -maxdepth 1 ! -name reports -exec rm -rf {} +
	@$(CDK) synth --quiet --no-notices $(CDK_ARGS) -o $(OUT) > $(OUT).cdk.log 2>&1 \
		|| { cat $(OUT).cdk.log >&2; exit 1; }
	@$(PY) -m tools.synth_report $(OUT) $(if $(strip $(CONFIG_DIR)),--config $(CONFIG))

# The monitoring plan of ENV without synthesizing: per service each alarm, its severity, threshold and window, whom
# it reaches and which composite pages; the same as JSON in cdk.out/ENV/plan.json (python -m plan diff compares two).
# ACCOUNT=name (or id) and/or REGION=r restrict make plan, make cost and make simulate to those services.
SCOPE_ARGS = $(if $(ACCOUNT),--account $(ACCOUNT)) $(if $(REGION),--region $(REGION))
.PHONY: plan
plan: setup
	@$(PY) -m plan $(CONFIG) $(SCOPE_ARGS)

# ruff, then mypy over the app (plan/ once it exists) and over each Lambda as Lambda imports it (tools/lint.py).
lint: setup
	$(PY) -m tools.lint

test: setup lint
	$(PY) -m pytest -n auto

# First deploy and every update: synthesize, check the account (skip with SKIP_PREFLIGHT=1), warn about stacks
# config no longer produces, deploy what was synthesized, then list e-mail subscriptions still unconfirmed.
deploy: synth
ifneq ($(SKIP_PREFLIGHT),1)
	$(PY) -m tools.preflight $(ENV) --assembly $(OUT)
endif
	@$(PY) -m tools.prune $(ENV) --assembly $(OUT) --warn
	$(CDK) deploy --all --app $(OUT) --require-approval broadening
	-@$(PY) -m tools.preflight $(ENV) --assembly $(OUT) --after-deploy

# Read-only account checks for ENV (needs credentials): one line per problem, exit 1 when one blocks a deploy.
.PHONY: preflight bootstrap prune discover
preflight: synth
	$(PY) -m tools.preflight $(ENV) --assembly $(OUT)

# Read-only: lists the resources tagged with each discovered service's name in every account and region of ENV
# and writes them to config/discovered/ENV.yaml, which synth then reads offline. A failed run writes nothing.
# Python only: no CDK CLI needed.
discover: $(VENV)/.installed
	$(PY) -m tools.discover $(ENV)

# CDK bootstrap of every account/region ENV deploys to (the home region and each extra canary region).
bootstrap: synth
	@targets="$$($(PY) -m tools.preflight $(ENV) --assembly $(OUT) --targets)" && test -n "$$targets" && \
		echo "bootstrapping $$targets" && $(CDK) bootstrap $$targets

# Deployed stacks of this app and ENV that config no longer produces: listed, then deleted once you type ENV
# (YES=1 skips the question; REGIONS="r1 r2" also searches regions the config dropped; UNTAGGED=1 also counts
# stacks with the name prefix deployed before the app tagged its stacks).
prune: synth
	$(PY) -m tools.prune $(ENV) --assembly $(OUT) --delete $(if $(YES),--yes) $(if $(UNTAGGED),--include-untagged) \
		$(foreach r,$(REGIONS),--region $(r))

diff: setup
	$(CDK) diff --all $(CDK_ARGS) -o $(OUT)

clean:
	rm -rf cdk.out .pytest_cache

# Benchmarks: every tools/bench/bench_*.py writes its own section of BENCHMARKS.md / BENCHMARKS.json.
.PHONY: bench
bench: setup
	$(PY) -m tools.bench

# Dashboard previews: synthesize ENV, then draw each of its dashboards (the deployed body) to cdk.out/preview/.
.PHONY: preview
preview: synth
	$(PY) -m dashboards.preview $(OUT) cdk.out/preview $(if $(SCENARIO),--scenario $(SCENARIO)) $(if $(SERVICE),--service $(SERVICE))

# Cost estimate: price what ENV deploys from cdk.out/ENV (synthesized first if missing) at the config's region,
# print the bill and write it to cdk.out/ENV/reports/. Only REPORT=1 also rewrites the `cost-ENV` section of the
# tracked BENCHMARKS.md / BENCHMARKS.json, and only for dev, staging and prod. Prices: tools/cost_estimate/prices.yaml.
.PHONY: cost
cost: setup
	@test -f $(OUT)/manifest.json || $(MAKE) --no-print-directory synth ENV=$(ENV)
	@$(PY) -m tools.cost_estimate $(OUT) --env $(ENV) $(if $(strip $(CONFIG_DIR)),--config $(CONFIG)) $(if $(filter 1,$(REPORT)),--tracked) $(SCOPE_ARGS)

# Alert routing: replay the router's dead-letter queue through the router (needs AWS credentials).
.PHONY: redrive
redrive: setup
	$(PY) -m tools.redrive $(ENV)

# Alarm simulator: run every incident scenario (20 seeds each; SEEDS=n to change) against ENV's alarms from
# cdk.out/ENV (synthesized first if missing). Prints the verdicts and writes cdk.out/ENV/reports/simulate-ENV.md
# and .json; exits non-zero when any goal is missed. REPORT=1 (or `make report`) also rewrites the simulate-ENV
# section of BENCHMARKS.md / BENCHMARKS.json, for the shipped environments (dev, staging, prod) only.
.PHONY: simulate report
simulate: setup
	@test -f $(OUT)/manifest.json || $(MAKE) --no-print-directory synth ENV=$(ENV)
	$(PY) -m tools.alarmsim.scenarios --env $(ENV) --templates $(OUT) $(if $(strip $(CONFIG_DIR)),--config $(CONFIG)) $(if $(filter 1,$(REPORT)),--report) $(if $(SEEDS),--seeds $(SEEDS)) $(SCOPE_ARGS)

report:
	$(MAKE) --no-print-directory simulate ENV=$(ENV) REPORT=1

# Fire drill (needs AWS credentials): set each alarm of ENV (or ALARM=name) to ALARM and check the
# router delivered it; prints a table, exits non-zero when anything was not delivered.
.PHONY: drill
drill: setup
	$(PY) -m tools.drill --env $(ENV) $(if $(ALARM),--alarm $(ALARM))

# Manual maintenance (needs AWS credentials): STATE=on holds every paging composite's notifications of
# ENV (the maintenance alarm is their ActionsSuppressor), STATE=off releases them. REASON is recorded on the alarm.
.PHONY: maintenance
maintenance: setup
	$(PY) -m stacks.monitoring.switch $(ENV) $(STATE) "$(REASON)"

# SLO budget report (needs AWS credentials): attainment and error budget left of every Application Signals SLO
# ENV deploys (names read from cdk.out/ENV, synthesized first if missing). Exit 1 when an SLO is breached.
.PHONY: slo-report
slo-report: setup
	@test -f $(OUT)/manifest.json || $(MAKE) --no-print-directory synth ENV=$(ENV)
	$(PY) -m tools.slo_report $(ENV) --templates $(OUT) $(if $(AT),--at $(AT))
