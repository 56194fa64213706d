"""Available Now: approved models tell a Telegram group they are available right now."""

__version__ = "0.1.0"
