"""Outbox delivery: reply, fall back to push only where allowed, retry with back-off;
emergency answers and alerts keep trying until delivered, within their bound."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import inspect

from bot.delivery import (
    BACKOFF_CAP_SECONDS,
    FAILED,
    RETRY,
    RETRY_KEY_LIFETIME,
    SENT,
    SKIPPED,
    Delivery,
    backoff_seconds,
)
from bot.line_api import LineError
from settings import Settings
from storage import migrate, outbox
from storage.db import Database
from storage.models import InboxEvent, OutboxMessage, utcnow
from storage.timeutil import as_utc
from tests.support.clock import Clock
from tests.support.fake_line import FakeLine
from tests.support.flaky_line import FlakyLine
from tests.support.migrations import schema_drift
from tests.support.recording_queue import RecordingQueue

pytestmark = pytest.mark.integration

MESSAGES = [{"type": "text", "text": "hello"}]
LINE_500 = LineError(500, '{"message":"Internal error"}')


def _row(db, *, token="tok", deadline_in=30, push_allowed=True, until_in=None, answers_event=False,
         now=None) -> int:
    now = now or utcnow()
    with db.transaction() as session:
        event_id = None
        if answers_event:
            event = InboxEvent(webhook_event_id=uuid.uuid4().hex, chat_key="U1", event_type="message",
                               line_timestamp=1, payload={}, status="done", attempts=0, received_at=now)
            session.add(event)
            session.flush()
            event_id = event.id
        row = outbox.add(session, chat_key="U1", messages=MESSAGES, push_to="U1", push_allowed=push_allowed,
                         reply_token=token, reply_deadline=now + timedelta(seconds=deadline_in) if token else None,
                         inbox_event_id=event_id,
                         deliver_until=now + timedelta(seconds=until_in) if until_in is not None else None)
        session.flush()
        return row.id


def _status(db, row_id):
    with db.sessions() as session:
        return session.get(OutboxMessage, row_id)


def _drive(db, delivery, clock, row_id, limit=1000) -> list[str]:
    """Run the row's attempts as the scheduler would: each at its next_attempt_at."""
    outcomes = [delivery.deliver(row_id)]
    while outcomes[-1] == RETRY and len(outcomes) < limit:
        clock.to(_status(db, row_id).next_attempt_at)
        outcomes.append(delivery.deliver(row_id))
    return outcomes


def test_reply_with_a_fresh_token(db):
    line, queue = FakeLine(), RecordingQueue()
    row_id = _row(db)
    assert Delivery(db, line, queue).deliver(row_id) == SENT
    assert line.sent == [("reply", "tok", MESSAGES)]
    assert _status(db, row_id).status == "sent"
    assert Delivery(db, line, queue).deliver(row_id) == SKIPPED  # never twice
    assert len(line.sent) == 1


def test_line_500_is_retried_with_backoff_then_sent_once(db):
    line, queue, clock = FakeLine(), RecordingQueue(), Clock()
    line.failures = [LINE_500]
    row_id = _row(db, now=clock.now)
    delivery = Delivery(db, line, queue, clock=clock)
    assert delivery.deliver(row_id) == RETRY
    assert queue.delivers == [(row_id, backoff_seconds(1))]
    row = _status(db, row_id)
    assert row.status == "pending" and "Internal error" in row.last_error
    assert as_utc(row.next_attempt_at) == clock.now + timedelta(seconds=backoff_seconds(1))
    clock.to(row.next_attempt_at)
    assert delivery.deliver(row_id) == SENT
    assert line.sent == [("reply", "tok", MESSAGES)]


def test_429_is_retried_too_and_gives_up_after_max_attempts(db):
    line, queue, clock = FakeLine(), RecordingQueue(), Clock()
    line.failures = [LineError(429, '{"message":"rate limit"}')] * 3
    row_id = _row(db, now=clock.now)
    delivery = Delivery(db, line, queue, max_attempts=3, clock=clock)
    assert _drive(db, delivery, clock, row_id) == [RETRY, RETRY, FAILED]
    assert _status(db, row_id).status == "failed"
    assert [delay for _, delay in queue.delivers] == [1.0, 2.0]


