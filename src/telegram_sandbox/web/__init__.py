"""A web page to use the emulator by hand, as a simple Telegram client in the browser."""

from __future__ import annotations

from .app import FastForward, Persona, WebClient
from .samples import sample_png

__all__ = ["FastForward", "Persona", "WebClient", "sample_png"]
