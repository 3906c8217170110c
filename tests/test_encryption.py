"""What people tell us is encrypted at rest, and keys can be rotated."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from app import create_app
from storage import crypto
from storage.models import InboxEvent
from tests.conftest import post_events, user_id
from tests.support.events import text_event

pytestmark = pytest.mark.integration

SECRET_WORDS = "my boss keeps my passport"


def _raw(app, sql):
    with app.extensions["hotline"].db.engine.connect() as connection:
        return connection.execute(text(sql)).scalars().all()


def test_a_message_is_stored_encrypted_and_read_back(settings, monkeypatch):
    monkeypatch.setenv(crypto.ENV_KEYS, Fernet.generate_key().decode())
    app = create_app(settings)
    user = user_id()
    post_events(app.test_client(), [text_event(user, SECRET_WORDS)])
    raw = _raw(app, "SELECT payload FROM inbox_events")
    assert len(raw) == 1 and SECRET_WORDS not in raw[0] and "passport" not in raw[0]
    with app.extensions["hotline"].db.sessions() as session:
        from storage.inbox import next_pending
        assert next_pending(session, user).payload["message"]["text"] == SECRET_WORDS


def test_rotation_moves_everything_to_the_new_key(settings, monkeypatch):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_KEYS, old)
    app = create_app(settings)
    post_events(app.test_client(), [text_event(user_id(), SECRET_WORDS)])
    monkeypatch.setenv(crypto.ENV_KEYS, f"{new},{old}")
    app = create_app(settings)
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0 and "re-encrypted 1 values" in result.output
    token = _raw(app, "SELECT payload FROM inbox_events")[0]
    assert SECRET_WORDS in Fernet(new.encode()).decrypt(token.encode()).decode()
    with pytest.raises(Exception):
        Fernet(old.encode()).decrypt(token.encode())


def test_without_the_key_nothing_can_be_read(settings, monkeypatch):
    monkeypatch.setenv(crypto.ENV_KEYS, Fernet.generate_key().decode())
    app = create_app(settings)
    post_events(app.test_client(), [text_event(user_id(), SECRET_WORDS)])
    monkeypatch.setenv(crypto.ENV_KEYS, Fernet.generate_key().decode())
    app = create_app(settings)
    with app.extensions["hotline"].db.sessions() as session:
        with pytest.raises(RuntimeError, match="cannot be decrypted"):
            session.scalars(select(InboxEvent)).all()


def test_a_local_key_is_made_once_when_none_is_configured(tmp_path, monkeypatch):
    monkeypatch.delenv(crypto.ENV_KEYS, raising=False)
    first = crypto.keys_from_env(tmp_path)
    second = crypto.keys_from_env(tmp_path)
    assert first.keys == second.keys
    assert oct((tmp_path / "encryption.key").stat().st_mode & 0o777) == "0o600"


def test_rotation_covers_every_encrypted_column():
    from storage.cases import Case, CaseEvent
    from storage.crypto import EncryptedJSON
    from storage.models import Base
    from storage.rotate import ENCRYPTED

    import storage.directory  # noqa: F401  (all tables registered)
    encrypted = {(table.name, column.name) for table in Base.metadata.tables.values()
                 for column in table.columns if isinstance(column.type, EncryptedJSON)}
    covered = {(table, column) for table, (_, columns) in ENCRYPTED.items() for column in columns}
    assert encrypted == covered and ("cases", "answers") in covered
    assert Case and CaseEvent
