"""The Telegram layer: routers, callbacks, keyboards, texts and middlewares. Handlers stay thin."""
