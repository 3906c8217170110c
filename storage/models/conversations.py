"""The conversations table: where each chat stands (language, flow state, blocked)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import EncryptedJSON
from .base import Base, utcnow


class Conversation(Base):
    """Where one chat (a user, or a group) stands: language and flow state."""

    __tablename__ = "conversations"

    chat_key: Mapped[str] = mapped_column(String(80), primary_key=True)
    user_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    zawgyi: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[dict] = mapped_column(EncryptedJSON, default=dict)  # their answers: encrypted
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The person blocked the bot (`unfollow`, migration 0006): nothing is sent to this chat
    # until they unblock it (`follow`).
    blocked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
