"""The rows a committee's numbers are made of (cases/stats.py computes them; `flask cases stats` prints them).

Reads only a case's plain columns (never the reporter's answers) and the audit events the numbers
count; an event's detail is decrypted (the outcome and the committee a case moved to are in it).
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cases.stats import COUNTED_KINDS, CaseRow, CommitteeMonth, EventRow, compute, month_after, month_start

from .models import Case, CaseEvent

# A case's created_at and its "created" event are written a moment apart: the query takes a day
# more on each side and cases/stats.py decides the month from the event.
_MARGIN = timedelta(days=1)


def case_rows(session: Session, committee_id: str | None = None, first_month: str | None = None,
              last_month: str | None = None) -> tuple[list[CaseRow], list[EventRow]]:
    """The cases received from `first_month` to `last_month` (YYYY-MM, Bangkok, inclusive; open
    ended if None) and their counted events; with `committee_id`, only cases that committee held
    or was named in (its own rows are then picked by cases/stats.py)."""
    chosen = select(Case.id)
    if first_month:
        chosen = chosen.where(Case.created_at >= month_start(first_month) - _MARGIN)
    if last_month:
        chosen = chosen.where(Case.created_at < month_start(month_after(last_month)) + _MARGIN)
    if committee_id:
        chosen = chosen.where(or_(Case.committee_id == committee_id, Case.id.in_(
            select(CaseEvent.case_id).where(CaseEvent.committee_id == committee_id))))
    cases = [CaseRow(id=r.id, committee_id=r.committee_id, kind=r.kind, urgency=r.urgency, sector=r.sector,
                     created_at=r.created_at)
             for r in session.execute(select(Case.id, Case.committee_id, Case.kind, Case.urgency, Case.sector,
                                             Case.created_at).where(Case.id.in_(chosen)).order_by(Case.id))]
    events = [EventRow(case_id=r.case_id, at=r.at, kind=r.kind, committee_id=r.committee_id,
                       detail=r.detail or {}, id=r.id)
              for r in session.execute(select(CaseEvent.id, CaseEvent.case_id, CaseEvent.at, CaseEvent.kind,
                                              CaseEvent.committee_id, CaseEvent.detail)
                                       .where(CaseEvent.case_id.in_(chosen), CaseEvent.kind.in_(COUNTED_KINDS))
                                       .order_by(CaseEvent.id))]
    return cases, events


def committee_months(session: Session, committee_id: str | None = None, first_month: str | None = None,
                     last_month: str | None = None) -> list[CommitteeMonth]:
    """The numbers per committee and month (cases/stats.py says how each is counted)."""
    cases, events = case_rows(session, committee_id, first_month, last_month)
    return compute(cases, events, committee_id=committee_id, first_month=first_month, last_month=last_month)
