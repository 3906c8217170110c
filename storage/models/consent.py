"""The consent table: whether the person who reported may be contacted, per case and channel.

One row per case and channel ("line", "phone"), written when the report is sent from the
intake's answers (contact_ok, contact_how, contact_when). The person controls it: a "stop"
word revokes every consent of their chat (revoked_at). The rules that read it (may we push
now?) are cases/consent.py; the queries storage/consents.py.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class Consent(Base):
    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    chat_key: Mapped[str] = mapped_column(String(80))
    channel: Mapped[str] = mapped_column(String(8))                 # line | phone
    granted: Mapped[bool] = mapped_column(Boolean, default=False)
    # contact_when of the intake: anytime | morning | evening | only_i_write_first (None: not asked)
    safe_time: Mapped[str | None] = mapped_column(String(24), nullable=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # LINE row only: the officer who last wrote to the reporter through the bot (msg REF). Until
    # the person goes back to the menu, what they type goes to the case and to that officer.
    talk_officer_id: Mapped[str | None] = mapped_column(String(40), nullable=True)

    __table_args__ = (UniqueConstraint("case_id", "channel", name="uq_consents_case_channel"),
                      Index("ix_consents_chat", "chat_key"))
