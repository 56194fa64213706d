"""`available-now playground` as a person starts it: one command, no token, a page to open."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from available_now.launcher import free_port

pytestmark = pytest.mark.e2e

SERVING_WITHIN = 15.0
"""Seconds from start until the page serves, as the playground's documentation promises."""


async def test_the_playground_command_serves_the_page_quickly(tmp_path: Path) -> None:
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "TELEGRAM_BOT_TOKEN", "DATA_ENCRYPTION_KEY"}
    }
    loop = asyncio.get_running_loop()
    started = loop.time()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "available_now",
        "playground",
        "--port",
        str(port),
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = await asyncio.wait_for(process.stdout.readline(), SERVING_WITHIN)
        url = f"http://127.0.0.1:{port}/"
        assert line.decode().startswith(f"Playground: open {url}"), line
        async with aiohttp.ClientSession() as http, http.get(url) as response:
            assert response.status == 200
            page = await response.text()
        assert loop.time() - started < SERVING_WITHIN
        assert '<input id="text"' in page
        # Then the bot starts (migrations, the group check), and says so.
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        assert line.decode().startswith("The bot is up"), line
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        _, stderr = await asyncio.wait_for(process.communicate(), 15)
    assert process.returncode == 0, stderr.decode()
    # The database was a throwaway one: nothing was written where the command ran.
    assert await asyncio.to_thread(os.listdir, tmp_path) == []
