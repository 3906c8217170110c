"""storage/db.py: PostgreSQL sessions cost no ping; a connection the server dropped fails once,
then the pool reconnects."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from storage.db import Database

pytestmark = pytest.mark.integration


def test_a_dropped_postgresql_connection_fails_once_then_the_pool_reconnects(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL)")
    db = Database(database_url)
    killer = create_engine(database_url)
    try:
        assert db.engine.pool._pre_ping is False
        with db.sessions() as session:
            pid = session.scalar(text("SELECT pg_backend_pid()"))
        with killer.connect() as connection:
            assert connection.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(DBAPIError) as dropped, db.sessions() as session:
            session.scalar(text("SELECT 1"))
        assert dropped.value.connection_invalidated
        with db.sessions() as session:
            assert session.scalar(text("SELECT 1")) == 1
            assert session.scalar(text("SELECT pg_backend_pid()")) != pid
    finally:
        killer.dispose()
        db.dispose()
