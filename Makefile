# `make run` and `make test` are the whole quickstart: each creates .venv on first use.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest chaos bench lock clean screenshots

# Installs exactly the locked, hash-checked versions, then the project itself.
$(STAMP): pyproject.toml requirements-dev.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# `briefbot run` loads briefs/ into an empty database only, so editors' changes survive.
run: $(STAMP)
	$(BIN)/briefbot db migrate
	$(BIN)/briefbot run

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests bench
	$(BIN)/hadolint Dockerfile
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

# Benchmarks against the floor on a 1M-entry archive (cached under bench/.cache/): results in
# bench/results.json and the table in docs/benchmarks.md. Smaller: make bench BENCH_ARGS='--entries 100000'
bench: $(STAMP)
	$(BIN)/python -m bench --doc docs/benchmarks.md $(BENCH_ARGS)

# Redraw docs/screens/: the payloads the bot sends (from the Discord stand-in) in a Discord-like
# page, and the web archive's pages, in headless Chromium; stores each payload's hash.
screenshots: $(STAMP)
	BRIEFBOT_WRITE_SCREENS=1 $(BIN)/pytest -q tests/discord_bot/test_screens.py tests/web/test_browser.py

chaos: $(STAMP)
	$(BIN)/pytest -q -s -m chaos tests/reliability

# After changing dependencies in pyproject.toml: regenerate both lock files (with hashes).
LOCK_FLAGS := --quiet --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile $(LOCK_FLAGS) -o requirements.lock pyproject.toml
	$(BIN)/pip-compile $(LOCK_FLAGS) --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
