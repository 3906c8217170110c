"""The case tables: a screened report and its audit trail (one CaseEvent per step).

The reporter's answers are encrypted; what a committee triages by is stored plainly.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..crypto import EncryptedBytes, EncryptedJSON
from .base import Base, utcnow


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    kind: Mapped[str] = mapped_column(String(8))                 # self | tip
    chat_key: Mapped[str] = mapped_column(String(80))
    reporter_user_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    answers: Mapped[dict] = mapped_column(EncryptedJSON)
    indicators: Mapped[list] = mapped_column(JSON, default=list)
    urgency: Mapped[str] = mapped_column(String(16))
    urgency_rule: Mapped[str] = mapped_column(String(40))
    sector: Mapped[str | None] = mapped_column(String(24), nullable=True)
    province_code: Mapped[str | None] = mapped_column(String(4), nullable=True)
    district_code: Mapped[str | None] = mapped_column(String(6), nullable=True)
    committee_id: Mapped[str] = mapped_column(String(40))
    routing: Mapped[dict] = mapped_column(JSON, default=dict)     # reason, method, distance
    contact_allowed: Mapped[bool] = mapped_column(default=False)
    # cases/lifecycle.py STATES: new acknowledged taken in_progress referred closed cancelled
    status: Mapped[str] = mapped_column(String(16), default="new")
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalate_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    assigned_to: Mapped[str | None] = mapped_column(String(40), nullable=True)      # officer id (take)
    assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    state_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(32), nullable=True)          # casework.yaml outcomes
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set while the reporter's photos are still to be fetched from LINE (storage/case_photos.py);
    # the sweeper re-queues a case whose mark is older than PHOTO_SWEEP_AFTER.
    photos_pending_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("ix_cases_status_escalate", "status", "escalate_at"),
                      Index("ix_cases_committee_status", "committee_id", "status"),
                      Index("ix_cases_committee_created", "committee_id", "created_at"),
                      Index("ix_cases_photos_pending", "photos_pending_since"))


class CaseEvent(Base):
    """One line of a case's audit trail: created, alerted, acknowledged, escalated, note..."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(24))
    actor: Mapped[str] = mapped_column(String(80))                 # officer id, "system", "reporter"
    committee_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    detail: Mapped[dict] = mapped_column(EncryptedJSON, default=dict)

    __table_args__ = (Index("ix_case_events_case", "case_id", "id"),
                      Index("ix_case_events_committee_kind", "committee_id", "kind"))


class CaseReferral(Base):
    """A case referred to an agency for a service (cases/data/casework.yaml), with its own state
    (sent, accepted, done, declined). The contact and the note are encrypted."""

    __tablename__ = "case_referrals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    service: Mapped[str] = mapped_column(String(32))
    agency: Mapped[str] = mapped_column(String(120), default="")         # the agency's name
    contact: Mapped[str | None] = mapped_column(EncryptedJSON, nullable=True)
    note: Mapped[str | None] = mapped_column(EncryptedJSON, nullable=True)
    state: Mapped[str] = mapped_column(String(16), default="sent")
    by: Mapped[str] = mapped_column(String(40))                          # officer id
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_case_referrals_case", "case_id"),)


class CaseAccess(Base):
    """A committee that held a case before it was moved: it keeps READ access to the case's
    history (bot/officers.py lets its officers see `case REF`, no actions)."""

    __tablename__ = "case_access"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    committee_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CasePhoto(Base):
    """A photo the reporter sent, fetched from LINE at intake (LINE keeps content only for a
    while) and stored encrypted; shown only on the committee's dashboard."""

    __tablename__ = "case_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)               # order the reporter sent them
    content_type: Mapped[str] = mapped_column(String(40), default="image/jpeg")
    data: Mapped[bytes | None] = mapped_column(EncryptedBytes, nullable=True)   # None: erased or not fetched
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_case_photos_case", "case_id", "position"),)
