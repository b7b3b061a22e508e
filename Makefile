# The two commands of the README:  make figures  and  make test.  Both create .venv when it is missing.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
CONFIGS := $(wildcard configs/*.toml)
# The tests in one worker process per core (pytest-xdist), each test file whole in one worker (its module
# fixtures made once), the longest files first (tests/conftest.py); the session's shared runs are made once
# for all workers.
PARALLEL := -n auto --dist loadfile --no-loadscope-reorder

.PHONY: help install browser figures test test-fast lab lock clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

# toolkit/random_streams.py too: numba checks a cached kernel against its own module only, and the kernels of
# other modules call these streams (scripts/compile_kernels.py removes the machine code compiled before)
$(STAMP): pyproject.toml requirements.lock toolkit/random_streams.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile -c requirements.lock -e '.[test]'
	$(BIN)/python scripts/compile_kernels.py --bytecode
	@touch $(STAMP)

install: $(STAMP)  ## create .venv and install the project with pinned dependencies

figures: $(STAMP)  ## regenerate every figure in figures/ from configs/*.toml (runs and sweeps)
	@set -e; for config in $(CONFIGS); do \
	  name=$$(basename $$config .toml); \
	  $(BIN)/toolkit run $$config --out runs/$$name; \
	  $(BIN)/toolkit sweep $$config --out runs/$$name-sweep; \
	  rm -rf figures/$$name; mkdir -p figures/$$name; cp runs/$$name/figures/* figures/$$name/; \
	  cp runs/$$name-sweep/summary/sweep.png runs/$$name-sweep/summary/recommendation.md figures/$$name/; \
	done

browser:  ## install Debian's chromium for the pyLDAvis browser check (as root where apt-get exists)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser check"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not found and not installable here: the browser check will be skipped"; fi; }

test:  ## lint and format check (ruff), type check (mypy), then the whole test suite (slow end-to-end tests and the browser check included)
	@# the install and the browser side by side: on a new machine each takes a minute or less
	@$(MAKE) --no-print-directory -j2 $(STAMP) browser
	$(BIN)/ruff check toolkit tests bench scripts
	$(BIN)/ruff format --check toolkit tests bench scripts
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest $(PARALLEL) --durations=25

test-fast: $(STAMP)  ## the test suite without the slow end-to-end tests
	$(BIN)/python -m pytest $(PARALLEL) -m "not slow"

lab: $(STAMP)  ## start JupyterLab on the notebooks with the project's environment (127.0.0.1:8888)
	$(BIN)/jupyter lab --ip 127.0.0.1 --no-browser --notebook-dir notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

lock:  ## re-pin requirements.lock from a fresh environment
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet -e '.[test]'
	{ echo "# Exact versions that make figures and tests reproducible (pip constraints file; used by the Makefile)."; \
	  echo "# Regenerate with: make lock"; .venv-lock/bin/pip freeze --exclude-editable | grep -v '^toolkit'; } > requirements.lock
	rm -rf .venv-lock

clean:  ## remove .venv and the runs `make figures` wrote (only what the toolkit wrote and nobody changed; the rest is named)
	@test ! -x $(BIN)/python || $(BIN)/python scripts/clean.py
	rm -rf .venv
