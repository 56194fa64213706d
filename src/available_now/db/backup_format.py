"""The backup file: a plain header line, then encrypted, compressed frames of JSON.

```
AVAILABLE-NOW-BACKUP 1\n
<4-byte big-endian length><Fernet token of zlib(JSON)>   the manifest
<4-byte big-endian length><Fernet token of zlib(JSON)>   rows of one table, in key order
...
<4-byte big-endian length><Fernet token of zlib(JSON)>   the end mark (row and frame counts)
```

Only the header is readable without the data key: it says what the file is and its format
version, nothing about the data. Every frame is authenticated (Fernet), so a changed byte, a
wrong key or a missing tail is found before anything is written to a database. A frame holds
at most about `FRAME_BYTES` of JSON, so memory stays flat however big the database is.

Values are written by column type: timestamps as ISO 8601 in UTC, JSON documents as JSON,
booleans, integers of any size, text, and null. Restoring parses them back by the same types.
"""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import Column, Table

from available_now.db.encryption import DataCipher, DataKeyError
from available_now.db.types import UTCDateTime

MAGIC = b"AVAILABLE-NOW-BACKUP"
FORMAT_VERSION = 1
FRAME_BYTES = 1 << 20
"""About how much JSON goes into one frame before it is compressed and encrypted."""

_LENGTH = struct.Struct(">I")
_MAX_FRAME = 64 << 20
"""No honest frame comes near this; a bigger length means a damaged or foreign file."""


class BackupError(Exception):
    """A backup that cannot be made or restored, explained in one sentence."""


@dataclass(frozen=True)
class TableManifest:
    name: str
    columns: list[str]
    rows: int


@dataclass(frozen=True)
class Manifest:
    """What the file holds, written first so restore can check it before touching anything."""

    revision: str
    created_at: datetime
    dialect: str
    tables: list[TableManifest]

    @property
    def total_rows(self) -> int:
        return sum(table.rows for table in self.tables)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "manifest",
            "format": FORMAT_VERSION,
            "revision": self.revision,
            "created_at": self.created_at.astimezone(UTC).isoformat(),
            "dialect": self.dialect,
            "tables": [
                {"name": table.name, "columns": table.columns, "rows": table.rows}
                for table in self.tables
            ],
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Manifest:
        return cls(
            revision=str(document["revision"]),
            created_at=datetime.fromisoformat(document["created_at"]),
            dialect=str(document["dialect"]),
            tables=[
                TableManifest(
                    name=str(table["name"]),
                    columns=[str(column) for column in table["columns"]],
                    rows=int(table["rows"]),
                )
                for table in document["tables"]
            ],
        )


@dataclass(frozen=True)
class RowFrame:
    table: str
    rows: list[list[Any]]


def header() -> bytes:
    return MAGIC + b" " + str(FORMAT_VERSION).encode("ascii") + b"\n"


def encode_value(column: Column[Any], value: Any) -> Any:
    """A column's value as JSON: UTC ISO timestamps, everything else as JSON already has it."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, bool | int | float | str | dict | list):
        return value
    raise BackupError(
        f"column {column.table.name}.{column.name} holds a value a backup cannot keep"
    )


def decode_value(column: Column[Any], value: Any) -> Any:
    if value is not None and isinstance(column.type, UTCDateTime):
        return datetime.fromisoformat(value)
    return value


class FrameWriter:
    """Writes the header, then one encrypted frame per `write` call."""

    def __init__(self, file: BinaryIO, cipher: DataCipher) -> None:
        self._file = file
        self._cipher = cipher
        self.frames = 0
        file.write(header())

    def write(self, document: dict[str, Any]) -> None:
        self.write_json(json.dumps(document, ensure_ascii=False, separators=(",", ":")))

    def write_json(self, text: str) -> None:
        token = self._cipher.encrypt_bytes(zlib.compress(text.encode("utf-8"), 6))
        self._file.write(_LENGTH.pack(len(token)))
        self._file.write(token)
        self.frames += 1


class RowBuffer:
    """Collects one table's encoded rows and flushes them as a frame of bounded size."""

    def __init__(self, writer: FrameWriter, table: Table) -> None:
        self._writer = writer
        self._prefix = '{"kind":"rows","table":' + json.dumps(table.name) + ',"rows":['
        self._rows: list[str] = []
        self._size = 0

    def add(self, row: Sequence[Any]) -> None:
        encoded = json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))
        self._rows.append(encoded)
        self._size += len(encoded) + 1
        if self._size >= FRAME_BYTES:
            self.flush()

    def flush(self) -> None:
        if self._rows:
            self._writer.write_json(self._prefix + ",".join(self._rows) + "]}")
            self._rows = []
            self._size = 0


