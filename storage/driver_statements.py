"""The worker's hottest small statements, run on the session's own driver connection in its transaction.

SQLAlchemy compiles each once per dialect; running it then skips SQLAlchemy's execution of a compiled
statement, which cost about ten times the driver's own work for these one-row statements.
"""
from __future__ import annotations

from collections import namedtuple

from sqlalchemy.orm import Session


class DriverStatement:
    """A Core statement with plain bound parameters (no expanding ones). Values go through their
    column type's own conversion both ways (datetimes on SQLite, an encrypted column's token), as
    SQLAlchemy's execution would do. Errors are raised as SQLAlchemy raises them (a lost connection
    is then replaced), and the engine's before_cursor_execute listeners hear each statement (tests
    count statements)."""

    def __init__(self, statement):
        self.statement = statement
        self._by_dialect: dict = {}
        columns = getattr(statement, "selected_columns", None)
        if columns is None and getattr(statement, "_returning", None):
            columns = statement.exported_columns   # an INSERT or UPDATE … RETURNING
        self._columns = list(columns) if columns is not None else []
        self.row = namedtuple("Row", [column.key for column in self._columns]) if columns is not None else None

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
            readers = [column.type._cached_result_processor(dialect, None) for column in self._columns]
            found = self._by_dialect[dialect.name] = (
                expanded.statement, expanded.positiontup if dialect.positional else None, defaults, processors,
                readers if any(readers) else None)
        return found

    def _row(self, dialect, found):
        readers = self._compiled(dialect)[4]
        if readers is not None:
            found = [value if reader is None or value is None else reader(value)
                     for reader, value in zip(readers, found)]
        return self.row._make(found)

    def _run(self, session: Session, params: dict):
        connection = session.connection()
        sql, positions, defaults, processors, _ = self._compiled(connection.dialect)
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
        return None if found is None else self._row(session.bind.dialect, found)

    def all(self, session: Session, **params) -> list:
        """Every row (named tuples)."""
        cursor = self._run(session, params)
        try:
            found = cursor.fetchall()
        finally:
            cursor.close()
        dialect = session.bind.dialect
        return [self._row(dialect, row) for row in found]

    def rowcount(self, session: Session, **params) -> int:
        """How many rows the statement changed."""
        cursor = self._run(session, params)
        try:
            return cursor.rowcount
        finally:
            cursor.close()
