"""Settings read from the environment (and an optional `.env` file).

The variable names of the original bot are kept (`TELEGRAM_BOT_TOKEN`, `TARGET_GROUP_ID`,
`APPROVED_ADMINS`, `LOG_LEVEL`, `DATABASE_URL`) so its operators can reuse their `.env` files.
"""

from __future__ import annotations

import logging
import re
from typing import Annotated
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from available_now.domain.limits import TELEGRAM_DELETE_WINDOW_HOURS

DEFAULT_DATABASE_URL = "sqlite:///./available_now.db"
DEFAULT_TELEGRAM_API_URL = "https://api.telegram.org"

IdList = Annotated[list[int], NoDecode]
HourList = Annotated[list[int], NoDecode]


def _split_csv(value: object) -> object:
    """Accept `1,2, 3` (the original bot's format) as well as a real list."""
    if isinstance(value, int):
        return [value]
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """Everything an operator can configure; validated once at start-up."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
    )

    telegram_bot_token: SecretStr | None = Field(default=None)
    target_group_id: int | None = None
    approved_admins: IdList = Field(default_factory=list)
    owner_ids: IdList = Field(default_factory=list)
    log_level: str = "INFO"
    database_url: str = DEFAULT_DATABASE_URL
    telegram_api_url: str = DEFAULT_TELEGRAM_API_URL

    listing_durations: HourList = Field(default_factory=lambda: [2, 4, 6])
    max_photos: int = Field(default=10, ge=1, le=10)
    max_videos: int = Field(default=4, ge=0, le=10)
    group_timezone: str = "UTC"
    available_list_ttl_minutes: int = Field(default=5, ge=1, le=60)
    access_request_cooldown_days: int = Field(default=7, ge=0, le=365)
    """How long after a rejection she must wait to ask for access again (0: no wait)."""
    group_language: str = "en"
    """The language of everything the bot writes in the group, e.g. `es`."""
    member_retention_days: int = Field(default=30, ge=1, le=3650)
    """Members who never built a profile, asked for access or went live are forgotten after
    this many days without using the bot."""
    history_retention_days: int = Field(default=90, ge=1, le=3650)
    """Finished listings, done message removals and untouched conversations are removed after
    this many days."""

    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_path: str = "/telegram/webhook"
    webhook_listen_host: str = "127.0.0.1"
    webhook_listen_port: int = Field(default=8080, ge=1, le=65535)

    redis_url: str | None = None

    data_encryption_key: SecretStr | None = None
    """Fernet keys, newest first, comma separated (`available-now keys generate`); contact
    details, social links and locations are encrypted under the first, read with any."""

    outgoing_messages_per_second: float = Field(default=30.0, gt=0, le=1000)
    """Telegram's overall limit for a bot; raise it only with paid broadcasts enabled."""

    outgoing_chat_interval: float = Field(default=1.0, ge=0, le=60)
    """Seconds between messages to one chat after a short burst (Telegram asks for about one a
    second); lower it only against a Bot API server without that limit, such as an emulator."""

    available_now_stats_file: str | None = None
    """Where to write, at shutdown, how many updates were handled and how many database
    transactions and statements they took (JSON); unset (the default): nothing is written.
    For benchmarks (`AVAILABLE_NOW_STATS_FILE`)."""

    @field_validator("approved_admins", "owner_ids", "listing_durations", mode="before")
    @classmethod
    def _parse_csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("listing_durations")
    @classmethod
    def _check_durations(cls, value: list[int]) -> list[int]:
        if not value:
            raise ValueError("give at least one duration in hours, e.g. 2,4,6")
        if len(value) > 6:
            raise ValueError("at most 6 durations fit on the keyboard")
        for hours in value:
            if hours < 1 or hours >= TELEGRAM_DELETE_WINDOW_HOURS:
                raise ValueError(
                    f"{hours} h is outside 1..{TELEGRAM_DELETE_WINDOW_HOURS - 1}: Telegram lets a "
                    f"bot delete its messages only within {TELEGRAM_DELETE_WINDOW_HOURS} hours"
                )
        return sorted(set(value))

    @field_validator("group_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; use a name like Europe/London"
            ) from None
        return value

    @field_validator("group_language")
    @classmethod
    def _check_group_language(cls, value: str) -> str:
        code = value.strip().replace("-", "_")
        if not code or not all(part.isalnum() and part.isascii() for part in code.split("_")):
            raise ValueError("must be a language code such as en or es")
        return code

    @field_validator("telegram_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("webhook_path")
    @classmethod
    def _check_webhook_path(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError("must start with /")
        return value

    @model_validator(mode="after")
    def _check_webhook_secret(self) -> Settings:
        secret = self.webhook_secret.get_secret_value() if self.webhook_secret else None
        if secret is not None and not _is_valid_webhook_secret(secret):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return self

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.group_timezone)

    def token(self) -> str:
        """The bot token, or a ConfigError naming the variable to set."""
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in the environment "
                "or in .env"
            )
        token = self.telegram_bot_token.get_secret_value().strip()
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ConfigError("TELEGRAM_BOT_TOKEN is malformed: expected <digits>:<secret>")
        return token

    def secrets(self) -> list[str]:
        """What the logs must never show: the token, the webhook secret and the passwords in
        `DATABASE_URL` and `REDIS_URL`, each as written (percent-encoded) and as decoded."""
        found = [
            secret.get_secret_value()
            for secret in (self.telegram_bot_token, self.webhook_secret)
            if secret is not None
        ]
        found.extend(self.data_keys())
        for url in (self.database_url, self.redis_url):
            password = _url_password(url)
            if password:
                found.extend({password, unquote(password)})
        return found

    def data_keys(self) -> list[str]:
        """The keys in `DATA_ENCRYPTION_KEY`, newest first (an empty list when unset)."""
        if self.data_encryption_key is None:
            return []
        raw = self.data_encryption_key.get_secret_value()
        return [key.strip() for key in raw.split(",") if key.strip()]

    def webhook(self) -> tuple[str, str]:
        """The public webhook URL and secret, or a ConfigError naming what is missing."""
        if not self.webhook_url:
            raise ConfigError("WEBHOOK_URL is not set: webhook mode needs the public HTTPS URL")
        if self.webhook_secret is None:
            raise ConfigError(
                "WEBHOOK_SECRET is not set: webhook mode needs a secret Telegram sends back"
            )
        return self.webhook_url, self.webhook_secret.get_secret_value()


