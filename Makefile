# Two commands for a newcomer: `make reports` and `make test`.
# Both create (once) and reuse .venv from the pinned requirements.lock, with the project's named
# Jupyter kernel "Python (workplan)" installed into it (the notebooks ask for it by name).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
KERNEL := $(VENV)/share/jupyter/kernels/workplan/kernel.json
INSTALL_KERNEL := $(BIN)/python -m ipykernel install --sys-prefix --name workplan \
	--display-name "Python (workplan)" --env PYTHONHASHSEED 0
# JupyterLab refuses to start as root (containers, Binder) unless told it may.
USER_ID ?= $(shell id -u)
LAB_ROOT := $(if $(filter 0,$(USER_ID)),--allow-root,)

.PHONY: reports test stress lab lint check baseline bench mutation lock clean screenshots

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(INSTALL_KERNEL)
	@touch $(STAMP)

# A .venv made before the kernel was part of the set-up gets it here.
$(KERNEL): $(STAMP)
	@test -f $(KERNEL) || $(INSTALL_KERNEL)

reports: $(KERNEL)  ## build every report into reports/ for today (UTC date; ARGS="--as-of YYYY-MM-DD" for another day)
	$(BIN)/python -m workplan build $(ARGS)

# Every check runs, whatever the one before it gave; the summary says which failed. Each test file
# goes whole to one worker, fast files first (tests/conftest.py), so each build fixture runs once.
test: $(KERNEL)  ## run every test: library, data, notebooks (nbval), report matrix
	@failed=""; \
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder tests || failed="$$failed pytest"; \
	$(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg notebooks || failed="$$failed nbval"; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed (see above)"; exit 1; fi; \
	echo "make test: pytest and nbval passed"

stress: $(KERNEL)  ## the fault and interrupt tests RUNS times (default 30) with every core busy
	$(BIN)/python tests/stress.py $(if $(RUNS),--runs $(RUNS)) $(ARGS)

lab: $(KERNEL)  ## open JupyterLab on notebooks/ with the project's kernel: make lab PORT=8890 ARGS="--no-browser"
	$(BIN)/jupyter lab --notebook-dir=notebooks $(LAB_ROOT) $(if $(PORT),--port=$(PORT)) $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check lib tests benchmarks
	$(BIN)/ruff format --check lib tests benchmarks

check: $(STAMP)  ## validate data and parameters, list what would be built; no kernel
	$(BIN)/python -m workplan build --check $(ARGS)

baseline: $(KERNEL)  ## re-execute the committed notebooks in place (nbval) and refresh tests/expected/
	$(BIN)/python -m workplan baseline

bench: $(KERNEL)  ## the build against a plain papermill + nbconvert loop, and its incremental cases
	$(BIN)/python benchmarks/bench_build.py --write-readme $(ARGS)

mutation: $(STAMP)  ## mutation testing of the logic modules, one after the other (slow; not part of test): MODULES="tracker data" JOBS=1 AGAIN=1
	$(BIN)/python tests/mutate.py $(if $(JOBS),--jobs $(JOBS)) $(if $(AGAIN),--again) $(MODULES)

screenshots: $(STAMP)  ## every report at 390, 768 and 1280 px into screenshots/ (not in git), after make reports
	$(BIN)/python tests/screenshots.py --reports reports --out screenshots

lock: $(STAMP)  ## refresh requirements.lock from the current environment
	{ echo "# Every package of the project's environment, pinned (direct pins live in pyproject.toml)."; \
	  echo "# Regenerate with: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^workplan'; } > requirements.lock

clean:
	rm -rf $(VENV) .mutation reports/*/ reports/index.html reports/manifest.json
