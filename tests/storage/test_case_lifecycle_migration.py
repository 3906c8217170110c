"""Migration 0008 (case lifecycle): matches the models, renames "open" to "new", goes down and up."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from storage import migrate
from storage.db import Database
from tests.support.migrations import schema_drift

pytestmark = pytest.mark.integration

NEW_COLUMNS = {"assigned_to", "assigned_at", "state_since", "closed_at", "outcome"}


def _insert_open_case(connection) -> None:
    connection.execute(text(
        "INSERT INTO cases (reference, kind, chat_key, answers, indicators, urgency, urgency_rule, committee_id,"
        " routing, contact_allowed, status, escalation_level, created_at) VALUES ('ABC-234', 'self', 'U1', 'x',"
        " '[]', 'high', 'r', 'CRI-57', '{}', false, 'open', 0, CURRENT_TIMESTAMP)"))


def test_the_migration_matches_the_models_renames_open_and_goes_down_and_up(database_url):
    database = Database(database_url)
    try:
        assert schema_drift(database, "'cases'", "case_referrals", "case_access") == []
        migrate.downgrade(database_url, "0007")
        with database.engine.connect() as connection:
            assert not NEW_COLUMNS & {c["name"] for c in inspect(connection).get_columns("cases")}
            assert "case_referrals" not in inspect(connection).get_table_names()
        with database.engine.begin() as connection:
            _insert_open_case(connection)
        migrate.upgrade(database_url)
        with database.engine.connect() as connection:
            assert {c["name"] for c in inspect(connection).get_columns("cases")} >= NEW_COLUMNS
            assert {"case_referrals", "case_access"} <= set(inspect(connection).get_table_names())
            assert connection.execute(text("SELECT status FROM cases")).scalar_one() == "new"
        migrate.downgrade(database_url, "0007")
        with database.engine.connect() as connection:
            assert connection.execute(text("SELECT status FROM cases")).scalar_one() == "open"
        migrate.upgrade(database_url)
    finally:
        database.dispose()
