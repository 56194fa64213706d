"""Settings: the original bot's variables, friendly one-line errors, no secret in messages."""

from __future__ import annotations

import pytest

from available_now.config import ConfigError, Settings, load_settings

TOKEN = "123456:ABCdef_ghi-JKL"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TARGET_GROUP_ID",
        "APPROVED_ADMINS",
        "OWNER_IDS",
        "LOG_LEVEL",
        "DATABASE_URL",
        "LISTING_DURATIONS",
        "GROUP_TIMEZONE",
        "WEBHOOK_SECRET",
        "WEBHOOK_URL",
        "TELEGRAM_API_URL",
        "MEMBER_RETENTION_DAYS",
        "HISTORY_RETENTION_DAYS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(str(tmp_path))  # no stray .env from the working directory


def test_reads_the_original_bots_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TARGET_GROUP_ID", "-1001234567890")
    monkeypatch.setenv("APPROVED_ADMINS", "111, 5000000001,222")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("DATABASE_URL", "postgresql://user:pw@db.example/app")
    settings = load_settings()
    assert settings.token() == TOKEN
    assert settings.target_group_id == -1001234567890
    assert settings.approved_admins == [111, 5000000001, 222]
    assert settings.log_level == "DEBUG"
    assert settings.database_url == "postgresql://user:pw@db.example/app"


def test_defaults_are_the_embedded_database_and_telegram() -> None:
    settings = load_settings()
    assert settings.database_url.startswith("sqlite:///")
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.listing_durations == [2, 4, 6]
    assert (settings.max_photos, settings.max_videos) == (10, 4)
    assert (settings.member_retention_days, settings.history_retention_days) == (30, 90)


def test_reads_a_dotenv_file(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    with open(".env", "w", encoding="utf-8") as env_file:
        env_file.write(f"TELEGRAM_BOT_TOKEN={TOKEN}\nOWNER_IDS=7,8\n")
    settings = load_settings()
    assert settings.token() == TOKEN
    assert settings.owner_ids == [7, 8]


def test_missing_token_names_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"^TELEGRAM_BOT_TOKEN is not set"):
        load_settings().token()


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("TARGET_GROUP_ID", "my-group", "TARGET_GROUP_ID"),
        ("APPROVED_ADMINS", "12,abc", "APPROVED_ADMINS"),
        ("LOG_LEVEL", "loud", "LOG_LEVEL: must be one of"),
        ("LISTING_DURATIONS", "2,48", "48 h is outside 1..47"),
        ("GROUP_TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("TELEGRAM_API_URL", "localhost:8081", "TELEGRAM_API_URL: must start with http"),
        ("MEMBER_RETENTION_DAYS", "0", "MEMBER_RETENTION_DAYS"),
        ("HISTORY_RETENTION_DAYS", "forever", "HISTORY_RETENTION_DAYS"),
    ],
)
def test_bad_values_give_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message
    assert message.startswith("Bad configuration:")


def test_errors_never_echo_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_SECRET", "not a valid secret!")
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert "not a valid secret" not in str(caught.value)
    assert "WEBHOOK_SECRET" in str(caught.value)


def test_malformed_token_is_refused_without_echoing_it() -> None:
    settings = Settings(telegram_bot_token="nonsense-token")  # type: ignore[arg-type]
    with pytest.raises(ConfigError) as caught:
        settings.token()
    assert "nonsense" not in str(caught.value)


def test_webhook_mode_needs_url_and_secret() -> None:
    with pytest.raises(ConfigError, match="WEBHOOK_URL"):
        Settings().webhook()
    settings = Settings(webhook_url="https://bot.example/hook", webhook_secret="s3cret_-")  # type: ignore[arg-type]
    assert settings.webhook() == ("https://bot.example/hook", "s3cret_-")
