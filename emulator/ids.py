"""Identifier generators and checks shaped like LINE's, so the bot sees realistic values."""
from __future__ import annotations

import itertools
import random
import re
import secrets
import time
import uuid

USER_ID_RE = re.compile(r"^U[0-9a-f]{32}$")
GROUP_ID_RE = re.compile(r"^C[0-9a-f]{32}$")
ROOM_ID_RE = re.compile(r"^R[0-9a-f]{32}$")
CHAT_ID_RE = re.compile(r"^[UCR][0-9a-f]{32}$")
_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
# LINE message ids are 18-digit decimal strings; a counter keeps ours unique in-process.
_message_ids = itertools.count(random.randrange(500_000_000_000_000_000, 590_000_000_000_000_000))


def new_user_id() -> str:
    return "U" + secrets.token_hex(16)


def new_group_id() -> str:
    return "C" + secrets.token_hex(16)


def new_reply_token() -> str:
    return secrets.token_hex(16)


def new_message_id() -> str:
    return str(next(_message_ids))


def new_quote_token() -> str:
    return secrets.token_urlsafe(60)


def new_request_id() -> str:
    return str(uuid.uuid4())


def new_rich_menu_id() -> str:
    return "richmenu-" + secrets.token_hex(16)


def new_webhook_event_id(now_ms: int | None = None) -> str:
    """A ULID: 48-bit millisecond time + 80 random bits, 26 chars of Crockford base32."""
    ms = int(time.time() * 1000) if now_ms is None else int(now_ms)
    value = ((ms & ((1 << 48) - 1)) << 80) | secrets.randbits(80)
    chars = []
    for _ in range(26):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def is_uuid(value: str) -> bool:
    """X-Line-Retry-Key must be a hyphenated hex UUID (e.g. 123e4567-e89b-12d3-a456-426614174000)."""
    return bool(_UUID_RE.fullmatch(value or ""))
