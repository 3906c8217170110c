"""Send groups in the outbox: which rows get one, a group claimed once, blocked officers dropped,
the outcome written on all rows at once; migration 0012 against the model."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Text, event, inspect, select, type_coerce

from storage import conversations, migrate, outbox
from storage.case_store import CaseStore
from storage.db import Database
from storage.models import OutboxMessage, utcnow
from tests.support.migrations import schema_drift

pytestmark = pytest.mark.integration

ALERT = [{"type": "text", "text": "case CRI-1 needs you"}]
OTHER = [{"type": "text", "text": "case CRI-1 was taken"}]
OFFICER_A, OFFICER_B, OFFICER_C = "U" + "a" * 32, "U" + "b" * 32, "U" + "c" * 32
GROUP_CHAT = "C" + "d" * 32


def _pushed(db, *calls) -> list[OutboxMessage]:
    """Rows pushed through the case store in one transaction, one push_all per (targets,
    messages), as casework adds an alert's."""
    with db.transaction() as session:
        return [row for targets, messages in calls for row in CaseStore.push_all(session, targets, messages)]


def _row(db, row_id) -> OutboxMessage:
    with db.sessions() as session:
        return session.get(OutboxMessage, row_id)


def _times():
    now = utcnow()
    return {"due_by": now + timedelta(seconds=1), "hold_until": now + timedelta(seconds=30)}


def test_officers_with_the_same_messages_share_a_group_the_group_chat_does_not(db):
    a, b, chat = _pushed(db, ([OFFICER_A, OFFICER_B, GROUP_CHAT], ALERT))
    assert a.send_group is not None and a.send_group == b.send_group
    assert chat.send_group is None                       # a group chat cannot be in a multicast: a push
    assert _row(db, a.id).send_group == a.send_group     # written by the insert itself
    assert a.retry_key != a.send_group != b.retry_key


def test_different_messages_and_a_lone_officer_stay_pushes(db):
    a, b = _pushed(db, ([OFFICER_A], ALERT), ([OFFICER_B], OTHER))
    assert a.send_group is None and b.send_group is None
    (alone,) = _pushed(db, ([OFFICER_C], ALERT))
    assert alone.send_group is None


def test_the_same_officer_twice_is_not_put_twice_in_one_multicast(db):
    a, again, b = _pushed(db, ([OFFICER_A, OFFICER_A, OFFICER_B], ALERT))
    assert a.send_group == b.send_group is not None
    assert again.send_group is None


def test_rows_pushed_by_separate_calls_are_not_grouped(db):
    first, second = _pushed(db, ([OFFICER_A], ALERT), ([OFFICER_B], ALERT))
    assert first.send_group is None and second.send_group is None
    with db.transaction() as session:
        alone = CaseStore.push(session, OFFICER_C, ALERT)
    assert alone.send_group is None and _row(db, alone.id).chat_key == OFFICER_C


def test_replies_and_pushes_to_a_reporter_are_never_grouped(db):
    with db.transaction() as session:
        reply = outbox.add(session, chat_key=OFFICER_A, messages=ALERT, push_to=OFFICER_A, push_allowed=True,
                           reply_token="tok", reply_deadline=utcnow() + timedelta(seconds=30))
        note = outbox.add(session, chat_key=OFFICER_B, messages=ALERT, push_to=OFFICER_B, push_allowed=True)
        note.reporter_case_id = 7
        plain = outbox.add(session, chat_key=OFFICER_C, messages=ALERT, push_to=OFFICER_C, push_allowed=True)
        assert outbox.group_alike([reply, note, plain]) == []
        session.rollback()


def test_one_card_for_several_chats_is_encrypted_once_and_each_row_reads_it(db):
    """AES-GCM's rule is a fresh nonce per encryption: one token stored in several rows is one
    encryption, and says only that the rows hold the same messages, which their group says already."""
    a, b, group_chat = _pushed(db, ([OFFICER_A, OFFICER_B, GROUP_CHAT], ALERT))
    c, = _pushed(db, ([OFFICER_C], ALERT))
    with db.sessions() as session:
        rows = OutboxMessage.__table__   # the stored tokens, not decrypted
        tokens = dict(session.execute(select(rows.c.id, type_coerce(rows.c.messages, Text))).all())
    assert tokens[a.id] == tokens[b.id] == tokens[group_chat.id] != tokens[c.id]
    assert ALERT[0]["text"] not in tokens[a.id]
    assert [_row(db, row.id).messages for row in (a, b, group_chat, c)] == [ALERT] * 4


