"""The Telegram layer: routers, callbacks, keyboards, texts and middlewares. Handlers stay thin.

aiogram is imported here first, with its Telegram types built when first used rather than all
at import (`bot/lazy_types.py`).
"""

from available_now.bot.lazy_types import import_aiogram_lazily

import_aiogram_lazily()
