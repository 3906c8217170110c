"""The SQL a piece of code runs, recorded from the engine (tests that count statements)."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event


@contextmanager
def recorded_statements(engine):
    """Yields a list that fills with each statement run on `engine`, upper-cased on one line."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()).upper())

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
