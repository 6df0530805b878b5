# The one task runner. `make demo` and `make test` are the README's two commands.
.DEFAULT_GOAL := help
SHELL := /bin/bash
VENV := .venv/bin
PYTEST := $(VENV)/pytest
# A machine may set PYTHONDONTWRITEBYTECODE (this project's CI machine does): then no process
# keeps what it compiles, and each one (a test run, a service, an identity pool worker)
# compiles its imports again, about half the 2.5 CPU seconds an `import apoyo.cli` takes.
# The project's own commands let Python cache bytecode (in .venv and the gitignored
# __pycache__ folders), so only the first process to import a module compiles it.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: help bootstrap demo serve lint typecheck audit unit component e2e crash test bench infra-up infra-down infra-status clean

help:
	@echo "make demo | test | lint | typecheck | audit | unit | component | e2e | crash | bench | infra-up | infra-down | serve"

bootstrap:
	@bash scripts/bootstrap.sh

demo: bootstrap
	$(VENV)/apoyo demo --supports 60 --out demo-out

serve: bootstrap
	$(VENV)/apoyo serve all --embedded --data .local/embedded --port 8000

lint: bootstrap
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .

typecheck: bootstrap
	$(VENV)/mypy

audit: bootstrap
	bash scripts/audit.sh

unit: bootstrap
	$(PYTEST) tests/unit -m "not component and not e2e"

component: bootstrap
	$(PYTEST) tests/component -m component

infra-up:
	bash deploy/local/infra.sh up

infra-down:
	bash deploy/local/infra.sh down

infra-status:
	bash deploy/local/infra.sh status

e2e: bootstrap infra-up
	$(PYTEST) tests/e2e -m e2e -s --timeout 600

crash: bootstrap infra-up
	for run in 1 2 3; do $(PYTEST) tests/e2e/test_crash.py -m e2e --timeout 600 || exit 1; done

test: bootstrap
	$(MAKE) --no-print-directory lint typecheck audit unit component e2e

bench: bootstrap infra-up
	bash benchmarks/setup_anchors.sh
	$(VENV)/python benchmarks/mrz.py
	$(VENV)/python benchmarks/barcodes.py
	$(VENV)/python benchmarks/evidence.py
	$(VENV)/python benchmarks/identity_throughput.py
	$(VENV)/python benchmarks/identity_service.py
	$(VENV)/python benchmarks/picture_index.py
	$(VENV)/python benchmarks/voter_roll_load.py --rows 2000000
	$(VENV)/python benchmarks/verification.py
	$(VENV)/python benchmarks/verification.py --roll 2000000 --kafka
	$(VENV)/python benchmarks/export.py --supports 100000
	$(VENV)/python benchmarks/portal_lists.py --supports 1000000
	$(VENV)/python benchmarks/pipeline_load.py

clean:
	rm -rf .local demo-out .mypy_cache .ruff_cache
