"""A scripted stand-in for bot.line_api.LineClient, for unit tests of delivery logic."""
from __future__ import annotations

from bot.line_api import LineError


class FakeLine:
    def __init__(self):
        self.sent: list[tuple] = []
        self.failures: list[LineError] = []  # raised, in order, by the next calls
        self.profiles: dict[str, dict] = {}
        self.contents: dict[str, bytes] = {}          # message id -> what content() returns
        self.content_failures: list[LineError] = []   # raised, in order, by the next content() calls
        self.content_calls: list[str] = []

    def _maybe_fail(self):
        if self.failures:
            raise self.failures.pop(0)

    def reply(self, reply_token, messages):
        self._maybe_fail()
        self.sent.append(("reply", reply_token, messages))

    def push(self, to, messages, retry_key):
        self._maybe_fail()
        self.sent.append(("push", to, messages, retry_key))

    def profile(self, user_id):
        return self.profiles.get(user_id)

    def show_loading(self, chat_id, seconds=5):
        pass

    def content(self, message_id):
        """A sent image's bytes; LINE's 404 for an id it does not (or no longer) hold."""
        self.content_calls.append(message_id)
        if self.content_failures:
            raise self.content_failures.pop(0)
        if message_id not in self.contents:
            raise LineError(404, '{"message":"Not found"}')
        return self.contents[message_id]
