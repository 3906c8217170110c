"""Database engine and sessions.

SQLite by default (a file under instance/), PostgreSQL in production. SQLite gets WAL
and a busy timeout so the web process and several workers can share one file. PostgreSQL's
pool reconnects after an error instead of pinging before every session.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from .inbox_writer import InboxWriter

PG_POOL_RECYCLE_SECONDS = 600


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # No ping before each checkout (a round trip per session). A connection the server dropped
    # fails its statement once; SQLAlchemy then sees the disconnect and replaces every pooled
    # connection older than it, and the work is done again (the job's event is still pending,
    # the outbox row still due). Idle ones are replaced before a firewall forgets them.
    return create_engine(url, pool_size=5, max_overflow=5, pool_recycle=PG_POOL_RECYCLE_SECONDS)


def _sqlite_lock_path(url: str) -> str | None:
    if not url.startswith("sqlite"):
        return None
    path = url.split("///", 1)[-1]
    return None if not path or path == ":memory:" else f"{path}.write-lock"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA mmap_size=268435456")   # pages read by memory, not read(): ~3% on the webhook
    cursor.close()


class Database:
    """An engine plus a session factory; one per process."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.inbox_writer = InboxWriter(self.engine, _sqlite_lock_path(url))

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.inbox_writer.close()
        self.engine.dispose()
