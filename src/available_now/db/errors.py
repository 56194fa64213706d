"""Telling "the database cannot be reached" apart from every other database error.

An outage (server restarting, network gone, connection dropped) is waited out and reported in
one line; any other error is a bug worth a traceback. Only the kind of error is looked at, never
its text, which can quote a statement's values.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

# asyncpg's own "connection is closed / lost" errors carry no SQLSTATE; recognised by name so
# that SQLite-only installs need not import the driver.
_DRIVER_OUTAGES = frozenset(
    {
        "asyncpg.exceptions._base.InterfaceError",
        "asyncpg.exceptions.ConnectionDoesNotExistError",
        "asyncpg.exceptions.CannotConnectNowError",
    }
)

# PostgreSQL's "the server is shutting down / starting up / gone" classes (57P, 08).
_OUTAGE_SQLSTATES = ("08", "57P")


def is_connection_error(error: BaseException) -> bool:
    """Whether `error`, or anything it was raised from, says the server is out of reach."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if _is_outage(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _is_outage(error: BaseException) -> bool:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    if isinstance(error, InterfaceError | DisconnectionError | PoolTimeoutError):
        return True
    if isinstance(error, OSError):
        # Connecting fails with the socket's own error (refused, no such socket, timed out),
        # raised as it is by the driver.
        return True
    if f"{type(error).__module__}.{type(error).__qualname__}" in _DRIVER_OUTAGES:
        return True
    sqlstate = getattr(error, "sqlstate", None)
    return isinstance(sqlstate, str) and sqlstate.startswith(_OUTAGE_SQLSTATES)
