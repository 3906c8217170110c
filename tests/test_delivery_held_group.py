"""Officers' alerts written claimed in the decision's transaction (outbox.sent_after_commit): the
group goes as ONE multicast with no claim of its own, who blocked the bot is dropped when the rows
are written, a killed worker's group comes back when the hold ends, and outside it nothing is held."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.delivery import HOLD_SECONDS, RETRY, SENT, SKIPPED, UNDELIVERABLE, Delivery
from bot.line_api import LineError
from storage import conversations, outbox
from storage.case_store import CaseStore
from storage.models import OutboxMessage
from tests.support.clock import Clock
from tests.support.recording_queue import RecordingQueue
from tests.support.statements import recorded_statements
from tests.test_delivery_multicast import ALERT, GROUP_CHAT, OFFICER_A, OFFICER_B, OFFICER_C, MulticastLine

pytestmark = pytest.mark.integration


def _held_alert(db, delivery, *targets) -> list[OutboxMessage]:
    """An alert's rows as the chat processor's decision writes them: inside sent_after_commit."""
    with db.sessions() as session:
        with outbox.sent_after_commit(session, delivery.hold_until()):
            rows = CaseStore.push_all(session, list(targets), ALERT)
        session.commit()
        return rows


def _row(db, row_id):
    with db.sessions() as session:
        row = session.get(OutboxMessage, row_id)
        return row.status, row.attempts, row.last_error


def test_a_held_group_is_one_multicast_and_one_update(db):
    line, queue = MulticastLine(), RecordingQueue()
    delivery = Delivery(db, line, queue)
    a, b, chat = _held_alert(db, delivery, OFFICER_A, OFFICER_B, GROUP_CHAT)
    assert {a.last_error, b.last_error, chat.last_error} == {outbox.SENDING}
    with recorded_statements(db.engine) as seen:
        assert delivery.deliver_all([a, b]) == [SENT]
    assert [s.split()[0] for s in seen] == ["UPDATE"], seen      # no claim: only the outcome
    assert line.sent == [("multicast", [OFFICER_A, OFFICER_B], ALERT, a.send_group)]
    assert [_row(db, r.id)[:2] for r in (a, b)] == [("sent", 1)] * 2
    assert delivery.deliver(a.id) == SKIPPED and delivery.deliver(chat.id) == SKIPPED   # held: no second attempt
    assert len(line.sent) == 1


def test_an_officer_who_blocked_the_bot_is_dropped_when_written(db):
    line, queue = MulticastLine(), RecordingQueue()
    delivery = Delivery(db, line, queue)
    with db.transaction() as session:
        conversations.set_blocked(conversations.load(session, OFFICER_B, OFFICER_B), True)
    a, b, c = _held_alert(db, delivery, OFFICER_A, OFFICER_B, OFFICER_C)
    assert _row(db, b.id) == ("undeliverable", 0, outbox.BLOCKED)
    assert delivery.deliver_all([a, b, c]) == [SENT]
    assert line.sent == [("multicast", [OFFICER_A, OFFICER_C], ALERT, a.send_group)]
    assert [_row(db, r.id)[0] for r in (a, b, c)] == ["sent", "undeliverable", "sent"]


def test_a_held_group_everyone_of_whom_blocked_the_bot_sends_nothing(db):
    line, queue = MulticastLine(), RecordingQueue()
    delivery = Delivery(db, line, queue)
    with db.transaction() as session:
        for officer in (OFFICER_A, OFFICER_B):
            conversations.set_blocked(conversations.load(session, officer, officer), True)
    rows = _held_alert(db, delivery, OFFICER_A, OFFICER_B)
    assert delivery.deliver_all(rows) == [UNDELIVERABLE]
    assert line.sent == [] and [_row(db, r.id)[0] for r in rows] == ["undeliverable"] * 2


def test_a_killed_workers_held_group_comes_back_when_the_hold_ends(db):
    clock = Clock()
    line, queue = MulticastLine(), RecordingQueue()
    delivery = Delivery(db, line, queue, clock=clock)
    a, b = _held_alert(db, delivery, OFFICER_A, OFFICER_B)   # committed; the worker dies before sending
    with db.sessions() as session:
        assert outbox.due(session, timedelta(0), clock.now) == []          # held: the sweeper leaves it
        clock.advance(HOLD_SECONDS + 1)
        assert outbox.due(session, timedelta(0), clock.now) == [a.id, b.id]
    assert delivery.deliver(b.id) == SENT       # the sweeper's job: the whole group, its own key
    assert line.sent == [("multicast", [OFFICER_A, OFFICER_B], ALERT, a.send_group)]
    assert [_row(db, r.id)[:2] for r in (a, b)] == [("sent", 1)] * 2
    assert delivery.deliver(a.id) == SKIPPED


def test_a_held_group_backs_off_every_row_on_500(db):
    clock = Clock()
    line, queue = MulticastLine(), RecordingQueue()
    line.failures = [LineError(500, '{"message":"Internal error"}')]
    delivery = Delivery(db, line, queue, clock=clock)
    a, b = _held_alert(db, delivery, OFFICER_A, OFFICER_B)
    assert delivery.deliver_all([a, b]) == [RETRY]
    assert [_row(db, r.id)[:2] for r in (a, b)] == [("pending", 1)] * 2
    assert len(queue.delivers) == 1
    clock.advance(HOLD_SECONDS)
    assert delivery.deliver(a.id) == SENT
    assert [s[3] for s in line.sent if s[0] == "multicast"] == [a.send_group]
    assert [_row(db, r.id)[:2] for r in (a, b)] == [("sent", 2)] * 2


def test_outside_sent_after_commit_nothing_is_held(db):
    with db.sessions() as session:
        with outbox.sent_after_commit(session, Clock().now):
            pass
        rows = CaseStore.push_all(session, [OFFICER_A, OFFICER_B], ALERT)
        session.rollback()
    assert [(row.last_error, row.next_attempt_at) for row in rows] == [(None, None)] * 2


def test_a_lone_officer_who_blocked_the_bot_is_dropped_when_written_and_not_pushed(db):
    line, queue = MulticastLine(), RecordingQueue()
    delivery = Delivery(db, line, queue)
    with db.transaction() as session:
        conversations.set_blocked(conversations.load(session, OFFICER_A, OFFICER_A), True)
    officer, chat = _held_alert(db, delivery, OFFICER_A, GROUP_CHAT)
    assert officer.send_group is None and _row(db, officer.id) == ("undeliverable", 0, outbox.BLOCKED)
    with recorded_statements(db.engine) as seen:
        assert delivery.deliver_all([officer, chat]) == [UNDELIVERABLE, SENT]
    assert line.sent == [("push", GROUP_CHAT, ALERT, chat.retry_key)]
    assert not any("LAST_ERROR=CASE" in s for s in seen), seen    # the group chat's push: no claim either
    assert _row(db, chat.id)[:2] == ("sent", 1)


def _held_reply(db, delivery, clock) -> OutboxMessage:
    """The answer to a report's Send tap, as the chat processor writes it (claimed, a fresh token)."""
    with db.sessions() as session:
        row = outbox.insert_now(session, chat_key=OFFICER_C, messages=[{"type": "text", "text": "sent"}],
                                push_to=OFFICER_C, push_allowed=False, reply_token="r" * 32,
                                reply_deadline=clock.now + timedelta(seconds=50), inbox_event_id=None,
                                held_until=delivery.hold_until())
        session.commit()
        return row


