"""The inbox's hot writes: the webhook's new events, and (SQLite) their promotion to pending.

Why not a SQLAlchemy Connection: on the webhook's hot path, checking a connection out of
the pool, beginning, executing through SQLAlchemy and resetting the connection on its
return cost more than the insert itself. So each thread keeps one DBAPI connection, made
by the engine (the same connect arguments and pragmas) but detached from its pool, and runs
the prepared rows (storage.inbox.prepare_events) through a plain cursor, in one transaction
per request.

On PostgreSQL a one-event request (LINE's usual body) goes further down, to libpq: the
insert is prepared once per connection and run with its parameters as text, which skips
psycopg's per-execute adaptation and bookkeeping (a third of the client's CPU per insert on this
path; figures in bench/README.md).

On SQLite, writers from several processes queue on a file lock, woken by the kernel the
moment it is free, instead of SQLite's busy handler sleeping between retries. The worker
side's promotion of received events (storage/inbox.py) queues on the same lock.
"""
from __future__ import annotations

import fcntl
import itertools
import logging
import os
import re
import threading
import weakref
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy.engine import Engine

from .inbox import NEWEST_STATUS_SQL, PROMOTE_SQL, RECEIVED, insert_sql
from .own_connection import OwnConnection

log = logging.getLogger(__name__)

# The name of the inbox insert prepared on each PostgreSQL connection (one per session, so a
# new connection after a failure prepares it again).
_PREPARED_INSERT = b"hotline_inbox_insert"


def _numbered(sql: str) -> str:
    """psycopg's %s placeholders as libpq's $1, $2, ... (insert_sql has no other % in it)."""
    counter = itertools.count(1)
    return re.sub("%s", lambda _: f"${next(counter)}", sql)


def _datetime_text(value: datetime) -> bytes:
    if value.tzinfo is None:
        raise ValueError("inbox timestamps are timezone-aware")
    return value.isoformat().encode("ascii")


# By exact type (one lookup per value on the hot path): bool is not taken for int.
_TEXT_FORMS = {
    str: lambda value: value.encode("utf-8"),
    int: lambda value: str(value).encode("ascii"),
    bool: lambda value: b"t" if value else b"f",
    datetime: _datetime_text,
    type(None): lambda value: None,
}


def _as_text(value) -> bytes | None:
    """One parameter in PostgreSQL's text input format (the types prepare_events makes)."""
    form = _TEXT_FORMS.get(type(value))
    if form is None:
        raise TypeError(f"no text form for {type(value).__name__}")
    return form(value)


class _ThreadConnection(OwnConnection):
    """One thread's connection (and, on SQLite, its handle on the lock file), in autocommit
    mode: one event (LINE's usual body) is one INSERT that commits itself, without the
    driver's separate BEGIN and COMMIT statements (on PostgreSQL, one round trip not two)."""

    def __init__(self, engine: Engine, lock_path: str | None):
        super().__init__(engine)
        self.pid = os.getpid()
        self.lock_file = open(lock_path, "a") if lock_path else None  # noqa: SIM115 (kept open)
        self.dbapi.rollback()             # whatever the pool's ping began; autocommit needs none open
        self.prepared = False
        if engine.dialect.name == "sqlite":
            self.dbapi.isolation_level = None
            self.begin = "BEGIN IMMEDIATE"
            self.insert_one = self._insert_one_cursor
        else:
            self.dbapi.autocommit = True
            self.begin = "BEGIN"
            # psycopg 3 (requirements.txt) shows its libpq connection; another driver keeps the cursor
            self.insert_one = self._insert_one_libpq if hasattr(self.dbapi, "pgconn") else self._insert_one_cursor

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
            if len(rows) == 1:                            # committed when it returns
                return [rows[0][1]] if self.insert_one(sql, rows[0]) == 1 else []   # 0: a redelivery
            cursor = self.dbapi.cursor()
            try:
                return self._write_many(cursor, sql, rows)
            finally:
                cursor.close()

    def _insert_one_cursor(self, sql: str, params: tuple) -> int:
        cursor = self.dbapi.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.rowcount
        finally:
            cursor.close()

    def _insert_one_libpq(self, sql: str, params: tuple) -> int:
        """PostgreSQL: the statement prepared on this connection, run by libpq in autocommit
        (one round trip, committed when it returns); a failure raises psycopg's error for it."""
        from psycopg import errors, pq

        pgconn = self.dbapi.pgconn
        if not self.prepared:
            result = pgconn.prepare(_PREPARED_INSERT, _numbered(sql).encode("utf-8"))
            if result.status != pq.ExecStatus.COMMAND_OK:
                raise errors.error_from_result(result)
            self.prepared = True
        forms = _TEXT_FORMS
        try:
            values = [forms[type(value)](value) for value in params]
        except KeyError:
            values = [_as_text(value) for value in params]     # raises the TypeError that names the type
        result = pgconn.exec_prepared(_PREPARED_INSERT, values)
        if result.status != pq.ExecStatus.TUPLES_OK:
            raise errors.error_from_result(result)
        return result.ntuples                         # one notification row per new event

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
