"""The `available-now` command line."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from available_now.config import ConfigError, Settings, load_settings
from available_now.logs import configure_logging

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from available_now.db.encryption import DataCipher

T = TypeVar("T")

app = typer.Typer(
    help="Available Now: approved models tell a Telegram group they are available.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database migrations, backups and restores.", no_args_is_help=True)
app.add_typer(db_app, name="db")
keys_app = typer.Typer(
    help="The data key that encrypts contact details (docs/encryption.md).", no_args_is_help=True
)
app.add_typer(keys_app, name="keys")


def _settings() -> Settings:
    try:
        settings = load_settings()
    except ConfigError as error:
        _fail(str(error))
    configure_logging(settings.log_level, settings.secrets())
    return settings


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it is installed (Linux, macOS): the same asyncio, a faster event loop."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - Windows
        return None
    return uvloop.new_event_loop


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            return runner.run(coroutine)
    except KeyboardInterrupt:
        return None
    except Exception as error:
        explained = _explain(error)
        if explained is None:
            raise
        _fail(explained)


def _explain(error: Exception) -> str | None:
    """One line for the operator's mistakes; None for anything else (a real bug).

    The bot's libraries are imported here, not at the top: `playground` serves its page
    before loading them, so it is quick to open even on a slow machine. aiogram's errors are
    looked for only when aiogram is loaded (only it raises them): importing it takes seconds,
    and a refused `db` command would wait for it just to say one line.
    """
    from available_now.db.encryption import DataKeyError
    from available_now.db.url import DatabaseURLError

    if isinstance(error, ConfigError | DatabaseURLError | DataKeyError):
        return str(error)
    if "aiogram.exceptions" not in sys.modules:
        return None
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    if isinstance(error, TelegramUnauthorizedError):
        return "Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): check the token"
    if isinstance(error, TelegramNetworkError):
        return f"cannot reach the Telegram Bot API (TELEGRAM_API_URL): {error.message}"
    return None


@app.command()
def run(
    webhook: bool = typer.Option(
        False, "--webhook", help="Serve a webhook (WEBHOOK_URL, WEBHOOK_SECRET) instead of polling."
    ),
) -> None:
    """Bring the database up to date, then serve updates until Ctrl-C."""
    settings = _settings()
    try:
        settings.token()
        if webhook:
            settings.webhook()
    except ConfigError as error:
        _fail(str(error))
    # The bot (and aiogram, the slowest import) loads only for the commands that need it, and
    # only once the settings are known to be good: a mistake is told at once.
    from available_now.bot import runner

    _run(runner.run_webhook(settings) if webhook else runner.run_polling(settings))


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head")) -> None:
    """Apply migrations up to REVISION (default: the newest)."""
    from available_now.db import migrate

    settings = _settings()
    _run(migrate.upgrade(settings.database_url, revision))
    typer.echo(f"database at revision {_run(migrate.current_revision(settings.database_url))}")


@db_app.command("downgrade")
def db_downgrade(
    revision: str = typer.Argument(..., help="Target revision, e.g. -1 or base."),
) -> None:
    """Revert migrations down to REVISION."""
    from available_now.db import migrate

    settings = _settings()
    _run(migrate.downgrade(settings.database_url, revision))
    typer.echo(f"database at revision {_run(migrate.current_revision(settings.database_url))}")


@db_app.command("current")
def db_current() -> None:
    """Print the revision the database is at."""
    from available_now.db import migrate

    settings = _settings()
    current = _run(migrate.current_revision(settings.database_url))
    typer.echo(f"current: {current or 'empty database'}; newest: {migrate.head_revision()}")


@db_app.command("revision")
def db_revision(message: str = typer.Option(..., "-m", "--message", help="What changed.")) -> None:
    """Generate a migration from the difference between the models and the newest revision."""
    from available_now.db import migrate

    _run(migrate.autogenerate_revision(message))


@db_app.command("backup")
def db_backup(
    file: Path = typer.Argument(..., help="The backup file to write.", dir_okay=False),
    force: bool = typer.Option(False, "--force", help="Replace FILE if it already exists."),
) -> None:
    """Write a consistent, encrypted, compressed snapshot of every table to FILE."""
    from available_now.db.backup import write_backup

    summary = _backup_job(
        _backup_cipher,
        lambda engine, cipher, bars: write_backup(engine, file, cipher, progress=bars, force=force),
    )
    typer.echo(
        f"backed up {summary.tables} tables, {summary.rows} rows "
        f"({_size(summary.bytes)}) to {summary.path}"
    )


@db_app.command("restore")
def db_restore(
    file: Path = typer.Argument(..., help="The backup file to read.", dir_okay=False),
) -> None:
    """Load a backup into the empty database named by DATABASE_URL (SQLite or PostgreSQL)."""
    from available_now.db.restore import restore_backup, restore_cipher

    summary = _backup_job(
        restore_cipher,
        lambda engine, cipher, bars: restore_backup(engine, file, cipher, progress=bars),
    )
    typer.echo(
        f"restored {summary.tables} tables, {summary.rows} rows from {summary.path} "
        f"(a {summary.source_dialect} backup at revision {summary.revision})"
    )


def _backup_job(
    make_cipher: Callable[[list[str], str], DataCipher],
    job: Callable[[AsyncEngine, DataCipher, _ProgressBars], Awaitable[T | None]],
) -> T:
    """Run a backup or restore with the data key and progress bars on stderr.

    Its errors end the command in one line; Ctrl-C exits 130 (an interrupted backup leaves no
    partial file, an interrupted restore rolls its one transaction back).
    """
    from available_now.db.backup_format import BackupError
    from available_now.db.encryption import DataKeyError

    settings = _settings()
    try:
        cipher = make_cipher(settings.data_keys(), settings.database_url)
        with _ProgressBars() as bars:
            result: T | None = _run(
                _on_database(
                    settings.database_url, cipher, lambda engine: job(engine, cipher, bars)
                )
            )
    except (BackupError, DataKeyError) as error:
        _fail(str(error))
    if result is None:
        raise typer.Exit(code=130)
    return result


async def _on_database(
    url: str, cipher: DataCipher, action: Callable[[AsyncEngine], Awaitable[T]]
) -> T:
    """Run ``action`` on an engine for ``url`` (reading and writing the encrypted columns
    with ``cipher``) that is disposed of afterwards."""
    from available_now.db.engine import create_engine

    engine = create_engine(url, pool_size=2, cipher=cipher)
    try:
        return await action(engine)
    finally:
        await engine.dispose()


class _ProgressBars:
    """One progress bar on stderr per stage of a backup or restore (rows done of all rows)."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._bar: Any = None

    def stage(self, label: str, total: int) -> None:
        self._stack.close()
        self._bar = self._stack.enter_context(
            typer.progressbar(length=max(total, 1), label=label, file=sys.stderr)
        )

    def advance(self, rows: int) -> None:
        if self._bar is not None:
            self._bar.update(rows)

    def __enter__(self) -> _ProgressBars:
        return self

    def __exit__(self, *_: object) -> None:
        self._stack.close()


