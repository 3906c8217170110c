"""Every path to a job promotes received events first (worker/promotion.py): the dispatcher,
process_chat and the sweeper each find an event the webhook just stored (on SQLite, as received)."""
from __future__ import annotations

import pytest

from app import create_app
from tests.support.events import text_event
from tests.support.fake_line import FakeLine
from tests.support.webhook import post_events, user_id
from worker.inbox_dispatcher import InboxDispatcher
from worker.sweeper import sweep

pytestmark = pytest.mark.integration


class RecordingQueue:
    def __init__(self):
        self.chats: list[str] = []

    def process_chat(self, chat_key: str) -> bool:
        self.chats.append(chat_key)
        return True

    def deliver(self, outbox_id: int) -> bool:
        return True


@pytest.mark.parametrize("path", ["dispatcher", "process_chat", "sweeper"])
def test_each_worker_path_promotes_before_it_looks_for_work(settings, monkeypatch, path):
    app = create_app(settings, line=FakeLine())
    hotline = app.extensions["hotline"]
    promotions = []
    promote = hotline.db.inbox_writer.promote
    monkeypatch.setattr(hotline.db.inbox_writer, "promote", lambda: promotions.append(promote()) or promotions[-1])
    user = user_id()
    assert post_events(app.test_client(), [text_event(user, "hello")]).status_code == 200
    queue = RecordingQueue()
    if path == "dispatcher":
        assert InboxDispatcher(hotline.db, queue).drain() == 1 and queue.chats == [user]
    elif path == "process_chat":
        assert hotline.processor.process_chat(user) == 1
    else:
        assert sweep(hotline.db, queue, older_than_seconds=0) == (1, 0) and queue.chats == [user]
    if hotline.db.engine.dialect.name == "sqlite":    # PostgreSQL stores events pending: nothing to promote
        assert promotions[0] == 1
