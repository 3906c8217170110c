"""The rows a committee's numbers are made of (cases/stats.py computes them; `flask cases stats`
and the dashboard's numbers page show them).

Reads only a case's plain columns (never the reporter's answers) and the audit events the numbers
count. An event's detail is encrypted, and decrypting the trail of every case is what would make
the numbers slow: only "moved" events' details are read (the committee a case went to may be
named there); a close's outcome comes from the case's outcome column instead.
"""
from __future__ import annotations

import gc
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cases.stats import COUNTED_KINDS, NO_DETAIL, CaseRow, CommitteeMonth, EventRow, compute, month_after, month_start

from .models import Case, CaseEvent

# A case's created_at and its "created" event are written a moment apart: the query takes a day
# more on each side and cases/stats.py decides the month from the event.
_MARGIN = timedelta(days=1)
_DETAIL_READ = ("moved",)
# The events that hand a case to the committee in their column: the first holder, each new one.
_HANDED_TO = ("created", "moved")


def case_rows(session: Session, committee_id: str | None = None, first_month: str | None = None,
              last_month: str | None = None, committees: Collection[str] | None = None,
              ) -> tuple[list[CaseRow], list[EventRow]]:
    """The cases received from `first_month` to `last_month` (YYYY-MM, Bangkok, inclusive; open
    ended if None) and their counted events; with `committee_id` (or `committees`), only cases
    those committees hold or were handed (their own rows are then picked by cases/stats.py)."""
    chosen = select(Case.id)
    if first_month:
        chosen = chosen.where(Case.created_at >= month_start(first_month) - _MARGIN)
    if last_month:
        chosen = chosen.where(Case.created_at < month_start(month_after(last_month)) + _MARGIN)
    named = ([committee_id] if committee_id else []) + list(committees or ())
    if committee_id or committees is not None:
        chosen = chosen.where(or_(Case.committee_id.in_(named), Case.id.in_(
            select(CaseEvent.case_id).where(CaseEvent.committee_id.in_(named), CaseEvent.kind.in_(_HANDED_TO)))))
    cases = [CaseRow(r.id, r.committee_id, r.kind, r.urgency, r.sector, r.created_at, tuple(r.indicators or ()),
                     r.outcome)
             for r in session.connection().execute(
                 select(Case.id, Case.committee_id, Case.kind, Case.urgency, Case.sector, Case.created_at,
                        Case.indicators, Case.outcome).where(Case.id.in_(chosen)).order_by(Case.id)).all()]
    details = {r.id: r.detail for r in session.connection().execute(select(CaseEvent.id, CaseEvent.detail).where(
        CaseEvent.case_id.in_(chosen), CaseEvent.kind.in_(_DETAIL_READ))).all()}
    trail = (select(CaseEvent.id, CaseEvent.case_id, CaseEvent.at, CaseEvent.kind, CaseEvent.committee_id)
             .where(CaseEvent.case_id.in_(chosen), CaseEvent.kind.in_(COUNTED_KINDS)).order_by(CaseEvent.id))
    events = [EventRow(case_id, at, kind, committee, details.get(event_id) or NO_DETAIL, event_id)
              for event_id, case_id, at, kind, committee in session.connection().execute(trail).all()]
    return cases, events


def committee_months(session: Session, committee_id: str | None = None, first_month: str | None = None,
                     last_month: str | None = None, committees: Collection[str] | None = None,
                     ) -> list[CommitteeMonth]:
    """The numbers per committee and month (cases/stats.py says how each is counted); with
    `committees`, the rows of those committees only (a viewer's scope)."""
    with _no_cycle_collection():
        cases, events = case_rows(session, committee_id, first_month, last_month, committees)
        return compute(cases, events, committee_id=committee_id, first_month=first_month, last_month=last_month,
                       committees=committees)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Tens of thousands of short-lived rows would start Python's cycle collector many times over
    for nothing (they hold no cycles; reference counting frees them): it waits until they are done."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
