"""End times as members read them: the group's zone, and the day when it is not today."""

from __future__ import annotations

import gettext
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from available_now.domain.listings import clock_time

MADRID = ZoneInfo("Europe/Madrid")
LOCALES = Path(__file__).resolve().parents[2] / "src" / "available_now" / "locales"


def test_today_shows_the_time_and_the_zone() -> None:
    now = datetime(2025, 1, 10, 18, 0, tzinfo=UTC)
    assert clock_time(datetime(2025, 1, 10, 21, 30, tzinfo=UTC), UTC, now=now) == "21:30 UTC"
    # 20:30 UTC is 21:30 in Madrid in winter (CET, UTC+1).
    assert clock_time(datetime(2025, 1, 10, 20, 30, tzinfo=UTC), MADRID, now=now) == "21:30 CET"


def test_after_midnight_in_the_groups_zone_names_the_day() -> None:
    # Friday 23:00 in Madrid; the listing ends at 01:30 on Saturday there (still Friday in UTC).
    now = datetime(2025, 1, 10, 22, 0, tzinfo=UTC)
    end = datetime(2025, 1, 11, 0, 30, tzinfo=UTC)
    assert clock_time(end, MADRID, now=now) == "Sat 01:30 CET"
    assert clock_time(end, UTC, now=now) == "Sat 00:30 UTC"
    # The same moment seen from a zone where it is still Friday: no day.
    assert clock_time(end, ZoneInfo("America/New_York"), now=now) == "19:30 EST"


def test_summer_time_has_its_own_abbreviation() -> None:
    now = datetime(2025, 3, 29, 20, 0, tzinfo=UTC)  # Saturday 21:00 CET in Madrid
    # The clocks go forward that night: 02:00 CET becomes 03:00 CEST.
    end = datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    assert clock_time(end, MADRID, now=now) == "Sun 03:30 CEST"
    assert clock_time(datetime(2025, 3, 29, 22, 0, tzinfo=UTC), MADRID, now=now) == "23:00 CET"


def test_without_now_the_day_is_left_out() -> None:
    end = datetime(2025, 1, 11, 0, 30, tzinfo=UTC)
    assert clock_time(end, MADRID) == "01:30 CET"


def test_the_day_is_in_the_readers_language() -> None:
    spanish = gettext.translation("messages", LOCALES, languages=["es"])
    now = datetime(2025, 1, 10, 22, 0, tzinfo=UTC)
    end = datetime(2025, 1, 11, 0, 30, tzinfo=UTC)
    assert clock_time(end, MADRID, now=now, translator=spanish) == "sáb 01:30 CET"
