"""The data key: Fernet encryption of the personal details stored at rest, and of backups.

Keys come from `DATA_ENCRYPTION_KEY` (newest first, comma separated). The newest encrypts;
every key decrypts, so a new key can be put in front and the old rows re-encrypted at leisure
(`available-now keys rotate`). Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) is
authenticated: a wrong key or a changed byte fails loudly instead of returning garbage.

An embedded SQLite database without a key gets one generated into a private file beside it,
so `make run` works out of the box; a server database (PostgreSQL) must be given its key, since
a key generated on one instance would be unknown to the others.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from available_now.db.url import is_sqlite, sqlite_path, to_async_url

KEY_FILE_SUFFIX = ".key"
FERNET_PREFIX = "gAAAAA"
"""How every Fernet token starts (version byte 0x80, then the timestamp's high bytes)."""


class DataKeyError(Exception):
    """A missing, malformed or wrong data key, explained in one line (no key material)."""


class DataCipher:
    """Encrypts under the newest key, decrypts with any of them."""

    def __init__(
        self,
        keys: list[str],
        *,
        source: str = "DATA_ENCRYPTION_KEY",
        generated_file: Path | None = None,
    ) -> None:
        """``source`` names where the keys came from in errors; ``generated_file`` is a key
        file made for this run, which `discard_generated_key` removes if it opens nothing."""
        if not keys:
            raise DataKeyError("DATA_ENCRYPTION_KEY is empty")
        fernets: list[Fernet] = []
        for number, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.encode("ascii")))
            except (ValueError, UnicodeEncodeError):
                raise DataKeyError(
                    f"DATA_ENCRYPTION_KEY: key {number} is not a Fernet key "
                    "(make one with `available-now keys generate`)"
                ) from None
        self._newest = fernets[0]
        self._all = MultiFernet(fernets)
        self.key_count = len(fernets)
        self.source = source
        self.generated_file = generated_file

    def encrypt(self, plaintext: str) -> str:
        return self._newest.encrypt(plaintext.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._all.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeEncodeError):
            raise DataKeyError(self._cannot_decrypt()) from None

    def _cannot_decrypt(self) -> str:
        if self.generated_file is not None:
            return (
                "a stored value cannot be decrypted: DATA_ENCRYPTION_KEY is not set and the key "
                f"file {self.generated_file} was missing (put the database's key file back, or "
                "set DATA_ENCRYPTION_KEY to its key)"
            )
        return (
            f"a stored value cannot be decrypted with {self.source}: "
            "a key it was encrypted with is missing"
        )

    def encrypt_bytes(self, data: bytes) -> bytes:
        return self._newest.encrypt(data)

    def decrypt_bytes(self, token: bytes) -> bytes:
        try:
            return self._all.decrypt(token)
        except InvalidToken:
            raise DataKeyError(
                "the data cannot be decrypted with DATA_ENCRYPTION_KEY (wrong key or damaged)"
            ) from None

    def is_current(self, token: str) -> bool:
        """True when ``token`` is already encrypted under the newest key."""
        try:
            self._newest.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            return False
        return True


class ErasingCipher(DataCipher):
    """For erasing without the data key (`available-now erase`, when the key is lost or
    wrong): removing a person must not wait for a key that may never come back, and her
    unencrypted details (her name, her words) would stay otherwise.

    Erasing reads her encrypted details only to count what goes, so they read as "" here;
    nothing can be written encrypted (`DataKeyError`)."""

    def __init__(self) -> None:  # no keys: it opens nothing
        self.key_count = 0
        self.source = "no data key"
        self.generated_file = None

    def encrypt(self, plaintext: str) -> str:
        raise DataKeyError("erasing writes nothing encrypted")

    def decrypt(self, token: str) -> str:
        return ""

    def encrypt_bytes(self, data: bytes) -> bytes:
        raise DataKeyError("erasing writes nothing encrypted")

    def decrypt_bytes(self, token: bytes) -> bytes:
        raise DataKeyError("erasing reads nothing encrypted")

    def is_current(self, token: str) -> bool:
        return False


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")


def looks_encrypted(value: str) -> bool:
    """Whether a stored value is a Fernet token rather than legacy plain text."""
    return value.startswith(FERNET_PREFIX)


def key_file_for(database_url: str) -> Path | None:
    """Where the generated key of a SQLite database lives (None for other databases)."""
    url = to_async_url(database_url)
    path = sqlite_path(url) if is_sqlite(url) else None
    return None if path is None else path.with_name(path.name + KEY_FILE_SUFFIX)


def load_cipher(keys: list[str], database_url: str, *, generate: bool = True) -> DataCipher:
    """The cipher for this database: the configured keys, else SQLite's own key file.

    Creates the key file (0600) the first time an embedded database runs without a key (the
    bot says so once the key proved right: `DataCipher.generated_file`). With
    ``generate=False``, for commands on an existing database, a missing key file is a
    `DataKeyError` instead, since a new key opens nothing stored. A PostgreSQL database
    without a key is a `DataKeyError`.
    """
    if keys:
        return DataCipher(keys)
    url = to_async_url(database_url)
    if not is_sqlite(url):
        raise DataKeyError(
            "DATA_ENCRYPTION_KEY is not set: a PostgreSQL deployment needs one "
            "(make it with `available-now keys generate` and keep a copy apart from backups)"
        )
    key_file = key_file_for(database_url)
    if key_file is None:  # an in-memory database: its key can die with it
        return DataCipher([generate_key()])
    if key_file.exists():
        stored = key_file.read_text(encoding="ascii").split()
        return DataCipher(stored, source=f"the key file {key_file}")
    if not generate:
        raise DataKeyError(
            f"DATA_ENCRYPTION_KEY is not set and there is no key file {key_file}: "
            "set DATA_ENCRYPTION_KEY to the database's key, or put its key file back"
        )
    key = generate_key()
    _write_private(key_file, key + "\n")
    return DataCipher([key], source=f"the key file {key_file}", generated_file=key_file)


def discard_generated_key(cipher: DataCipher) -> None:
    """Remove the key file made for this run when it turned out to open nothing stored.

    A database whose key file was lost must not be left with a new one: the next start would
    read it as the database's key, and the operator would have two files to tell apart.
    """
    if cipher.generated_file is not None:
        cipher.generated_file.unlink(missing_ok=True)
        cipher.generated_file = None


def _write_private(path: Path, content: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(content)
    path.chmod(0o600)
