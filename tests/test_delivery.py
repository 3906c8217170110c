"""Outbox delivery: reply, fall back to push only where allowed, retry with back-off."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.delivery import FAILED, RETRY, SENT, SKIPPED, Delivery, backoff_seconds
from bot.line_api import LineError
from storage import outbox
from storage.db import Database
from storage.models import OutboxMessage, utcnow
from tests.support.fake_line import FakeLine

pytestmark = pytest.mark.integration

MESSAGES = [{"type": "text", "text": "hello"}]


class RecordingQueue:
    def __init__(self):
        self.delayed = []

    def deliver(self, outbox_id, delay_seconds=0):
        self.delayed.append((outbox_id, delay_seconds))
        return True


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    yield database
    database.dispose()


def _row(db, *, token="tok", deadline_in=30, push_allowed=True) -> int:
    with db.transaction() as session:
        row = outbox.add(session, chat_key="U1", messages=MESSAGES, push_to="U1", push_allowed=push_allowed,
                         reply_token=token, reply_deadline=utcnow() + timedelta(seconds=deadline_in))
        session.flush()
        return row.id


def _status(db, row_id):
    with db.sessions() as session:
        return session.get(OutboxMessage, row_id)


def test_reply_with_a_fresh_token(db):
    line, queue = FakeLine(), RecordingQueue()
    row_id = _row(db)
    assert Delivery(db, line, queue).deliver(row_id) == SENT
    assert line.sent == [("reply", "tok", MESSAGES)]
    assert _status(db, row_id).status == "sent"
    assert Delivery(db, line, queue).deliver(row_id) == SKIPPED  # never twice
    assert len(line.sent) == 1


def test_line_500_is_retried_with_backoff_then_sent_once(db):
    line, queue = FakeLine(), RecordingQueue()
    line.failures = [LineError(500, '{"message":"Internal error"}')]
    row_id = _row(db)
    delivery = Delivery(db, line, queue)
    assert delivery.deliver(row_id) == RETRY
    assert queue.delayed == [(row_id, backoff_seconds(1))]
    row = _status(db, row_id)
    assert row.status == "pending" and "Internal error" in row.last_error
    assert delivery.deliver(row_id) == SENT
    assert line.sent == [("reply", "tok", MESSAGES)]


def test_429_is_retried_too_and_gives_up_after_max_attempts(db):
    line, queue = FakeLine(), RecordingQueue()
    line.failures = [LineError(429, '{"message":"rate limit"}')] * 3
    row_id = _row(db)
    delivery = Delivery(db, line, queue, max_attempts=3)
    assert [delivery.deliver(row_id) for _ in range(3)] == [RETRY, RETRY, FAILED]
    assert _status(db, row_id).status == "failed"
    assert [delay for _, delay in queue.delayed] == [1.0, 2.0]


def test_expired_token_falls_back_to_push_with_retry_key(db):
    line, queue = FakeLine(), RecordingQueue()
    row_id = _row(db, deadline_in=-1)
    assert Delivery(db, line, queue).deliver(row_id) == SENT
    kind, to, messages, retry_key = line.sent[0]
    assert (kind, to, messages) == ("push", "U1", MESSAGES)
    assert retry_key == _status(db, row_id).retry_key


def test_refused_token_falls_back_to_push(db):
    line, queue = FakeLine(), RecordingQueue()
    line.failures = [LineError(400, '{"message":"Invalid reply token"}')]
    row_id = _row(db)
    assert Delivery(db, line, queue).deliver(row_id) == SENT
    assert line.sent[0][0] == "push"


def test_no_push_where_the_conversation_forbids_it(db):
    line, queue = FakeLine(), RecordingQueue()
    row_id = _row(db, deadline_in=-1, push_allowed=False)
    assert Delivery(db, line, queue).deliver(row_id) == FAILED
    assert line.sent == []
    assert _status(db, row_id).status == "undeliverable"


def test_push_already_accepted_409_counts_as_sent(db):
    line, queue = FakeLine(), RecordingQueue()
    line.failures = [LineError(409, '{"message":"The retry key is already accepted"}')]
    row_id = _row(db, deadline_in=-1)
    assert Delivery(db, line, queue).deliver(row_id) == SENT
    assert _status(db, row_id).status == "sent"
