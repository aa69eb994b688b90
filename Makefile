# The two commands a fresh clone needs (see README):
#   make demo   set up .venv, ingest the sample captures in raw/, run a sample search
#   make test   set up .venv with dev tools, then lint, type-check and run the whole test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test setup lint typecheck pytest bench-extraction bench-search clean-data

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The C extensions are built by the install, so a change to one installs again.
$(STAMP): pyproject.toml setup.py $(wildcard src/newsarchive/*.c) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(BIN)/newsarchive ingest raw/
	$(BIN)/newsarchive search 'ambassador OR asylum' --limit 5

lint: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: setup
	$(BIN)/mypy

pytest: setup
	$(BIN)/python -m pytest -q

test: lint typecheck pytest

bench-extraction: setup
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/extraction.py --input text
	$(BIN)/python benchmarks/extraction.py --input html

bench-search: setup
	$(BIN)/python benchmarks/search.py
