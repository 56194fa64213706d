"""Pure rules of the product: no Telegram types, no SQL."""