def test_a_group_is_claimed_once_whichever_row_names_it(db):
    a, b, _ = _pushed(db, ([OFFICER_A, OFFICER_B, GROUP_CHAT], ALERT))
    with db.sessions() as session:
        assert outbox.claim_group(session, a.send_group, **_times()) == ({a.id: OFFICER_A, b.id: OFFICER_B}, set())
        session.commit()
    with db.sessions() as session:   # a second job, for either row, or the sweeper's: nothing
        assert outbox.claim_group(session, a.send_group, **_times()).taken == {}
        assert outbox.claim_named(session, b.id, **_times()) is None
        session.commit()
    assert _row(db, a.id).last_error == outbox.SENDING


def test_a_job_naming_a_row_learns_its_group(db):
    a, b = _pushed(db, ([OFFICER_A, OFFICER_B], ALERT))
    with db.sessions() as session:
        taken = outbox.claim_named(session, b.id, **_times())
        assert (taken.last_error, taken.send_group, taken.push_to) == (outbox.SENDING, b.send_group, OFFICER_B)
        assert outbox.claim_group(session, b.send_group, **_times()).taken == {a.id: OFFICER_A}   # the rest
        session.commit()


def test_a_group_is_marked_sent_and_backed_off_together(db):
    a, b = _pushed(db, ([OFFICER_A, OFFICER_B], ALERT))
    later = utcnow() + timedelta(seconds=4)
    with db.transaction() as session:
        outbox.record_group_attempt(session, [a.id, b.id], status="pending", last_error="LINE 500",
                                    next_attempt_at=later, deliver_until=None)
    for row_id in (a.id, b.id):
        row = _row(db, row_id)
        assert (row.status, row.attempts, row.last_error) == ("pending", 1, "LINE 500")
    with db.transaction() as session:
        outbox.mark_sent(session, [a.id, b.id], utcnow())
    for row_id in (a.id, b.id):
        row = _row(db, row_id)
        assert (row.status, row.attempts, row.last_error, row.next_attempt_at) == ("sent", 2, None, None)


def test_an_officer_who_blocked_the_bot_is_dropped_from_the_group(db):
    a, b = _pushed(db, ([OFFICER_A, OFFICER_B], ALERT))
    with db.transaction() as session:
        conversations.set_blocked(conversations.load(session, OFFICER_B, OFFICER_B), True)
    with db.transaction() as session:
        assert outbox.claim_group(session, a.send_group, **_times()).blocked == {b.id}   # the claim says so
        assert outbox.drop_blocked(session, [a.id, b.id], "blocked") == {b.id}
    assert _row(db, b.id).status == "undeliverable" and _row(db, a.id).status == "pending"


def test_a_group_s_claim_looks_up_who_blocked_the_bot_by_chat_key(db):
    """SQLite (3.40) read every conversation once per claimed row in the claim's RETURNING when the
    lookup compared a bare column of the updated row: 13.7 ms a claim with 20,000 conversations."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("a query plan of SQLite's")
    a, _ = _pushed(db, ([OFFICER_A, OFFICER_B], ALERT))
    seen = []
    event.listen(db.engine, "before_cursor_execute", lambda conn, cursor, statement, params, context, many:
                 seen.append((statement, params)) if statement.startswith("UPDATE outbox_messages") else None)
    with db.transaction() as session:
        outbox.claim_group(session, a.send_group, **_times())
    (statement, params), = seen
    with db.engine.connect() as connection:
        plan = [row[3] for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)]
    assert any(step.startswith("SEARCH conversations") for step in plan), plan
    assert not any(step.startswith("SCAN") for step in plan), plan


def test_migration_0012_matches_the_outbox_model_and_goes_down_and_up(database_url):
    database = Database(database_url)
    try:
        assert schema_drift(database, "outbox_messages") == []

        def shape():
            with database.engine.connect() as connection:
                found = inspect(connection)
                return ({c["name"] for c in found.get_columns("outbox_messages")},
                        {i["name"] for i in found.get_indexes("outbox_messages")})

        columns, indexes = shape()
        assert "send_group" in columns and "ix_outbox_send_group" in indexes
        migrate.downgrade(database_url, "0011_broadcast_planning")
        columns, indexes = shape()
        assert "send_group" not in columns and "ix_outbox_send_group" not in indexes
        migrate.upgrade(database_url)
        assert shape()[0] >= {"send_group"}
        assert schema_drift(database, "outbox_messages") == []
    finally:
        database.dispose()