def test_a_row_waiting_for_its_back_off_is_not_sent_early(db):
    line, queue, clock = FakeLine(), RecordingQueue(), Clock()
    line.failures = [LINE_500, LINE_500]
    row_id = _row(db, now=clock.now)
    delivery = Delivery(db, line, queue, clock=clock)
    assert [delivery.deliver(row_id), delivery.deliver(row_id)] == [RETRY, RETRY]   # back-off 1 s: due
    assert delivery.deliver(row_id) == SKIPPED    # back-off 2 s: its own delayed job sends it
    assert _status(db, row_id).attempts == 2


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


# -- rows that keep trying: emergency answers, alerts ------------------------------------------

def test_an_emergency_answer_is_retried_past_send_retries_until_delivered(db):
    clock = Clock()
    line, queue = FlakyLine(clock), RecordingQueue()
    line.failures = [LINE_500] * 12
    row_id = _row(db, now=clock.now, deadline_in=50, until_in=900, answers_event=True)
    outcomes = _drive(db, Delivery(db, line, queue, max_attempts=5, clock=clock), clock, row_id)
    assert outcomes == [RETRY] * 12 + [SENT]
    assert _status(db, row_id).status == "sent" and _status(db, row_id).attempts == 13
    deadline = as_utc(_status(db, row_id).reply_deadline)
    assert all(kind == ("reply" if when < deadline else "push") for kind, when, _, _ in line.calls)
    assert line.sent[-1][0] == "push"            # the reply token grew too old meanwhile


def test_every_push_of_a_row_carries_the_rows_retry_key(db):
    clock = Clock()
    line, queue = FlakyLine(clock), RecordingQueue()
    line.failures = [LINE_500] * 8
    row_id = _row(db, now=clock.now, deadline_in=-1, until_in=900, answers_event=True)
    assert _drive(db, Delivery(db, line, queue, clock=clock), clock, row_id)[-1] == SENT
    pushes = [call for call in line.calls if call[0] == "push"]
    assert len(pushes) == 9
    assert {retry_key for _, _, retry_key, _ in pushes} == {_status(db, row_id).retry_key}


def test_an_ordinary_answer_still_gives_up_after_send_retries(db):
    clock = Clock()
    line, queue = FlakyLine(clock), RecordingQueue()
    line.failures = [LINE_500] * 50
    row_id = _row(db, now=clock.now, answers_event=True)        # no deliver_until
    delivery = Delivery(db, line, queue, max_attempts=5, notice_seconds=900, clock=clock)
    assert _drive(db, delivery, clock, row_id) == [RETRY] * 4 + [FAILED]
    row = _status(db, row_id)
    assert (row.status, row.attempts, row.deliver_until) == ("failed", 5, None)
    assert len(line.calls) == 5


def test_an_error_of_ours_while_sending_ends_the_row_instead_of_holding_it_for_ever(db):
    clock = Clock()
    line, queue = FlakyLine(clock), RecordingQueue()
    line.failures = [ValueError("the SDK refused a message")] * 50
    row_id = _row(db, now=clock.now, answers_event=True)
    delivery = Delivery(db, line, queue, max_attempts=5, notice_seconds=900, clock=clock)
    assert _drive(db, delivery, clock, row_id) == [RETRY] * 4 + [FAILED]
    row = _status(db, row_id)
    assert (row.status, row.next_attempt_at) == ("failed", None)
    assert "ValueError" in row.last_error and "SDK refused" not in row.last_error


def test_an_ordinary_answer_rides_out_half_a_minute_of_line_500s_with_the_default_settings(db):
    clock = Clock()
    line, queue = FlakyLine(clock), RecordingQueue()
    line.failures = [LINE_500] * 6                       # tries at 0, 1, 3, 7, 15 and 30 s all refused
    row_id = _row(db, now=clock.now, token=None, answers_event=True)
    delivery = Delivery(db, line, queue, max_attempts=Settings().send_retries, notice_seconds=900, clock=clock)
    assert _drive(db, delivery, clock, row_id) == [RETRY] * 6 + [SENT]
    assert (clock.now - line.calls[0][1]).total_seconds() >= 30
    assert _status(db, row_id).status == "sent"


USED_TOKEN = LineError(400, '{"message":"Invalid reply token"}')


