"""A person who blocked the bot (`unfollow`) gets nothing pushed, officers included, until
they unblock it (`follow`). Through the processor and the delivery, with a scripted LINE."""
from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest

from bot.delivery import SENT, UNDELIVERABLE
from storage import outbox
from storage.models import Conversation, OutboxMessage
from tests.support.events import text_event
from tests.support.migrations import schema_drift
from tests.support.webhook import post_events, user_id

pytestmark = pytest.mark.integration


def follow_event(user: str, kind: str) -> dict:
    """A follow or unfollow event as LINE sends it (unfollow has no reply token)."""
    event = {"type": kind, "mode": "active", "timestamp": int(time.time() * 1000),
             "source": {"type": "user", "userId": user}, "webhookEventId": uuid.uuid4().hex[:26].upper(),
             "deliveryContext": {"isRedelivery": False}}
    if kind == "follow":
        event["replyToken"] = uuid.uuid4().hex
    return event


def _push_row(db, to: str) -> int:
    """A push to `to`, as casework writes an alert to an officer."""
    with db.transaction() as session:
        row = outbox.add(session, chat_key=to, messages=[{"type": "text", "text": "alert"}], push_to=to,
                         push_allowed=True)
        session.flush()
        return row.id


def _event(app, user: str, event: dict) -> None:
    post_events(app.test_client(), [event])
    app.extensions["hotline"].processor.process_chat(user)


def test_after_unfollow_nothing_is_pushed_and_follow_lifts_it(app):
    hotline = app.extensions["hotline"]
    line = hotline.line
    user = user_id()
    _event(app, user, text_event(user, "hello"))
    assert len(line.sent) == 1                     # answered while following
    _event(app, user, follow_event(user, "unfollow"))
    assert len(line.sent) == 1                     # an unfollow is not answered
    with hotline.db.sessions() as session:
        assert session.get(Conversation, user).blocked_at is not None

    row_id = _push_row(hotline.db, user)
    assert hotline.delivery.deliver(row_id) == UNDELIVERABLE
    assert hotline.delivery.deliver(row_id) != SENT   # ended, never retried
    assert len(line.sent) == 1
    with hotline.db.sessions() as session:
        row = session.get(OutboxMessage, row_id)
        assert row.status == "undeliverable" and "blocked" in row.last_error
        assert row.next_attempt_at is None
    with hotline.db.sessions() as session:
        assert row_id not in outbox.due(session, timedelta(0))   # the sweeper does not re-queue it

    _event(app, user, follow_event(user, "follow"))
    assert line.sent[-1][0] == "reply"             # unblocking is answered (a welcome)
    with hotline.db.sessions() as session:
        assert session.get(Conversation, user).blocked_at is None
    again = _push_row(hotline.db, user)
    assert hotline.delivery.deliver(again) == SENT
    assert line.sent[-1][:2] == ("push", user)


def test_an_officer_who_blocked_the_bot_gets_no_alert_pushes(app):
    hotline = app.extensions["hotline"]
    line = hotline.line
    officer, colleague = user_id(), user_id()
    _event(app, officer, follow_event(officer, "unfollow"))
    blocked_alert, alert = _push_row(hotline.db, officer), _push_row(hotline.db, colleague)
    assert hotline.delivery.deliver(blocked_alert) == UNDELIVERABLE
    assert hotline.delivery.deliver(alert) == SENT     # only the one who blocked is skipped
    assert [sent[1] for sent in line.sent] == [colleague]


def test_migration_0006_matches_the_models_and_goes_down_and_up(database_url):
    from sqlalchemy import inspect

    from storage import migrate
    from storage.db import Database

    database = Database(database_url)
    try:
        assert schema_drift(database, "conversations", "outbox_messages") == []
        migrate.downgrade(database_url, "0005")
        database.engine.dispose()
        assert "blocked_at" not in {c["name"] for c in inspect(database.engine).get_columns("conversations")}
        migrate.upgrade(database_url, "head")
        database.engine.dispose()
        assert "blocked_at" in {c["name"] for c in inspect(database.engine).get_columns("conversations")}
    finally:
        database.dispose()
