"""The facts a committee's numbers are made of, one row per case (cases/stats.py says what each
fact is and computes the numbers; `flask cases stats` and the dashboard's numbers page show them).

Reads only a case's plain columns (never the reporter's answers) and its audit events. The firsts,
the last ending and the moves are found by the database in one query (a page over 10,000 cases
must not turn every event into a Python object); times come out as seconds, so no timestamp is
parsed per event. An event's detail is encrypted: only "moved" events' details are read (the
committee a case went to may be named there), in a second, small query.
"""
from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from sqlalchemy import Float, and_, case, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import FunctionElement

from cases.stats import (
    COUNTED_KINDS,
    ENDINGS,
    NO_DETAIL,
    CaseFacts,
    CommitteeMonth,
    Move,
    compute,
    month_after,
    month_start,
)

from .models import Case, CaseEvent

# A case's created_at and its "created" event are written a moment apart: the query takes a day
# more on each side and cases/stats.py decides the month from the event.
_MARGIN = timedelta(days=1)
# The events that hand a case to the committee in their column: the first holder, each new one.
_HANDED_TO = ("created", "moved")
_STEPS = ("acknowledged", "taken", "closed")
_SECONDS_DIGITS = 3                     # SQLite's day numbers carry float noise below a millisecond


class _Epoch(FunctionElement):
    """A timestamp as POSIX seconds (float), on SQLite and PostgreSQL."""

    type = Float()
    inherit_cache = True


@compiles(_Epoch)
def _epoch_default(element, compiler, **kw):
    return f"CAST(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)}) AS DOUBLE PRECISION)"


@compiles(_Epoch, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


def case_facts(session: Session, committee_id: str | None = None, first_month: str | None = None,
               last_month: str | None = None, committees: Collection[str] | None = None) -> list[CaseFacts]:
    """The facts of the cases received from `first_month` to `last_month` (YYYY-MM, Bangkok,
    inclusive; open ended if None); with `committee_id` (or `committees`), only cases those
    committees hold or were handed (their own rows are then picked by cases/stats.py)."""
    chosen = select(Case.id)
    if first_month:
        chosen = chosen.where(Case.created_at >= month_start(first_month) - _MARGIN)
    if last_month:
        chosen = chosen.where(Case.created_at < month_start(month_after(last_month)) + _MARGIN)
    named = ([committee_id] if committee_id else []) + list(committees or ())
    if committee_id or committees is not None:
        chosen = chosen.where(or_(Case.committee_id.in_(named), Case.id.in_(
            select(CaseEvent.case_id).where(CaseEvent.committee_id.in_(named), CaseEvent.kind.in_(_HANDED_TO)))))

    e = CaseEvent
    is_ending = e.kind.in_(ENDINGS)
    trail = (select(e.case_id, e.kind, e.at, e.committee_id, Case.created_at,
                    func.min(case((e.kind == "created", e.at))).over(partition_by=e.case_id).label("created"),
                    func.row_number().over(partition_by=(e.case_id, e.kind), order_by=(e.at, e.id)).label("nth"),
                    func.row_number().over(partition_by=(e.case_id, is_ending),
                                           order_by=(e.at.desc(), e.id.desc())).label("from_last"))
             .join(Case, Case.id == e.case_id).where(e.case_id.in_(chosen), e.kind.in_(COUNTED_KINDS))
             .subquery("trail"))
    t = trail.c
    start = func.coalesce(t.created, t.created_at)
    in_trail = t.at >= start
    facts = (select(t.case_id, func.min(start).label("start"),
                    func.max(case((and_(t.kind == "created", t.nth == 1), t.committee_id))).label("committee_id"),
                    *(func.min(case((and_(t.kind == kind, in_trail), t.at))).label(kind) for kind in _STEPS),
                    func.max(case((and_(t.kind.in_(ENDINGS), t.from_last == 1, in_trail), t.kind))).label("ending"),
                    func.count(case((and_(t.kind == "escalated", in_trail), 1))).label("escalated"))
             .group_by(t.case_id).subquery("facts"))
    f = facts.c
    started = _Epoch(func.coalesce(f.start, Case.created_at))
    query = (select(Case.id, func.coalesce(f.committee_id, Case.committee_id), Case.kind, Case.urgency, Case.sector,
                    started, Case.indicators, Case.outcome, *(_Epoch(f[kind]) - started for kind in _STEPS),
                    f.ending, f.escalated)
             .outerjoin(facts, f.case_id == Case.id).where(Case.id.in_(chosen)).order_by(Case.id))
    moved: dict[int, list[tuple[float, Move]]] = {}
    for case_id, at, committee, detail in session.connection().execute(
            select(e.case_id, _Epoch(e.at), e.committee_id, e.detail)
            .where(e.case_id.in_(chosen), e.kind == "moved").order_by(e.case_id, e.at, e.id)):
        moved.setdefault(case_id, []).append((at, Move(committee, detail or NO_DETAIL)))
    found = []
    for (case_id, committee, kind, urgency, sector, start_at, indicators, outcome, acknowledged, taken, closed,
         ending, escalated) in session.connection().execute(query):
        moves = tuple(move for at, move in moved.get(case_id, ()) if at >= start_at)   # the trail's only
        found.append(CaseFacts(case_id, committee, kind, urgency, sector, start_at, tuple(indicators or ()), outcome,
                               _seconds(acknowledged), _seconds(taken), _seconds(closed), ending, bool(escalated),
                               moves))
    return found


def _seconds(value: float | None) -> float | None:
    return None if value is None else round(value, _SECONDS_DIGITS)


def committee_months(session: Session, committee_id: str | None = None, first_month: str | None = None,
                     last_month: str | None = None, committees: Collection[str] | None = None,
                     ) -> list[CommitteeMonth]:
    """The numbers per committee and month (cases/stats.py says how each is counted); with
    `committees`, the rows of those committees only (a viewer's scope)."""
    facts = case_facts(session, committee_id, first_month, last_month, committees)
    return compute(facts, committee_id=committee_id, first_month=first_month, last_month=last_month,
                   committees=committees)
