"""The durable inbox: store LINE events once, hand them out in LINE's order.

Storing is idempotent on webhookEventId, so a redelivered event is never stored, or
processed, twice. Marking an event done is conditional on it still being pending, so
two workers that somehow both reached it cannot both commit its effects.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .models import InboxEvent, utcnow

SYSTEM_CHAT = "_system"


def chat_key_of(event: dict) -> str:
    """The conversation an event belongs to: its group, room, or user."""
    source = event.get("source") or {}
    return source.get("groupId") or source.get("roomId") or source.get("userId") or SYSTEM_CHAT


_INSERTS: dict[str, object] = {}


def _insert_for(dialect: str):
    """One compiled-once statement per dialect: the webhook's hot path must not compile SQL."""
    if dialect not in _INSERTS:
        table = InboxEvent.__table__
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        _INSERTS[dialect] = (insert(table).on_conflict_do_nothing(index_elements=["webhook_event_id"])
                             .returning(table.c.chat_key))
    return _INSERTS[dialect]


def store_events(connection: Connection, events: Iterable[dict]) -> list[str]:
    """Store new events; return the chat keys that got at least one new event.

    Takes a Core connection in a transaction: this runs on the webhook's hot path."""
    rows = []
    now = utcnow()
    for event in events:
        event_id = event.get("webhookEventId")
        if not event_id:
            continue
        rows.append(dict(
            webhook_event_id=event_id,
            chat_key=chat_key_of(event),
            event_type=str(event.get("type", "unknown"))[:40],
            line_timestamp=int(event.get("timestamp") or 0),
            payload=event,
            redelivered=bool((event.get("deliveryContext") or {}).get("isRedelivery")),
            status="pending",
            attempts=0,
            received_at=now,
        ))
    if not rows:
        return []
    inserted = connection.execute(_insert_for(connection.dialect.name), rows).scalars()
    return list(dict.fromkeys(inserted))


def next_pending(session: Session, chat_key: str) -> InboxEvent | None:
    """The chat's oldest pending event, by LINE's timestamp."""
    return session.scalars(
        select(InboxEvent)
        .where(InboxEvent.chat_key == chat_key, InboxEvent.status == "pending")
        .order_by(InboxEvent.line_timestamp, InboxEvent.id)
        .limit(1)
    ).first()


def has_pending(session: Session, chat_key: str) -> bool:
    return next_pending(session, chat_key) is not None


def mark_done(session: Session, event_id: int, status: str = "done") -> bool:
    """Close a pending event; False if someone else already closed it."""
    result = session.execute(
        update(InboxEvent)
        .where(InboxEvent.id == event_id, InboxEvent.status == "pending")
        .values(status=status, processed_at=utcnow())
    )
    return result.rowcount == 1


def record_failure(session: Session, event_id: int, error: str) -> int:
    """Count a failed attempt; returns the attempts so far."""
    event = session.get(InboxEvent, event_id)
    event.attempts += 1
    event.error = error[:2000]
    return event.attempts


def stale_chats(session: Session, older_than: timedelta, now: datetime | None = None) -> list[str]:
    """Chats with events pending for longer than a worker should need: the sweeper's work."""
    cutoff = (now or utcnow()) - older_than
    return list(session.scalars(
        select(InboxEvent.chat_key)
        .where(InboxEvent.status == "pending", InboxEvent.received_at <= cutoff)
        .distinct()
    ))
