# Two commands do all set-up on a fresh machine (Python 3.11 and the package registry):
#   make run    create .venv if missing, install, run the main job on data/buleleng
#   make test   create .venv if missing, install, run the whole test suite
# Both install the exact versions of requirements.lock (every package pinned, with its
# hashes), so a reviewer next year runs what the author ran; `make lock` renews the lock.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint lab app bench bench-scale synth install clean hooks scenarios lock mutation

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# Renew requirements.lock from pyproject.toml (maintainers; commit the result and run the
# tests): every package at its newest allowed version, with hashes, for Python 3.11+.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv>=0.9"
	$(BIN)/python -m uv pip compile pyproject.toml tools/build-requirements.in --extra dev \
	    --generate-hashes --universal --python-version 3.11 \
	    --custom-compile-command "make lock" -o requirements.lock

install: $(STAMP)

run: $(STAMP)
	$(BIN)/planning run scenarios/baseline.yaml --out results/baseline

test: $(STAMP) system-deps
	$(BIN)/ruff check src tests bench tools
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools

scenarios: $(STAMP)
	@for f in scenarios/*.yaml; do \
	    if grep -q '^region:' $$f; then $(BIN)/planning region $$f || exit 1; \
	    else $(BIN)/planning run $$f || exit 1; fi; done

hooks: $(STAMP)
	$(BIN)/nbstripout --install

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

# The web app for planners (docs/app.md): the scenario explorer and the ranking controls,
# served by Voila without code cells, in Bahasa Indonesia (add ?lang=en to the address for
# English). Opens a browser where there is one; otherwise open the address it prints.
# Another port or address: make app APP_PORT=8870 APP_ARGS="--Voila.ip=0.0.0.0"
APP_PORT ?= 8866
APP_ARGS ?=
app: $(STAMP)
	@echo "app: http://localhost:$(APP_PORT)/ (English: http://localhost:$(APP_PORT)/?lang=en); Ctrl-C stops it"
	$(BIN)/voila app/planning_app.ipynb --port=$(APP_PORT) $(APP_ARGS)

bench: $(STAMP) system-deps
	$(BIN)/python bench/bench_data.py
	$(BIN)/python bench/bench_model.py
	$(BIN)/python bench/bench_balance.py
	$(BIN)/python bench/bench_analysis.py
	$(BIN)/python bench/bench_scoring.py
	$(BIN)/python bench/bench_loaded.py
	$(BIN)/python bench/bench_many.py
	$(BIN)/python bench/bench_years.py
	$(BIN)/python bench/bench_app.py

# One large district (5,000 villages, all in the plan, the baseline's rules): time to the
# quick plan, to 3 % and 1 %, peak memory per process (bench/README.md); not in `make bench`.
# Province and national scale (issue 18; bench/README.md): minutes for the province and one
# large district, about half an hour more for the country; not part of `make test`.
bench-scale: $(STAMP) system-deps
	$(BIN)/python bench/bench_district.py
	$(BIN)/python bench/bench_region.py --national

# Mutation testing of the model's rules, data validation, the spreadsheet round trip and
# the scoring indices (docs/testing.md); hours for every mutant, so not part of `make test`.
# Options of tools/mutation.py in MUTATION, e.g. make mutation MUTATION="--sample 25 rules"
MUTATION ?=
mutation: $(STAMP)
	$(BIN)/python tools/mutation.py $(MUTATION)

synth: $(STAMP)
	$(BIN)/python -m planning.data.synth data/buleleng

# System packages the tests use beyond PyPI, each installed with apt-get (Debian) only when
# missing and this is root with apt-get, as in CI (.ci/run); elsewhere it says what to do
# and leaves the system alone (the test that needs it is skipped, saying why):
# * LibreOffice Calc, headless (libreoffice-calc-nogui), for the workbook test that
#   reopens a run's workbook in LibreOffice (it skips without `soffice`);
# * Chromium (chromium), the headless browser that Playwright drives in the web app's
#   test (tests/test_app_browser.py; it skips without `chromium`). Playwright's own
#   browser download (`playwright install`) is not used.
SOFFICE ?= soffice
CHROMIUM ?= chromium
.PHONY: system-deps
system-deps:
	@if command -v $(SOFFICE) >/dev/null 2>&1; then \
	    echo "system-deps: LibreOffice found ($$(command -v $(SOFFICE)))"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "system-deps: installing libreoffice-calc-nogui with apt-get"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
	        --no-install-recommends libreoffice-calc-nogui; \
	else \
	    echo "system-deps: $(SOFFICE) not found and not root with apt-get: install" \
	         "LibreOffice Calc (Debian: libreoffice-calc-nogui) for the workbook test"; \
	fi
	@if command -v $(CHROMIUM) >/dev/null 2>&1; then \
	    echo "system-deps: Chromium found ($$(command -v $(CHROMIUM)))"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "system-deps: installing chromium with apt-get"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y \
	        --no-install-recommends chromium; \
	else \
	    echo "system-deps: $(CHROMIUM) not found and not root with apt-get: install" \
	         "Chromium (Debian: chromium) for the web app's browser test"; \
	fi

clean:
	rm -rf $(VENV) results .pytest_cache .ruff_cache
