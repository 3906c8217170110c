"""`flask db ...`: schema migrations."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from . import migrate

db_cli = AppGroup("db", help="Database schema (Alembic migrations).")


def _url() -> str:
    return current_app.extensions["hotline"].settings.database_url


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade(revision: str) -> None:
    """Bring the schema up to REVISION (default: the newest)."""
    migrate.upgrade(_url(), revision)


@db_cli.command("downgrade")
@click.argument("revision")
def downgrade(revision: str) -> None:
    """Take the schema back to REVISION."""
    migrate.downgrade(_url(), revision)


@db_cli.command("current")
def current() -> None:
    """Show the schema's revision."""
    migrate.current(_url())


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
def revision(message: str) -> None:
    """Write a new migration from the difference between models and database."""
    migrate.revision(_url(), message)


keys_cli = AppGroup("keys", help="Encryption keys for what people tell us.")


@keys_cli.command("generate")
def generate_key() -> None:
    """Print a new key: put it FIRST in HOTLINE_ENCRYPTION_KEYS, keep the old ones after it."""
    from cryptography.fernet import Fernet

    click.echo(Fernet.generate_key().decode())


@keys_cli.command("rotate")
def rotate_keys() -> None:
    """Re-encrypt every stored value with the newest key; then old keys can be removed."""
    from . import crypto
    from .rotate import rotate_all

    count = rotate_all(current_app.extensions["hotline"].db, crypto.keyring())
    click.echo(f"re-encrypted {count} values with the newest key")
