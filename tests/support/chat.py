"""One person's chat through the webhook, the real responder and the processor, LINE faked:
put them at a step in a language, send words or a tap, read the messages sent back.
(Faster than the emulator stack: for tests that run hundreds of messages.)"""
from __future__ import annotations

import re
import time
from contextlib import contextmanager

from app import create_app
from storage import conversations
from tests.support.app_settings import settings_for
from tests.support.databases import fresh_database
from tests.support.events import text_event
from tests.support.fake_line import FakeLine
from tests.support.webhook import post_events, user_id

# A phone number as the texts write it: "191", "1669", "1-800-010-180" (ASCII digits only).
NUMBER = re.compile(r"(?<![0-9])[0-9](?:[0-9-]*[0-9])?(?![0-9])")


@contextmanager
def hotline_app(tmp_path, redis_url):
    """An app on a fresh migrated database, LINE faked; yields (app, line)."""
    with fresh_database(tmp_path) as database_url:
        line = FakeLine()
        app = create_app(settings_for(tmp_path, database_url, redis_url), line=line)
        try:
            yield app, line
        finally:
            app.extensions["hotline"].db.dispose()


class Chat:
    def __init__(self, app, line: FakeLine, language: str | None, zawgyi: bool = False):
        self.app, self.line, self.hotline = app, line, app.extensions["hotline"]
        self.user = user_id()
        self.language, self.zawgyi = language, zawgyi
        self.clock = int(time.time() * 1000)

    def be_at(self, step: str, data: dict | None = None) -> Chat:
        with self.hotline.db.transaction() as session:
            conversation = conversations.load(session, self.user, self.user)
            conversation.language, conversation.zawgyi = self.language, self.zawgyi
            conversation.state = {"at": step, "data": dict(data or {}), "seen": time.time()}
        return self

    def _send(self, event: dict) -> list[dict]:
        before = len(self.line.sent)
        post_events(self.app.test_client(), [event])
        self.hotline.processor.process_chat(self.user)
        return [m for sent in self.line.sent[before:] for m in sent[2]]

    def say(self, text: str) -> list[dict]:
        self.clock += 1000
        return self._send(text_event(self.user, text, timestamp=self.clock))

    def tap(self, data: str) -> list[dict]:
        self.clock += 1000
        event = text_event(self.user, "", timestamp=self.clock)
        event.pop("message")
        return self._send({**event, "type": "postback", "postback": {"data": data}})

    def at(self) -> str:
        with self.hotline.db.sessions() as session:
            return (conversations.load(session, self.user, self.user).state or {}).get("at", "")

    def apology(self) -> list[dict]:
        """What the processor sends when this chat's event could not be handled."""
        with self.hotline.db.sessions() as session:
            conversation = conversations.load(session, self.user, self.user)
            return self.hotline.processor.responder.apology(conversation).messages


def texts(messages: list[dict]) -> list[str]:
    return [m["text"] for m in messages if m["type"] == "text"]


def tel_numbers(messages: list[dict]) -> list[str]:
    """The numbers behind the tap-to-call buttons, in the order shown."""
    return [a["uri"].removeprefix("tel:") for m in messages if m["type"] == "template"
            for a in m["template"]["actions"] if a["uri"].startswith("tel:")]


def numbers_in(text: str) -> list[str]:
    """Phone numbers a text names, in order, without dashes; each once."""
    return list(dict.fromkeys(n.replace("-", "") for n in NUMBER.findall(text)))
