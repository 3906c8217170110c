"""The consents table (issue 13): a new case's rows; the migration matches the model and goes down and up."""
from __future__ import annotations

import pytest

from storage import cases, consents, migrate
from storage.db import Database
from tests.support.case_fields import CASE_FIELDS
from tests.support.migrations import schema_drift
from tests.support.statements import recorded_statements

pytestmark = pytest.mark.integration


def test_a_new_case_s_consents_are_one_insert_for_both_channels(db):
    answers = {"contact_ok": "yes", "contact_how": "line", "contact_when": "evening"}
    with db.transaction() as session:
        case = cases.insert_new(session, **CASE_FIELDS)
        with recorded_statements(db.engine) as seen:
            consents.record_from_answers(session, case, answers)
    assert [s.split(" (")[0] for s in seen] == ["INSERT INTO CONSENTS"]
    with db.sessions() as session:
        rows = {c.channel: (c.granted, c.safe_time, c.chat_key, c.revoked_at)
                for c in consents.of_case(session, case.id)}
    assert rows == {"line": (True, "evening", "Ureporter", None), "phone": (False, None, "Ureporter", None)}


def test_the_consents_migration_matches_the_model_and_goes_down_and_up(database_url):
    database = Database(database_url)
    try:
        assert schema_drift(database, "consents") == []
        migrate.downgrade(database_url, "0007")
        with database.engine.connect() as connection:
            assert "consents" not in set(connection.dialect.get_table_names(connection))
        migrate.upgrade(database_url)
        with database.engine.connect() as connection:
            assert "consents" in set(connection.dialect.get_table_names(connection))
            assert {i["name"] for i in connection.dialect.get_indexes(connection, "consents")} >= {"ix_consents_chat"}
    finally:
        database.dispose()


def test_the_outbox_reporter_case_migration_matches_the_model_and_goes_down_and_up(database_url):
    database = Database(database_url)
    try:
        assert schema_drift(database, "outbox_messages") == []
        migrate.downgrade(database_url, "0007")
        with database.engine.connect() as connection:
            columns = {c["name"] for c in connection.dialect.get_columns(connection, "outbox_messages")}
        assert "reporter_case_id" not in columns and "deliver_until" in columns
        migrate.upgrade(database_url)
        with database.engine.connect() as connection:
            columns = {c["name"] for c in connection.dialect.get_columns(connection, "outbox_messages")}
        assert "reporter_case_id" in columns
    finally:
        database.dispose()
