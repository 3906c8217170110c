"""The dashboard's case list queries: filter, sort, count and page in SQL, always inside the one
visibility rule (storage/case_scope.visible), so a list, its counts and its export never show
a case the viewer may not read, and 10,000 cases cost one indexed query per page.

Rows are plain columns (never the encrypted answers): a list has no reason to decrypt anything.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from cases.lifecycle import OPEN_STATES, STATES
from cases.roster import BANGKOK
from cases.screening import URGENCY_LEVELS

from .case_scope import Scope, visible
from .models import Case, Committee

SORTS = ("newest", "oldest", "urgency", "state", "committee")
EXPORT_BATCH = 500           # rows fetched at a time while an export streams


@dataclass(frozen=True)
class CaseFilters:
    """What a viewer asked the list for; empty fields filter nothing. Dates are Bangkok dates."""

    states: tuple[str, ...] = ()
    urgencies: tuple[str, ...] = ()
    committee_id: str | None = None
    kind: str | None = None
    sector: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    reference: str = ""
    sort: str = "newest"
    page: int = 1


@dataclass(frozen=True)
class ListedCase:
    """One row of the list or the export: what a committee triages by, no personal data."""

    id: int
    reference: str
    created_at: datetime
    committee_id: str
    kind: str
    sector: str | None
    urgency: str
    urgency_rule: str
    status: str
    outcome: str | None
    district_code: str | None
    overdue: bool


_COLUMNS = (Case.id, Case.reference, Case.created_at, Case.committee_id, Case.kind, Case.sector, Case.urgency,
            Case.urgency_rule, Case.status, Case.outcome, Case.district_code)


def overdue(now: datetime) -> ColumnElement[bool]:
    """THE overdue rule: an open case whose escalation or reminder time has passed."""
    return and_(Case.status.in_(OPEN_STATES), Case.escalate_at.is_not(None), Case.escalate_at < now)


def bangkok_midnight(day: date) -> datetime:
    """The start of a Bangkok day in UTC, as the columns hold moments."""
    return datetime.combine(day, time(0), tzinfo=BANGKOK).astimezone(UTC)


def _conditions(scope: Scope, filters: CaseFilters, *, with_states: bool = True) -> list[ColumnElement[bool]]:
    conditions = [visible(scope)]
    if with_states and filters.states:
        conditions.append(Case.status.in_(filters.states))
    if filters.urgencies:
        conditions.append(Case.urgency.in_(filters.urgencies))
    if filters.committee_id:
        conditions.append(Case.committee_id == filters.committee_id)
    if filters.kind:
        conditions.append(Case.kind == filters.kind)
    if filters.sector:
        conditions.append(Case.sector == filters.sector)
    if filters.date_from:
        conditions.append(Case.created_at >= bangkok_midnight(filters.date_from))
    if filters.date_to:
        conditions.append(Case.created_at < bangkok_midnight(filters.date_to + timedelta(days=1)))
    if filters.reference:
        # typed with or without the dash ("abc234" finds "ABC-234"); a wildcard is only a character
        needle = filters.reference.strip().upper().replace("-", "")
        needle = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(func.replace(Case.reference, "-", "").like(f"%{needle}%", escape="\\"))
    return conditions


def _order(sort: str) -> list:
    newest = [Case.created_at.desc(), Case.id.desc()]
    if sort == "oldest":
        return [Case.created_at.asc(), Case.id.asc()]
    if sort == "urgency":
        rank = case({u: i for i, u in enumerate(URGENCY_LEVELS)}, value=Case.urgency, else_=len(URGENCY_LEVELS))
        return [rank, *newest]
    if sort == "state":
        rank = case({s: i for i, s in enumerate(STATES)}, value=Case.status, else_=len(STATES))
        return [rank, *newest]
    if sort == "committee":
        return [Case.committee_id, *newest]
    return newest


def _query(scope: Scope, filters: CaseFilters, now: datetime):
    return (select(*_COLUMNS, overdue(now).label("overdue"))
            .where(*_conditions(scope, filters)).order_by(*_order(filters.sort)))


def _row(row) -> ListedCase:
    return ListedCase(*row[:-1], overdue=bool(row[-1]))


def list_cases(session: Session, scope: Scope, filters: CaseFilters, now: datetime, *, limit: int,
               offset: int = 0) -> list[ListedCase]:
    return [_row(r) for r in session.execute(_query(scope, filters, now).limit(limit).offset(offset))]


def count_cases(session: Session, scope: Scope, filters: CaseFilters) -> int:
    return session.scalar(select(func.count(Case.id)).where(*_conditions(scope, filters))) or 0


def counts_by_state(session: Session, scope: Scope, filters: CaseFilters) -> dict[str, int]:
    """How many cases match the other filters, per state (every state, zeros included)."""
    found = dict(session.execute(select(Case.status, func.count(Case.id))
                                 .where(*_conditions(scope, filters, with_states=False)).group_by(Case.status)).all())
    return {state: found.get(state, 0) for state in STATES}


def count_overdue(session: Session, scope: Scope, filters: CaseFilters, now: datetime) -> int:
    return session.scalar(select(func.count(Case.id)).where(*_conditions(scope, filters), overdue(now))) or 0


@dataclass(frozen=True)
class ListSummary:
    """The list's head in one grouped query: matches per state (the state filter aside), and how
    many match every filter and how many of those are overdue."""

    per_state: dict[str, int]
    total: int
    overdue: int


def summary(session: Session, scope: Scope, filters: CaseFilters, now: datetime) -> ListSummary:
    overdue_count = func.sum(case((overdue(now), 1), else_=0))
    rows = session.execute(select(Case.status, func.count(Case.id), overdue_count)
                           .where(*_conditions(scope, filters, with_states=False)).group_by(Case.status)).all()
    chosen = [(n, late or 0) for status, n, late in rows if not filters.states or status in filters.states]
    found = {status: n for status, n, _ in rows}
    return ListSummary({state: found.get(state, 0) for state in STATES},
                       sum(n for n, _ in chosen), int(sum(late for _, late in chosen)))


def iter_cases(session: Session, scope: Scope, filters: CaseFilters, now: datetime) -> Iterator[ListedCase]:
    """Every matching row in the list's order, fetched in batches (an export of any size)."""
    result = session.execute(_query(scope, filters, now).execution_options(yield_per=EXPORT_BATCH))
    for row in result:
        yield _row(row)


def committee_names(session: Session, ids, language: str) -> dict[str, str]:
    """Committee ids → their names in the viewer's language (Thai unless English), one query."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    rows = session.execute(select(Committee.id, Committee.name_en if language == "en" else Committee.name_th)
                           .where(Committee.id.in_(ids)))
    return dict(rows.all())


def is_overdue(session: Session, case_id: int, now: datetime) -> bool:
    """One case against the same rule as the list."""
    return bool(session.scalar(select(overdue(now)).where(Case.id == case_id)))
