"""The profile wizard: one table of steps (`steps`), the engine that runs it (`engine`), and the
router that feeds it updates.

The profile editor, the album receipts and the dispatcher use it through the names below.
"""

from __future__ import annotations

from available_now.bot.wizard import keyboards, texts
from available_now.bot.wizard.engine import Wizard, edit_menu, gallery_menu
from available_now.bot.wizard.router import build_router
from available_now.bot.wizard.steps import STEPS, TABLE, Step, StepTable

__all__ = [
    "STEPS",
    "TABLE",
    "Step",
    "StepTable",
    "Wizard",
    "build_router",
    "edit_menu",
    "gallery_menu",
    "keyboards",
    "texts",
]
