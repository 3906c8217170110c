"""Officers' alerts by multicast: a send group goes as ONE multicast keyed by the group, 409
counts as sent, 5xx is retried for every row, 400 is given up for every row, an officer who
blocked the bot is dropped, and no job or sweep sends a group twice."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from bot.delivery import FAILED, RETRY, SENT, SKIPPED, UNDELIVERABLE, Delivery
from bot.line_api import LineError
from storage import conversations, outbox
from storage.case_store import CaseStore
from storage.models import OutboxMessage
from tests.support.clock import Clock
from tests.support.fake_line import FakeLine
from tests.support.recording_queue import RecordingQueue
from tests.support.statements import recorded_statements

pytestmark = pytest.mark.integration

ALERT = [{"type": "text", "text": "case CRI-1 needs you"}]
OFFICER_A, OFFICER_B, OFFICER_C = "U" + "a" * 32, "U" + "b" * 32, "U" + "c" * 32
GROUP_CHAT = "C" + "d" * 32


class MulticastLine(FakeLine):
    """FakeLine with LINE's multicast: recorded as ("multicast", recipients, messages, retry key)."""

    def multicast(self, to, messages, retry_key):
        self._maybe_fail()
        self.sent.append(("multicast", list(to), messages, retry_key))


def _alert(db, *targets, clock=None) -> list[OutboxMessage]:
    """An alert's rows as casework adds them (one per target, flushed together), committed and
    detached, as the chat processor hands them to the delivery."""
    with db.sessions() as session:
        rows = CaseStore.push_all(session, list(targets or (OFFICER_A, OFFICER_B, GROUP_CHAT)), ALERT)
        if clock is not None:
            session.execute(update(OutboxMessage).where(OutboxMessage.id.in_([row.id for row in rows]))
                            .values(created_at=clock.now))
            for row in rows:
                set_committed_value(row, "created_at", clock.now)
        session.commit()
        return rows


def _state(db, row_id):
    with db.sessions() as session:
        row = session.get(OutboxMessage, row_id)
        return row.status, row.attempts


def _multicasts(line):
    return [s for s in line.sent if s[0] == "multicast"]


def test_two_officers_get_one_multicast_and_the_group_chat_a_push(db):
    line, queue = MulticastLine(), RecordingQueue()
    a, b, chat = _alert(db)
    assert Delivery(db, line, queue).deliver_all([a, b, chat]) == [SENT, SENT]
    assert line.sent == [("multicast", [OFFICER_A, OFFICER_B], ALERT, a.send_group),
                         ("push", GROUP_CHAT, ALERT, chat.retry_key)]
    assert [_state(db, r.id) for r in (a, b, chat)] == [("sent", 1)] * 3


def test_a_job_or_the_sweeper_for_any_row_never_sends_the_group_twice(db):
    line, queue = MulticastLine(), RecordingQueue()
    a, b = _alert(db, OFFICER_A, OFFICER_B)
    delivery = Delivery(db, line, queue)
    assert delivery.deliver(b.id) == SENT          # a job names the second row: the whole group goes
    assert _multicasts(line) == [("multicast", [OFFICER_A, OFFICER_B], ALERT, a.send_group)]
    assert delivery.deliver(a.id) == SKIPPED       # the sweeper's, or the processor's own
    assert delivery.deliver(a.id, a) == SKIPPED
    assert delivery.deliver_all([a, b]) == [SKIPPED]
    assert len(line.sent) == 1


def test_409_means_line_has_the_group_already(db):
    line, queue = MulticastLine(), RecordingQueue()
    line.failures = [LineError(409, '{"message":"The retry key is already accepted"}')]
    a, b = _alert(db, OFFICER_A, OFFICER_B)
    assert Delivery(db, line, queue).deliver(a.id, a) == SENT
    assert [_state(db, r.id) for r in (a, b)] == [("sent", 1)] * 2
    assert queue.delivers == []


def test_500_backs_off_every_row_of_the_group_and_the_retry_multicasts_with_the_same_key(db):
    clock = Clock()
    line, queue = MulticastLine(), RecordingQueue()
    line.failures = [LineError(500, '{"message":"Internal error"}')]
    a, b, chat = _alert(db, clock=clock)
    delivery = Delivery(db, line, queue, clock=clock)
    assert delivery.deliver_all([a, b, chat]) == [RETRY, SENT]
    for row_id in (a.id, b.id):
        with db.sessions() as session:
            row = session.get(OutboxMessage, row_id)
            assert (row.status, row.attempts) == ("pending", 1) and "500" in row.last_error
            assert row.next_attempt_at is not None
    assert len(queue.delivers) == 1                 # one delayed job for the group, not one per row
    with db.sessions() as session:
        clock.to(session.get(OutboxMessage, a.id).next_attempt_at)
    assert delivery.deliver(b.id) == SENT           # the retry: one multicast again, the same key
    assert _multicasts(line) == [("multicast", [OFFICER_A, OFFICER_B], ALERT, a.send_group)]
    assert [_state(db, r.id) for r in (a, b)] == [("sent", 2)] * 2


