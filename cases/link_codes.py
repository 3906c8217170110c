"""One-time codes with which officers link their LINE account and committees their group.

An administrator prints a code (`flask committees link-code` / `group-code`) and hands it
over; only its hash is stored, with an expiry, and it works once, so a leaked table links
nothing. Codes are typed on phones set to any language, so their digits are read in any
script. Failed redemptions (officer and group codes alike) count per LINE user across every
chat and per chat: after MAX_FAILED_ATTEMPTS within ATTEMPT_WINDOW on either, every
redemption by that user or in that chat is refused, even with the right code, until the
window (counted from the first failure) has passed, which makes guessing a code slower than
the code lives. A success clears both counts.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Container
from datetime import datetime, timedelta
from typing import Any

CODE_DIGITS = 8
LINK_CODE_TTL = timedelta(hours=24)
MAX_FAILED_ATTEMPTS = 5
ATTEMPT_WINDOW = timedelta(hours=1)

NO_HASH = "-" * 64   # compared against when the typed text is no code at all: the same work either way


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def plain_digits(text: Any) -> str:
    """The text with every decimal digit as ASCII 0-9: Thai ๐-๙, full-width ０-９, Burmese,
    Khmer, Lao… (and full-width letters and spaces as plain ones, NFKC), so a code reads the
    same from any keyboard. The one place codes' digits are normalised."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


def clean_code(code: Any) -> str | None:
    """The code's CODE_DIGITS ASCII digits, spaces and dashes dropped; None if it is no code."""
    text = re.sub(r"[\s\-‐‑‒–—]", "", plain_digits(code))
    return text if re.fullmatch(rf"[0-9]{{{CODE_DIGITS}}}", text) else None


def wanted_hash(code: Any) -> tuple[str | None, str]:
    """The cleaned code and the hash to look for (NO_HASH when it is no code)."""
    clean = clean_code(code)
    return clean, code_hash(clean) if clean else NO_HASH


def new_code(taken: Container[str]) -> str:
    """A random code whose hash is not among `taken` (the outstanding codes' hashes)."""
    while True:
        code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
        if code_hash(code) not in taken:
            return code


def subjects(user_id: str | None, chat_id: str | None) -> list[str]:
    """Whose failures count: the person (across every chat) and the chat (a 1:1 chat is the person)."""
    found = [f"user:{user_id}"] if user_id else []
    if chat_id and chat_id != user_id:
        found.append(f"chat:{chat_id}")
    return found


def blocked_until(failures: int, window_started_at: datetime, now: datetime) -> datetime | None:
    """Until when a subject with `failures` since `window_started_at` may not redeem codes
    (even the right one); None if it may now. The window counts from the first failure."""
    if failures < MAX_FAILED_ATTEMPTS:
        return None
    until = window_started_at + ATTEMPT_WINDOW
    return until if now < until else None


def window_expired(window_started_at: datetime, now: datetime) -> bool:
    """A failure after the window starts a new count."""
    return now >= window_started_at + ATTEMPT_WINDOW
