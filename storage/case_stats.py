"""The rows a committee's numbers are made of: cases' plain columns and their counted audit events
(cases/stats.py turns them into per-case facts, then numbers; `flask cases stats` and the
dashboard's numbers page show them).

Reads only a case's plain columns (never the reporter's answers) and the audit events the numbers
count, as plain tuples: times come out of the database as POSIX seconds, so no timestamp is parsed
per event, and a case's indicators' JSON is parsed once per distinct list. An event's detail is
encrypted: only "moved" events' details are read (the committee a case went to may be named there).
"""
from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import Float, Text, cast, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import FunctionElement

from cases import stats
from cases.stats import COUNTED_KINDS, NO_DETAIL, CaseFacts, CaseRow, CommitteeMonth, EventRow, month_after, month_start
from gc_pause import cycle_collection_paused

from .models import Case, CaseEvent

# A case's created_at and its "created" event are written a moment apart: the query takes a day
# more on each side and cases/stats.py decides the month from the event.
_MARGIN = timedelta(days=1)
# The events that hand a case to the committee in their column: the first holder, each new one.
_HANDED_TO = ("created", "moved")
_BATCH = 900


class _Epoch(FunctionElement):
    """A timestamp as POSIX seconds (float) to the millisecond (SQLite keeps no finer time, and
    its day numbers carry float noise below it), on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True


@compiles(_Epoch)
def _epoch_default(element, compiler, **kw):
    seconds = f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"
    return f"CAST(ROUND({seconds} * 1000) / 1000 AS DOUBLE PRECISION)"


@compiles(_Epoch, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    return f"(ROUND((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400000.0) / 1000.0)"


def case_facts(session: Session, committee_id: str | None = None, first_month: str | None = None,
               last_month: str | None = None, committees: Collection[str] | None = None) -> list[CaseFacts]:
    """The facts of the cases received from `first_month` to `last_month` (YYYY-MM, Bangkok,
    inclusive; open ended if None); with `committee_id` (or `committees`), only cases those
    committees hold or were handed (their own rows are then picked by cases/stats.py)."""
    chosen = []
    if first_month:
        chosen.append(Case.created_at >= month_start(first_month) - _MARGIN)
    if last_month:
        chosen.append(Case.created_at < month_start(month_after(last_month)) + _MARGIN)
    named = ([committee_id] if committee_id else []) + list(committees or ())
    if committee_id or committees is not None:
        chosen.append(or_(Case.committee_id.in_(named), Case.id.in_(
            select(CaseEvent.case_id).where(CaseEvent.committee_id.in_(named), CaseEvent.kind.in_(_HANDED_TO)))))
    connection = session.connection()
    cases = [CaseRow(case_id, committee, kind, urgency, sector, created, _indicators(indicators), outcome)
             for case_id, committee, kind, urgency, sector, created, indicators, outcome in connection.execute(
                 select(Case.id, Case.committee_id, Case.kind, Case.urgency, Case.sector, _Epoch(Case.created_at),
                        cast(Case.indicators, Text), Case.outcome).where(*chosen)).all()]
    # The cases' events by their ids, a batch at a time: the choice above is made once.
    trail = []
    for batch in _batches([case.id for case in cases]):
        trail += connection.execute(
            select(CaseEvent.case_id, CaseEvent.id, _Epoch(CaseEvent.at), CaseEvent.kind, CaseEvent.committee_id)
            .where(CaseEvent.case_id.in_(batch), CaseEvent.kind.in_(COUNTED_KINDS))).all()
    details = {}
    for batch in _batches([event_id for _case, event_id, _at, kind, _committee in trail if kind == "moved"]):
        details.update(connection.execute(select(CaseEvent.id, CaseEvent.detail).where(CaseEvent.id.in_(batch))).all())
    events = [EventRow(case_id, event_id, at, kind, committee, details.get(event_id) or NO_DETAIL)
              for case_id, event_id, at, kind, committee in trail]
    return stats.case_facts(cases, events)


def _batches(ids: list[int]) -> Iterator[list[int]]:
    """Ids a query's worth at a time (some SQLite builds take at most 999 parameters)."""
    for start in range(0, len(ids), _BATCH):
        yield ids[start:start + _BATCH]


@lru_cache(maxsize=4096)
def _indicators(stored: str | None) -> tuple[str, ...]:
    """A case's indicators from their stored JSON text (cases share few lists: each is parsed once)."""
    return tuple(json.loads(stored)) if stored else ()


def committee_months(session: Session, committee_id: str | None = None, first_month: str | None = None,
                     last_month: str | None = None, committees: Collection[str] | None = None,
                     ) -> list[CommitteeMonth]:
    """The numbers per committee and month (cases/stats.py says how each is counted); with
    `committees`, the rows of those committees only (a viewer's scope)."""
    with cycle_collection_paused():
        facts = case_facts(session, committee_id, first_month, last_month, committees)
        return stats.compute(facts, committee_id=committee_id, first_month=first_month, last_month=last_month,
                             committees=committees)
