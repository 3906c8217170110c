"""The worker's hottest small statements, run on the session's own driver connection in its transaction.

SQLAlchemy compiles each once per dialect; running it then skips SQLAlchemy's execution of a compiled
statement, which cost about ten times the driver's own work for these one-row statements.
"""
from __future__ import annotations

from collections import namedtuple

from sqlalchemy.orm import Session


class DriverStatement:
    """A Core statement with plain bound parameters (no expanding ones). Rows come as the driver reads
    them, so only for columns it already returns as the callers use them (integers, text, and booleans
    read for their truth); bound values go through their column type's own conversion (datetimes on
    SQLite). Errors are raised as SQLAlchemy raises them (a lost connection is then replaced), and the
    engine's before_cursor_execute listeners hear each statement (tests count statements)."""

    def __init__(self, statement):
        self.statement = statement
        self._by_dialect: dict = {}
        columns = getattr(statement, "selected_columns", None)
        self.row = namedtuple("Row", list(columns.keys())) if columns is not None else None

    def _compiled(self, dialect):
        found = self._by_dialect.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            required = {name: None for name, bind in compiled.binds.items() if bind.required}
            expanded = compiled.construct_expanded_state(required)   # literal_execute values written in
            defaults = {name: value for name, value in compiled.construct_params(required).items()
                        if name not in required}
            processors = {name: processor for name, bind in compiled.binds.items()
                          if (processor := bind.type.bind_processor(dialect)) is not None}
            found = self._by_dialect[dialect.name] = (
                expanded.statement, expanded.positiontup if dialect.positional else None, defaults, processors)
        return found

    def _run(self, session: Session, params: dict):
        connection = session.connection()
        sql, positions, defaults, processors = self._compiled(connection.dialect)
        values = {**defaults, **params}
        for name, processor in processors.items():
            if name in values:
                values[name] = processor(values[name])
        arguments = tuple(values[name] for name in positions) if positions is not None else values
        cursor = connection.connection.driver_connection.cursor()
        if connection.dispatch.before_cursor_execute:
            for listener in connection.dispatch.before_cursor_execute:
                listener(connection, cursor, sql, arguments, None, False)
        try:
            cursor.execute(sql, arguments)
        except connection.dialect.loaded_dbapi.Error as error:
            cursor.close()
            connection._handle_dbapi_exception(error, sql, arguments, cursor, None)   # raises it wrapped
            raise
        return cursor

    def first(self, session: Session, **params):
        """The first row (a named tuple), or None."""
        cursor = self._run(session, params)
        try:
            found = cursor.fetchone()
        finally:
            cursor.close()
        return None if found is None else self.row._make(found)

    def rowcount(self, session: Session, **params) -> int:
        """How many rows the statement changed."""
        cursor = self._run(session, params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()
