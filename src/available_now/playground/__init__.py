"""Try the bot without Telegram: the emulator, the real bot and a web page in one command."""

from __future__ import annotations

from .app import Playground, playground, serve_playground
from .running import InProcessBot, in_process_bot

__all__ = ["InProcessBot", "Playground", "in_process_bot", "playground", "serve_playground"]
