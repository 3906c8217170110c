"""A row waiting for its next attempt survives a lost job (Redis outage, worker restart or
killed mid-send): the sweeper re-queues it once it is due, and it is still sent once."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from bot.delivery import HOLD_SECONDS, RETRY, SENT, SKIPPED, Delivery
from bot.line_api import LineError
from storage import outbox
from storage.models import OutboxMessage, utcnow
from storage.timeutil import as_utc
from tests.support.clock import Clock
from tests.support.fake_line import FakeLine
from tests.support.recording_queue import RecordingQueue
from worker.sweeper import sweep

pytestmark = pytest.mark.integration

MESSAGES = [{"type": "text", "text": "hello"}]


class SlowLine(FakeLine):
    """LINE taking its time over the first reply: a second job for the row runs meanwhile."""

    def __init__(self):
        super().__init__()
        self.inside, self.release = threading.Event(), threading.Event()

    def reply(self, reply_token, messages):
        if not self.inside.is_set():
            self.inside.set()
            assert self.release.wait(10)
        super().reply(reply_token, messages)


def _row(db, deadline_in=600, created=None) -> int:
    with db.transaction() as session:
        row = outbox.add(session, chat_key="U1", messages=MESSAGES, push_to="U1", push_allowed=True,
                         reply_token="tok", reply_deadline=utcnow() + timedelta(seconds=deadline_in))
        row.created_at = created or row.created_at
        session.flush()
        return row.id


def _held_row(db, held_until) -> OutboxMessage:
    """A row as the processor writes its answer: claimed in the commit that writes it."""
    with db.transaction() as session:
        row = outbox.add(session, chat_key="U1", messages=MESSAGES, push_to="U1", push_allowed=True,
                         reply_token="tok", reply_deadline=utcnow() + timedelta(seconds=600), held_until=held_until)
        session.flush()
        return row


def _row_state(db, row_id):
    with db.sessions() as session:
        return session.get(OutboxMessage, row_id)


def test_two_jobs_for_one_row_at_once_send_it_once(db):
    line, queue = SlowLine(), RecordingQueue()
    row_id = _row(db)
    delivery = Delivery(db, line, queue)
    first = []
    worker = threading.Thread(target=lambda: first.append(delivery.deliver(row_id)))
    worker.start()
    try:
        assert line.inside.wait(10)
        assert delivery.deliver(row_id) == SKIPPED     # the sweeper's job, while the first one sends
    finally:
        line.release.set()
        worker.join(10)
    assert first == [SENT]
    assert line.sent == [("reply", "tok", MESSAGES)]


def test_a_row_whose_retry_job_was_lost_is_swept_once_due_and_sent_once(db):
    line, queue = FakeLine(), RecordingQueue()
    line.failures = [LineError(503, '{"message":"Service unavailable"}')]
    clock = Clock(utcnow() - timedelta(seconds=60))        # the failure was a minute ago
    row_id = _row(db, created=clock.now)
    delivery = Delivery(db, line, queue, clock=clock)
    assert delivery.deliver(row_id) == RETRY
    next_at = as_utc(_row_state(db, row_id).next_attempt_at)
    with db.sessions() as session:
        assert row_id not in outbox.due(session, timedelta(0), now=next_at - timedelta(seconds=0.5))
        assert row_id in outbox.due(session, timedelta(0), now=next_at)
    lost_job = queue.delivers.pop()                        # Redis lost it (outage, worker restart)
    assert sweep(db, queue, older_than_seconds=0) == (0, 1)
    assert queue.delivers == [(row_id, 0)]
    clock.to(utcnow())
    assert delivery.deliver(row_id) == SENT                # the sweeper's job
    assert delivery.deliver(lost_job[0]) == SKIPPED        # the original job, turning up late after all
    assert line.sent == [("reply", "tok", MESSAGES)]
    assert sweep(db, queue, older_than_seconds=0) == (0, 0)


def test_a_row_held_by_a_killed_worker_waits_for_its_hold_then_is_sent_once(db):
    line, queue = FakeLine(), RecordingQueue()
    row_id = _row(db)
    now = utcnow()
    with db.sessions() as session:                         # a worker claimed it, then was SIGKILLed
        assert outbox.claim(session, row_id, due_by=now, hold_until=now + timedelta(seconds=HOLD_SECONDS))
        session.commit()
    assert sweep(db, queue, older_than_seconds=0) == (0, 0)
    assert Delivery(db, line, queue).deliver(row_id) == SKIPPED
    with db.sessions() as session:
        assert outbox.due(session, timedelta(0), now=now + timedelta(seconds=HOLD_SECONDS)) == [row_id]
    later = Clock(now + timedelta(seconds=HOLD_SECONDS))
    assert Delivery(db, line, queue, clock=later).deliver(row_id) == SENT
    assert line.sent == [("reply", "tok", MESSAGES)]


def test_a_row_written_claimed_by_a_worker_killed_before_sending_waits_its_hold_then_is_sent_once(db):
    """The processor writes its answer's row claimed (outbox.add's held_until) and sends it after
    the commit; killed in between, the row is the sweeper's once the hold ends, and goes once."""
    line, queue = FakeLine(), RecordingQueue()
    now = utcnow()
    row_id = _held_row(db, now + timedelta(seconds=HOLD_SECONDS)).id
    assert _row_state(db, row_id).last_error == outbox.SENDING
    assert sweep(db, queue, older_than_seconds=0) == (0, 0)
    assert Delivery(db, line, queue).deliver(row_id) == SKIPPED     # a job naming it: still held
    later = Clock(now + timedelta(seconds=HOLD_SECONDS))
    assert Delivery(db, line, queue, clock=later).deliver(row_id) == SENT
    assert Delivery(db, line, queue, clock=later).deliver(row_id) == SKIPPED
    assert line.sent == [("reply", "tok", MESSAGES)]


def test_a_row_written_claimed_is_sent_by_its_writer_without_a_claim(db):
    line, queue = FakeLine(), RecordingQueue()
    delivery = Delivery(db, line, queue)
    row = _held_row(db, delivery.hold_until())
    assert delivery.deliver(row.id, row) == SENT
    assert _row_state(db, row.id).status == "sent" and line.sent == [("reply", "tok", MESSAGES)]


def test_a_row_inserted_at_once_comes_back_whole_and_detached(db):
    """outbox.insert_now: the processor's answer, written by one Core INSERT, is the same row as
    add() would make, readable back, and delivery takes it as it is."""
    from sqlalchemy import inspect

    line, queue = FakeLine(), RecordingQueue()
    delivery = Delivery(db, line, queue)
    with db.transaction() as session:
        row = outbox.insert_now(session, chat_key="U1", messages=MESSAGES, push_to="U1", push_allowed=True,
                                reply_token="tok", reply_deadline=utcnow() + timedelta(seconds=600),
                                held_until=delivery.hold_until())
        assert inspect(row).detached and row.id and row not in session
    stored = _row_state(db, row.id)
    assert (stored.messages, stored.reply_token, stored.last_error, stored.status) == (MESSAGES, "tok",
                                                                                       outbox.SENDING, "pending")
    assert delivery.deliver(row.id, row) == SENT and line.sent == [("reply", "tok", MESSAGES)]
