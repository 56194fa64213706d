"""Audit entries as owners read them: a sentence per action, in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from available_now.bot import texts
from available_now.bot.i18n import Languages, create_i18n
from available_now.domain.audit import AuditAction
from available_now.domain.users import UserAccount

LANGUAGES = Languages(create_i18n())
SOPHIE = UserAccount(id=5, username="sophie", first_name="Sophie", last_name=None, is_approved=True)
OLIVIA = UserAccount(id=9, username=None, first_name="Olivia", last_name=None, is_approved=False)
PEOPLE = {5: SOPHIE, 9: OLIVIA}


def test_every_action_has_a_sentence() -> None:
    assert set(texts.AUDIT_SENTENCES) == set(AuditAction)


def test_lines_name_people_and_fall_back_to_ids_and_action_names() -> None:
    with LANGUAGES.speaking("en"):
        went_live = texts.audit_line("mark_available", 5, {"hours": 2}, PEOPLE, "Sat 21:04")
        approved = texts.audit_line("approve_user", 9, {"target_user_id": 5}, PEOPLE, "t")
        by_settings = texts.audit_line("approve_user", None, {"target_user_id": 7}, PEOPLE, "t")
        own_end = texts.audit_line("end_listing", 5, {"user_id": 5}, PEOPLE, "t")
        unknown = texts.audit_line("archive_user", 9, {}, PEOPLE, "t")  # a later version's
    assert went_live == "Sat 21:04 · Sophie (<code>5</code>) went live for 2 h"
    assert approved == "t · Olivia (<code>9</code>) approved Sophie (<code>5</code>)"
    assert by_settings == "t · The bot approved <code>7</code>"
    assert own_end == "t · Sophie (<code>5</code>) ended her listing"
    assert unknown == "t · Olivia (<code>9</code>) · archive_user"
    with LANGUAGES.speaking("es"):
        spanish = texts.audit_line("mark_available", 5, {"hours": 4}, PEOPLE, "sáb 21:04")
    assert spanish == "sáb 21:04 · Sophie (<code>5</code>) se puso en línea durante 4 h"


def test_times_show_the_weekday_within_a_week_and_the_date_before() -> None:
    zone = ZoneInfo("Europe/Madrid")
    now = datetime(2026, 11, 28, 20, 30, tzinfo=UTC)  # a Saturday
    with LANGUAGES.speaking("en"):
        recent = texts.audit_time(now - timedelta(minutes=26), zone, now)
        old = texts.audit_time(now - timedelta(days=9), zone, now)
    assert recent == "Sat 21:04"
    assert old == "2026-11-19 21:30"
