"""Issue 13's browser test: on the emulator's chat page an officer takes a case from the alert's
button, sends the reporter a prepared message (`msg REF`, a choice), and closes the case with an
outcome; the officer sees each step confirmed, the reporter sees only neutral notes in their
language with the bare code."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from locales.catalogs import catalogs

pytestmark = [pytest.mark.browser, pytest.mark.integration]

TEXTS = catalogs()
# What must never be on the reporter's screen (docs/ARCHITECTURE.md: reporter safety).
NEVER = ("traffick", "police", "ค้ามนุษย์", "ตำรวจ")


def test_an_officer_takes_messages_and_closes_a_case_from_the_chat_page(stack, page):
    from flows.loader import load_flows
    from storage.cases import Case
    from tests.support.committees import load_example
    from tests.support.reporter import Reporter

    officer = stack.user("th", name="Duty officer Mae Sai")
    load_example(stack.app.extensions["hotline"].db, {"CRI-5709-1": officer})
    worker = stack.user("en", name="Aung")
    page.goto(f"{stack.emulator_url}/?user={worker}")
    page.select_option("#user-select", worker)
    page.fill("#message-input", "Hello, good morning to you")
    page.click("#send-button")
    bot_messages = page.locator("[data-testid=bot-message]")

    def after(do) -> None:
        count = bot_messages.count()
        do()
        page.wait_for_function(
            "n => document.querySelectorAll('[data-testid=bot-message]').length > n", arg=count, timeout=15000)

    def click(data: str) -> None:
        after(lambda: page.locator(f"[data-testid=quick-reply][data-postback='{data}']").last.click())

    def type_(words: str) -> None:
        def send():
            page.fill("#message-input", words)
            page.click("#send-button")
        after(send)

    def wait_shown(words: str) -> None:
        page.locator("[data-testid=bot-message]", has_text=words).first.wait_for(timeout=20000)

    # The person reports, and agrees to be contacted on LINE at any time.
    page.locator("[data-testid=quick-reply][data-postback='c|main.menu|2']").wait_for(timeout=15000)
    click("c|main.menu|2")
    reporter = Reporter(stack, worker, load_flows())
    answers = {"in_danger": "no", "province": "57", "district": "5709", "documents_kept": "yes",
               "contact_ok": "yes", "contact_how": "line", "contact_when": "anytime"}
    while (action := reporter.next_action(answers)) is not None:
        click(action[1]) if action[0] == "tap" else type_(action[1])
    click("c|" + reporter.at() + "|0")  # Send
    page.wait_for_timeout(500)
    before_notes = bot_messages.count()
    with stack.app.extensions["hotline"].db.sessions() as session:
        case = session.scalars(select(Case).where(Case.chat_key == worker)).one()
        reference, case_id = case.reference, case.id

    # The officer: the alert's Take button.
    page.select_option("#user-select", officer)
    wait_shown(reference)
    take = TEXTS.text("th", "officer.button.take.label")
    after(lambda: page.locator("[data-testid=action-button]", has_text=take).last.click())
    wait_shown(TEXTS.text("th", "officer.take_confirmed", reference=reference)[:30])

    # A prepared message, chosen from `msg REF`'s buttons.
    type_(f"msg {reference}")
    safe = TEXTS.text("th", "officer.msg.label.safe")
    after(lambda: page.locator("[data-testid=quick-reply]", has_text=safe).last.click())
    wait_shown(TEXTS.text("th", "officer.msg.sent", reference=reference))

    # Close with an outcome from the buttons.
    type_(f"ปิด {reference}")
    click(f"case|close|{case_id}|not_a_case")
    outcome = TEXTS.text("th", "officer.outcome.not_a_case")
    wait_shown(TEXTS.text("th", "officer.close_done", reference=reference, outcome=outcome))
    page.screenshot(path=str(stack.tmp_path / "officer-case-work.png"), full_page=True)

    # The reporter: the neutral notes and the officer's question, in English, nothing more.
    page.select_option("#user-select", worker)
    closed = TEXTS.text("en", "intake.reporter.closed", ref=reference)
    wait_shown(closed)
    notes = [text.strip() for text in bot_messages.all_inner_texts()[before_notes:]]
    assert notes == [TEXTS.text("en", key, ref=reference).strip()
                     for key in ("intake.reporter.taken", "intake.msg.safe", "intake.reporter.closed")]
    seen = "\n".join(notes).lower()
    assert not any(word in seen for word in NEVER) and "not a case" not in seen
    page.screenshot(path=str(stack.tmp_path / "reporter-notes.png"), full_page=True)
