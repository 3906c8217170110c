"""The webhook's inbox write: one transaction per request on a kept driver connection."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from storage import inbox
from storage.models import InboxEvent
from tests.support.events import text_event
from tests.support.webhook import user_id

pytestmark = pytest.mark.integration


def _rows(db, *events):
    return inbox.prepare_events(list(events), db.engine.dialect.name)


def _stored(db) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(InboxEvent))


def test_new_events_are_committed_and_their_chats_returned_once(db):
    alice, bob = user_id(), user_id()
    chats = db.inbox_writer.store(_rows(db, text_event(alice, "one"), text_event(alice, "two"),
                                        text_event(bob, "three")))
    assert chats == [alice, bob]
    assert _stored(db) == 3
    with db.sessions() as session:       # readable through the models: same encodings
        event = session.scalars(select(InboxEvent).where(InboxEvent.chat_key == bob)).one()
        assert event.payload["message"]["text"] == "three"
        assert event.status == inbox.arrival_status(db.engine.dialect.name)
    db.inbox_writer.promote()
    with db.sessions() as session:
        assert inbox.next_pending(session, alice).payload["message"]["text"] == "one"


def test_an_event_stored_before_is_not_new_again(db):
    event = text_event(user_id(), "hello")
    assert db.inbox_writer.store(_rows(db, event)) == [event["source"]["userId"]]
    redelivered = {**event, "deliveryContext": {"isRedelivery": True}}
    assert db.inbox_writer.store(_rows(db, redelivered)) == []
    assert _stored(db) == 1


def test_a_connection_that_broke_is_replaced_and_the_write_retried(db, caplog):
    first = text_event(user_id(), "first")
    db.inbox_writer.store(_rows(db, first))
    db.inbox_writer._local.connection.dbapi.close()      # as if the server had dropped it
    second = text_event(user_id(), "second")
    assert db.inbox_writer.store(_rows(db, second)) == [second["source"]["userId"]]
    assert "retrying on a new connection" in caplog.text
    assert _stored(db) == 2


def test_a_write_that_fails_twice_raises_and_stores_nothing(db):
    bad = _rows(db, text_event(user_id(), "x"))
    bad = [(*row[:4], None, *row[5:]) for row in bad]      # payload is NOT NULL
    with pytest.raises(Exception):  # noqa: B017  (the driver's NOT NULL error; SQLite and PostgreSQL differ)
        db.inbox_writer.store(bad)
    assert _stored(db) == 0
    good = text_event(user_id(), "after the failure")
    assert db.inbox_writer.store(_rows(db, good)) == [good["source"]["userId"]]


def test_a_body_of_several_events_is_stored_whole_or_not_at_all(db):
    good, bad = _rows(db, text_event(user_id(), "good"), text_event(user_id(), "bad"))
    bad = (*bad[:4], None, *bad[5:])                        # fails after the first row went in
    with pytest.raises(Exception):  # noqa: B017  (the driver's NOT NULL error; SQLite and PostgreSQL differ)
        db.inbox_writer.store([good, bad])
    assert _stored(db) == 0
    again = _rows(db, text_event(user_id(), "a"), text_event(user_id(), "b"))
    assert len(db.inbox_writer.store(again)) == 2 and _stored(db) == 2


def test_workers_find_pending_events_through_the_partial_index(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("query plans checked on SQLite")
    chat = user_id()
    db.inbox_writer.store(_rows(db, text_event(chat, "one")))
    db.inbox_writer.promote()
    with db.sessions() as session:
        query = (select(InboxEvent.id).where(InboxEvent.chat_key == chat, InboxEvent.status == inbox.PENDING)
                 .order_by(InboxEvent.line_timestamp, InboxEvent.id).limit(1))
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        assert any("ix_inbox_pending" in str(row) for row in plan), plan
        event_id = session.scalar(query)
        assert inbox.mark_done(session, event_id)
        session.commit()
        assert inbox.next_pending(session, chat) is None


def _statuses(db) -> list[str]:
    with db.sessions() as session:
        return list(session.scalars(select(InboxEvent.status).order_by(InboxEvent.id)))


def test_sqlite_stores_events_as_received_and_promotes_them_all_to_pending(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL stores events as pending (see the next test)")
    chat = user_id()
    assert db.inbox_writer.promote() == 0                     # an empty inbox
    db.inbox_writer.store(_rows(db, text_event(chat, "one"), text_event(chat, "two")))
    with db.sessions() as session:
        assert inbox.next_pending(session, chat) is None      # not a worker's business yet
    assert db.inbox_writer.promote() == 2
    with db.sessions() as session:
        first = inbox.next_pending(session, chat)
        assert first.payload["message"]["text"] == "one"
        assert inbox.mark_done(session, first.id)
        session.commit()
    db.inbox_writer.store(_rows(db, text_event(chat, "three")))
    assert _statuses(db) == ["done", "pending", "received"]
    assert db.inbox_writer.promote() == 1
    assert db.inbox_writer.promote() == 0                     # nothing left: done and pending untouched
    assert _statuses(db) == ["done", "pending", "pending"]


def test_postgresql_stores_events_as_pending_at_once(db):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL only")
    chat = user_id()
    db.inbox_writer.store(_rows(db, text_event(chat, "one")))
    assert db.inbox_writer.promote() == 0
    with db.sessions() as session:
        assert inbox.next_pending(session, chat).payload["message"]["text"] == "one"


def test_received_events_are_always_the_newest_so_stores_and_promotions_in_any_order_leave_none(db):
    """The promotion finds received events by walking back from the newest row; that is only
    right if they are always the newest. Two threads storing while a third promotes, then one
    last promotion: every event stored is pending, none left behind as received."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    import threading

    stop = threading.Event()
    promoted = []

    def promote_until_stopped():
        while not stop.is_set():
            promoted.append(db.inbox_writer.promote())

    def store(n):
        for i in range(60):
            rows = [text_event(user_id(), f"{n}-{i}-{j}") for j in range(1 + i % 3)]
            db.inbox_writer.store(_rows(db, *rows))

    promoter = threading.Thread(target=promote_until_stopped)
    storers = [threading.Thread(target=store, args=(n,)) for n in range(2)]
    promoter.start()
    for thread in storers:
        thread.start()
    for thread in storers:
        thread.join()
    stop.set()
    promoter.join()
    total = 2 * sum(1 + i % 3 for i in range(60))
    promoted.append(db.inbox_writer.promote())
    assert sum(promoted) == total and _statuses(db) == ["pending"] * total
    assert len([n for n in promoted if n]) > 1                # promotions did interleave with stores


