"""Which cases an officer may see and act on: the one rule, for LINE and the dashboard alike.

An officer acts on a case held by their committee or a committee below it in the escalation
chain (a province: its districts; national: all), or one their committee was alerted to. A
committee a case was moved away from keeps reading it (case_access), without actions. Anyone
else is told "not found", in LINE and on the web (404), so nothing says a reference exists.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from .directory import committees_below
from .models import Case, CaseAccess, CaseEvent, Officer

ALERTED = "alerted"


@dataclass(frozen=True)
class Scope:
    """What one officer's committee covers, read once per request or command."""

    committee_id: str
    below: tuple[str, ...]         # their committee and every committee under it

    def acts_on_holder(self, committee_id: str) -> bool:
        return committee_id in self.below


def scope_of(session: Session, officer: Officer) -> Scope:
    return Scope(officer.committee_id, tuple(committees_below(session, officer.committee_id)))


def visible(scope: Scope) -> ColumnElement[bool]:
    """The SQL condition on Case for every case the scope may read (act on or read only)."""
    alerted = select(CaseEvent.case_id).where(CaseEvent.committee_id == scope.committee_id,
                                              CaseEvent.kind == ALERTED)
    moved_away = select(CaseAccess.case_id).where(CaseAccess.committee_id == scope.committee_id)
    return or_(Case.committee_id.in_(scope.below), Case.id.in_(alerted), Case.id.in_(moved_away))


def was_alerted(session: Session, scope: Scope, case: Case) -> bool:
    return session.scalar(select(CaseEvent.id).where(CaseEvent.case_id == case.id, CaseEvent.kind == ALERTED,
                                                     CaseEvent.committee_id == scope.committee_id).limit(1)) is not None


def reads_only(session: Session, scope: Scope, case: Case) -> bool:
    """A committee the case was moved away from."""
    return session.get(CaseAccess, (case.id, scope.committee_id)) is not None


def may_act(session: Session, scope: Scope, case: Case) -> bool:
    if scope.acts_on_holder(case.committee_id):
        return True
    if reads_only(session, scope, case):
        return False
    return was_alerted(session, scope, case)


def may_read(session: Session, scope: Scope, case: Case) -> bool:
    return may_act(session, scope, case) or reads_only(session, scope, case)
