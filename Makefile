# Every command a user runs. Each target sets up what it needs (.venv, node_modules) on a fresh machine.
# ENV picks the environment (config/ENV.yaml); default dev.

ENV ?= dev
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
CDK := node_modules/.bin/cdk
OUT := cdk.out/$(ENV)
# Node 20 is past end of life for jsii; the warning is harmless and drowns the output, so silence it.
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
CDK_ARGS := --app "$(PY) app.py" -c env=$(ENV)

.PHONY: help setup synth test deploy diff clean

help:
	@echo "make synth ENV=dev|staging|prod   synthesize (no AWS credentials needed) and summarize"
	@echo "make test                         install everything, synthesize every environment, run the suite"
	@echo "make deploy ENV=prod              cdk deploy every stack of that environment"
	@echo "make bench | cost                 write the report files (BENCHMARKS.md / .json)"
	@echo "make simulate ENV=prod [REPORT=1]  every incident scenario x 20 seeds; exit 1 when a goal is missed"
	@echo "make report ENV=prod              make simulate REPORT=1: also rewrite BENCHMARKS.md / .json"
	@echo "make preview ENV=prod             draw every dashboard of ENV to cdk.out/preview/*.png"
	@echo "make maintenance ENV=prod STATE=on|off [REASON=...]  hold / release paging (needs credentials)"

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

synth: setup
	$(PY) -m config validate $(ENV)
	rm -rf $(OUT)
	$(CDK) synth --quiet $(CDK_ARGS) -o $(OUT)
	$(PY) -m tools.synth_report $(OUT)

test: setup
	$(PY) -m pytest -n auto

deploy: setup
	$(PY) -m config validate $(ENV)
	$(CDK) deploy --all $(CDK_ARGS) -o $(OUT) --require-approval broadening

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
	$(PY) -m dashboards.preview $(OUT) cdk.out/preview

# Cost estimate: price what ENV deploys from cdk.out/ENV (synthesized first if missing), print the bill and write
# the `cost-ENV` section of BENCHMARKS.md / BENCHMARKS.json. Prices: tools/cost_estimate/prices.yaml.
.PHONY: cost
cost: setup
	@test -f $(OUT)/manifest.json || $(MAKE) --no-print-directory synth ENV=$(ENV)
	$(PY) -m tools.cost_estimate $(OUT) --env $(ENV) --report

# Alert routing (issue 5): replay the router's dead-letter queue through the router (needs AWS credentials).
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
	$(PY) -m tools.alarmsim.scenarios --env $(ENV) --templates $(OUT) $(if $(filter 1,$(REPORT)),--report) $(if $(SEEDS),--seeds $(SEEDS))

report:
	$(MAKE) --no-print-directory simulate ENV=$(ENV) REPORT=1

# Fire drill (issue 9, needs AWS credentials): set each alarm of ENV (or ALARM=name) to ALARM and check the
# router delivered it; prints a table, exits non-zero when anything was not delivered.
.PHONY: drill
drill: setup
	$(PY) -m tools.drill --env $(ENV) $(if $(ALARM),--alarm $(ALARM))

# Manual maintenance (issue 4, needs AWS credentials): STATE=on holds every paging composite's notifications of
# ENV (the maintenance alarm is their ActionsSuppressor), STATE=off releases them. REASON is recorded on the alarm.
.PHONY: maintenance
maintenance: setup
	$(PY) -m stacks.monitoring.switch $(ENV) $(STATE) "$(REASON)"
