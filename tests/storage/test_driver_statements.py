"""storage/driver_statements.py: a statement run on the driver connection reads and writes what SQLAlchemy's
own execution would, in the session's transaction, heard by statement listeners, and a dropped
PostgreSQL connection is still replaced."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import bindparam, create_engine, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from storage import inbox
from storage.driver_statements import DriverStatement
from storage.models import InboxEvent, utcnow
from storage.timeutil import as_utc
from tests.support.statements import recorded_statements

pytestmark = pytest.mark.integration

_EVENTS = InboxEvent.__table__
_PENDING_OF = DriverStatement(select(_EVENTS.c.id, _EVENTS.c.webhook_event_id)
                              .where(_EVENTS.c.chat_key == bindparam("chat"), _EVENTS.c.status == inbox.PENDING)
                              .order_by(_EVENTS.c.id).limit(1))
_DONE = DriverStatement(update(_EVENTS).where(_EVENTS.c.id == bindparam("event_id"), _EVENTS.c.status == "pending")
                        .values(status="done", processed_at=bindparam("now", type_=_EVENTS.c.processed_at.type)))


_READ_BACK = DriverStatement(select(_EVENTS.c.received_at, _EVENTS.c.payload, _EVENTS.c.redelivered)
                             .where(_EVENTS.c.id == bindparam("event_id")))
_NEW = DriverStatement(insert(_EVENTS).values(
    {column: bindparam(f"v_{column.key}", type_=column.type) for column in _EVENTS.c if column.key != "id"})
    .returning(_EVENTS.c.id))


def _event(session, chat: str, reference: str) -> InboxEvent:
    event = InboxEvent(webhook_event_id=reference, chat_key=chat, event_type="message", line_timestamp=1,
                       payload={}, redelivered=False, status="pending", attempts=0, received_at=utcnow())
    session.add(event)
    session.flush()
    return event


def test_rows_rowcounts_and_bound_datetimes_are_what_sqlalchemy_would_give(db):
    when = utcnow() - timedelta(minutes=5)
    with db.transaction() as session:
        first, second = _event(session, "Ua", "e1"), _event(session, "Ua", "e2")
        _event(session, "Ub", "e3")
        found = _PENDING_OF.first(session, chat="Ua")
        assert (found.id, found.webhook_event_id) == (first.id, "e1")
        assert _PENDING_OF.first(session, chat="Uz") is None
        assert _DONE.rowcount(session, event_id=first.id, now=when) == 1
        assert _DONE.rowcount(session, event_id=first.id, now=when) == 0     # no longer pending
        assert _PENDING_OF.first(session, chat="Ua").id == second.id         # in the same transaction
    with db.sessions() as session:
        done = session.get(InboxEvent, first.id)
        assert done.status == "done" and as_utc(done.processed_at) == when   # the column's own encoding


def test_a_rollback_undoes_them_and_listeners_hear_each(db):
    with db.transaction() as session:
        event = _event(session, "Uc", "e4")
    with recorded_statements(db.engine) as seen, db.sessions() as session:
        assert _DONE.rowcount(session, event_id=event.id, now=utcnow()) == 1
        session.rollback()
    assert len(seen) == 1 and seen[0].startswith("UPDATE INBOX_EVENTS SET STATUS=")
    with db.sessions() as session:
        assert _PENDING_OF.first(session, chat="Uc").id == event.id


def test_a_dropped_postgresql_connection_fails_once_then_the_pool_reconnects(db, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL)")
    killer = create_engine(database_url)
    try:
        with db.sessions() as session:
            pid = session.scalar(text("SELECT pg_backend_pid()"))
        with killer.connect() as connection:
            assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(DBAPIError) as dropped, db.sessions() as session:
            _PENDING_OF.first(session, chat="Ua")
        assert dropped.value.connection_invalidated
        with db.sessions() as session:
            assert _PENDING_OF.first(session, chat="Ua") is None
            assert session.scalar(text("SELECT pg_backend_pid()")) != pid
    finally:
        killer.dispose()


def test_rows_read_and_returned_are_converted_by_their_column_types(db):
    """Datetimes (text on SQLite), an encrypted column's token and booleans come back as the ORM
    would load them; an INSERT … RETURNING hands back the new id, its values bound by their types."""
    when = utcnow() - timedelta(minutes=1)
    with db.transaction() as session:
        new = _NEW.first(session, v_webhook_event_id="e9", v_chat_key="Ue", v_event_type="message",
                         v_line_timestamp=1, v_payload={"words": "x"}, v_redelivered=True, v_status="done",
                         v_attempts=0, v_error=None, v_received_at=when, v_processed_at=None)
        found = _READ_BACK.all(session, event_id=new.id)
    assert len(found) == 1 and as_utc(found[0].received_at) == when
    assert found[0].payload == {"words": "x"} and found[0].redelivered is True
    with db.sessions() as session:
        assert session.get(InboxEvent, new.id).payload == {"words": "x"}