def read_frames(path: Path, cipher: DataCipher) -> Iterator[Manifest | RowFrame]:
    """The manifest, then each frame of rows; checks the end mark and every count on the way.

    Raises `BackupError` with one sentence for a foreign, damaged or truncated file and for a
    key that cannot open it. Nothing is yielded from a frame that failed to authenticate.
    """
    try:
        file = path.open("rb")
    except OSError as error:
        raise BackupError(f"cannot read {path}: {error.strerror}") from None
    with file:
        yield from _FrameReader(file, path.name, cipher).frames()


class _FrameReader:
    def __init__(self, file: BinaryIO, name: str, cipher: DataCipher) -> None:
        self._file = file
        self._name = name
        self._cipher = cipher

    def frames(self) -> Iterator[Manifest | RowFrame]:
        name = self._name
        self._check_header()
        document = self._next(first=True)
        if document is None:
            raise BackupError(f"{name} is truncated: it ends before its manifest")
        manifest = self._manifest(document)
        yield manifest
        expected = {table.name: table.rows for table in manifest.tables}
        order = list(expected)
        seen = dict.fromkeys(expected, 0)
        position = 0
        frames = 1
        while True:
            document = self._next(first=False)
            if document is None:
                raise BackupError(f"{name} is truncated: it ends before its end mark")
            if document.get("kind") == "end":
                break
            frames += 1
            table = document.get("table")
            rows = document.get("rows")
            if (
                document.get("kind") != "rows"
                or table not in order[position:]
                or not isinstance(rows, list)
            ):
                raise BackupError(f"{name} is damaged: frame {frames} is not one it can hold")
            position = order.index(table)
            seen[table] += len(rows)
            yield RowFrame(table, rows)
        if self._file.read(1):
            raise BackupError(f"{name} is damaged: it goes on after its end mark")
        if seen != expected or document.get("frames") != frames:
            raise BackupError(f"{name} is damaged: its rows do not add up to its manifest")

    def _manifest(self, document: dict[str, Any]) -> Manifest:
        if document.get("kind") != "manifest":
            raise BackupError(f"{self._name} is damaged: it does not start with its manifest")
        try:
            return Manifest.from_json(document)
        except (KeyError, TypeError, ValueError):
            raise BackupError(f"{self._name} is damaged: its manifest is incomplete") from None

    def _check_header(self) -> None:
        line = self._file.readline(len(MAGIC) + 16)
        magic, _, version = line.rstrip(b"\n").partition(b" ")
        if magic != MAGIC or not line.endswith(b"\n"):
            raise BackupError(f"{self._name} is not an Available Now backup")
        if version != str(FORMAT_VERSION).encode("ascii"):
            shown = version.decode("ascii", errors="replace")
            raise BackupError(
                f"{self._name} is a backup of format {shown}; "
                f"this version reads format {FORMAT_VERSION}"
            )

    def _next(self, *, first: bool) -> dict[str, Any] | None:
        name = self._name
        prefix = self._file.read(_LENGTH.size)
        if not prefix:
            return None
        if len(prefix) < _LENGTH.size:
            raise BackupError(f"{name} is truncated: it ends in the middle of a frame")
        (length,) = _LENGTH.unpack(prefix)
        if length > _MAX_FRAME:
            raise BackupError(f"{name} is damaged: a frame's length makes no sense")
        token = self._file.read(length)
        if len(token) < length:
            raise BackupError(f"{name} is truncated: it ends in the middle of a frame")
        try:
            plain = self._cipher.decrypt_bytes(token)
        except DataKeyError:
            if first:
                raise BackupError(
                    f"{name} cannot be decrypted with {self._cipher.source}: it was made with "
                    "another data key (or the file is damaged)"
                ) from None
            raise BackupError(f"{name} is damaged: a frame fails its integrity check") from None
        try:
            document = json.loads(zlib.decompress(plain))
        except (zlib.error, ValueError):
            raise BackupError(f"{name} is damaged: a frame does not unpack") from None
        if not isinstance(document, dict):
            raise BackupError(f"{name} is damaged: a frame is not one it can hold")
        return document
