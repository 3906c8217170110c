"""A fresh, migrated database per test: SQLite in a temp dir, or PostgreSQL when
TEST_DATABASE_URL names a server (a new database is created there and dropped after).
`revision=None` leaves it empty (a deployment before its release step)."""
from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from storage import migrate


@contextmanager
def fresh_database(tmp_path: Path, revision: str | None = "head"):
    server_url = os.environ.get("TEST_DATABASE_URL")
    if not server_url:
        url = f"sqlite:///{tmp_path / 'hotline.db'}"
        if revision:
            migrate.upgrade(url, revision)
        yield url
        return
    name = f"hotline_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        if revision:
            migrate.upgrade(url, revision)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
