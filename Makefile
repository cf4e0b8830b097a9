# The whole set-up on a fresh machine is `make run` or `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export QT_QPA_PLATFORM ?= offscreen

.PHONY: run test test-heavy lint bench build sample clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,build]'
	@touch $@

run: $(STAMP)
	env -u QT_QPA_PLATFORM $(BIN)/magnet-planner $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest -q

# Heavy checks (PyInstaller build, big generated files) carry the `heavy` marker.
test-heavy: $(STAMP)
	$(BIN)/pytest -q -m heavy

bench: $(STAMP)
	$(BIN)/python -m tests.bench

build: $(STAMP)
	$(BIN)/pyinstaller --noconfirm --clean build.spec

sample: $(STAMP)
	$(BIN)/magplan sample demo.magplan

clean:
	rm -rf build dist .mypy_cache .pytest_cache .ruff_cache