class CommitFailsOnce:
    """A session factory whose first outcome commit fails as a database going away would."""

    def __init__(self, sessions):
        self.sessions, self.commits = sessions, 0

    def __call__(self):
        session = self.sessions()
        real_commit = session.commit

        def commit():
            self.commits += 1
            if self.commits == 2:          # 1: the claim; 2: the outcome of the first attempt
                session.rollback()
                raise ConnectionError("the database went away")
            real_commit()
        session.commit = commit
        return session


def test_a_reply_accepted_before_the_database_went_away_is_not_pushed_again(db):
    clock = Clock()
    line, queue = FlakyLine(clock), RecordingQueue()
    row_id = _row(db, now=clock.now, deadline_in=50, answers_event=True)
    delivery = Delivery(db, line, queue, max_attempts=5, notice_seconds=900, clock=clock)
    real_sessions = db.sessions
    db.sessions = CommitFailsOnce(real_sessions)
    with pytest.raises(ConnectionError):
        delivery.deliver(row_id)                      # LINE took the reply; "sent" never committed
    db.sessions = real_sessions
    assert [call[0] for call in line.calls] == ["reply"] and _status(db, row_id).status == "pending"
    clock.to(_status(db, row_id).next_attempt_at)     # the hold ends: the sweeper hands it out again
    line.failures = [USED_TOKEN]                      # LINE: that token was used (by our first reply)
    assert delivery.deliver(row_id) == SENT
    assert [call[0] for call in line.calls] == ["reply", "reply"]   # no push: shown once
    assert _status(db, row_id).status == "sent"


def test_a_used_reply_token_with_no_earlier_attempt_still_falls_back_to_push(db):
    clock = Clock()
    line, queue = FlakyLine(clock), RecordingQueue()
    row_id = _row(db, now=clock.now, deadline_in=50, answers_event=True)
    line.failures = [USED_TOKEN]
    assert Delivery(db, line, queue, max_attempts=5, clock=clock).deliver(row_id) == SENT
    assert [call[0] for call in line.calls] == ["reply", "push"]


def test_the_bound_is_respected(db):
    clock = Clock()
    line, queue = FlakyLine(clock), RecordingQueue()
    line.failures = [LINE_500] * 10_000
    row_id = _row(db, now=clock.now, deadline_in=50, until_in=600, answers_event=True)
    until = as_utc(_status(db, row_id).deliver_until)
    outcomes = _drive(db, Delivery(db, line, queue, max_attempts=5, clock=clock), clock, row_id)
    assert outcomes[-1] == FAILED and set(outcomes[:-1]) == {RETRY}
    times = [when for _, when, _, _ in line.calls]
    assert max(times) == until                   # the last try falls on the bound, none after it
    assert len(times) > 30                       # kept trying all along, not just 5 times
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
    assert max(gaps) <= BACKOFF_CAP_SECONDS      # seconds between tries, never minutes
    assert all(0 <= delay <= BACKOFF_CAP_SECONDS for _, delay in queue.delivers)
    assert _status(db, row_id).status == "failed"
    assert Delivery(db, line, queue, clock=clock).deliver(row_id) == SKIPPED


def test_a_400_is_not_retried_even_for_an_emergency_answer(db):
    line, queue = FakeLine(), RecordingQueue()
    line.failures = [LineError(400, '{"message":"The request body has 1 error(s)"}')]
    row_id = _row(db, deadline_in=-1, until_in=900, answers_event=True)
    assert Delivery(db, line, queue).deliver(row_id) == FAILED
    assert _status(db, row_id).status == "undeliverable" and queue.delivers == []


def test_an_emergency_answer_is_not_pushed_where_the_conversation_forbids_it(db):
    clock = Clock()
    line, queue = FlakyLine(clock), RecordingQueue()
    line.failures = [LINE_500] * 100
    row_id = _row(db, now=clock.now, deadline_in=20, push_allowed=False, until_in=900, answers_event=True)
    outcomes = _drive(db, Delivery(db, line, queue, clock=clock), clock, row_id)
    assert outcomes[-1] == FAILED
    assert {kind for kind, *_ in line.calls} == {"reply"}        # retried while the token was fresh
    assert _status(db, row_id).status == "undeliverable"


