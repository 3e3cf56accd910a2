# The template's own tasks. `make` lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
BIN := $(VENV)/bin
SCRATCH := $(CURDIR)/.scratch
DEMO := $(SCRATCH)/demo/demand-forecast
PYTEST_ARGS ?=

.PHONY: help venv demo test test-fast bench lint clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(BIN)/python: requirements-dev.txt
	@if command -v uv >/dev/null; then \
		uv venv --allow-existing $(VENV) && uv pip install --python $(BIN)/python -r requirements-dev.txt; \
	else \
		python3 -m venv $(VENV) && $(BIN)/pip install --quiet uv \
		&& $(BIN)/uv pip install --python $(BIN)/python -r requirements-dev.txt; \
	fi
	@touch $@

venv: $(BIN)/python ## Create .venv with the template's test tools

demo: venv ## Bake a project with the default answers, install it, run its workflows and a sweep
	rm -rf $(SCRATCH)/demo
	$(BIN)/cookiecutter --no-input --output-dir $(SCRATCH)/demo .
	@echo "Installing the demo project (make install; its log: $(SCRATCH)/demo/install.log)"
	@$(MAKE) --no-print-directory -C $(DEMO) install >$(SCRATCH)/demo/install.log 2>&1 \
		|| { tail -n 30 $(SCRATCH)/demo/install.log; exit 1; }
	@grep -E '^(Using|Resolved|Installed|Bytecode compiled) ' $(SCRATCH)/demo/install.log
	$(MAKE) --no-print-directory -C $(DEMO) run
	$(MAKE) --no-print-directory -C $(DEMO) run WORKFLOW=single_task
	$(MAKE) --no-print-directory -C $(DEMO) run WORKFLOW=extra_inputs
	$(MAKE) --no-print-directory -C $(DEMO) sweep
	@echo
	@echo "Demo project:  $(DEMO)"
	@echo "Run outputs:   $(DEMO)/outputs (one folder per run: .hydra/ config + log)"
	@echo "Sweep outputs: $(DEMO)/multirun (one folder per sweep job)"

test: venv ## Run all template tests (bakes projects, runs their tests, builds an image)
	$(BIN)/python -m pytest -n auto --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

test-fast: venv ## Run the quick template tests (no project installs, no image builds)
	$(BIN)/python -m pytest -n auto -m "not slow and not image" $(PYTEST_ARGS)

bench: venv ## Run the benchmarks; writes docs/performance.md
	$(BIN)/python benchmarks/run.py

lint: venv ## Lint and type-check the template's own Python (hooks, extensions, tests)
	$(BIN)/ruff check hooks tests benchmarks local_extensions.py template_paths.py
	$(BIN)/ruff format --check hooks tests benchmarks local_extensions.py template_paths.py
	$(BIN)/mypy  # what it checks, and how strictly: [tool.mypy] in pyproject.toml

clean: ## Remove the demo, caches and .venv
	rm -rf $(SCRATCH) $(VENV) .pytest_cache .ruff_cache .mypy_cache .hypothesis
