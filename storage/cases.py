"""Cases: a screened report, the committee it went to, and everything that happened to it.

The reporter's answers (their words, contact, place, photo ids) are encrypted; what the
committee needs to triage (indicators, urgency, area, sector) is stored plainly so cases
can be listed without decrypting. Every step is a CaseEvent: the audit trail.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Case, CaseEvent, utcnow

REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # nothing to misread: no 0/O, 1/I


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