def test_400_gives_up_every_row_of_the_group(db):
    line, queue = MulticastLine(), RecordingQueue()
    line.failures = [LineError(400, '{"message":"The request body has 1 error(s)"}')]
    a, b = _alert(db, OFFICER_A, OFFICER_B)
    assert Delivery(db, line, queue).deliver(a.id, a) == FAILED
    assert [_state(db, r.id)[0] for r in (a, b)] == ["undeliverable"] * 2
    assert queue.delivers == []
    assert Delivery(db, line, queue).deliver(b.id) == SKIPPED


def test_an_officer_who_blocked_the_bot_is_left_out_of_the_multicast(db):
    line, queue = MulticastLine(), RecordingQueue()
    a, b, c = _alert(db, OFFICER_A, OFFICER_B, OFFICER_C)
    with db.transaction() as session:
        conversations.set_blocked(conversations.load(session, OFFICER_B, OFFICER_B), True)
    assert Delivery(db, line, queue).deliver(a.id, a) == SENT
    assert line.sent == [("multicast", [OFFICER_A, OFFICER_C], ALERT, a.send_group)]
    assert [_state(db, r.id)[0] for r in (a, b, c)] == ["sent", "undeliverable", "sent"]


def test_a_group_everyone_of_whom_blocked_the_bot_sends_nothing(db):
    line, queue = MulticastLine(), RecordingQueue()
    rows = _alert(db, OFFICER_A, OFFICER_B)
    with db.transaction() as session:
        for officer in (OFFICER_A, OFFICER_B):
            conversations.set_blocked(conversations.load(session, officer, officer), True)
    assert Delivery(db, line, queue).deliver(rows[0].id, rows[0]) == UNDELIVERABLE
    assert line.sent == [] and [_state(db, r.id)[0] for r in rows] == ["undeliverable"] * 2


def test_no_answer_keeps_the_alert_trying_for_its_notice_window_on_every_row(db):
    clock = Clock()
    line, queue = MulticastLine(), RecordingQueue()
    line.failures = [LineError(None, "no answer")] * 3
    a, b = _alert(db, OFFICER_A, OFFICER_B, clock=clock)
    delivery = Delivery(db, line, queue, max_attempts=1, notice_seconds=600, clock=clock)
    assert delivery.deliver(a.id, a) == RETRY       # past LINE_SEND_RETRIES, within the alert's window
    with db.sessions() as session:
        bounds = {session.get(OutboxMessage, r.id).deliver_until for r in (a, b)}
    assert len(bounds) == 1 and None not in bounds


def test_a_multicast_row_is_never_a_reporters(db):
    with db.sessions() as session:
        row = outbox.add(session, chat_key=OFFICER_A, messages=ALERT, push_to=OFFICER_A, push_allowed=True)
        row.reporter_case_id = 3
        other = outbox.add(session, chat_key=OFFICER_B, messages=ALERT, push_to=OFFICER_B, push_allowed=True)
        other.reporter_case_id = 4
        assert outbox.group_alike([row, other]) == [] and row.send_group is None
        session.rollback()


def test_no_write_lock_is_held_while_line_is_called(db, database_url):
    """On SQLite the webhook's inserts share one write lock with the workers: a group's attempt
    must not hold it across the multicast (it did once: an UPDATE matching no blocked officer)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's database-wide write lock")
    writes = []

    class WritingLine(MulticastLine):
        def multicast(self, to, messages, retry_key):
            other = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
            try:
                other.execute("BEGIN IMMEDIATE")   # what the webhook's insert needs, now
                other.execute("ROLLBACK")
                writes.append("ok")
            finally:
                other.close()
            super().multicast(to, messages, retry_key)

    a, _ = _alert(db, OFFICER_A, OFFICER_B)
    assert Delivery(db, WritingLine(), RecordingQueue()).deliver(a.id, a) == SENT
    assert writes == ["ok"]


def test_an_alert_to_two_officers_costs_two_statements_not_six(db):
    """Claim the group (which says who blocked the bot) and mark it sent: one statement each for
    the whole group (one push per officer ran a claim, a blocked check and a mark for each); the
    drop of who blocked the bot only when the claim saw one."""
    line, queue = MulticastLine(), RecordingQueue()
    a, b = _alert(db, OFFICER_A, OFFICER_B)
    with recorded_statements(db.engine) as seen:
        assert Delivery(db, line, queue).deliver_all([a, b]) == [SENT]
    assert [s.split()[0] for s in seen] == ["UPDATE", "UPDATE"], seen
    assert len(line.sent) == 1
    c, d = _alert(db, OFFICER_A, OFFICER_B)
    with db.transaction() as session:
        conversations.set_blocked(conversations.load(session, OFFICER_B, OFFICER_B), True)
    with recorded_statements(db.engine) as seen:
        assert Delivery(db, line, queue).deliver_all([c, d]) == [SENT]
    assert [s.split()[0] for s in seen] == ["UPDATE", "UPDATE", "UPDATE"], seen
    assert line.sent[-1][1] == [OFFICER_A]
