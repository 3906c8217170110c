"""Processing one chat's events: LINE's order, once, and never lost to a bug."""
from __future__ import annotations

import pytest

from sqlalchemy import select

from app import create_app
from bot.processor import Response
from storage import inbox
from storage.models import InboxEvent
from tests.conftest import post_events, user_id
from tests.support.events import now_ms, text_event
from tests.support.fake_line import FakeLine

pytestmark = pytest.mark.integration


class EchoResponder:
    def __init__(self, fail_on: str | None = None):
        self.seen = []
        self.fail_on = fail_on

    def respond(self, event, conversation, session):
        text = event["message"]["text"]
        self.seen.append(text)
        if text == self.fail_on:
            raise RuntimeError("a bug in a flow")
        conversation.state = {"count": conversation.state.get("count", 0) + 1}
        return Response(messages=[{"type": "text", "text": f"echo {text}"}])

    def apology(self, conversation):
        return Response(messages=[{"type": "text", "text": "sorry"}])


def _app(settings, responder):
    line = FakeLine()
    return create_app(settings, responder=responder, line=line), line


def test_events_are_handled_in_line_timestamp_order_not_arrival_order(settings):
    responder = EchoResponder()
    app, line = _app(settings, responder)
    user = user_id()
    client = app.test_client()
    base = now_ms() - 10_000
    post_events(client, [text_event(user, "second", timestamp=base + 2000)])
    post_events(client, [text_event(user, "first", timestamp=base + 1000), text_event(user, "third", timestamp=base + 3000)])
    assert app.extensions["hotline"].processor.process_chat(user) == 3
    assert responder.seen == ["first", "second", "third"]
    assert [sent[2][0]["text"] for sent in line.sent] == ["echo first", "echo second", "echo third"]


def test_a_chat_held_by_another_worker_is_left_to_it(settings):
    responder = EchoResponder()
    app, line = _app(settings, responder)
    hotline = app.extensions["hotline"]
    user = user_id()
    post_events(app.test_client(), [text_event(user, "hi")])
    lock = hotline.queue.chat_lock(user)
    assert lock.acquire(blocking=False)
    try:
        assert hotline.processor.process_chat(user) == 0
        assert responder.seen == []
    finally:
        lock.release()
    assert hotline.processor.process_chat(user) == 1
    assert hotline.processor.process_chat(user) == 0  # nothing twice


def test_a_failing_event_is_kept_answered_with_an_apology_and_does_not_block_the_chat(settings):
    responder = EchoResponder(fail_on="boom")
    app, line = _app(settings, responder)
    user = user_id()
    base = now_ms()
    post_events(app.test_client(), [text_event(user, "boom", timestamp=base), text_event(user, "after", timestamp=base + 1)])
    app.extensions["hotline"].processor.process_chat(user)
    texts = [sent[2][0]["text"] for sent in line.sent]
    assert texts == ["sorry", "echo after"]
    with app.extensions["hotline"].db.sessions() as session:
        failed = session.scalars(select(InboxEvent).where(InboxEvent.status == "failed")).one()
        assert failed.payload["message"]["text"] == "boom"  # kept, not lost
        assert failed.attempts == 3 and "a bug in a flow" in failed.error


def test_marking_done_is_conditional_so_effects_commit_once(settings):
    app, _ = _app(settings, EchoResponder())
    db = app.extensions["hotline"].db
    user = user_id()
    post_events(app.test_client(), [text_event(user, "x")])
    db.inbox_writer.promote()
    with db.transaction() as session:
        event = inbox.next_pending(session, user)
        assert inbox.mark_done(session, event.id) is True
        assert inbox.mark_done(session, event.id) is False


def test_help_before_the_language_is_known_shows_the_emergency_numbers(settings):
    from app import create_app as make_app

    line = FakeLine()  # no profile: the language cannot be known from LINE
    app = make_app(settings, line=line)
    user = user_id()
    post_events(app.test_client(), [text_event(user, "help")])
    app.extensions["hotline"].processor.process_chat(user)
    sent = line.sent[0][2]
    tel = [a["uri"] for m in sent if m["type"] == "template" for a in m["template"]["actions"]]
    assert tel[:3] == ["tel:191", "tel:1669", "tel:1300"]
