"""The one step every worker path takes before it looks for work: received events become pending.

On SQLite the webhook stores events as `received`, outside the index over pending events, so
its insert stays cheap (storage/inbox.py). Until they are promoted no query for pending work
sees them, so the dispatcher (before it names a chat), `process_chat` (before it takes the
chat's oldest event) and the sweeper (before it looks for stale chats) all call this first;
a job therefore never looks for an event that is not pending yet. On PostgreSQL events are
stored pending at once and this does nothing.
"""
from __future__ import annotations


def promote_received(db) -> int:
    """Move every received event to pending in one statement, under the inbox writers' lock
    (storage/inbox_writer.py); returns how many. A read decides first, so with nothing to
    promote it costs one query and never waits for the lock."""
    return db.inbox_writer.promote()
