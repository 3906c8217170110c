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
