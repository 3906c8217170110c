"""FakeLine that also records every call it refused, with the time the delivery's clock said:
for tests of retries (what was tried, when, and with which retry key)."""
from __future__ import annotations

from tests.support.fake_line import FakeLine


class FlakyLine(FakeLine):
    def __init__(self, clock=None):
        super().__init__()
        self.clock = clock
        self.calls: list[tuple] = []   # every attempt: (kind, when, retry_key or None, ok)

    def _record(self, kind, retry_key, send):
        when = self.clock() if self.clock else None
        try:
            send()
        except Exception:
            self.calls.append((kind, when, retry_key, False))
            raise
        self.calls.append((kind, when, retry_key, True))

    def reply(self, reply_token, messages):
        self._record("reply", None, lambda: super(FlakyLine, self).reply(reply_token, messages))

    def push(self, to, messages, retry_key):
        self._record("push", retry_key, lambda: super(FlakyLine, self).push(to, messages, retry_key))
