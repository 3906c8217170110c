"""Cases: a screened report, the committee it went to, and everything that happened to it.

The reporter's answers (their words, contact, place, photo ids) are encrypted; what the
committee needs to triage (indicators, urgency, area, sector) is stored plainly so cases
can be listed without decrypting. Every step is a CaseEvent: the audit trail.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .crypto import EncryptedJSON
from .models import Base, utcnow

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # nothing to misread: no 0/O, 1/I


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
    status: Mapped[str] = mapped_column(String(16), default="open")  # open acknowledged cancelled closed
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    escalate_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    acknowledged_by: Mapped[str | None] = mapped_column(String(40), nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_cases_status_escalate", "status", "escalate_at"),
                      Index("ix_cases_committee_status", "committee_id", "status"))


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

    __table_args__ = (Index("ix_case_events_case", "case_id", "id"),)


def new_reference(session: Session) -> str:
    """A short random number to tell the reporter: says nothing about what it is."""
    while True:
        code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
        reference = f"{code[:3]}-{code[3:]}"
        if session.scalar(select(Case.id).where(Case.reference == reference)) is None:
            return reference


def record(session: Session, case: Case, kind: str, actor: str, committee_id: str | None = None,
           **detail) -> CaseEvent:
    event = CaseEvent(case_id=case.id, kind=kind, actor=actor, committee_id=committee_id, detail=detail,
                      at=utcnow())
    session.add(event)
    return event


def trail(session: Session, case_id: int) -> list[CaseEvent]:
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))


def by_reference(session: Session, reference: str) -> Case | None:
    return session.scalar(select(Case).where(Case.reference == reference.strip().upper()))


def open_for_committees(session: Session, committee_ids: list[str], limit: int = 10) -> list[Case]:
    return list(session.scalars(
        select(Case).where(Case.committee_id.in_(committee_ids), Case.status.in_(("open", "acknowledged")))
        .order_by(Case.created_at.desc()).limit(limit)))


def due_escalations(session: Session, now: datetime) -> list[int]:
    return list(session.scalars(select(Case.id).where(Case.status == "open", Case.escalate_at <= now)))


def claim_escalation(session: Session, case_id: int, level: int) -> bool:
    """Move a case one level up, only if nobody else did or acknowledged it meanwhile:
    several workers' sweepers may look at the same overdue case."""
    from sqlalchemy import update

    result = session.execute(update(Case).where(Case.id == case_id, Case.escalation_level == level,
                                                Case.status == "open")
                             .values(escalation_level=level + 1))
    return result.rowcount == 1
