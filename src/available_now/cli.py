"""The `available-now` command line."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import typer
from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

from available_now.config import ConfigError, Settings, load_settings
from available_now.db.url import DatabaseURLError
from available_now.logs import configure_logging

app = typer.Typer(
    help="Available Now: approved models tell a Telegram group they are available.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database migrations.", no_args_is_help=True)
app.add_typer(db_app, name="db")


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
    except (ConfigError, DatabaseURLError) as error:
        _fail(str(error))
    except TelegramUnauthorizedError:
        _fail("Telegram rejected TELEGRAM_BOT_TOKEN (401 Unauthorized): check the token")
    except TelegramNetworkError as error:
        _fail(f"cannot reach the Telegram Bot API (TELEGRAM_API_URL): {error.message}")
    except KeyboardInterrupt:
        return None


@app.command()
def run(
    webhook: bool = typer.Option(
        False, "--webhook", help="Serve a webhook (WEBHOOK_URL, WEBHOOK_SECRET) instead of polling."
    ),
) -> None:
    """Bring the database up to date, then serve updates until Ctrl-C."""
    from available_now.bot import runner

    settings = _settings()
    try:
        settings.token()
        if webhook:
            settings.webhook()
    except ConfigError as error:
        _fail(str(error))
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


@app.command()
def erase(
    user_id: int = typer.Argument(..., help="The Telegram user id of the person to erase."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Erase a person on request: her profile, listings and details, as "Delete profile" does."""
    settings = _settings()
    if not yes:
        typer.confirm(
            f"Erase everything stored about user {user_id}? This cannot be undone.", abort=True
        )
    typer.echo(_run(_erase(settings, user_id)))


async def _erase(settings: Settings, user_id: int) -> str:
    """The erasure use case without Telegram: the running bot's worker removes the posts."""
    from available_now.db.database import Database
    from available_now.domain.audit import ErasureRequester
    from available_now.services.erasure import ErasureService

    db = Database.from_url(settings.database_url, pool_size=1)
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
def sandbox(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8081, help="Port to listen on."),
) -> None:
    """Run the local Telegram Bot API emulator (point TELEGRAM_API_URL at it)."""
    from available_now.sandbox.server import run_emulator

    configure_logging("INFO")
    _run(run_emulator(host, port))


def main() -> None:
    app()
