"""A person chats with the bot on the emulator's page, as they would in LINE."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def start_chat(stack, page, user: str, text: str):
    """Open the page as `user` and send `text`; the bot's messages, as a locator that follows the page."""
    page.goto(f"{stack.emulator_url}/?user={user}")
    page.select_option("#user-select", user)
    page.fill("#message-input", text)
    page.click("#send-button")
    return page.locator("[data-testid=bot-message]")


def press(page, bot_messages, button) -> None:
    """Click a quick reply and wait until the bot has answered it."""
    count = bot_messages.count()
    button.click()
    page.wait_for_function(
        "n => document.querySelectorAll('[data-testid=bot-message]').length > n", arg=count, timeout=15000)


def test_typing_on_the_chat_page_gets_a_reply_with_buttons(stack, page):
    user = stack.user("en", name="Browser user")
    reply = start_chat(stack, page, user, "hello").first
    reply.wait_for(timeout=15000)
    assert reply.inner_text().strip()
    buttons = page.locator("[data-testid=quick-reply]")
    buttons.first.wait_for(timeout=5000)
    assert buttons.count() >= 5
    page.screenshot(path=str(stack.tmp_path / "chat.png"))


def test_switching_language_on_the_page_and_opening_a_rights_topic(stack, page):
    user = stack.user("en", name="Somchai")
    bot_messages = start_chat(stack, page, user, "Hello, good morning to you")

    def tap(label: str) -> None:
        press(page, bot_messages, page.locator("[data-testid=quick-reply]", has_text=label).last)

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


def test_a_report_filed_on_the_page_reaches_the_officers_chat(stack, page):
    from flows.loader import load_flows
    from tests.support.committees import load_example
    from tests.support.reporter import Reporter

    officer = stack.user("th", name="Duty officer Mae Sai")
    load_example(stack.app.extensions["hotline"].db, {"CRI-5709-1": officer})
    worker = stack.user("en", name="Aung")
    bot_messages = start_chat(stack, page, worker, "Hello, good morning to you")

    def click(data: str) -> None:
        press(page, bot_messages, page.locator(f"[data-testid=quick-reply][data-postback='{data}']"))

    page.locator("[data-testid=quick-reply][data-postback='c|main.menu|2']").wait_for(timeout=15000)
    click("c|main.menu|2")
    reporter = Reporter(stack, worker, load_flows())
    answers = {"in_danger": "no", "province": "57", "district": "5709", "documents_kept": "yes",
               "contact_ok": "no"}
    while (action := reporter.next_action(answers)) is not None:
        click(action[1])
    click("c|" + reporter.at() + "|0")  # Send
    assert "Your code:" in " ".join(bot_messages.all_inner_texts())  # a bare code, no answers shown
    page.select_option("#user-select", officer)
    alert = page.locator("[data-testid=bot-message]", has_text="แม่สาย")
    alert.first.wait_for(timeout=20000)
    assert page.locator("[data-testid=action-button]", has_text="รับเรื่อง").count() >= 1
    page.screenshot(path=str(stack.tmp_path / "officer-alert.png"), full_page=True)
