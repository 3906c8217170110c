"""The dashboard's tables: one-time sign-in links, server-side sessions, and the access log.

Tokens and session ids are stored only as SHA-256 hashes, so a copy of the database opens nothing.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class DashboardSignIn(Base):
    """A link the bot sent an officer: valid once, for a few minutes, in the browser that used it."""

    __tablename__ = "dashboard_sign_ins"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    session_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)   # the session its use began


class DashboardSession(Base):
    """A signed-in browser: the cookie carries the id, this row its officer and its clocks."""

    __tablename__ = "dashboard_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    language: Mapped[str] = mapped_column(String(8), default="th")


class AccessLogEntry(Base):
    """Who viewed or exported what, when: ids and filters only, never what a case says."""

    __tablename__ = "dashboard_access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    officer_id: Mapped[str] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(32))          # case_viewed, photo_viewed, cases_exported, ...
    case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)  # filters, format, row count

    __table_args__ = (Index("ix_dashboard_access_log_at", "at"),)
