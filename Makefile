# Two commands do all the set-up: `make book` and `make test`.
# Both create or update the virtual environment in .venv from the pinned
# constraints, and only when pyproject.toml or constraints.txt changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CONSTRAINTS ?= constraints.txt
JB_FLAGS := --warningiserror --nitpick --keep-going
# Students' working copies of the exercise sets (untracked; exercises/ is generated).
WORK   := work

.PHONY: book test lab notebooks bench clean

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	@# The distribution was called "lalib" before it became lalib-book (that name is taken on PyPI).
	@$(BIN)/python -m pip uninstall --quiet --yes lalib >/dev/null 2>&1 || true
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[book,dev,exercises]"
	@touch $(STAMP)

# The chapters' notebook forms (notebooks/, opened by Colab and Binder) are
# regenerated first, so a build never publishes links to stale notebooks.
book: $(STAMP) notebooks
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "Front page: file://$(abspath _build/html/index.html)"

notebooks: $(STAMP)
	$(BIN)/python -m lalib.chapter_notebooks

test: $(STAMP)
	$(BIN)/python -m pytest

# Students work in work/, a copy of exercises/ made once per exercise set:
# a later `make lab` (or a new exercise set) never overwrites their answers.
lab: $(STAMP)
	@mkdir -p $(WORK)
	@for nb in exercises/*.ipynb; do \
	  test -e "$(WORK)/$$(basename $$nb)" || { cp "$$nb" "$(WORK)/" && echo "new working copy: $(WORK)/$$(basename $$nb)"; }; \
	done
	@echo "Hand in your notebook from $(WORK)/ (File > Save, then upload work/NN-topic.ipynb)."
	@# JupyterLab saves widget state with the notebook, so a reopened notebook shows its widgets.
	$(BIN)/python -m lalib.widgets.lab
	$(BIN)/jupyter lab $(WORK)/

# Benchmarks need the peers they are compared with (scikit-surprise).
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e ".[bench]"
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf _build
