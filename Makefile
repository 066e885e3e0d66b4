# Two commands do all the set-up: `make book` and `make test`.
# Both create or update the virtual environment in .venv from the pinned
# constraints, and only when pyproject.toml or constraints.txt changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CONSTRAINTS ?= constraints.txt
JB_FLAGS := --warningiserror --nitpick --keep-going

.PHONY: book test lab bench clean

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[book,dev]"
	@touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "Front page: file://$(abspath _build/html/index.html)"

test: $(STAMP)
	$(BIN)/python -m pytest

lab: $(STAMP)
	$(BIN)/jupyter lab exercises/

# Benchmarks need the peers they are compared with (scikit-surprise).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[bench]"
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build
