# The whole set-up on a fresh machine is `make run` or `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export QT_QPA_PLATFORM ?= offscreen

.PHONY: run test test-heavy lint bench build sample screenshots clean

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

# README pictures: the sample workspace, every page, rendered offscreen.
SHOT_WS := build/screenshots.magplan
screenshots: $(STAMP)
	@mkdir -p build docs/screenshots
	rm -f $(SHOT_WS) $(SHOT_WS)-wal $(SHOT_WS)-shm
	$(BIN)/magplan sample $(SHOT_WS) --anchor 2026-12-01 >/dev/null
	for page in dashboard products build-plan stock licences plan rules; do \
		$(BIN)/magnet-planner --screenshot docs/screenshots/$$page.png --page $$page \
			--size 1400x860 $(SHOT_WS) || exit 1; \
	done

clean:
	rm -rf build dist .mypy_cache .pytest_cache .ruff_cache