def test_alerts_to_officers_keep_trying_for_the_notice_window(db):
    clock = Clock()
    line, queue = FlakyLine(clock), RecordingQueue()
    line.failures = [LINE_500] * 10_000
    row_id = _row(db, now=clock.now, token=None)                  # a push that answers no event: an alert
    created = as_utc(_status(db, row_id).created_at)
    outcomes = _drive(db, Delivery(db, line, queue, max_attempts=5, notice_seconds=300, clock=clock), clock, row_id)
    assert len(outcomes) > 5 and outcomes[-1] == FAILED
    assert as_utc(_status(db, row_id).deliver_until) == created + timedelta(seconds=300)
    assert max(when for _, when, _, _ in line.calls) == created + timedelta(seconds=300)
    assert {retry_key for _, _, retry_key, _ in line.calls} == {_status(db, row_id).retry_key}


def test_no_row_keeps_trying_past_its_retry_keys_lifetime(db):
    clock = Clock()
    line, queue = FlakyLine(clock), RecordingQueue()
    line.failures = [LINE_500] * 1000
    row_id = _row(db, now=clock.now, deadline_in=-1, until_in=3 * 86400, answers_event=True)
    created = as_utc(_status(db, row_id).created_at)
    delivery = Delivery(db, line, queue, clock=clock)
    assert _drive(db, delivery, clock, row_id, limit=8) == [RETRY] * 8
    clock.to(created + RETRY_KEY_LIFETIME - timedelta(seconds=20))   # a day of failures later
    outcomes = _drive(db, delivery, clock, row_id)
    assert outcomes[-1] == FAILED and len(outcomes) > 1
    assert max(when for _, when, _, _ in line.calls) == created + RETRY_KEY_LIFETIME


def test_migration_0007_matches_the_outbox_model_and_goes_down_and_up(database_url):
    database = Database(database_url)
    try:
        assert schema_drift(database, "outbox_messages") == []
        migrate.downgrade(database_url, "0007-1")
        with database.engine.connect() as connection:
            assert "deliver_until" not in {c["name"] for c in inspect(connection).get_columns("outbox_messages")}
        migrate.upgrade(database_url)
        with database.engine.connect() as connection:
            assert "deliver_until" in {c["name"] for c in inspect(connection).get_columns("outbox_messages")}
    finally:
        database.dispose()


def _fresh_row(db, now=None) -> OutboxMessage:
    """A row as the chat processor holds it after its commit: made by outbox.add, detached."""
    now = now or utcnow()
    with db.sessions() as session:
        row = outbox.add(session, chat_key="U1", messages=MESSAGES, push_to="U1", push_allowed=True,
                         reply_token="tok", reply_deadline=now + timedelta(seconds=30))
        session.commit()
    return row


def test_a_row_handed_over_as_committed_is_sent_without_reading_it_back(db):
    from sqlalchemy import event

    line, queue = FakeLine(), RecordingQueue()
    row = _fresh_row(db)
    row_id = row.id
    statements = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()).upper())

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        assert Delivery(db, line, queue).deliver(row_id, row) == SENT
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert line.sent == [("reply", "tok", MESSAGES)]
    assert not [s for s in statements if s.startswith("SELECT")]      # neither the row nor the conversation
    assert len([s for s in statements if s.startswith("UPDATE OUTBOX_MESSAGES")]) == 2   # claim, outcome
    stored = _status(db, row_id)
    assert (stored.status, stored.attempts, stored.last_error, stored.next_attempt_at) == ("sent", 1, None, None)


def test_a_handed_over_row_someone_else_sent_meanwhile_is_skipped(db):
    line, queue = FakeLine(), RecordingQueue()
    row = _fresh_row(db)
    row_id = row.id
    assert Delivery(db, line, queue).deliver(row_id) == SENT
    assert Delivery(db, line, queue).deliver(row_id, row) == SKIPPED
    assert len(line.sent) == 1


def test_a_handed_over_row_that_fails_is_retried_like_any_other(db):
    line, queue, clock = FakeLine(), RecordingQueue(), Clock()
    line.failures = [LINE_500]
    row = _fresh_row(db, now=clock.now)
    row_id = row.id
    delivery = Delivery(db, line, queue, clock=clock)
    assert delivery.deliver(row_id, row) == RETRY
    stored = _status(db, row_id)
    assert stored.status == "pending" and stored.attempts == 1 and "Internal error" in stored.last_error
    assert queue.delivers == [(row_id, backoff_seconds(1))]
    clock.to(stored.next_attempt_at)
    assert delivery.deliver(row_id) == SENT and line.sent == [("reply", "tok", MESSAGES)]
