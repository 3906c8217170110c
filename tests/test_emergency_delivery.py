"""Issue 10, defect 9: the answer to a help word survives LINE answering 500 for a while.

The whole bot (flows, conversation, processor, delivery) on a scripted LINE, with the
delivery's clock moved by hand to each scheduled retry, so minutes of outage take no time."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import create_app
from bot.delivery import RETRY, SENT
from bot.line_api import LineError
from locales.catalogs import catalogs
from storage.models import OutboxMessage
from storage.timeutil import as_utc
from tests.support.clock import Clock
from tests.support.events import text_event
from tests.support.flaky_line import FlakyLine
from tests.support.webhook import post_events, user_id

pytestmark = pytest.mark.integration

LINE_500 = LineError(500, '{"message":"Internal error"}')


def _stack(settings):
    clock = Clock()
    line = FlakyLine(clock)
    app = create_app(settings, line=line)
    hotline = app.extensions["hotline"]
    hotline.delivery.clock = clock
    return app, hotline, line, clock


def _rows(hotline, user):
    with hotline.db.sessions() as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.chat_key == user)
                                    .order_by(OutboxMessage.id)))


def _retry_until_done(hotline, clock, row_id, limit=500) -> list[str]:
    outcomes = []
    while len(outcomes) < limit:
        with hotline.db.sessions() as session:
            row = session.get(OutboxMessage, row_id)
            if row.status != "pending":
                return outcomes
            clock.to(row.next_attempt_at)
        outcomes.append(hotline.delivery.deliver(row_id))
    return outcomes


def test_the_answer_to_help_arrives_after_minutes_of_line_500s(settings):
    app, hotline, line, clock = _stack(settings)
    user = user_id()
    line.failures = [LINE_500] * 40          # LINE down for several minutes
    post_events(app.test_client(), [text_event(user, "help")])
    assert hotline.processor.process_chat(user) == 1
    [row] = _rows(hotline, user)
    assert row.deliver_until is not None
    outcomes = _retry_until_done(hotline, clock, row.id)
    assert outcomes[-1] == SENT and set(outcomes[:-1]) == {RETRY}
    [row] = _rows(hotline, user)
    assert row.status == "sent"
    kind, to, messages, retry_key = line.sent[-1]
    assert (kind, to, retry_key) == ("push", user, row.retry_key)     # the reply token was too old by then
    assert catalogs().text("en", "emergency.now") in [m.get("text") for m in messages]
    assert as_utc(row.sent_at) <= as_utc(row.deliver_until)
    assert len(line.sent) == 1                                         # once


@pytest.mark.parametrize("word", ["help", "ช่วยด้วย", "ကယ်ပါ", "ជួយផង", "ຊ່ວຍແດ່"])
def test_a_help_word_in_each_language_makes_an_emergency_answer(settings, word):
    app, hotline, line, clock = _stack(settings)
    user = user_id()
    post_events(app.test_client(), [text_event(user, word)])
    hotline.processor.process_chat(user)
    [row] = _rows(hotline, user)
    received = as_utc(row.reply_deadline) - timedelta(seconds=settings.reply_token_ttl_seconds)
    assert as_utc(row.deliver_until) == received + timedelta(seconds=settings.emergency_delivery_seconds)
    assert row.push_allowed and row.status == "sent"


def test_an_ordinary_answer_keeps_the_send_retries_rule(settings):
    app, hotline, line, clock = _stack(settings)
    user = user_id()
    post_events(app.test_client(), [text_event(user, "hello")])
    hotline.processor.process_chat(user)
    assert [row.deliver_until for row in _rows(hotline, user)] == [None]
