"""Alembic, driven from Python so `flask db upgrade` needs no alembic.ini."""
from __future__ import annotations

import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.exc import OperationalError

from .db import make_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


class SchemaNotReady(RuntimeError):
    """The database's schema is not (or cannot be shown to be) the one this code expects:
    web and worker must not start on it."""


def require_head(database_url: str, wait_seconds: float = 30.0) -> None:
    """The one rule for "is the schema migrated": its revisions are exactly Alembic's heads.

    An empty database (no alembic_version) is behind too. The web and worker start only after
    this passes, so a deployment that skipped the release step says so instead of answering
    LINE with 500s ("no such table"). A database that cannot be reached is waited for up to
    wait_seconds (a restart during an outage), then refused too.
    """
    heads = set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            current = _current_heads(database_url)
            break
        except OperationalError as exc:
            if time.monotonic() >= deadline:
                reason = (str(exc.orig).strip().splitlines() or [type(exc.orig).__name__])[0]   # no URL
                raise SchemaNotReady(f"refusing to start: cannot reach the database to check its schema "
                                     f"({reason})") from None
            time.sleep(1)
    if current != heads:
        raise SchemaNotReady(
            "refusing to start: the database schema is at "
            f"{', '.join(sorted(current)) or 'no revision (empty database)'}, "
            f"not {', '.join(sorted(heads))}: run `flask --app app db upgrade` (the Procfile's release step)")


def _current_heads(database_url: str) -> set[str]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            return set(MigrationContext.configure(connection).get_current_heads())
    finally:
        engine.dispose()


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def current(database_url: str) -> None:
    command.current(alembic_config(database_url), verbose=True)


def revision(database_url: str, message: str) -> None:
    command.revision(alembic_config(database_url), message=message, autogenerate=True)
