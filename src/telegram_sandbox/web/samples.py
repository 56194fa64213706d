"""Built-in sample pictures, so a person can send a photo or an album without a file at hand.

They are drawn here (a PNG is a few lines of ``zlib``) rather than shipped, so the package
carries no binary files and every sample differs by its colours.
"""

from __future__ import annotations

import struct
import zlib

_PALETTES = (
    ((255, 154, 158), (250, 208, 196)),
    ((161, 196, 253), (194, 233, 251)),
    ((212, 252, 121), (150, 230, 161)),
    ((251, 194, 235), (166, 193, 238)),
    ((255, 236, 210), (252, 182, 159)),
)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def sample_png(index: int, width: int = 320, height: int = 240) -> bytes:
    """A gradient with a sun in it, in the ``index``-th palette (any int works)."""
    top, bottom = _PALETTES[index % len(_PALETTES)]
    sun_x, sun_y, radius = width * (0.3 + 0.1 * (index % 5)), height * 0.4, min(width, height) / 6
    rows = bytearray()
    for y in range(height):
        t = y / max(height - 1, 1)
        base = bytes(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        row = bytearray(base * width)
        dy = (y - sun_y) ** 2
        for x in range(max(0, int(sun_x - radius)), min(width, int(sun_x + radius) + 1)):
            if (x - sun_x) ** 2 + dy <= radius * radius:
                row[3 * x : 3 * x + 3] = b"\xff\xf4\xd6"
        rows += b"\x00" + row
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(rows), 6))
        + _chunk(b"IEND", b"")
    )


def media_type(data: bytes, kind: str) -> str:
    """The content type to serve a file's bytes with, from its first bytes."""
    if data.startswith(b"\x89PNG"):
        return "image/png"
    if data.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:4] == b"GIF8":
        return "image/gif"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    if data[:4] == b"\x1aE\xdf\xa3":
        return "video/webm"
    return {"video": "video/mp4"}.get(kind, "application/octet-stream")


def is_complete_media(data: bytes) -> bool:
    """Whether the bytes look like a whole picture or video a browser can show, rather than
    the made-up bytes with a real header that tests send."""
    if data.startswith(b"\x89PNG"):
        return data.endswith(b"IEND\xaeB`\x82")
    if data.startswith(b"\xff\xd8"):
        return data.rstrip(b"\x00").endswith(b"\xff\xd9")
    return media_type(data, "") != "application/octet-stream"
