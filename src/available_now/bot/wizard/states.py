"""The wizard's states: one per step and mode, generated from the table of steps.

Creating and editing ask the same questions but go different ways after an answer, so the
mode is part of the state (`ProfileWizard:rates` or `ProfileEditing:rates`), read with the
state on every update at no extra cost, and kept across restarts like the state itself.
Creating keeps the group name the wizard always had, so drafts in progress resume.
"""

from __future__ import annotations

import types
from collections.abc import Iterable
from enum import Enum

from aiogram.fsm.state import State, StatesGroup


class Mode(Enum):
    """How she reached a step; the value names the states group."""

    CREATE = "ProfileWizard"
    EDIT = "ProfileEditing"


def states_group(mode: Mode, keys: Iterable[str]) -> tuple[type[StatesGroup], dict[str, State]]:
    """A `StatesGroup` named after ``mode`` with one state per step key, and its states by key."""
    states = {key: State() for key in keys}
    group = types.new_class(mode.value, (StatesGroup,), exec_body=lambda ns: ns.update(states))
    return group, states
