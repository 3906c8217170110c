"""Encryption at rest for what people tell us: their words, contacts, places and photos.

Columns typed EncryptedJSON hold a token, never the plain value. Keys come from
HOTLINE_ENCRYPTION_KEYS: comma-separated keys (made by `flask keys generate`: 32 random
bytes, urlsafe base64, the Fernet key format), newest first. The newest encrypts; all of
them decrypt, so a key can be rotated in without downtime (`flask keys rotate`
re-encrypts every row).

A token is `h1.` + base64url(key id | nonce | AES-256-GCM ciphertext and tag), from the
`cryptography` package's AESGCM: authenticated like Fernet, but without Fernet's per-call
cipher and HMAC set-up, which the webhook pays on every event.
Each key's AES key is derived from it with HKDF-SHA256 (never the raw key bytes), its id
is the first 4 bytes of a SHA-256 of that derived key, and every encryption draws a fresh
96-bit nonce from os.urandom (at most 2^32 encryptions per key, NIST SP 800-38D:
rotate long before). Tokens written before (Fernet, `gAAAAA...`) still decrypt, and
`flask keys rotate` rewrites them in this format.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)

ENV_KEYS = "HOTLINE_ENCRYPTION_KEYS"

TOKEN_PREFIX = "h1."
_NONCE_BYTES = 12
_KEY_ID_BYTES = 4
_HKDF_INFO = b"hotline encryption at rest: AES-256-GCM v1"


def _derive(key: str) -> tuple[bytes, AESGCM]:
    """(key id, cipher) for one configured key."""
    material = base64.urlsafe_b64decode(key.encode("ascii"))
    if len(material) != 32:
        raise ValueError("an encryption key is 32 bytes in urlsafe base64 (flask keys generate)")
    aes_key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(material)
    return hashlib.sha256(b"key id" + aes_key).digest()[:_KEY_ID_BYTES], AESGCM(aes_key)


class KeyRing:
    def __init__(self, keys: list[str]):
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self.keys = keys
        derived = [_derive(key) for key in keys]
        self._newest_id, self._newest = derived[0]
        self._by_id: dict[bytes, list[AESGCM]] = {}
        for key_id, cipher in derived:
            self._by_id.setdefault(key_id, []).append(cipher)
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])   # tokens made before h1

    def encrypt(self, plain: bytes) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._newest.encrypt(nonce, plain, None)
        return TOKEN_PREFIX + base64.urlsafe_b64encode(self._newest_id + nonce + sealed).decode("ascii")

    def decrypt(self, token: str) -> bytes:
        """The plaintext; raises InvalidToken when no configured key opens the token."""
        if not token.startswith(TOKEN_PREFIX):
            return self._fernet.decrypt(token.encode("ascii"))
        try:
            raw = base64.urlsafe_b64decode(token[len(TOKEN_PREFIX):].encode("ascii"))
        except (binascii.Error, ValueError):
            raise InvalidToken from None
        key_id, nonce = raw[:_KEY_ID_BYTES], raw[_KEY_ID_BYTES:_KEY_ID_BYTES + _NONCE_BYTES]
        if len(nonce) == _NONCE_BYTES:
            for cipher in self._by_id.get(key_id, ()):   # one, unless two keys' ids collide
                try:
                    return cipher.decrypt(nonce, raw[_KEY_ID_BYTES + _NONCE_BYTES:], None)
                except InvalidTag:
                    pass
        raise InvalidToken

    def rotate(self, token: str) -> str:
        """The same plaintext, encrypted with the newest key (and in the current format)."""
        return self.encrypt(self.decrypt(token))


_keyring: KeyRing | None = None


def configure(keyring: KeyRing) -> None:
    global _keyring
    _keyring = keyring


def keyring() -> KeyRing:
    if _keyring is None:
        raise RuntimeError("encryption keys are not configured (storage.crypto.configure)")
    return _keyring


class KeysMissing(ValueError):
    """HOTLINE_ENCRYPTION_KEYS is unset or blank where no local key may be used."""


def keys_from_env(instance_dir: Path | None) -> KeyRing:
    """The keys in HOTLINE_ENCRYPTION_KEYS; without any, and only when given an instance_dir
    (development: app.py never passes one elsewhere), the local key in instance_dir/encryption.key.

    The local key is made once and shared by every process using that dir: it is written to a
    temporary file and linked into place, so a second process either finds no file (and makes
    its own attempt, which loses the race and reads the winner's) or a complete key.
    Raises KeysMissing when there are no keys and no instance_dir, ValueError when a key does not parse.
    """
    value = os.environ.get(ENV_KEYS, "").strip()
    if value:
        return KeyRing([key.strip() for key in value.split(",") if key.strip()])
    if instance_dir is None:
        raise KeysMissing(f"{ENV_KEYS} is not set")
    path = instance_dir / "encryption.key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        temporary = instance_dir / f".encryption.key.{os.getpid()}.{os.urandom(4).hex()}"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(Fernet.generate_key().decode())
        try:
            os.link(temporary, path)
            log.warning("no %s: made a development key in %s", ENV_KEYS, path)
        except FileExistsError:
            pass                                   # another process made it first: use theirs
        finally:
            temporary.unlink()
    return KeyRing([path.read_text().strip()])


def seal_json(value) -> str:
    """The token an EncryptedJSON column stores for `value` (a fresh nonce each call)."""
    return keyring().encrypt(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


class EncryptedJSON(TypeDecorator):
    """A JSON value stored encrypted (a KeyRing token)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return seal_json(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        try:
            return json.loads(keyring().decrypt(value))
        except InvalidToken:
            raise RuntimeError("stored data cannot be decrypted with the configured keys") from None


class EncryptedBytes(TypeDecorator):
    """Bytes (a photo) stored encrypted: the same KeyRing token as EncryptedJSON, so key rotation
    and erasure treat them alike."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return keyring().encrypt(bytes(value))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        try:
            return keyring().decrypt(value)
        except InvalidToken:
            raise RuntimeError("stored data cannot be decrypted with the configured keys") from None
