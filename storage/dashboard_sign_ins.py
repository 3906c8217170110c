"""One-time sign-in links to the dashboard, sent by the bot to a linked officer: a random token
stored only hashed, valid for a few minutes and once, so a link that was forwarded, previewed or
found later opens nothing. Redeeming is one conditional UPDATE, so two browsers racing for the
same link get one session between them.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from . import dashboard_sessions
from .models import DashboardSignIn, Officer
from .timeutil import as_utc

# Where a link points under the public base URL; dashboard/auth.py serves it.
PATH = "/dashboard/sign-in/"
# At most this many links per officer in WINDOW: a stolen phone cannot mint links without end.
LINKS_PER_WINDOW = 5
WINDOW = timedelta(minutes=10)
# A token longer than this is not one of ours (token_urlsafe(32) is 43 characters).
MAX_TOKEN_CHARS = 100

USABLE, USED, GONE = "usable", "used", "gone"


@dataclass(frozen=True)
class LinkState:
    """What a link is now: USABLE, USED (session_hash: the session its use began) or GONE
    (unknown, expired, or its officer deactivated: one answer for all three)."""

    state: str
    session_hash: str | None = None


def url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{PATH}{token}"


def issue(session: Session, officer_id: str, now: datetime, *, seconds: int) -> str | None:
    """A new link token for the officer (only its hash is stored), or None when they asked for
    LINKS_PER_WINDOW links in the last WINDOW already."""
    recent = session.scalar(select(func.count()).select_from(DashboardSignIn).where(
        DashboardSignIn.officer_id == officer_id, DashboardSignIn.created_at > now - WINDOW))
    if recent >= LINKS_PER_WINDOW:
        return None
    raw = secrets.token_urlsafe(32)
    session.add(DashboardSignIn(token_hash=dashboard_sessions.digest(raw), officer_id=officer_id, created_at=now,
                                expires_at=now + timedelta(seconds=seconds)))
    session.flush()
    return raw


def look_up(session: Session, raw: str, now: datetime) -> LinkState:
    """The link's state, without using it (LINE's preview and in-app browser fetch links)."""
    row = _row(session, raw)
    if row is None:
        return LinkState(GONE)
    if row.used_at is not None:
        return LinkState(USED, row.session_hash)
    officer = session.get(Officer, row.officer_id)
    if as_utc(row.expires_at) <= now or officer is None or not officer.active:
        return LinkState(GONE)
    return LinkState(USABLE)


def redeem(session: Session, raw: str, now: datetime, *, language: str) -> tuple[str, str] | None:
    """Use the link: if it is unused, unexpired and its officer active, mark it used and start a
    session; returns (raw session id, officer id), else None. The caller commits."""
    if len(raw) > MAX_TOKEN_CHARS:
        return None
    token_hash = dashboard_sessions.digest(raw)
    active = select(Officer.id).where(Officer.id == DashboardSignIn.officer_id, Officer.active.is_(True)).exists()
    taken = session.execute(
        update(DashboardSignIn)
        .where(DashboardSignIn.token_hash == token_hash, DashboardSignIn.used_at.is_(None),
               DashboardSignIn.expires_at > now, active)
        .values(used_at=now)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        return None
    officer_id = session.scalar(select(DashboardSignIn.officer_id).where(DashboardSignIn.token_hash == token_hash))
    session_id = dashboard_sessions.start(session, officer_id, now, language)
    session.execute(update(DashboardSignIn).where(DashboardSignIn.token_hash == token_hash)
                    .values(session_hash=dashboard_sessions.digest(session_id))
                    .execution_options(synchronize_session=False))
    return session_id, officer_id


def _row(session: Session, raw: str) -> DashboardSignIn | None:
    if not raw or len(raw) > MAX_TOKEN_CHARS:
        return None
    return session.get(DashboardSignIn, dashboard_sessions.digest(raw))
