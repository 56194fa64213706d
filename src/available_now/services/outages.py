"""Whether a failure means "the database is out of reach", for the layers above the database.

The worker waits such an outage out with one line in the log, and the bot tells the person to
try again in a moment; both ask here, since neither may look at the database's errors itself.
"""

from __future__ import annotations

from available_now.db.errors import is_connection_error


def is_database_outage(error: BaseException) -> bool:
    return is_connection_error(error)
