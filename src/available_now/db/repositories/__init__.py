"""Data-access objects: small named queries that return plain domain values, never ORM rows."""