def _size(count: int) -> str:
    size, unit = float(count), "bytes"
    for larger in ("KiB", "MiB", "GiB"):
        if size < 1024:
            break
        size, unit = size / 1024, larger
    return f"{count} bytes" if unit == "bytes" else f"{size:.1f} {unit}"


@keys_app.command("generate")
def keys_generate() -> None:
    """Print a new data key (the key alone on standard output, the advice on standard error)."""
    from available_now.db.encryption import generate_key

    typer.echo(generate_key())
    typer.echo(
        "put it first in DATA_ENCRYPTION_KEY (comma separated) and keep the old keys after it "
        "until `available-now keys rotate` has run",
        err=True,
    )


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Re-encrypt every stored detail under the first key of DATA_ENCRYPTION_KEY."""
    settings = _settings()
    typer.echo(_run(_rotate(settings)))


async def _rotate(settings: Settings) -> str:
    """Rotation on a database at the newest revision; a wrong key changes nothing."""
    from available_now.db.database import Database
    from available_now.db.encryption import load_cipher
    from available_now.services.data_keys import DataKeyService

    await _require_newest_schema(settings)
    cipher = load_cipher(settings.data_keys(), settings.database_url, generate=False)
    db = Database.from_url(settings.database_url, pool_size=1, cipher=cipher)
    try:
        keys = DataKeyService(db)
        await keys.check_keys()
        total = await keys.rows_to_rotate()
        with typer.progressbar(length=total, label="re-encrypting", file=sys.stderr) as bar:
            counts = await keys.rotate(bar.update)
    finally:
        await db.dispose()
    return (
        f"re-encrypted {counts.rows_reencrypted} of {counts.rows_checked} row(s) under the "
        f"newest of {cipher.key_count} key(s)"
    )


def _backup_cipher(keys: list[str], database_url: str) -> DataCipher:
    """The key of the database to back up, which must exist: a backup creates nothing."""
    from available_now.db.encryption import load_cipher

    _require_database_file(database_url)
    return load_cipher(keys, database_url, generate=False)


def _require_database_file(database_url: str) -> None:
    """A SQLite file to read must exist: opening a missing one would create it."""
    from available_now.db.url import sqlite_path, to_async_url

    path = sqlite_path(to_async_url(database_url))
    if path is not None and not path.exists():
        _fail(f"there is no database at {path}: check DATABASE_URL")


async def _require_newest_schema(settings: Settings) -> None:
    """Commands on an existing database stop here, creating nothing, unless it is there and
    at the newest revision (a mistyped DATABASE_URL must not become a new, empty database)."""
    from available_now.db import migrate

    _require_database_file(settings.database_url)
    if await migrate.current_revision(settings.database_url) != migrate.head_revision():
        _fail("the database is not at the newest revision: run `available-now db upgrade` first")


@app.command()
def erase(
    user_id: int = typer.Argument(..., help="The Telegram user id of the person to erase."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Erase a person on request: her profile, listings and details, as "Delete profile" does.

    It needs no data key: erasing never shows or keeps her encrypted details, so a lost or
    wrong key cannot stand in the way of removing her.
    """
    settings = _settings()
    if not yes:
        typer.confirm(
            f"Erase everything stored about user {user_id}? This cannot be undone.", abort=True
        )
    typer.echo(_run(_erase(settings, user_id)))


