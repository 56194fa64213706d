"""Secrets never reach the log output."""

from __future__ import annotations

import io
import logging

import pytest

from available_now import cli
from available_now.config import Settings
from available_now.logs import RedactSecrets

TOKEN = "123456:SECRETsecretSECRET"


def _capture() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets([TOKEN]))
    logger = logging.getLogger(f"test-redaction-{id(stream)}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def test_token_in_arguments_and_messages_is_redacted() -> None:
    logger, stream = _capture()
    logger.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    logger.warning(f"direct {TOKEN}")  # noqa: G004 - a careless call is what this guards
    output = stream.getvalue()
    assert TOKEN not in output
    assert output.count("***") == 2


def test_token_in_exception_text_is_redacted() -> None:
    logger, stream = _capture()
    try:
        raise ConnectionError(f"cannot reach /bot{TOKEN}/getUpdates")
    except ConnectionError:
        logger.exception("request failed")
    output = stream.getvalue()
    assert TOKEN not in output
    assert "/bot***/getUpdates" in output


def test_the_database_password_is_redacted_as_written_and_decoded() -> None:
    url = "postgresql://bot:s3cr%40t:pw@db.internal:5432/available_now"
    settings = Settings(database_url=url, telegram_bot_token=TOKEN)  # type: ignore[arg-type]
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets(settings.secrets()))
    logger = logging.getLogger(f"test-redaction-db-{id(stream)}")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.error("cannot connect to %s", url)
    try:
        raise ConnectionError("password authentication failed; password was s3cr@t:pw")
    except ConnectionError:
        logger.exception("database unreachable")
    output = stream.getvalue()
    assert "s3cr" not in output
    assert "postgresql://bot:***@db.internal:5432/available_now" in output
    assert "password was ***" in output


def test_the_command_line_redacts_the_database_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:hunter2-db@db/available_now")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        settings = cli._settings()
        logging.getLogger("available_now.test").warning("using %s", settings.database_url)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    logged = capsys.readouterr().err
    assert "using postgresql://bot:***@db/available_now" in logged
    assert "hunter2" not in logged
