"""Run the emulator as its own process: ``python -m telegram_sandbox --port 8081``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging

from .server import run_emulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local Telegram Bot API emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--bot-username", default="available_now_bot")
    parser.add_argument("--token", default=None, help="accept only this token")
    parser.add_argument(
        "--no-rate-limits", action="store_true", help="disable Telegram's flood limits"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            run_emulator(
                args.host,
                args.port,
                bot_username=args.bot_username,
                token=args.token,
                strict_rate_limits=not args.no_rate_limits,
            )
        )


if __name__ == "__main__":
    main()
