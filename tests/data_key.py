"""The data key of the test session: made once per run, as an operator would make one."""

from __future__ import annotations

from available_now.db.encryption import DataCipher, generate_key

TEST_KEY = generate_key()
TEST_CIPHER = DataCipher([TEST_KEY])
