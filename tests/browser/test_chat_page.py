"""A person chats with the bot on the emulator's page, as they would in LINE."""
from __future__ import annotations

import pytest

from tests.support.stack import Stack

pytestmark = [pytest.mark.browser, pytest.mark.integration]


@pytest.fixture
def stack(settings, tmp_path):
    running = Stack(settings, tmp_path, workers=1)
    yield running
    running.close()


def test_typing_on_the_chat_page_gets_a_reply_with_buttons(stack, page):
    user = stack.user("en", name="Browser user")
    page.goto(f"{stack.emulator_url}/?user={user}")
    page.select_option("#user-select", user)
    page.fill("#message-input", "hello")
    page.click("#send-button")
    reply = page.locator("[data-testid=bot-message]").first
    reply.wait_for(timeout=15000)
    assert reply.inner_text().strip()
    buttons = page.locator("[data-testid=quick-reply]")
    buttons.first.wait_for(timeout=5000)
    assert buttons.count() >= 5
    page.screenshot(path=str(stack.tmp_path / "chat.png"))


def test_switching_language_on_the_page_and_opening_a_rights_topic(stack, page):
    user = stack.user("en", name="Somchai")
    page.goto(f"{stack.emulator_url}/?user={user}")
    page.select_option("#user-select", user)
    page.fill("#message-input", "Hello, good morning to you")
    page.click("#send-button")
    bot_messages = page.locator("[data-testid=bot-message]")

    def tap(label: str) -> None:
        count = bot_messages.count()
        page.locator("[data-testid=quick-reply]", has_text=label).last.click()
        page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=bot-message]').length > n", arg=count, timeout=15000)

    page.locator("[data-testid=quick-reply]", has_text="Language").last.wait_for(timeout=15000)
    tap("Language")
    tap("ไทย")
    assert "ให้เราช่วย" in bot_messages.last.inner_text()
    tap("สิทธิของฉัน")
    tap("ค่าจ้าง")
    page.wait_for_timeout(500)
    shown = " ".join(bot_messages.all_inner_texts())
    assert "ค่าจ้างขั้นต่ำ" in shown and "1546" in shown
    assert page.locator("a[href='tel:1546']").count() >= 1
    page.screenshot(path=str(stack.tmp_path / "rights-th.png"), full_page=True)
