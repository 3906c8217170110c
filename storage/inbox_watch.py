"""How a worker learns, within milliseconds, that the webhook committed new events.

The webhook talks to the database only: once its insert is committed it answers LINE, and
telling the workers costs it nothing more. (A Redis push from the webhook would wake
redis-server on the same core before the web worker could go on, on the path LINE waits on.)
Instead the dispatcher, beside a worker, watches:

- SQLite: `PRAGMA data_version` changes whenever another connection commits; it is read every
  `POLL_SECONDS` while events come, every `IDLE_POLL_SECONDS` once none came for
  `IDLE_AFTER_SECONDS` (cheap, and without a lock), and only then are the rows after the last
  one seen read. Only new events keep the poll quick: the workers' own commits (a report makes
  four) move data_version too, but no event follows from them. SQLite has one writer at a
  time, so ids are committed in order. The webhook stored them as received (storage/inbox.py):
  the watch promotes them to pending before it names their chats, so a job never looks for an
  event that is not pending yet.
- PostgreSQL: the webhook's insert notifies channel `hotline_inbox` with the chat key in the
  same statement (storage.inbox.insert_sql); NOTIFY is delivered at commit, to listeners only.

Either way, `catch_up()` gives every chat with pending events (what to do on taking over from
a dispatcher that died, or once in a burst worker); the sweeper remains the safety net.
"""
from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy.engine import Engine

from .inbox import NOTIFY_CHANNEL, RECEIVED
from .own_connection import OwnConnection

# The SQLite poll, one place. A quick poll is what an idle worker spends its CPU on, so it slows
# down only after a quiet spell longer than the gaps of a steady load: replies under load stay as
# quick, and a first event after a pause waits at most IDLE_POLL_SECONDS - POLL_SECONDS more.
POLL_SECONDS = 0.002
IDLE_AFTER_SECONDS = 0.03
IDLE_POLL_SECONDS = 0.008

_PENDING_CHATS = "SELECT DISTINCT chat_key FROM inbox_events WHERE status = 'pending'"
_WAITING = (RECEIVED, "pending")      # statuses of events no job has taken yet


class _Connection(OwnConnection):
    """The watcher's own connection, with driver settings (autocommit) of its own."""

    def __init__(self, engine: Engine, **settings):
        super().__init__(engine)
        for name, value in settings.items():
            setattr(self.dbapi, name, value)

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        cursor = self.dbapi.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()


class SqliteInboxWatch:
    def __init__(self, engine: Engine, promote: Callable[[], int], poll_seconds: float = POLL_SECONDS,
                 idle_poll_seconds: float = IDLE_POLL_SECONDS):
        self.connection = _Connection(engine, isolation_level=None)   # autocommit: no read snapshot kept
        self.promote = promote             # worker/promotion.py's step, under the writers' lock
        self.poll_seconds = poll_seconds
        self.idle_poll_seconds = max(poll_seconds, idle_poll_seconds)
        self.changed_at = time.monotonic()  # when events last came: polls are quick until a while after
        self.version = None
        self.last_id = 0

    def catch_up(self) -> list[str]:
        # In this order: what commits after the version is read wakes wait(); what committed
        # before the last id is read is promoted here and found by the query below.
        self.version = self._data_version()
        self.last_id = self.connection.rows("SELECT COALESCE(MAX(id), 0) FROM inbox_events")[0][0]
        self.promote()
        return [row[0] for row in self.connection.rows(_PENDING_CHATS)]

    def wait(self, timeout: float) -> list[str]:
        """Chats that got pending events since the last call; [] after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            version = self._data_version()
            now = time.monotonic()
            if version != self.version:
                self.version = version
                rows = self.connection.rows(
                    "SELECT id, chat_key, status FROM inbox_events WHERE id > ? ORDER BY id", (self.last_id,))
                if rows:
                    self.changed_at = now
                    if any(status == RECEIVED for _, _, status in rows):
                        self.promote()
                    self.last_id = rows[-1][0]
                    chats = list(dict.fromkeys(chat for _, chat, status in rows if status in _WAITING))
                    if chats:
                        return chats
            if now >= deadline:
                return []
            quiet = now - self.changed_at >= IDLE_AFTER_SECONDS
            time.sleep(self.idle_poll_seconds if quiet else self.poll_seconds)

    def _data_version(self) -> int:
        return self.connection.rows("PRAGMA data_version")[0][0]

    def close(self) -> None:
        self.connection.close()


class PostgresInboxWatch:
    def __init__(self, engine: Engine):
        self.connection = _Connection(engine, autocommit=True)
        self.connection.dbapi.execute(f"LISTEN {NOTIFY_CHANNEL}")

    def catch_up(self) -> list[str]:
        self.wait(0)          # what was notified before now is covered by the query below
        return [row[0] for row in self.connection.rows(_PENDING_CHATS)]

    def wait(self, timeout: float) -> list[str]:
        chats = [n.payload for n in self.connection.dbapi.notifies(timeout=timeout, stop_after=1)]
        if chats:             # and whatever else has arrived with it
            chats += [n.payload for n in self.connection.dbapi.notifies(timeout=0)]
        return list(dict.fromkeys(chats))

    def close(self) -> None:
        self.connection.close()


def inbox_watch(engine: Engine, promote: Callable[[], int], poll_seconds: float = POLL_SECONDS):
    """The watcher for this database; promote is the worker's promotion step (worker/promotion.py)."""
    if engine.dialect.name == "sqlite":
        return SqliteInboxWatch(engine, promote, poll_seconds)
    if engine.dialect.name == "postgresql":
        return PostgresInboxWatch(engine)
    raise ValueError(f"no inbox watch for {engine.dialect.name}")
