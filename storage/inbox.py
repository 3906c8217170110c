"""The durable inbox: store LINE events once, hand them out in LINE's order.

Storing is idempotent on webhookEventId, so a redelivered event is never stored, or
processed, twice. Marking an event done is conditional on it still being pending, so
two workers that somehow both reached it cannot both commit its effects.

An event's life: received -> pending -> done (or failed). On SQLite the webhook stores it
as `received`, outside the index over pending events, so its insert writes two B-trees, not
three, on the path LINE waits on; the worker side moves every received event to `pending` in
one UPDATE (PROMOTE_SQL, through worker/promotion.py) before it looks for work. SQLite gives
each new row an id above every existing one and commits writers one at a time, so received
events are always the newest rows: PROMOTE_SQL finds them by walking back from the newest id,
without an index. On PostgreSQL, where ids are not committed in order, events are stored
`pending` at once.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import Text, bindparam, literal, select, type_coerce, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from .crypto import seal_json
from .driver_statements import DriverStatement
from .loaded_rows import as_loaded
from .models import InboxEvent, utcnow

SYSTEM_CHAT = "_system"
RECEIVED = "received"

# Written into the SQL rather than bound: SQLite uses the partial index over pending events
# (migration 0004) only when a query's WHERE names the same literal.
PENDING = literal("pending", literal_execute=True)


def chat_key_of(event: dict) -> str:
    """The conversation an event belongs to: its group, room, or user."""
    source = event.get("source") or {}
    return source.get("groupId") or source.get("roomId") or source.get("userId") or SYSTEM_CHAT


_COLUMNS = ("webhook_event_id", "chat_key", "event_type", "line_timestamp", "payload", "redelivered",
            "status", "attempts", "received_at")


NOTIFY_CHANNEL = "hotline_inbox"   # PostgreSQL: where new events are announced (storage/inbox_watch.py)


def insert_sql(dialect: str) -> str:
    """The webhook's insert: ON CONFLICT makes a redelivery a no-op, and the row count (1 new,
    0 already stored) says which events were new. On PostgreSQL the same statement also
    notifies the dispatcher of the new event's chat (delivered at commit)."""
    columns = ", ".join(_COLUMNS)
    if dialect == "sqlite":
        marks = ", ".join("?" for _ in _COLUMNS)
        return f"INSERT INTO inbox_events ({columns}) VALUES ({marks}) ON CONFLICT (webhook_event_id) DO NOTHING"
    marks = ", ".join("%s" for _ in _COLUMNS)
    return (f"WITH new AS (INSERT INTO inbox_events ({columns}) VALUES ({marks}) "
            "ON CONFLICT (webhook_event_id) DO NOTHING RETURNING chat_key) "
            f"SELECT pg_notify('{NOTIFY_CHANNEL}', chat_key) FROM new")


def arrival_status(dialect: str) -> str:
    """The status the webhook stores events with (see the module's docstring)."""
    return RECEIVED if dialect == "sqlite" else "pending"


# SQLite only. Every received event is newer than every other row, so the newest row that is
# not received is where they begin; ORDER BY id DESC LIMIT 1 walks back from the end of the
# table and stops there (tests/test_inbox_writer.py checks the plan).
NEWEST_STATUS_SQL = "SELECT status FROM inbox_events ORDER BY id DESC LIMIT 1"
PROMOTE_SQL = ("UPDATE inbox_events SET status = 'pending' WHERE status = 'received' AND id > COALESCE("
               "(SELECT id FROM inbox_events WHERE status != 'received' ORDER BY id DESC LIMIT 1), 0)")


def prepare_events(events: Iterable[dict], dialect: str) -> list[tuple]:
    """Rows for InboxWriter.store (storage/inbox_writer.py), serialised and encrypted before
    any lock is taken, with the same column encodings the models use (EncryptedJSON for the
    payload, SQLAlchemy's datetime text on SQLite). The events are ones the webhook found
    well-formed (bot/event_shape.py): an id and ids that fit their columns, an int64 timestamp,
    strings that encode as UTF-8."""
    now = utcnow()
    received = now.replace(tzinfo=None).isoformat(" ", "microseconds") if dialect == "sqlite" else now
    status = arrival_status(dialect)
    return [(
        event["webhookEventId"], chat_key_of(event), event["type"], event["timestamp"],
        seal_json(event),
        bool(event["deliveryContext"].get("isRedelivery")), status, 0, received,
    ) for event in events]


