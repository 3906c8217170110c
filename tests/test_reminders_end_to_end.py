"""A reminder at its date, end to end (issue 15, point 6): a person sets a date through the
emulator's chat (LINE's date picker), then the daily run, at a chosen clock, pushes the reminder
through the real worker to the emulator, in the person's language and calendar."""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from flows.engine import choice_data
from flows.loader import load_flows
from storage import reminders as store
from storage.models import OutboxMessage
from tests.support.reporter import Reporter
from tests.support.servers import wait_for
from tests.support.stack import texts

pytestmark = pytest.mark.integration

FLOWS = load_flows()


def tap_to(person: Reporter, step: str, go: str | None = None, **match) -> dict:
    """Tap the button of `step` that goes to `go` (or whose fields include `match`)."""
    for index, choice in enumerate(FLOWS.step(step).choices):
        if (go is None or choice.get("go") == go) and match.items() <= choice.items():
            return person.tap(choice_data(step, index))
    raise AssertionError(f"no such button at {step}")


def test_a_date_set_in_the_chat_is_pushed_at_its_reminder_in_thai_with_the_buddhist_era(stack):
    user = stack.user("th")
    person = Reporter(stack, user, FLOWS)
    stack.say(user, "hello")
    person.answer()
    tap_to(person, "main.menu", go="news.menu")
    tap_to(person, "news.menu", go="reminders.menu")
    tap_to(person, "reminders.menu", go="reminders.kind")
    tap_to(person, "reminders.kind", value="visa")
    ends = datetime.now(UTC).date() + timedelta(days=100)
    stack.send(user, type="postback", data="d|reminders.ends", params={"date": ends.isoformat()})  # the picker
    confirm = person.answer()
    assert person.at() == "reminders.confirm"
    assert str(ends.year + 543) in texts(confirm)[0]
    tap_to(person, "reminders.confirm", effect="reminder_set")
    assert person.at() == "reminders.saved"
    hotline = stack.app.extensions["hotline"]
    with hotline.db.sessions() as session:
        assert [(r.kind, r.date) for r in store.of_chat(session, user)] == [("visa", ends)]

    first = ends - timedelta(days=60)
    outcome = hotline.reminders.run(datetime.combine(first, time(2, 0), tzinfo=UTC))   # 9:00 in Bangkok
    assert outcome.queued >= 1
    pushes = wait_for(lambda: [d for d in stack.delivered(user) if d["path"] == "/v2/bot/message/push"] or None,
                      message=f"the reminder pushed\n{stack.worker_logs()}")
    [push] = pushes
    words = "\n".join(texts(push))
    catalogs = hotline.processor.responder.conversations.catalogs
    assert catalogs.date("th", ends) in words and str(ends.year + 543) in words and str(ends.year) not in words
    assert "วีซ่า" in words
    hotline.reminders.run(datetime.combine(first, time(3, 0), tzinfo=UTC))   # the same day again
    with hotline.db.sessions() as session:
        assert [r.sent for r in store.of_chat(session, user)] == [("before_60",)]
        pushed = session.scalars(select(OutboxMessage).where(OutboxMessage.push_to == user,
                                                             OutboxMessage.inbox_event_id.is_(None))).all()
    assert len(pushed) == 1