_URL_PASSWORD = re.compile(r"^[\w+.-]+://[^:/@]*:(?P<password>[^@]*)@")
"""``scheme://user:password@…``, read as SQLAlchemy reads it (a password may hold "/" or ":")."""


def _url_password(url: str | None) -> str | None:
    """The password in a URL as written (percent-encoded), or None without one."""
    found = _URL_PASSWORD.match(url.strip()) if url else None
    return found.group("password") if found else None


def _is_valid_webhook_secret(secret: str) -> bool:
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
    return 1 <= len(secret) <= 256 and set(secret) <= allowed


class ConfigError(Exception):
    """A configuration problem explained in one line, safe to print."""


def describe_validation_error(error: ValidationError) -> str:
    """One line per problem, naming the variable; never echoes the offending value."""
    lines = []
    for problem in error.errors(include_input=False, include_url=False):
        location = ".".join(str(part) for part in problem["loc"]).upper()
        message = str(problem["msg"]).removeprefix("Value error, ")
        lines.append(f"{location}: {message}" if location else message)
    return "; ".join(lines)


def load_settings() -> Settings:
    """Read the settings, turning validation errors into one ConfigError line."""
    try:
        return Settings()
    except ValidationError as error:
        raise ConfigError(f"Bad configuration: {describe_validation_error(error)}") from None
