"""Try the bot without Telegram: the emulator, the real bot and a web page in one command.

`running` (the bot in this process, which the end-to-end tests use too) is imported where it is
needed, so the page can serve before the bot's libraries have loaded.
"""

from __future__ import annotations

from .app import Playground, playground, serve_playground

__all__ = ["Playground", "playground", "serve_playground"]
