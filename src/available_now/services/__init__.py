"""Use cases. Each takes a session, adds and flushes; the caller's unit of work commits."""
