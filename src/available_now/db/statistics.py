"""Counting the database work an engine does: transactions begun and statements sent.

The per-update budget (at most one read and one write transaction per update on average) is
measured, not assumed: the wizard benchmark reads these counts from the bot process
(`AVAILABLE_NOW_STATS_FILE`), and a test counts a whole wizard the same way. Work done while an
update is handled (`DatabaseWork.handling_update`) is counted apart from the background
workers' passes, which cost the same whether anyone writes to the bot or not.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from available_now.db.engine import NO_TRANSACTION, READ_ONLY

_for_update: ContextVar[bool] = ContextVar("available_now_for_update", default=False)


@dataclass
class Tally:
    transactions: int = 0
    read_transactions: int = 0
    statements: int = 0

    @property
    def write_transactions(self) -> int:
        return self.transactions - self.read_transactions

    def as_dict(self) -> dict[str, int]:
        return {
            "transactions": self.transactions,
            "read_transactions": self.read_transactions,
            "write_transactions": self.write_transactions,
            "statements": self.statements,
        }


@dataclass
class DatabaseWork:
    """Running totals for one engine, from the moment `count_work` attached them."""

    updates: int = 0
    """Updates handled inside `handling_update`."""
    for_updates: Tally = field(default_factory=Tally)
    """What those updates did (and the tasks they started)."""
    background: Tally = field(default_factory=Tally)
    """Everything else: start-up, the workers' passes."""

    @contextmanager
    def handling_update(self) -> Iterator[None]:
        """Count what the enclosed code does as the work of one update."""
        self.updates += 1
        token = _for_update.set(True)
        try:
            yield
        finally:
            _for_update.reset(token)

    def as_dict(self) -> dict[str, object]:
        return {
            "updates": self.updates,
            "for_updates": self.for_updates.as_dict(),
            "background": self.background.as_dict(),
        }


def count_work(engine: AsyncEngine) -> DatabaseWork:
    """Count every transaction and statement on `engine` from now on.

    A transaction is counted when it begins (SQLAlchemy's `begin` event, on every backend);
    a statement when it is sent, except SQLite's own `BEGIN` (`engine._begin_immediate`).
    """
    work = DatabaseWork()

    def tally() -> Tally:
        return work.for_updates if _for_update.get() else work.background

    def began(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get(NO_TRANSACTION, False):
            return
        counts = tally()
        counts.transactions += 1
        if options.get(READ_ONLY, False):
            counts.read_transactions += 1

    def sent(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        if not statement.startswith("BEGIN"):
            tally().statements += 1

    event.listen(engine.sync_engine, "begin", began)
    event.listen(engine.sync_engine, "before_cursor_execute", sent)
    return work
