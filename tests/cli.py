"""Run `python -m available_now …` as an operator would, in a child process."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path


async def run_cli(
    workdir: Path,
    env: dict[str, str],
    *args: str,
    timeout: float = 60,  # noqa: ASYNC109 - a test deadline, reported as such
) -> tuple[int, str, str]:
    """The command's exit code, stdout and stderr (failing the test after ``timeout`` s)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "available_now",
        *args,
        cwd=workdir,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()
