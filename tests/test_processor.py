"""Processing one chat's events: LINE's order, once, and never lost to a bug."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import defer

from app import create_app
from bot.response import Response
from storage import inbox
from storage.models import InboxEvent, OutboxMessage
from tests.support.events import now_ms, text_event
from tests.support.fake_line import FakeLine
from tests.support.job_queue import chat_lock
from tests.support.statements import recorded_statements
from tests.support.webhook import post_events, user_id
from worker.queue import LockRenewer

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
    post_events(client, [text_event(user, "first", timestamp=base + 1000),
                         text_event(user, "third", timestamp=base + 3000)])
    assert app.extensions["hotline"].processor.process_chat(user) == 3
    assert responder.seen == ["first", "second", "third"]
    assert [sent[2][0]["text"] for sent in line.sent] == ["echo first", "echo second", "echo third"]


def test_a_chat_held_by_another_worker_is_left_to_it(settings):
    responder = EchoResponder()
    app, line = _app(settings, responder)
    hotline = app.extensions["hotline"]
    user = user_id()
    post_events(app.test_client(), [text_event(user, "hi")])
    lock = chat_lock(hotline.queue, user)
    assert lock.acquire(blocking=False)
    try:
        assert hotline.processor.process_chat(user) == 0
        assert responder.seen == []
    finally:
        lock.release()
    assert hotline.processor.process_chat(user) == 1
    assert hotline.processor.process_chat(user) == 0  # nothing twice


def test_a_chat_a_drainer_took_with_its_lock_is_processed_and_left_locked_for_the_drainer(settings):
    """The drainer's look took the lock; the drainer's next look gives it back (worker/queue.py)."""
    app, line = _app(settings, EchoResponder())
    hotline = app.extensions["hotline"]
    user = user_id()
    post_events(app.test_client(), [text_event(user, "hi")])
    held = hotline.queue.chats.take(user)
    assert hotline.processor.process_chat(user, held) == 1
    assert [sent[2][0]["text"] for sent in line.sent] == ["echo hi"]
    assert not chat_lock(hotline.queue, user).acquire(blocking=False)   # still the drainer's
    hotline.queue.chats.give_back(held)
    assert chat_lock(hotline.queue, user).acquire(blocking=False)


def test_a_failing_event_is_kept_answered_with_an_apology_and_does_not_block_the_chat(settings):
    responder = EchoResponder(fail_on="boom")
    app, line = _app(settings, responder)
    user = user_id()
    base = now_ms()
    post_events(app.test_client(), [text_event(user, "boom", timestamp=base),
                                    text_event(user, "after", timestamp=base + 1)])
    app.extensions["hotline"].processor.process_chat(user)
    texts = [sent[2][0]["text"] for sent in line.sent]
    assert texts == ["sorry", "echo after"]
    with app.extensions["hotline"].db.sessions() as session:
        failed = session.scalars(select(InboxEvent).where(InboxEvent.status == "failed")).one()
        assert failed.payload["message"]["text"] == "boom"  # kept, not lost
        assert failed.attempts == 3 and failed.error.startswith("RuntimeError at test_processor.py:")
        assert "a bug in a flow" not in failed.error   # a message may quote the person: never kept



def test_a_dead_workers_chat_is_free_again_once_its_short_lock_lapses(settings):
    """A SIGKILLed worker never releases its chat lock: the chat must not wait a minute for it
    (the reporter's reply token would be gone by then)."""
    app, line = _app(settings, EchoResponder())
    hotline = app.extensions["hotline"]
    hotline.queue.chat_lock_seconds = 1.0
    user = user_id()
    post_events(app.test_client(), [text_event(user, "hi")])
    assert chat_lock(hotline.queue, user).acquire(blocking=False)   # the dead worker's, never released
    assert hotline.processor.process_chat(user) == 0
    time.sleep(1.2)
    assert hotline.processor.process_chat(user) == 1
    assert [sent[2][0]["text"] for sent in line.sent] == ["echo hi"]


class SlowResponder(EchoResponder):
    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds

    def respond(self, event, conversation, session):
        time.sleep(self.seconds)
        return super().respond(event, conversation, session)


def test_a_live_worker_keeps_its_chat_past_the_locks_timeout(settings):
    app, _ = _app(settings, SlowResponder(2.5))         # longer than the lock's timeout
    hotline = app.extensions["hotline"]
    hotline.queue.chat_lock_seconds = 2.0               # renewed ten times within it: a paused machine keeps it
    hotline.queue.renewer = LockRenewer(every=0.2)
    user = user_id()
    post_events(app.test_client(), [text_event(user, "slow")])
    worker = threading.Thread(target=hotline.processor.process_chat, args=(user,))
    worker.start()
    time.sleep(0.2)
    taken = []
    while worker.is_alive():                 # another worker keeps trying: never gets the chat
        other = chat_lock(hotline.queue, user)
        if other.acquire(blocking=False):
            taken.append(time.monotonic())
            other.release()
        time.sleep(0.2)
    worker.join()
    assert taken == []
    assert chat_lock(hotline.queue, user).acquire(blocking=False)   # released when done

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


def _store_raw(app, *events):
    """Put events in the inbox as they are, past the webhook's shape check: rows that an
    older webhook may have stored, or that the checks let through."""
    db = app.extensions["hotline"].db
    db.inbox_writer.store(inbox.prepare_events(list(events), db.engine.dialect.name))


def _event(app, webhook_event_id) -> InboxEvent:
    with app.extensions["hotline"].db.sessions() as session:
        return session.scalars(select(InboxEvent).options(defer(InboxEvent.payload))
                               .where(InboxEvent.webhook_event_id == webhook_event_id)).one()


def _corrupt(app, table: str, column: str, where: str, value) -> None:
    with app.extensions["hotline"].db.transaction() as session:
        session.execute(text(f"UPDATE {table} SET {column} = :value WHERE {where}"), {"value": value})


@pytest.mark.parametrize("token", [{"not": "a string"}, 12345, "t" * 65], ids=["object", "number", "over 64"])
@pytest.mark.parametrize("fails", [False, True], ids=["answer", "apology"])
def test_an_unusable_reply_token_never_blocks_the_chat(settings, token, fails):
    """A non-string token broke the outbox insert on SQLite, a long one on PostgreSQL: the
    event then went round for ever and its chat waited behind it."""
    responder = EchoResponder(fail_on="boom" if fails else None)
    app, line = _app(settings, responder)
    user = user_id()
    first = text_event(user, "boom", timestamp=now_ms() - 10)
    first["replyToken"] = token
    _store_raw(app, first, text_event(user, "after"))
    app.extensions["hotline"].processor.process_chat(user)
    assert [(sent[0], sent[2][0]["text"]) for sent in line.sent] == [
        ("push", "sorry" if fails else "echo boom"), ("reply", "echo after")]
    assert _event(app, first["webhookEventId"]).status == ("failed" if fails else "done")
    with app.extensions["hotline"].db.sessions() as session:
        assert inbox.has_pending(session, user) is False


def test_an_event_whose_payload_cannot_be_decrypted_is_failed_and_the_chat_moves_on(settings):
    app, line = _app(settings, EchoResponder())
    user = user_id()
    poison = text_event(user, "lost", timestamp=now_ms() - 10)
    _store_raw(app, poison, text_event(user, "after"))
    _corrupt(app, "inbox_events", "payload", f"webhook_event_id = '{poison['webhookEventId']}'", "not a token")
    app.extensions["hotline"].processor.process_chat(user)
    assert [sent[2][0]["text"] for sent in line.sent] == ["echo after"]   # no apology: nothing to answer
    failed = _event(app, poison["webhookEventId"])
    assert failed.status == "failed" and failed.attempts == 3 and failed.error.startswith("RuntimeError at crypto.py:")


def test_a_broken_conversation_fails_the_event_with_a_reply_only_apology(settings):
    responder = EchoResponder()
    app, line = _app(settings, responder)
    user = user_id()
    post_events(app.test_client(), [text_event(user, "hello")])
    app.extensions["hotline"].processor.process_chat(user)
    _corrupt(app, "conversations", "state", f"chat_key = '{user}'", "not a token")
    event = text_event(user, "again")
    post_events(app.test_client(), [event])
    app.extensions["hotline"].processor.process_chat(user)
    assert _event(app, event["webhookEventId"]).status == "failed"
    apology = [sent for sent in line.sent if sent[2][0]["text"] == "sorry"]
    assert [sent[0] for sent in apology] == ["reply"]
    with app.extensions["hotline"].db.sessions() as session:
        row = session.scalars(select(OutboxMessage).where(OutboxMessage.inbox_event_id ==
                                                          _event(app, event["webhookEventId"]).id)).one()
        assert row.push_allowed is False


class NoApology(EchoResponder):
    def apology(self, conversation):
        raise RuntimeError("the apology itself is broken")


def test_an_apology_that_raises_still_fails_the_event_and_the_chat_moves_on(settings):
    app, line = _app(settings, NoApology(fail_on="boom"))
    user = user_id()
    poison = text_event(user, "boom", timestamp=now_ms() - 10)
    post_events(app.test_client(), [poison, text_event(user, "after")])
    app.extensions["hotline"].processor.process_chat(user)
    assert [sent[2][0]["text"] for sent in line.sent] == ["echo after"]
    assert _event(app, poison["webhookEventId"]).status == "failed"


def test_a_message_reads_its_event_once_and_nothing_it_wrote(settings):
    app, line = _app(settings, EchoResponder())
    user = user_id()
    post_events(app.test_client(), [text_event(user, "hi")])
    with recorded_statements(app.extensions["hotline"].db.engine) as statements:
        assert app.extensions["hotline"].processor.process_chat(user) == 1
    assert [sent[2][0]["text"] for sent in line.sent] == ["echo hi"]
    reads = [s for s in statements if s.startswith("SELECT")]
    # the event with its payload, the conversation, and the check for more after the lock is released
    assert len([s for s in reads if "FROM INBOX_EVENTS" in s]) == 2
    assert not [s for s in reads if "FROM OUTBOX_MESSAGES" in s]
