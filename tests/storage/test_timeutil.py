"""storage/timeutil.py: a datetime read back from SQLite (no zone) compares with an aware one."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from storage.timeutil import as_utc


def test_a_naive_datetime_is_taken_as_utc_and_an_aware_one_kept():
    naive = datetime(2026, 12, 7, 10, 0)
    assert as_utc(naive) == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    bangkok = datetime(2026, 12, 7, 17, 0, tzinfo=timezone(timedelta(hours=7)))
    assert as_utc(bangkok) is bangkok
    assert as_utc(None) is None
