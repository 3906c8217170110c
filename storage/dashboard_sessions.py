"""Dashboard sessions: a random id in the browser's cookie, its hash and clocks here.

A session ends when its officer signs out, is deactivated, has been idle too long, or is older
than the absolute limit: whichever comes first. Ending is a row update, so it holds on every
web process at once (a signed cookie alone could not be revoked).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from .models import DashboardSession, Officer
from .timeutil import as_utc

# A session's last_seen_at is written at most this often: a page view is not a write each time.
TOUCH_EVERY = timedelta(seconds=60)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def start(session: Session, officer_id: str, now: datetime, language: str = "th") -> str:
    """A new session for the officer; returns the raw id for the cookie (stored only hashed)."""
    raw = secrets.token_urlsafe(32)
    session.add(DashboardSession(id_hash=digest(raw), officer_id=officer_id, created_at=now, last_seen_at=now,
                                 language=language))
    session.flush()
    return raw


def find(session: Session, raw: str | None, now: datetime, *, idle_seconds: int,
         absolute_seconds: int) -> tuple[DashboardSession, Officer] | None:
    """The live session a cookie names and its (active) officer, touched; None if it ended."""
    if not raw:
        return None
    row = session.get(DashboardSession, digest(raw))
    if row is None or row.ended_at is not None:
        return None
    officer = session.get(Officer, row.officer_id)
    expired = (now - as_utc(row.last_seen_at) > timedelta(seconds=idle_seconds)
               or now - as_utc(row.created_at) > timedelta(seconds=absolute_seconds))
    if officer is None or not officer.active or expired:
        row.ended_at = now
        return None
    if now - as_utc(row.last_seen_at) >= TOUCH_EVERY:
        row.last_seen_at = now
    return row, officer


def end(session: Session, raw: str | None, now: datetime) -> None:
    if raw:
        session.execute(update(DashboardSession).where(DashboardSession.id_hash == digest(raw),
                                                       DashboardSession.ended_at.is_(None)).values(ended_at=now))


def end_all_of(session: Session, officer_id: str, now: datetime) -> None:
    """Every session of an officer (deactivated, or signed out everywhere)."""
    session.execute(update(DashboardSession).where(DashboardSession.officer_id == officer_id,
                                                   DashboardSession.ended_at.is_(None)).values(ended_at=now))


def set_language(session: Session, raw: str | None, language: str) -> None:
    if raw:
        session.execute(update(DashboardSession).where(DashboardSession.id_hash == digest(raw))
                        .values(language=language))
