# Foresight — the README names these targets.
PYTHON ?= python3.11
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: install demo test lint typecheck imports pytest bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# The CPU build of torch that lies on these machines must come first, or pip pulls CUDA wheels.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev,onnx,ann]"
	touch $(STAMP)

## The main job on the embedded default (SQLite under data/, bundled model, demo corpus).
demo: install
	$(BIN)/foresight demo $(DEMO_ARGS)

## The whole test suite: lint, types, import direction, pytest on SQLite and PostgreSQL.
test: install lint typecheck imports pytest

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck:
	$(BIN)/mypy

imports:
	$(BIN)/lint-imports

pytest:
	$(BIN)/python -m pytest -n 2 --dist loadscope $(PYTEST_ARGS)

bench:
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) data/*.db data/*.db-* .pytest_cache .mypy_cache .ruff_cache
