"""Middlewares that prepare what every handler receives as keyword arguments."""
