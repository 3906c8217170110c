"""Case queries: new cases and references, the audit trail, lookups, escalation claims.

The tables are in storage/models/cases.py; every step of a case is a CaseEvent, written here
so the audit trail has one writer.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from cases.lifecycle import NEW, OPEN_STATES
from cases.reference import random_reference

from .loaded_rows import as_loaded
from .models import Case, CaseAccess, CaseEvent, CaseReferral, utcnow
from .timeutil import as_utc

_CASES = Case.__table__
_CASE_COLUMNS = [column for column in _CASES.columns if column.key != "id"]
# A new case's row unless its reference is taken (then no id comes back); built once per dialect.
_INSERT_NEW = {name: dialect.insert(_CASES).on_conflict_do_nothing(index_elements=[_CASES.c.reference])
               .returning(_CASES.c.id) for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))}


def _default(column):
    """What the ORM would have written for a column not given (its Python-side default, else NULL)."""
    if column.default is None:
        if column.server_default is not None:   # the row handed back could not know the server's value
            raise TypeError(f"cases.{column.key}: insert_new needs a Python-side default, not a server one")
        return None
    return column.default.arg(None) if column.default.is_callable else column.default.arg


def insert_new(session: Session, reference: str | None = None, **fields) -> Case:
    """A new case with a fresh reference (or the one given, which must be free), by one Core
    INSERT … RETURNING that skips a reference already taken (then another is drawn), instead of a
    SELECT for the reference and the unit of work's flush; the case comes back in the session as
    if loaded, every column known (its id for the audit trail)."""
    unknown = set(fields) - {column.key for column in _CASE_COLUMNS}
    if unknown:
        raise TypeError(f"not a column of cases: {sorted(unknown)}")
    values = {column.key: fields[column.key] if column.key in fields else _default(column)
              for column in _CASE_COLUMNS}
    statement = _INSERT_NEW[session.get_bind().dialect.name]
    with session.no_autoflush:
        while True:
            values["reference"] = reference or random_reference()
            case_id = session.execute(statement, values).scalar()
            if case_id is not None:
                return as_loaded(session, Case, {**values, "id": case_id})
            if reference:
                raise ValueError(f"case reference {reference} is taken")


_RECORD = insert(CaseEvent.__table__)   # built once; Core: the unit of work was a report's largest ORM cost


def record(session: Session, case: Case, kind: str, actor: str, committee_id: str | None = None,
           **detail) -> None:
    """One line of the case's trail, written at once (the case has its id: cases are flushed
    when added). Nothing else in the session is flushed."""
    with session.no_autoflush:
        session.execute(_RECORD, {"case_id": case.id, "kind": kind, "actor": actor, "committee_id": committee_id,
                                  "detail": detail, "at": utcnow()})


def record_all(session: Session, case: Case, lines: list[tuple]) -> None:
    """record() for several lines of the case's trail, (kind, actor, committee_id, detail, at) each,
    in their order, by one INSERT."""
    with session.no_autoflush:
        session.execute(_RECORD, [{"case_id": case.id, "kind": kind, "actor": actor, "committee_id": committee_id,
                                   "detail": detail, "at": at} for kind, actor, committee_id, detail, at in lines])


def trail(session: Session, case_id: int) -> list[CaseEvent]:
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)))


def by_reference(session: Session, reference: str) -> Case | None:
    return session.scalar(select(Case).where(Case.reference == reference.strip().upper()))


def open_for_committees(session: Session, committee_ids: list[str], limit: int = 10) -> list[Case]:
    return list(session.scalars(
        select(Case).where(Case.committee_id.in_(committee_ids), Case.status.in_(OPEN_STATES))
        .order_by(Case.created_at.desc()).limit(limit)))


def due_escalations(session: Session, now: datetime) -> Iterator[Case]:
    """New cases whose window has passed, each checked again as it is handed out (the
    caller escalates one before it takes the next)."""
    for case_id in list(session.scalars(select(Case.id).where(Case.status == NEW, Case.escalate_at <= now))):
        case = session.get(Case, case_id)
        if case.status == NEW and as_utc(case.escalate_at) <= now:
            yield case


def due_reminders(session: Session, now: datetime) -> Iterator[Case]:
    """Worked cases (open, past new) that sat in their state past its timer."""
    worked = [s for s in OPEN_STATES if s != NEW]
    for case_id in list(session.scalars(select(Case.id).where(Case.status.in_(worked), Case.escalate_at <= now))):
        case = session.get(Case, case_id)
        if case.status in worked and case.escalate_at is not None and as_utc(case.escalate_at) <= now:
            yield case


def claim_escalation(session: Session, case: Case) -> bool:
    """Move a case one level up, only if nobody else did or acknowledged it meanwhile:
    several workers' sweepers may look at the same overdue case. The case is read again
    when it was claimed."""
    level = case.escalation_level
    result = session.execute(update(Case).where(Case.id == case.id, Case.escalation_level == level,
                                                Case.status == NEW)
                             .values(escalation_level=level + 1))
    if result.rowcount != 1:
        return False
    session.refresh(case)
    return True


# -- referrals -------------------------------------------------------------------------------------
def add_referral(session: Session, case: Case, **fields) -> CaseReferral:
    referral = CaseReferral(case_id=case.id, **fields)
    session.add(referral)
    session.flush()
    return referral


def referrals(session: Session, case_id: int) -> list[CaseReferral]:
    return list(session.scalars(select(CaseReferral).where(CaseReferral.case_id == case_id)
                                .order_by(CaseReferral.id)))


def get_referral(session: Session, referral_id: int) -> CaseReferral | None:
    return session.get(CaseReferral, referral_id)


# -- read access of former committees --------------------------------------------------------------
def grant_read(session: Session, case: Case, committee_id: str) -> None:
    if session.get(CaseAccess, (case.id, committee_id)) is None:
        session.add(CaseAccess(case_id=case.id, committee_id=committee_id, since=utcnow()))
        session.flush()


def readers(session: Session, case_id: int) -> set[str]:
    """The committees that held the case before it was moved (read only)."""
    return set(session.scalars(select(CaseAccess.committee_id).where(CaseAccess.case_id == case_id)))
