# Two commands do all set-up on a fresh machine (Python 3.11 and the package registry):
#   make run    create .venv if missing, install, run the main job on data/buleleng
#   make test   create .venv if missing, install, run the whole test suite
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint lab bench synth install clean hooks scenarios

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/planning run scenarios/baseline.yaml --out results/baseline

test: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools

scenarios: $(STAMP)
	@for f in scenarios/*.yaml; do $(BIN)/planning run $$f || exit 1; done

hooks: $(STAMP)
	$(BIN)/nbstripout --install

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python bench/bench_data.py
	$(BIN)/python bench/bench_model.py
	$(BIN)/python bench/bench_scoring.py

synth: $(STAMP)
	$(BIN)/python -m planning.data.synth data/buleleng

clean:
	rm -rf $(VENV) results .pytest_cache .ruff_cache