def _pending(chat_key: str):
    return (InboxEvent.chat_key == chat_key, InboxEvent.status == PENDING)


# The worker's per-event statements are built once, with bound parameters: building them per call
# cost more than running them. Core statements on the table, so no ORM bulk-update machinery.
_EVENTS = InboxEvent.__table__
_PAYLOAD_TYPE = _EVENTS.c.payload.type
_EVENT_COLUMNS = [column for column in _EVENTS.c if column.key != "payload"]
_OLDEST_PENDING = DriverStatement(    # the row becomes the session's object without the ORM's loading
    select(*_EVENT_COLUMNS, type_coerce(_EVENTS.c.payload, Text).label("stored_payload"))
    .where(_EVENTS.c.chat_key == bindparam("chat_key"), _EVENTS.c.status == PENDING)
    .order_by(_EVENTS.c.line_timestamp, _EVENTS.c.id)
    .limit(2)
)
_HAS_PENDING = DriverStatement(select(_EVENTS.c.id)
                               .where(_EVENTS.c.chat_key == bindparam("chat_key"), _EVENTS.c.status == PENDING)
                               .limit(1))
_MARK_DONE = DriverStatement(
    update(_EVENTS)
    .where(_EVENTS.c.id == bindparam("event_id"), _EVENTS.c.status == "pending")
    .values(status=bindparam("new_status"), processed_at=bindparam("now", type_=_EVENTS.c.processed_at.type))
)


def oldest_pending(session: Session, chat_key: str) -> tuple[InboxEvent | None, bool]:
    """The chat's oldest pending event, by LINE's timestamp, and whether another is pending
    behind it, in one query. The payload comes with it, stored text, and is decrypted here; one
    that cannot be read is left unloaded, so it fails when used, on its own (the worker records
    that) instead of making its whole chat unreadable."""
    found = _OLDEST_PENDING.all(session, chat_key=chat_key)   # inbox rows change by statements run at once
    if not found:
        return None, False
    values = found[0]._asdict()
    stored = values.pop("stored_payload")
    # the payload left unloaded: set below once decrypted, or read (and failing) where it is used
    event = as_loaded(session, InboxEvent, values)
    try:
        payload = _PAYLOAD_TYPE.process_result_value(stored, session.bind.dialect)
    except Exception:  # noqa: BLE001 - unreadable: reading it again raises where the failure is recorded
        return event, len(found) > 1
    set_committed_value(event, "payload", payload)
    return event, len(found) > 1


def next_pending(session: Session, chat_key: str) -> InboxEvent | None:
    """The chat's oldest pending event (see oldest_pending)."""
    return oldest_pending(session, chat_key)[0]


def has_pending(session: Session, chat_key: str) -> bool:
    return _HAS_PENDING.first(session, chat_key=chat_key) is not None


def mark_done(session: Session, event_id: int, status: str = "done") -> bool:
    """Close a pending event; False if someone else already closed it. A loaded copy of the
    event in the session keeps its old status: callers go by the answer."""
    return _MARK_DONE.rowcount(session, event_id=event_id, new_status=status, now=utcnow()) == 1


def record_failure(session: Session, event_id: int, error: str) -> int:
    """Count a failed attempt; returns the attempts so far. Plain statements, no loaded row:
    this must work for an event whose payload cannot be read."""
    session.execute(
        update(InboxEvent).where(InboxEvent.id == event_id)
        .values(attempts=InboxEvent.attempts + 1, error=error[:2000])
        .execution_options(synchronize_session=False)
    )
    return session.scalar(select(InboxEvent.attempts).where(InboxEvent.id == event_id))


def stale_chats(session: Session, older_than: timedelta, now: datetime | None = None) -> list[str]:
    """Chats with events pending for longer than a worker should need: the sweeper's work."""
    cutoff = (now or utcnow()) - older_than
    return list(session.scalars(
        select(InboxEvent.chat_key)
        .where(InboxEvent.status == PENDING, InboxEvent.received_at <= cutoff)
        .distinct()
    ))