def test_the_reply_is_recorded_sent_by_the_groups_update(db):
    clock = Clock()
    line, queue = MulticastLine(), RecordingQueue()
    delivery = Delivery(db, line, queue, clock=clock)
    reply = _held_reply(db, delivery, clock)
    a, b = _held_alert(db, delivery, OFFICER_A, OFFICER_B)
    with recorded_statements(db.engine) as seen:
        assert delivery.deliver_all([reply, a, b]) == [SENT, SENT]
    assert [s.split()[0] for s in seen] == ["UPDATE"], seen          # one transaction for both outcomes
    assert [entry[0] for entry in line.sent] == ["reply", "multicast"]   # the answer first
    assert [_row(db, r.id)[:2] for r in (reply, a, b)] == [("sent", 1)] * 3


def test_a_reply_before_a_failed_multicast_is_still_recorded_sent(db):
    clock = Clock()
    class BusyMulticast(MulticastLine):
        def multicast(self, to, messages, retry_key):
            raise LineError(500, '{"message":"Internal error"}')

    line, queue = BusyMulticast(), RecordingQueue()
    delivery = Delivery(db, line, queue, clock=clock)
    reply = _held_reply(db, delivery, clock)
    a, b = _held_alert(db, delivery, OFFICER_A, OFFICER_B)
    assert delivery.deliver_all([reply, a, b]) == [SENT, RETRY]
    assert _row(db, reply.id)[:2] == ("sent", 1)
    assert [_row(db, r.id)[:2] for r in (a, b)] == [("pending", 1)] * 2


def test_a_lone_answer_is_recorded_at_once_by_the_one_row_statement(db):
    clock = Clock()
    line, queue = MulticastLine(), RecordingQueue()
    delivery = Delivery(db, line, queue, clock=clock)
    reply = _held_reply(db, delivery, clock)
    with recorded_statements(db.engine) as seen:
        assert delivery.deliver_all([reply]) == [SENT]
    assert len(seen) == 1 and seen[0].startswith("UPDATE OUTBOX_MESSAGES") and " IN " not in seen[0], seen
    assert _row(db, reply.id)[:2] == ("sent", 1)


def test_an_answer_and_a_lone_push_are_recorded_by_one_update(db):
    clock = Clock()
    line, queue = MulticastLine(), RecordingQueue()
    delivery = Delivery(db, line, queue, clock=clock)
    reply = _held_reply(db, delivery, clock)
    (push,) = _held_alert(db, delivery, OFFICER_A)
    with recorded_statements(db.engine) as seen:
        assert delivery.deliver_all([reply, push]) == [SENT, SENT]
    assert [s.split()[0] for s in seen] == ["SELECT", "UPDATE"], seen   # the push's blocked check, both outcomes
    assert [entry[0] for entry in line.sent] == ["reply", "push"]
    assert [_row(db, r.id)[:2] for r in (reply, push)] == [("sent", 1)] * 2
