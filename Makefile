# `make run` and `make test` bootstrap .venv on a fresh machine, then do their job.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: install run test check lint format typecheck pytest bench sandbox playground clean messages

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' \
		|| { echo "error: Python 3.11 or newer is needed (set PYTHON=python3.11)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@$(BIN)/available-now run

test: check pytest

check: lint typecheck

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports --no-cache

format: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/ruff format src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# Most tests wait on the bot and the emulator rather than the CPU, so several run at once.
# Those that measure time or pace run afterwards, two at a time: they mostly wait on Telegram's
# pace, so each still has a core to itself when it needs one.
TEST_WORKERS ?= 4
PACED_WORKERS ?= 2

# The test processes (and the bots they start) keep compiled modules and pytest's rewritten
# tests in __pycache__ even where PYTHONDONTWRITEBYTECODE is set: each would compile them again.
pytest: export PYTHONDONTWRITEBYTECODE :=
pytest: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) -m "not serial"
	$(BIN)/pytest -n $(PACED_WORKERS) -m serial

bench: $(STAMP)
	$(BIN)/python benchmarks/throughput.py

sandbox: $(STAMP)
	$(BIN)/available-now sandbox

# Try the bot in the browser: no token, no Telegram account (docs/playground.md).
playground: $(STAMP)
	@$(BIN)/available-now playground

LOCALES := src/available_now/locales

# Extract every translatable text into the template, merge it into each language's catalog,
# and compile the catalogs the bot loads (docs/translating.md).
messages: $(STAMP)
	$(BIN)/pybabel -q extract --mapping-file babel.cfg --keyword Text --keyword Plural:1,2 \
		--add-location file --sort-by-file \
		--project "Available Now" --msgid-bugs-address "" --copyright-holder "" \
		--width 100 --output-file $(LOCALES)/messages.pot .
	$(BIN)/pybabel -q update --input-file $(LOCALES)/messages.pot --output-dir $(LOCALES) \
		--domain messages --no-fuzzy-matching --ignore-obsolete --width 100
	$(BIN)/pybabel compile --directory $(LOCALES) --domain messages --statistics

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis .import_linter_cache
