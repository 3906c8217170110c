"""News subscriptions, personal reminders and broadcasts (issue 15, migration 0010).

A subscription holds fixed codes (news/choices.py), stored plainly so an audience is counted in
SQL; it is the person's own consent to news, apart from any consent given in a report, and it
goes with "stop", blocking the bot and "delete my data". A reminder's dates are what the person
told us: encrypted, found by the daily run that decrypts them (storage/reminders.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import EncryptedJSON
from .base import Base, utcnow


class NewsSubscription(Base):
    """One person's news subscription: one row per chat; changing it rewrites the row."""

    __tablename__ = "news_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_key: Mapped[str] = mapped_column(String(80), unique=True)
    user_id: Mapped[str] = mapped_column(String(64))
    country: Mapped[str] = mapped_column(String(8))
    document: Mapped[str] = mapped_column(String(16))
    province: Mapped[str] = mapped_column(String(8))          # DOPA code, or "all"
    language: Mapped[str] = mapped_column(String(8))          # the language news is sent in
    zawgyi: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_news_subscriptions_language", "language", "id"),)


class NewsReminder(Base):
    """A date the person asked to be reminded of. `details` (encrypted) holds the kind, the
    date and which reminders were sent: {"kind", "date": "YYYY-MM-DD", "sent": [...], ...}."""

    __tablename__ = "news_reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_key: Mapped[str] = mapped_column(String(80), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict] = mapped_column(EncryptedJSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Broadcast(Base):
    """News composed once per language and sent to an audience, kept with who sent it and the counts.

    state: scheduled (waits for send_at) → sending → done; or refused (quota, nobody to send
    to: `error` says which) or cancelled before it started."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    texts: Mapped[dict] = mapped_column(JSON)                 # language -> text
    audience: Mapped[dict] = mapped_column(JSON)              # news.audience.Audience.to_dict()
    created_by: Mapped[str] = mapped_column(String(120))      # "officer:<id>" or "cli:<name>"
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    send_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(16), default="scheduled")
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    recipients: Mapped[int] = mapped_column(Integer, default=0)   # planned when it started
    accepted: Mapped[int] = mapped_column(Integer, default=0)     # recipients LINE accepted
    failed: Mapped[int] = mapped_column(Integer, default=0)       # recipients of batches LINE refused
    quota: Mapped[dict | None] = mapped_column(JSON, nullable=True)   # {"limit", "used", "warn"} when checked
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # While it is cut into batches a slice at a time (migration 0011): the last subscription id in
    # a batch, 0 at the start; NULL once every subscriber is in one (or before it started).
    plan_cursor: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (Index("ix_broadcasts_state_send_at", "state", "send_at"),)


class BroadcastBatch(Base):
    """Up to LINE's 500 recipients of one language, sent in one multicast with its own retry key.
    `recipients` (encrypted) lists their LINE user ids."""

    __tablename__ = "broadcast_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcasts.id"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    zawgyi: Mapped[bool] = mapped_column(Boolean, default=False)
    recipients: Mapped[list] = mapped_column(EncryptedJSON)
    size: Mapped[int] = mapped_column(Integer)
    retry_key: Mapped[str] = mapped_column(String(36))
    state: Mapped[str] = mapped_column(String(16), default="pending")   # pending, sent, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    __table_args__ = (Index("ix_broadcast_batches_pending", "broadcast_id", "state", "id"),)
