"""What people tell us is encrypted at rest, and keys can be rotated."""
from __future__ import annotations

import pytest
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select, text

from app import create_app
from storage import crypto
from storage.models import InboxEvent
from tests.support.events import text_event
from tests.support.webhook import post_events, user_id

pytestmark = pytest.mark.integration

SECRET_WORDS = "my boss keeps my passport"


def _raw(app, sql):
    with app.extensions["hotline"].db.engine.connect() as connection:
        return connection.execute(text(sql)).scalars().all()


def _stored_event(app, chat_key: str) -> InboxEvent:
    """The chat's one event, read through the model (whatever its status)."""
    with app.extensions["hotline"].db.sessions() as session:
        return session.scalars(select(InboxEvent).where(InboxEvent.chat_key == chat_key)).one()


def test_a_message_is_stored_encrypted_and_read_back(settings, monkeypatch):
    monkeypatch.setenv(crypto.ENV_KEYS, Fernet.generate_key().decode())
    app = create_app(settings)
    user = user_id()
    post_events(app.test_client(), [text_event(user, SECRET_WORDS)])
    raw = _raw(app, "SELECT payload FROM inbox_events")
    assert len(raw) == 1 and SECRET_WORDS not in raw[0] and "passport" not in raw[0]
    assert _stored_event(app, user).payload["message"]["text"] == SECRET_WORDS


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
    assert SECRET_WORDS in crypto.KeyRing([new]).decrypt(token).decode()
    with pytest.raises(InvalidToken):
        crypto.KeyRing([old]).decrypt(token)


def test_rows_written_with_fernet_tokens_are_read_and_rotated_to_the_current_format(settings, monkeypatch):
    """Databases written before the h1 format hold Fernet tokens: still readable, and
    `flask keys rotate` rewrites them."""
    key = Fernet.generate_key().decode()
    monkeypatch.setenv(crypto.ENV_KEYS, key)
    app = create_app(settings)
    user = user_id()
    post_events(app.test_client(), [text_event(user, SECRET_WORDS)])
    engine = app.extensions["hotline"].db.engine
    with engine.begin() as connection:
        plain = crypto.keyring().decrypt(connection.execute(text("SELECT payload FROM inbox_events")).scalar_one())
        connection.execute(text("UPDATE inbox_events SET payload = :p"),
                           {"p": Fernet(key.encode()).encrypt(plain).decode()})
    assert _raw(app, "SELECT payload FROM inbox_events")[0].startswith("gAAAAA")
    assert _stored_event(app, user).payload["message"]["text"] == SECRET_WORDS
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0 and "re-encrypted 1 values" in result.output
    token = _raw(app, "SELECT payload FROM inbox_events")[0]
    assert token.startswith(crypto.TOKEN_PREFIX) and SECRET_WORDS in crypto.keyring().decrypt(token).decode()


def test_without_the_key_nothing_can_be_read(settings, monkeypatch):
    monkeypatch.setenv(crypto.ENV_KEYS, Fernet.generate_key().decode())
    app = create_app(settings)
    post_events(app.test_client(), [text_event(user_id(), SECRET_WORDS)])
    monkeypatch.setenv(crypto.ENV_KEYS, Fernet.generate_key().decode())
    app = create_app(settings)
    with app.extensions["hotline"].db.sessions() as session, \
            pytest.raises(RuntimeError, match="cannot be decrypted"):
        session.scalars(select(InboxEvent)).all()


def test_a_local_key_is_made_once_when_none_is_configured(tmp_path, monkeypatch):
    monkeypatch.delenv(crypto.ENV_KEYS, raising=False)
    first = crypto.keys_from_env(tmp_path)
    second = crypto.keys_from_env(tmp_path)
    assert first.keys == second.keys
    assert oct((tmp_path / "encryption.key").stat().st_mode & 0o777) == "0o600"


def test_rotation_covers_every_encrypted_column():
    import storage.directory  # noqa: F401  (all tables registered)
    from storage.cases import Case, CaseEvent
    from storage.crypto import EncryptedJSON
    from storage.models import Base
    from storage.rotate import ENCRYPTED
    encrypted = {(table.name, column.name) for table in Base.metadata.tables.values()
                 for column in table.columns if isinstance(column.type, EncryptedJSON)}
    covered = {(table, column) for table, (_, columns) in ENCRYPTED.items() for column in columns}
    assert encrypted == covered and ("cases", "answers") in covered
    assert Case and CaseEvent


def test_tokens_are_authenticated_and_never_repeat():
    keys = crypto.KeyRing([Fernet.generate_key().decode()])
    first, second = keys.encrypt(SECRET_WORDS.encode()), keys.encrypt(SECRET_WORDS.encode())
    assert first != second and SECRET_WORDS not in first                     # a fresh nonce each time
    assert keys.decrypt(first) == keys.decrypt(second) == SECRET_WORDS.encode()
    body = first[len(crypto.TOKEN_PREFIX):]
    flipped = body[:30] + ("A" if body[30] != "A" else "B") + body[31:]      # one character of ciphertext
    for bad in (crypto.TOKEN_PREFIX + flipped, first[:-4], crypto.TOKEN_PREFIX + "not base64!", crypto.TOKEN_PREFIX):
        with pytest.raises(InvalidToken):
            keys.decrypt(bad)


def test_every_configured_key_decrypts_and_only_the_newest_encrypts():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token_old = crypto.KeyRing([old]).encrypt(b"before")
    ring = crypto.KeyRing([new, old])
    assert ring.decrypt(token_old) == b"before"
    token_new = ring.encrypt(b"after")
    assert crypto.KeyRing([new]).decrypt(token_new) == b"after"
    with pytest.raises(InvalidToken):
        crypto.KeyRing([old]).decrypt(token_new)
    with pytest.raises(ValueError):
        crypto.KeyRing(["c2hvcnQ="])                                             # not 32 bytes
