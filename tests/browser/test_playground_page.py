"""The playground page in a real browser: each story is a person clicking and typing.

Every step ends in what the page shows, read from the page itself; screenshots of the steps
are kept (see `--screenshots`), and a few of them illustrate docs/playground.md.
"""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from available_now.playground.world import GROUP_TITLE, MEMBER_ID, NEWCOMER_ID, OWNER_ID
from tests.e2e.stories import complete_profile, go_live

from .conftest import Screen

pytestmark = pytest.mark.browser

BOT_CHAT = "Available Now"


async def test_a_model_builds_her_profile_goes_live_and_sees_her_post(screen: Screen) -> None:
    page = screen.page
    await screen.say("/start")
    await screen.tap("📝 Create profile")
    await screen.see("Step 1 of 9")
    await screen.say("Sophie")
    await screen.see("Step 2 of 9")
    await screen.shoot("wizard-services")
    await screen.tap("📍 In person")
    await screen.see("incall")
    await screen.tap("Incall & outcall")
    await screen.see("Where?")
    await screen.say("Central London")
    await screen.see("📍 In person ✅")
    await screen.tap("✔️ Done")
    await screen.see("Step 3 of 9")
    await screen.say("Warm & discreet <3")
    await screen.see("Step 4 of 9")
    await screen.tap("📞 Phone")
    await screen.see("phone number")
    await screen.say("+44 20 7946 0958")
    await screen.see("Step 5 of 9")
    await screen.tap("⏭ Skip")
    await screen.see("Step 6 of 9")
    await screen.say("1 h 200 £")
    await screen.see("Step 7 of 9")
    await screen.tap("⏭ Skip")
    await screen.see("Step 8 of 9")
    await page.locator("#attach").click()
    await page.get_by_role("button", name="Sample album").click()
    await screen.see("Photos 3/10")
    await expect(page.locator(".msg.out .media img")).to_have_count(3)
    await screen.shoot("wizard-photos")
    await screen.tap("✔️ Done")
    await expect(page.get_by_role("button", name="✅ Confirm")).to_be_visible()
    await screen.shoot("wizard-preview")
    await screen.tap("✅ Confirm")
    await screen.see("Your profile is ready")

    await screen.say("/available")
    await screen.see("For how long")
    await screen.tap("2 h")
    await screen.see("You are live")
    await screen.open_chat(GROUP_TITLE)
    post = page.locator(".msg.in", has_text="Sophie").last
    await expect(post).to_contain_text("Central London")
    await expect(post.get_by_role("button", name="👤 Full profile & gallery")).to_be_visible()
    await expect(post.locator(".media img").first).to_be_visible()
    await screen.shoot("group-post")


async def test_a_member_lists_who_is_available_and_opens_her_profile(screen: Screen) -> None:
    sophie = screen.playground.cast.model
    await complete_profile(sophie)
    await go_live(sophie)

    page = screen.page
    await screen.be(MEMBER_ID)
    await screen.open_chat(GROUP_TITLE)
    await screen.say("/available")
    await screen.see("Available now")
    listing = page.locator(".msg.in", has_text="Available now").last
    await screen.shoot("member-list")
    await listing.get_by_role("link", name="Sophie").click()
    await expect(page.locator("#chat-title")).to_have_text(BOT_CHAT)
    profile = page.locator(".msg.in", has_text="Sophie").last
    await expect(profile).to_contain_text("+44 20 7946 0958")
    await expect(page.locator(".msg.in[data-album] .media > *")).to_have_count(2)
    await screen.shoot("member-profile")


async def test_the_owner_approves_a_newcomer(screen: Screen) -> None:
    page = screen.page
    await screen.be(OWNER_ID)
    await screen.say("/start")
    await screen.see("Owner panel")

    await screen.be(NEWCOMER_ID)
    await screen.say("/start")
    await screen.tap("🙋 Request access")
    await screen.see("sent to the group's owners")
    await screen.shoot("newcomer-request")

    await screen.be(OWNER_ID)
    await screen.see("Access request")
    await screen.shoot("owner-request")
    await screen.tap("✅ Approve")
    await screen.see("approved by Olivia")

    await screen.be(NEWCOMER_ID)
    await screen.see("You are approved")
    await expect(page.get_by_role("button", name="📝 Create profile").last).to_be_visible()


async def test_fast_forward_lets_the_listing_expire(screen: Screen) -> None:
    sophie = screen.playground.cast.model
    await complete_profile(sophie)
    await go_live(sophie)

    page = screen.page
    await screen.open_chat(GROUP_TITLE)
    await expect(page.locator(".msg.in", has_text="Central London")).to_have_count(1)
    await page.select_option("#forward-by", "120")
    await page.locator("#forward").click()
    await expect(page.locator(".msg.in", has_text="Central London")).to_have_count(0)
    await screen.open_chat(BOT_CHAT)
    await screen.see("Your listing ended at")
    await screen.shoot("listing-expired")


async def test_what_is_shown_stays_in_place_while_new_messages_arrive(screen: Screen) -> None:
    """Redrawn elements would lose a click pressed during the redraw, and reload pictures."""
    page = screen.page
    await screen.say("/start")
    await screen.see("Create profile")
    mine = page.locator(".msg.out").first
    await mine.evaluate("(element) => { element.dataset.probe = 'kept'; }")
    chat = page.locator("#chats li").first
    await chat.evaluate("(element) => { element.dataset.probe = 'kept'; }")

    await screen.tap("📝 Create profile")
    await screen.see("Step 1 of 9")
    await screen.say("Sophie")
    await screen.see("Step 2 of 9")

    await expect(page.locator(".msg.out[data-probe='kept'] .text")).to_have_text("/start")
    await expect(page.locator("#chats li[data-probe='kept'] .preview")).to_contain_text("Step 2")