async def _erase(settings: Settings, user_id: int) -> str:
    """The erasure use case without Telegram: the running bot's worker removes the posts."""
    from available_now.db.database import Database
    from available_now.db.encryption import ErasingCipher
    from available_now.domain.audit import ErasureRequester
    from available_now.services.erasure import ErasureService

    await _require_newest_schema(settings)
    db = Database.from_url(settings.database_url, pool_size=1, cipher=ErasingCipher())
    try:
        held = await ErasureService(db).erase(
            user_id, actor_id=None, requested_by=ErasureRequester.OPERATOR
        )
    finally:
        await db.dispose()
    if held is None:
        return f"No user {user_id} is known to the bot; nothing was changed."
    if held.nothing:
        return f"User {user_id} has nothing left to erase; nothing was changed."
    profile = ("a draft profile" if held.draft else "a profile") if held.profile else "no profile"
    posts = (
        f"{held.posts} group post(s) queued for removal by the running bot's worker"
        if held.posts
        else "no group post to remove"
    )
    return (
        f"Erased user {user_id}: {profile}, {held.photos} photo(s), {held.videos} video(s), "
        f"{held.services} service(s), {held.listings} listing(s) ({held.live_listings} live), "
        f"{posts}, {held.conversations} saved conversation(s), name and username; "
        "kept: the id and approval status."
    )


@app.command()
def playground(
    host: str = typer.Option("127.0.0.1", help="Address to serve the page on."),
    port: int = typer.Option(8081, help="Port to serve the page on."),
) -> None:
    """Try the bot in the browser: the emulator, the bot and a Telegram-like page; no token.

    The bot keeps its data in a throwaway SQLite database unless DATABASE_URL is set.
    """
    from available_now.playground import Playground, serve_playground

    def serving(url: str) -> None:
        typer.echo(f"Playground: open {url} (Ctrl+C stops it)")

    def ready(running: Playground) -> None:
        typer.echo("The bot is up: be anyone at the top of the page and send /start.")

    configure_logging(os.environ.get("LOG_LEVEL", "WARNING").upper())
    _run(
        serve_playground(
            host,
            port,
            os.environ.get("DATABASE_URL") or None,
            data_key=os.environ.get("DATA_ENCRYPTION_KEY") or None,
            serving=serving,
            ready=ready,
        )
    )


@app.command()
def sandbox(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8081, help="Port to listen on."),
) -> None:
    """Run the bare Bot API emulator for a bot of your own (point TELEGRAM_API_URL at it).

    It starts empty: no users, no group, no page. To try this bot by hand, use `playground`.
    """
    from telegram_sandbox.server import run_emulator

    configure_logging("INFO")
    _run(run_emulator(host, port))


def main() -> None:
    app()
