# Two commands for a newcomer: `make reports` and `make test`.
# Both create (once) and reuse .venv from the pinned requirements.lock.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: reports test lab lint check baseline bench mutation lock clean

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

reports: $(STAMP)  ## build every report into reports/
	$(BIN)/python -m workplan build $(ARGS)

test: $(STAMP)  ## run every test: library, data, notebooks (nbval), report matrix
	$(BIN)/python -m pytest -n 2 --dist loadgroup tests
	$(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks

lab: $(STAMP)  ## open JupyterLab on notebooks/
	$(BIN)/jupyter lab --notebook-dir=notebooks

lint: $(STAMP)
	$(BIN)/ruff check lib tests benchmarks
	$(BIN)/ruff format --check lib tests benchmarks

check: $(STAMP)  ## validate data and parameters, list what would be built; no kernel
	$(BIN)/python -m workplan build --check

baseline: $(STAMP)  ## re-execute the committed notebooks (nbval baseline) in place
	$(BIN)/python -m workplan baseline

bench: $(STAMP)  ## compare the build with a plain papermill + nbconvert loop
	$(BIN)/python benchmarks/bench_build.py --write-readme $(ARGS)

mutation: $(STAMP)  ## mutation testing of the logic modules, one after the other (slow; not part of test): MODULES="tracker data" JOBS=1
	$(BIN)/python tests/mutate.py $(if $(JOBS),--jobs $(JOBS)) $(MODULES)

lock: $(STAMP)  ## refresh requirements.lock from the current environment
	{ echo "# Every package of the project's environment, pinned (direct pins live in pyproject.toml)."; \
	  echo "# Regenerate with: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^workplan'; } > requirements.lock

clean:
	rm -rf $(VENV) .mutation reports/*/ reports/index.html reports/manifest.json
