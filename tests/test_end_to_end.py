"""The backbone end to end: emulator → webhook → inbox → real worker processes → LINE.

Each test runs the emulator and the web app in threads and `flask worker` processes,
against a real Redis and database (the machine's in CI, our own otherwise)."""
from __future__ import annotations

import time
from dataclasses import replace

import pytest
from sqlalchemy import select

from storage.models import InboxEvent, OutboxMessage
from tests.support.servers import OwnRedis, wait_for
from tests.support.stack import Stack

pytestmark = pytest.mark.integration


def _events(stack, chat):
    with stack.app.extensions["hotline"].db.sessions() as session:
        return session.scalars(select(InboxEvent).where(InboxEvent.chat_key == chat)
                               .order_by(InboxEvent.line_timestamp)).all()


def test_a_message_is_answered_through_the_reply_api(stack):
    user = stack.user("en")
    sent = stack.say(user, "hello")
    assert sent["status"] == 200
    delivery = stack.wait_delivered(user, 1)[0]
    assert delivery["path"] == "/v2/bot/message/reply"
    assert delivery["reply_token"] == sent["event"]["replyToken"]
    assert delivery["messages"] and delivery["messages"][0]["type"] == "text"


def test_a_redelivered_event_gets_no_second_reply(stack):
    user = stack.user("en")
    sent = stack.say(user, "hello")
    stack.wait_delivered(user, 1)
    again = stack.api("POST", "/redeliver", json={"webhookEventId": sent["event"]["webhookEventId"]})
    assert again["status"] == 200 and again["event"]["deliveryContext"]["isRedelivery"] is True
    time.sleep(1.5)
    assert len(stack.delivered(user)) == 1
    assert len(_events(stack, user)) == 1


def test_line_500_then_success_delivers_once(stack):
    user = stack.user("en")
    stack.api("POST", "/faults", json={"status": 500, "count": 1, "paths": ["/v2/bot/message/reply"]})
    stack.say(user, "hello")
    delivered = stack.wait_delivered(user, 1)
    time.sleep(1.0)
    attempts = stack.received(user)
    assert [a["status"] for a in attempts] == [500, 200]
    assert len(stack.delivered(user)) == 1 == len(delivered)


def test_one_users_events_are_handled_in_line_order_with_two_workers(stack):
    stack.add_worker()
    users = [stack.user("en") for _ in range(3)]
    sent = {user: [] for user in users}
    for round_ in range(6):
        for user in users:  # several users interleaved, each message its own webhook call
            result = stack.say(user, f"message {round_}")
            assert result["status"] == 200
            sent[user].append(result["event"]["replyToken"])
    for user in users:
        deliveries = stack.wait_delivered(user, 6, timeout=30)
        assert [d["reply_token"] for d in deliveries] == sent[user]
        processed = [e.processed_at for e in _events(stack, user)]
        assert processed == sorted(processed)


def test_redis_down_then_back_loses_nothing(settings, tmp_path):
    redis = OwnRedis().start()
    stack = Stack(replace(settings, redis_url=redis.url), tmp_path, workers=1)
    try:
        user = stack.user("en")
        stack.say(user, "before")
        stack.wait_delivered(user, 1)
        redis.stop()
        during = [stack.say(user, f"during {n}") for n in range(3)]
        assert all(result["status"] == 200 for result in during)  # stored, answered 200
        # all three stored: received, or promoted to pending by the sweeper (which runs without
        # Redis), or even done by the job that answered "before" if it was still looping
        during_ids = {r["event"]["webhookEventId"] for r in during}
        stored = {e.webhook_event_id: e.status for e in _events(stack, user)}
        assert during_ids <= set(stored)
        assert {stored[i] for i in during_ids} <= {"received", "pending", "done"}
        redis.start()  # same port: the worker reconnects, the sweeper finds what is pending
        deliveries = stack.wait_delivered(user, 4, timeout=40)
        assert [d["reply_token"] for d in deliveries[1:]] == [r["event"]["replyToken"] for r in during]
        time.sleep(2)
        assert len(stack.delivered(user)) == 4  # exactly once in effect
        assert {e.status for e in _events(stack, user)} == {"done"}
    finally:
        stack.close()
        redis.close()


def test_outbox_rows_record_the_delivery(stack):
    user = stack.user("en")
    stack.say(user, "hello")
    stack.wait_delivered(user, 1)

    def rows():
        with stack.app.extensions["hotline"].db.sessions() as session:
            found = session.scalars(select(OutboxMessage).where(OutboxMessage.chat_key == user)).all()
        return [(r.status, r.attempts) for r in found]

    assert wait_for(lambda: rows() == [("sent", 1)], message="outbox row marked sent")


def test_an_idle_worker_stops_on_sigterm(stack):
    import os
    import signal

    from rq import Worker

    worker = stack.workers[0]
    queue = stack.app.extensions["hotline"].queue.queue
    # RQ installs its signal handlers after registering, before it first waits for a job ("idle")
    wait_for(lambda: [w for w in Worker.all(queue=queue) if w.get_state() == "idle"], message="the worker idle")
    os.kill(worker.pid, signal.SIGTERM)
    assert worker.wait(10) == 0
