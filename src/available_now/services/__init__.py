"""Use cases. Each is one unit of work (one short transaction, audit rows included); no Telegram."""
