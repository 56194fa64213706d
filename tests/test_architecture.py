"""The import contracts of pyproject.toml hold, so `make test` fails on a loop between layers."""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

from importlinter.cli import lint_imports

import available_now

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
# Top-level modules that stand beside the layers, each bound by a contract of its own.
BESIDE_THE_LAYERS = {"__init__", "__main__", "config", "logs", "locales", "launcher"}


def test_the_import_contracts_hold() -> None:
    # import-linter sets up its logging with dictConfig, which disables every logger that
    # exists; they are given back so later tests still see the bot's log records.
    enabled = [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.disabled
    ]
    try:
        assert lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True) == 0
    finally:
        for logger in enabled:
            logger.disabled = False


def test_every_top_level_module_has_a_place() -> None:
    """A new package (an outbox, say) must join a layer rather than escape the contracts."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    [layers] = [c for c in config["contracts"] if c["type"] == "layers"]
    layered = {name.removeprefix("available_now.") for name in layers["layers"]}
    package = Path(available_now.__file__).parent
    modules = {
        path.stem
        for path in package.iterdir()
        if path.suffix == ".py" or (path.is_dir() and not path.name.startswith(("_", ".")))
    }
    assert modules - layered - BESIDE_THE_LAYERS == set()
