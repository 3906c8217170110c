"""The inbox's hot writes: the webhook's new events, and (SQLite) their promotion to pending.

Why not a SQLAlchemy Connection: on the webhook's hot path, checking a connection out of
the pool, beginning, executing through SQLAlchemy and resetting the connection on its
return cost more than the insert itself. So each thread keeps one DBAPI connection, made
by the engine (the same connect arguments and pragmas) but detached from its pool, and runs
the prepared rows (storage.inbox.prepare_events) through a plain cursor, in one transaction
per request.

On SQLite, writers from several processes queue on a file lock, woken by the kernel the
moment it is free, instead of SQLite's busy handler sleeping between retries. The worker
side's promotion of received events (storage/inbox.py) queues on the same lock.
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
import weakref
from contextlib import contextmanager

from sqlalchemy.engine import Engine

from .inbox import NEWEST_STATUS_SQL, PROMOTE_SQL, RECEIVED, insert_sql
from .own_connection import OwnConnection

log = logging.getLogger(__name__)


class _ThreadConnection(OwnConnection):
    """One thread's connection (and, on SQLite, its handle on the lock file), in autocommit
    mode: one event (LINE's usual body) is one INSERT that commits itself, without the
    driver's separate BEGIN and COMMIT statements (on PostgreSQL, one round trip not two)."""

    def __init__(self, engine: Engine, lock_path: str | None):
        super().__init__(engine)
        self.pid = os.getpid()
        self.lock_file = open(lock_path, "a") if lock_path else None  # noqa: SIM115 (kept open)
        self.dbapi.rollback()             # whatever the pool's ping began; autocommit needs none open
        if engine.dialect.name == "sqlite":
            self.dbapi.isolation_level = None
            self.begin = "BEGIN IMMEDIATE"
        else:
            self.dbapi.autocommit = True
            self.begin = "BEGIN"

    @contextmanager
    def _locked(self):
        if self.lock_file is None:
            yield
            return
        fcntl.flock(self.lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self.lock_file, fcntl.LOCK_UN)

    def write(self, sql: str, rows: list[tuple]) -> list[str]:
        """Insert the rows in one transaction; the chat keys of those that were new."""
        with self._locked():
            cursor = self.dbapi.cursor()
            try:
                if len(rows) == 1:
                    cursor.execute(sql, rows[0])          # committed when it returns
                    return [rows[0][1]] if cursor.rowcount == 1 else []   # 0: a redelivery
                return self._write_many(cursor, sql, rows)
            finally:
                cursor.close()

    def promote(self) -> int:
        """Received events -> pending, all at once; how many. A read decides first (no lock
        needed in WAL mode), so a worker with nothing to promote never queues for the lock."""
        cursor = self.dbapi.cursor()
        try:
            newest = cursor.execute(NEWEST_STATUS_SQL).fetchall()   # fetched to the end: no snapshot kept
            if not newest or newest[0][0] != RECEIVED:
                return 0
            with self._locked():
                cursor.execute(PROMOTE_SQL)                   # committed when it returns
                return cursor.rowcount
        finally:
            cursor.close()

    def _write_many(self, cursor, sql: str, rows: list[tuple]) -> list[str]:
        cursor.execute(self.begin)
        try:
            chats = []
            for params in rows:
                cursor.execute(sql, params)
                if cursor.rowcount == 1:
                    chats.append(params[1])
            cursor.execute("COMMIT")
            return chats
        except BaseException:
            try:
                cursor.execute("ROLLBACK")
            except Exception:  # noqa: BLE001 - a broken connection is discarded by the caller
                pass
            raise

    def close(self) -> None:
        super().close()
        if self.lock_file is not None:
            self.lock_file.close()


class InboxWriter:
    """Stores prepared inbox rows and promotes received ones; safe from any number of threads."""

    def __init__(self, engine: Engine, lock_path: str | None):
        self.engine = engine
        self.lock_path = lock_path
        self.sql = insert_sql(engine.dialect.name)
        self._errors = (engine.dialect.loaded_dbapi.Error,)
        self._local = threading.local()
        self._all: weakref.WeakSet[_ThreadConnection] = weakref.WeakSet()

    def store(self, rows: list[tuple]) -> list[str]:
        """Commit the rows; return the chat keys that got at least one new event. Raises
        if they could not be committed (the webhook must then not answer 200). A retry after
        a commit that did happen stores nothing twice (those chats are then left to the
        dispatcher's catch-up and the sweeper)."""
        if not rows:
            return []
        return list(dict.fromkeys(self._on_connection(lambda connection: connection.write(self.sql, rows))))

    def promote(self) -> int:
        """SQLite: move every event the webhook stored as received into the pending index, in
        one statement; returns how many. Its caller is worker/promotion.py, the step every
        worker path takes before it looks for work. Nothing to do on other databases."""
        if self.engine.dialect.name != "sqlite":
            return 0
        return self._on_connection(lambda connection: connection.promote())

    def _on_connection(self, work):
        """work(this thread's connection). A failure on a kept connection (the server restarted,
        the network dropped it) is retried once on a new connection: both writes are
        idempotent, so a retry after a commit that did happen does nothing twice."""
        for attempt in (1, 2):
            connection = self._connection()
            try:
                return work(connection)
            except self._errors as exc:
                self._discard(connection)
                if attempt == 2:
                    raise
                log.warning("inbox write failed (%s); retrying on a new connection", type(exc).__name__)
        raise AssertionError("unreachable")

    def _connection(self) -> _ThreadConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None or connection.pid != os.getpid():   # first use, or inherited across a fork
            connection = _ThreadConnection(self.engine, self.lock_path)
            self._local.connection = connection
            self._all.add(connection)
        return connection

    def _discard(self, connection: _ThreadConnection) -> None:
        if getattr(self._local, "connection", None) is connection:
            self._local.connection = None
        self._all.discard(connection)
        connection.close()

    def close(self) -> None:
        """Close every thread's connection (this process's own only)."""
        for connection in list(self._all):
            if connection.pid == os.getpid():
                connection.close()
            self._all.discard(connection)
        self._local = threading.local()