def test_the_promotion_walks_back_from_the_newest_row_without_an_index(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("query plans checked on SQLite")
    with db.sessions() as session:
        plan = [row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {inbox.PROMOTE_SQL}")).all()]
    # the outer update is a range of ids; the inner query scans the table in id order, from
    # the end (no sort, no temporary B-tree), and stops at the first row that is not received
    assert any("USING INTEGER PRIMARY KEY (rowid>?)" in step for step in plan), plan
    assert not any("TEMP B-TREE" in step for step in plan), plan


def test_postgresql_parameters_in_text_form():
    from datetime import UTC, datetime

    from storage.inbox_writer import _as_text, _numbered

    assert _numbered("VALUES (%s, %s, %s)") == "VALUES ($1, $2, $3)"
    assert _numbered(inbox.insert_sql("postgresql")).count("$") == len(inbox._COLUMNS)
    assert [_as_text(v) for v in (True, False, 0, 1700000000123, "ไทย", None)] == \
        [b"t", b"f", b"0", b"1700000000123", "ไทย".encode(), None]
    assert _as_text(datetime(2026, 12, 7, 12, 0, 0, 5, tzinfo=UTC)) == b"2026-12-07T12:00:00.000005+00:00"
    with pytest.raises(ValueError):
        _as_text(datetime(2026, 12, 7))              # a naive time would be read in the server's zone
    with pytest.raises(TypeError):
        _as_text(b"bytes")


def _postgresql_only(db):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL only")


def test_postgresql_one_event_notifies_its_chat_at_commit_and_a_redelivery_does_not(db):
    """The libpq path runs the same statement: the dispatcher's NOTIFY comes with a new event only."""
    _postgresql_only(db)
    import psycopg

    url = db.engine.url.render_as_string(hide_password=False).replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as listener:
        listener.execute(f"LISTEN {inbox.NOTIFY_CHANNEL}")
        event = text_event(user_id(), "hello")
        chat = event["source"]["userId"]
        assert db.inbox_writer.store(_rows(db, event)) == [chat]
        assert [n.payload for n in listener.notifies(timeout=2, stop_after=1)] == [chat]
        assert db.inbox_writer.store(_rows(db, {**event, "deliveryContext": {"isRedelivery": True}})) == []
        assert list(listener.notifies(timeout=0.3)) == []
    with db.sessions() as session:
        stored = session.scalars(select(InboxEvent)).one()
        assert (stored.webhook_event_id, stored.chat_key, stored.line_timestamp, stored.redelivered) == \
            (event["webhookEventId"], chat, event["timestamp"], False)
        assert stored.received_at.tzinfo is not None and stored.payload["message"]["text"] == "hello"


def test_postgresql_a_connection_the_server_ended_is_replaced_and_the_insert_prepared_again(db, caplog):
    _postgresql_only(db)
    first = text_event(user_id(), "first")
    db.inbox_writer.store(_rows(db, first))
    kept = db.inbox_writer._local.connection
    with db.engine.connect() as admin:                 # as a server restart or an idle timeout would
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": kept.dbapi.info.backend_pid})
    second = text_event(user_id(), "second")
    assert db.inbox_writer.store(_rows(db, second)) == [second["source"]["userId"]]
    assert "retrying on a new connection" in caplog.text
    assert db.inbox_writer._local.connection is not kept
    assert _stored(db) == 2


def test_postgresql_one_event_runs_the_statement_prepared_on_the_kept_connection(db):
    """The fast path is the one in use (psycopg 3): after a one-event store, the writer's own
    session holds the prepared insert, with the same text as storage.inbox.insert_sql."""
    _postgresql_only(db)
    db.inbox_writer.store(_rows(db, text_event(user_id(), "hello")))
    kept = db.inbox_writer._local.connection
    assert kept.insert_one == kept._insert_one_libpq
    statements = dict(kept.dbapi.execute("SELECT name, statement FROM pg_prepared_statements").fetchall())
    assert "hotline_inbox_insert" in statements
    assert "pg_notify" in statements["hotline_inbox_insert"] and "$9" in statements["hotline_inbox_insert"]


def test_postgresql_a_failed_one_event_insert_raises_and_the_next_event_is_stored(db):
    """A one-event insert the server refuses raises its own error (the webhook then answers 500
    and LINE redelivers); the writer goes on with the next event."""
    _postgresql_only(db)
    import psycopg

    [row] = _rows(db, text_event(user_id(), "too long a type"))
    broken = row[:2] + ("t" * 41,) + row[3:]             # event_type is 40 characters at most
    with pytest.raises(psycopg.errors.StringDataRightTruncation):
        db.inbox_writer.store([broken])
    good = text_event(user_id(), "next")
    assert db.inbox_writer.store(_rows(db, good)) == [good["source"]["userId"]]
    assert _stored(db) == 1
