"""Secrets never reach the log output."""

from __future__ import annotations

import io
import logging

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
