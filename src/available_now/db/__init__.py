"""Persistence: models, engine set-up, migrations and data-access objects."""
