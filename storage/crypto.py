"""Encryption at rest for what people tell us: their words, contacts, places and photos.

Columns typed EncryptedJSON hold a Fernet token (AES-128-CBC + HMAC-SHA256, from the
`cryptography` package), never the plain value. Keys come from HOTLINE_ENCRYPTION_KEYS:
comma-separated Fernet keys, newest first. The newest encrypts; all of them decrypt, so
a key can be rotated in without downtime (`flask keys rotate` re-encrypts every row).
"""
from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

ENV_KEYS = "HOTLINE_ENCRYPTION_KEYS"


class KeyRing:
    def __init__(self, keys: list[str]):
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self.keys = keys
        self.fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    def encrypt(self, plain: bytes) -> str:
        return self.fernet.encrypt(plain).decode("ascii")

    def decrypt(self, token: str) -> bytes:
        return self.fernet.decrypt(token.encode("ascii"))

    def rotate(self, token: str) -> str:
        """The same plaintext, encrypted with the newest key."""
        return self.fernet.rotate(token.encode("ascii")).decode("ascii")


_keyring: KeyRing | None = None


def configure(keyring: KeyRing) -> None:
    global _keyring
    _keyring = keyring


def keyring() -> KeyRing:
    if _keyring is None:
        raise RuntimeError("encryption keys are not configured (storage.crypto.configure)")
    return _keyring


def keys_from_env(instance_dir: Path) -> KeyRing:
    """HOTLINE_ENCRYPTION_KEYS, or for local runs a key kept in instance/encryption.key."""
    value = os.environ.get(ENV_KEYS, "").strip()
    if value:
        return KeyRing([key.strip() for key in value.split(",") if key.strip()])
    path = instance_dir / "encryption.key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(Fernet.generate_key().decode())
        log.warning("no %s: made a local key in %s (set the variable in production)", ENV_KEYS, path)
    return KeyRing([path.read_text().strip()])


class EncryptedJSON(TypeDecorator):
    """A JSON value stored as a Fernet token."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return keyring().encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        try:
            return json.loads(keyring().decrypt(value))
        except InvalidToken:
            raise RuntimeError("stored data cannot be decrypted with the configured keys") from None
