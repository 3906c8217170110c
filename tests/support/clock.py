"""A clock tests set and move by hand, so minutes of retries take no time."""
from __future__ import annotations

from datetime import datetime, timedelta

from storage.models import utcnow
from storage.timeutil import as_utc


class Clock:
    def __init__(self, start: datetime | None = None):
        self.now = start or utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now

    def to(self, when: datetime) -> datetime:
        self.now = max(self.now, as_utc(when))
        return self.now
