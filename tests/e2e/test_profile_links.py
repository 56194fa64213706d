"""Profile links: no one's Telegram id in the group, and her profile for members only.

Every link is followed the way a person would follow it, by tapping the URL the group shows;
what each reader receives is read back from their chat with the bot.
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from available_now.bot.membership import MEMBERSHIP_TTL
from available_now.db.database import Database
from telegram_sandbox import BotAPIEmulator
from telegram_sandbox.client import MessageView, SimGroup, SimUser

from .harness import BOT_USERNAME, GROUP_ID, OWNER_ID, InProcessBot
from .stories import approved_model, complete_profile, go_live, open_menu, press

pytestmark = pytest.mark.e2e

PHONE = "+44 20 7946 0958"
ABOUT = "Warm & discreet <3"
PROFILE_LINK = re.compile(rf"https://t\.me/{BOT_USERNAME}\?start=p_[A-Za-z0-9_-]{{22}}")
FOR_MEMBERS = "This profile is for members of the group."
NOT_AVAILABLE = "This profile is not available right now."


def _button_urls(message: MessageView) -> list[str]:
    return [button.url for row in message.buttons for button in row if button.url]


def _html_links(message: MessageView) -> list[str]:
    return [html.unescape(url) for url in re.findall(r'href="([^"]*)"', message.html)]


def _profile_link(post: MessageView) -> str:
    url = post.button("👤 Full profile & gallery").url
    assert url is not None
    return url


def _getchatmember_calls(emulator: BotAPIEmulator, user: SimUser) -> int:
    """How often the bot asked Telegram whether `user` is in the group."""
    asked = [
        call
        for call in emulator.calls("getChatMember")
        if str(call.params.get("user_id")) == str(user.id)
    ]
    assert all(str(call.params.get("chat_id")) == str(GROUP_ID) for call in asked)
    return len(asked)


def _assert_received_nothing_of_hers(reader: SimUser) -> None:
    """Every message the bot ever sent this reader: no name, contact, about text or media."""
    for message in reader.private_chat.bot_messages():
        assert message.kind == "text", message.describe()
        for detail in ("Sophie", PHONE, ABOUT, "Central London", "200 £"):
            assert detail not in message.text, message.describe()


async def _live_sophie(emulator: BotAPIEmulator, db: Database, group: SimGroup) -> SimUser:
    sophie = await approved_model(emulator, db)
    await complete_profile(sophie)
    await go_live(sophie)
    return sophie


async def test_group_posts_and_the_list_carry_no_user_id(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    sophie = await _live_sophie(emulator, db, group)
    mia = await approved_model(
        emulator, db, user_id=5_000_000_002, first_name="Mia", username="mia"
    )
    await complete_profile(mia)
    await go_live(mia)
    posts = group.bot_messages()
    assert len(posts) == 2
    member = emulator.user(user_id=7_000_000_007, first_name="Max")
    group.add_member(member)
    await member.send("/available", chat=group)
    listing = await member.wait_for_message(lambda m: "Available now" in m.text, chat=group)

    urls = [url for post in posts for url in _button_urls(post)] + _html_links(listing)
    # A profile and a report button on each post, a name link for each in the list.
    assert len(urls) == 6
    ids = [str(user.id) for user in (sophie, mia, member)]
    for url in urls:
        assert PROFILE_LINK.fullmatch(url.replace("?start=r_", "?start=p_")), url
        assert not any(user_id in url for user_id in ids), url
    for message in [*posts, listing]:
        assert not any(user_id in message.html for user_id in ids), message.describe()
    # Each model has her own link, and the list links to the same profiles as the posts.
    assert len({_profile_link(post) for post in posts}) == 2
    assert sorted(_html_links(listing)) == sorted(_profile_link(post) for post in posts)


async def test_members_open_the_profile_and_strangers_get_nothing(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    link, member, stranger = await _her_link_a_member_and_a_stranger(emulator, db, group)

    await member.open_link(link)
    profile = await member.wait_for_message(lambda m: "Sophie" in m.text)
    assert PHONE in profile.text
    assert ABOUT in profile.text
    assert "Available until" in profile.text or "available until" in profile.text.lower()
    gallery = await member.wait_for_messages(2, lambda m: m.kind == "photo")
    assert all(item.file_id for item in gallery)

    await stranger.open_link(link)
    await stranger.wait_for_message(lambda m: m.text == FOR_MEMBERS)
    _assert_received_nothing_of_hers(stranger)
    # Whoever left the group, or was kicked, is a stranger too (once the bot asks again).
    for status in ("left", "kicked"):
        leaver = emulator.user(user_id=7_000_000_100 + len(status), first_name="Lee")
        group.add_member(leaver, status=status)
        await leaver.open_link(link)
        await leaver.wait_for_message(lambda m: m.text == FOR_MEMBERS)
        _assert_received_nothing_of_hers(leaver)
    # Someone restricted in the group is still a member of it.
    restricted = emulator.user(user_id=7_000_000_200, first_name="Rae")
    group.add_member(restricted, status="restricted")
    await restricted.open_link(link)
    await restricted.wait_for_message(lambda m: PHONE in m.text)

    # Telegram is asked once a minute per reader: a member who leaves keeps access that long.
    kim = emulator.user(user_id=7_000_000_300, first_name="Kim")
    group.add_member(kim)
    for _ in range(2):
        await kim.open_link(link)
        await kim.wait_for_message(lambda m: PHONE in m.text)
    assert _getchatmember_calls(emulator, kim) == 1
    group.remove_member(kim)
    await bot.advance(MEMBERSHIP_TTL / 2)
    await kim.open_link(link)
    await kim.wait_for_message(lambda m: PHONE in m.text)
    assert _getchatmember_calls(emulator, kim) == 1
    await bot.advance(MEMBERSHIP_TTL / 2 + timedelta(seconds=1))
    await kim.open_link(link)
    await kim.wait_for_message(lambda m: m.text == FOR_MEMBERS)
    assert _getchatmember_calls(emulator, kim) == 2


async def test_the_model_opens_her_own_link_live_or_not(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    sophie = await _live_sophie(emulator, db, group)
    link = _profile_link(group.bot_messages()[0])
    member = emulator.user(user_id=7_000_000_007, first_name="Max")
    group.add_member(member)

    # She is not in the group herself, and still sees her own profile.
    await sophie.open_link(link)
    own = await sophie.wait_for_message(lambda m: "Your own profile" in m.text)
    assert PHONE in own.text
    await sophie.wait_for_messages(2, lambda m: m.kind == "photo")

    menu = await open_menu(sophie)
    status = await press(sophie, menu, "📋 My listing", "⏹ End now")
    await press(sophie, status, "⏹ End now", "was ended")
    await sophie.open_link(link)
    own = await sophie.wait_for_message(lambda m: "Your own profile" in m.text)
    assert "available until" not in own.text.lower()
    # Members see her profile only while she is live.
    await member.open_link(link)
    await member.wait_for_message(lambda m: m.text == NOT_AVAILABLE)
    _assert_received_nothing_of_hers(member)


async def test_made_up_links_and_those_of_a_deleted_profile_lead_nowhere(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    sophie = await _live_sophie(emulator, db, group)
    old_link = _profile_link(group.bot_messages()[0])
    member = emulator.user(user_id=7_000_000_007, first_name="Max")
    group.add_member(member)
    group.add_member(sophie)

    stranger = emulator.user(user_id=7_000_000_666, first_name="Eve")
    token = old_link.rsplit("p_", 1)[1]
    changed = ("A" if token[0] != "A" else "B") + token[1:]
    for payload in (
        f"p_{changed}",  # one character changed
        f"p_{token[:-1]}",  # cut short
        f"p_{sophie.id}",  # the old kind of link, with her user id
        "p_" + "0" * 22,
    ):
        await member.send(f"/start {payload}")
        await member.wait_for_message(lambda m: m.text == NOT_AVAILABLE)
    _assert_received_nothing_of_hers(member)
    # A stranger cannot tell a real token from a made-up one.
    await stranger.open_link(old_link.replace(token, changed))
    await stranger.wait_for_message(lambda m: m.text == FOR_MEMBERS)
    _assert_received_nothing_of_hers(stranger)

    menu = await open_menu(sophie)
    card = await press(sophie, menu, "👤 My profile", "🗑 Delete profile")
    confirm = await press(sophie, card, "🗑 Delete profile", "🗑 Delete everything")
    await press(sophie, confirm, "🗑 Delete everything", "Deleted.")
    await bot.expiry_pass()
    assert group.bot_messages() == []

    # She builds a new profile and goes live again: a new link; the old one leads nowhere.
    await complete_profile(sophie)
    await go_live(sophie)
    new_link = _profile_link(group.bot_messages()[0])
    assert new_link != old_link
    await member.open_link(old_link)
    await member.wait_for_message(lambda m: m.text == NOT_AVAILABLE)
    _assert_received_nothing_of_hers(member)
    await sophie.open_link(old_link)
    await sophie.wait_for_message(lambda m: m.text == NOT_AVAILABLE)
    await member.open_link(new_link)
    await member.wait_for_message(lambda m: PHONE in m.text)


async def test_links_die_when_her_access_is_revoked(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    sophie = await _live_sophie(emulator, db, group)
    link = _profile_link(group.bot_messages()[0])
    member = emulator.user(user_id=7_000_000_007, first_name="Max")
    group.add_member(member)
    group.add_member(sophie)
    owner = emulator.user(user_id=OWNER_ID, first_name="Olivia")
    await open_menu(owner)
    await owner.send(f"/revoke {sophie.id}")
    await owner.wait_for_message(lambda m: "revoked by Olivia" in m.text)
    await sophie.wait_for_message(lambda m: "access was withdrawn" in m.text)

    await member.open_link(link)
    await member.wait_for_message(lambda m: m.text == NOT_AVAILABLE)
    _assert_received_nothing_of_hers(member)
    await sophie.open_link(link)
    await sophie.wait_for_message(lambda m: m.text == NOT_AVAILABLE)


async def test_when_telegram_cannot_say_who_is_a_member_nobody_gets_her_profile(
    emulator: BotAPIEmulator, group: SimGroup, bot: InProcessBot, db: Database
) -> None:
    link, member, stranger = await _her_link_a_member_and_a_stranger(emulator, db, group)

    # Telegram's answer for someone it never saw in the group, and a moment of Telegram trouble.
    emulator.fail_next("getChatMember", 400, "Bad Request: user not found")
    await stranger.open_link(link)
    await stranger.wait_for_message(lambda m: m.text == FOR_MEMBERS)
    _assert_received_nothing_of_hers(stranger)
    emulator.fail_next("getChatMember", 502)
    await member.open_link(link)
    await member.wait_for_message(lambda m: m.text == FOR_MEMBERS)
    _assert_received_nothing_of_hers(member)

    # A failed check is not remembered: the member's next tap asks again and opens it.
    await member.open_link(link)
    await member.wait_for_message(lambda m: PHONE in m.text)
    assert _getchatmember_calls(emulator, member) == 2


async def _her_link_a_member_and_a_stranger(
    emulator: BotAPIEmulator, db: Database, group: SimGroup
) -> tuple[str, SimUser, SimUser]:
    """Sophie live in the group; her post's profile link, a member, and someone outside."""
    await _live_sophie(emulator, db, group)
    link = _profile_link(group.bot_messages()[0])
    member = emulator.user(user_id=7_000_000_007, first_name="Max")
    group.add_member(member)
    stranger = emulator.user(user_id=7_000_000_666, first_name="Eve")
    return link, member, stranger
