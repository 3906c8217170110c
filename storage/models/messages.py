"""Tables of messages in and out: the durable inbox of LINE events and the outbox of replies.

The inbox is what makes "nothing lost, nothing twice" hold: an event is committed here
before the webhook answers 200, is unique by LINE's webhookEventId, and is marked done in
the same transaction that records what the bot decided to answer (the outbox rows).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import EncryptedJSON
from .base import Base, utcnow


class InboxEvent(Base):
    """One webhook event as LINE sent it, waiting for or done with processing."""

    __tablename__ = "inbox_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    webhook_event_id: Mapped[str] = mapped_column(String(64), unique=True)
    chat_key: Mapped[str] = mapped_column(String(80))
    event_type: Mapped[str] = mapped_column(String(40))
    line_timestamp: Mapped[int] = mapped_column(BigInteger)
    payload: Mapped[dict] = mapped_column(EncryptedJSON)  # the person's own words: encrypted
    redelivered: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")   # received, pending, done, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    # Pending events only (migration 0004): the workers' queries (which say status = 'pending'
    # literally, see storage/inbox.py) read an index as small as the backlog, and on SQLite the
    # webhook's insert (status 'received') does not write it at all.
    __table_args__ = (
        Index("ix_inbox_pending", "chat_key", "line_timestamp", "id",
              sqlite_where=text("status = 'pending'"), postgresql_where=text("status = 'pending'")),
    )


class OutboxMessage(Base):
    """Messages the bot decided to send, kept until LINE accepted them.

    A reply uses the event's reply token (free, single use); when that is refused or
    too old, the row falls back to a push only if push_allowed. Pushes carry retry_key
    as X-Line-Retry-Key so a retried push is never delivered twice. A row with
    deliver_until (an emergency answer, an alert) is retried until then, not only
    LINE_SEND_RETRIES times; next_attempt_at is also the hold of the attempt under way.
    A row with reporter_case_id is a push to a case's reporter, asked again when it is sent.
    Rows with one send_group carry the same messages to several officers: they are claimed,
    sent (one multicast, send_group as its retry key) and recorded together (migration 0012).
    """

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_key: Mapped[str] = mapped_column(String(80))
    inbox_event_id: Mapped[int | None] = mapped_column(ForeignKey("inbox_events.id"), nullable=True)
    reply_token: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reply_deadline: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    push_to: Mapped[str | None] = mapped_column(String(64), nullable=True)
    push_allowed: Mapped[bool] = mapped_column(Boolean, default=True)
    messages: Mapped[list] = mapped_column(EncryptedJSON)
    retry_key: Mapped[str] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    deliver_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # A push to the reporter of this case (a note, an officer's message): re-checked against
    # their consent when it is sent (bot/delivery.py). NULL for every other row.
    reporter_case_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Rows made together with the same messages for several officers (storage/case_store.py): a
    # UUID, the multicast's X-Line-Retry-Key. NULL for every other row.
    send_group: Mapped[str | None] = mapped_column(String(36), nullable=True)

    __table_args__ = (Index("ix_outbox_status_created", "status", "created_at"),
                      Index("ix_outbox_inbox_event", "inbox_event_id"),   # pruning the inbox (0006)
                      Index("ix_outbox_send_group", "send_group"))        # claiming a group (0012)
