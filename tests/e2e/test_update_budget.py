"""The database work per update stays within its budget: one read and one write on average.

Counted with SQLAlchemy's events on the bot's own engine (`Database.work`), over a whole
profile wizard and going live, as a model does it through the emulator. Whatever the workers
start while handling an update counts too; the workers' own passes are counted apart.
"""

from __future__ import annotations

import pytest

from available_now.db.database import Database
from telegram_sandbox import BotAPIEmulator, SimGroup

from .harness import InProcessBot
from .stories import approved_model, complete_profile, go_live, open_menu

pytestmark = pytest.mark.e2e

TRANSACTIONS_PER_UPDATE = 2


async def test_a_whole_wizard_and_going_live_take_at_most_two_transactions_per_update(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    model = await approved_model(emulator, db)
    assert bot.app is not None
    work = bot.app.db.work
    before = (work.updates, work.for_updates.transactions, work.for_updates.statements)

    await complete_profile(model, photos=2, videos=1)
    await go_live(model)

    updates, transactions, statements = (
        after - earlier
        for after, earlier in zip(
            (work.updates, work.for_updates.transactions, work.for_updates.statements),
            before,
            strict=True,
        )
    )
    assert updates >= 20, f"the wizard took only {updates} updates"
    assert transactions <= TRANSACTIONS_PER_UPDATE * updates, (
        f"{transactions} transactions ({statements} statements) for {updates} updates"
    )


async def test_an_update_that_changes_nothing_writes_nothing(
    emulator: BotAPIEmulator, bot: InProcessBot
) -> None:
    member = emulator.user(user_id=5_000_000_321, first_name="Ana", username="ana")
    await open_menu(member)  # registers her: that one writes
    assert bot.app is not None
    work = bot.app.db.work
    before = (work.updates, work.for_updates.read_transactions, work.for_updates.transactions)

    await open_menu(member)

    updates, reads, transactions = (
        after - earlier
        for after, earlier in zip(
            (work.updates, work.for_updates.read_transactions, work.for_updates.transactions),
            before,
            strict=True,
        )
    )
    assert updates == 1
    assert reads == transactions <= TRANSACTIONS_PER_UPDATE
