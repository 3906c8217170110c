"""UTC helpers: SQLite hands datetimes back without their zone; PostgreSQL keeps it."""
from __future__ import annotations

from datetime import UTC, datetime


def as_utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)
