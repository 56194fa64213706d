"""Who is in the playground: the people one can be in the page, and the group with the bot.

Each persona shows one side of the bot: the owner moderates, an approved model builds a
profile and goes live, a newcomer asks for access, a member looks for who is available, and a
stranger (in no group) sees what the bot tells anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram_sandbox import BotAPIEmulator, SimGroup, SimUser
from telegram_sandbox.web import Persona

# Not a secret: the emulator accepts any well-formed token, and this one reaches no Telegram.
TOKEN = "100200300:AAE_playground-token"  # noqa: S105
BOT_USERNAME = "available_now_bot"
BOT_NAME = "Available Now"
GROUP_ID = -1_001_000_000_001
GROUP_TITLE = "Models (playground)"
OWNER_ID = 1_000_001
MODEL_ID = 1_000_002
NEWCOMER_ID = 1_000_003
MEMBER_ID = 1_000_004
STRANGER_ID = 1_000_005


@dataclass(frozen=True, slots=True)
class Cast:
    """The playground's people and its group, as the emulator knows them."""

    owner: SimUser
    model: SimUser
    newcomer: SimUser
    member: SimUser
    stranger: SimUser
    group: SimGroup

    def personas(self) -> list[Persona]:
        return [
            Persona(
                self.model,
                "approved model",
                "/start builds her profile; /available puts her in the group for a while",
            ),
            Persona(
                self.newcomer,
                "new model",
                "not approved yet: /start asks the owners for access",
            ),
            Persona(
                self.member,
                "member",
                "in the group: /available there lists who is available now",
            ),
            Persona(
                self.owner,
                "owner",
                "/start opens the owner panel: access requests, models, reports",
            ),
            Persona(self.stranger, "stranger", "in no group: what the bot tells anyone else"),
        ]


def cast(emulator: BotAPIEmulator) -> Cast:
    """Create the people and the group (the bot in it as an administrator)."""
    owner = emulator.user(OWNER_ID, "Olivia", username="olivia_owner")
    model = emulator.user(MODEL_ID, "Sophie", username="sophie")
    newcomer = emulator.user(NEWCOMER_ID, "Nina", username="nina")
    member = emulator.user(MEMBER_ID, "Max", username="max")
    stranger = emulator.user(STRANGER_ID, "Sam", username="sam")
    group = emulator.create_group(GROUP_ID, GROUP_TITLE, bot_is_admin=True)
    group.add_member(owner, status="creator")
    for person in (model, newcomer, member):
        group.add_member(person)
    return Cast(owner, model, newcomer, member, stranger, group)
