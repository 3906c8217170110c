"""The committee directory's queries: who answers a report, who is on duty, who comes next.

Committees form escalation chains: a district anti-trafficking committee (DL-ATIP) → its
province's committee (PL-ATIP) → one national focal point. Officers belong to one
committee; their roster says when they are on duty (cases/roster.py). Inactive committees
and officers stay in the tables because cases keep pointing at them.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from cases.directory_rules import LEVELS
from cases.roster import roster_covers

from .driver_statements import DriverStatement
from .models import Committee, Officer, PendingGroupLink, utcnow
from .models.directory import ROUTE_FIELDS


def all_committees(session: Session, *, active_only: bool = True) -> list[Committee]:
    """Committees, districts first, then provinces, then national; by id within a level."""
    query = select(Committee)
    if active_only:
        query = query.where(Committee.active.is_(True))
    level_order = {level: index for index, level in enumerate(LEVELS)}
    return sorted(session.scalars(query), key=lambda c: (level_order.get(c.level, 9), c.id))


def officers_of(session: Session, committee_id: str, *, active_only: bool = True) -> list[Officer]:
    query = select(Officer).where(Officer.committee_id == committee_id)
    if active_only:
        query = query.where(Officer.active.is_(True))
    return list(session.scalars(query.order_by(Officer.id)))


_OFFICERS, _COMMITTEE_ROWS = Officer.__table__, Committee.__table__
# Who can be on duty, the one rule for the officers' desk, the dashboard and every alert: an active
# officer of an active committee (the roster, Python's cases.roster, is asked by _rostered below).
_SERVING = and_(_OFFICERS.c.committee_id == _COMMITTEE_ROWS.c.id,
                _OFFICERS.c.active.is_(True), _COMMITTEE_ROWS.c.active.is_(True))
_LINKED = _OFFICERS.c.line_user_id.is_not(None)   # who can be alerted


def _rostered(officers, now: datetime) -> list:
    """The officers (or rows with a roster) whose roster covers `now`, in their order."""
    return [officer for officer in officers if roster_covers(officer.roster, now)]


def on_duty_officers(session: Session, committee_id: str, now: datetime, *,
                     linked_only: bool = False) -> list[Officer]:
    """Active officers of an active committee whose roster covers `now` (Bangkok time),
    ordered by id. linked_only: only those who linked a LINE account (who can be alerted)."""
    query = (select(Officer).join(_COMMITTEE_ROWS, _SERVING)
             .where(_COMMITTEE_ROWS.c.id == committee_id).order_by(Officer.id))
    if linked_only:
        query = query.where(_LINKED)
    return _rostered(session.scalars(query), now)


_ALERT_TARGETS = (   # built once; Core rows: every alert reads its committee's officers and group chat
    select(_COMMITTEE_ROWS.c.line_group_id, _OFFICERS.c.line_user_id, _OFFICERS.c.roster)
    .select_from(_COMMITTEE_ROWS.outerjoin(_OFFICERS, and_(_SERVING, _LINKED)))
    .where(_COMMITTEE_ROWS.c.id == bindparam("committee_id"))
    .order_by(_OFFICERS.c.id)
)


class AlertTargets(NamedTuple):
    officers: list[str]       # LINE user ids of on_duty_officers(linked_only=True), by officer id
    group_chat: str | None    # the committee's LINE group, active or not (cases keep pointing at inactive ones)


def alert_targets(session: Session, committee_id: str, now: datetime) -> AlertTargets:
    """Who an alert to the committee reaches now, read by one statement (the officers' rows and
    the committee's group were two lookups, the group's by loading the whole committee); the
    officers by on_duty_officers' own rule (_SERVING, _LINKED, _rostered). It flushes nothing: it
    reads the directory only, and a flush here wrote a report's conversation twice (here and at its save)."""
    with session.no_autoflush:
        rows = session.execute(_ALERT_TARGETS, {"committee_id": committee_id}).all()
    officers = [row.line_user_id for row in _rostered((row for row in rows if row.line_user_id), now)]
    return AlertTargets(officers, rows[0].line_group_id if rows else None)


def national_committee(session: Session) -> Committee | None:
    return session.scalars(select(Committee).where(Committee.level == "national", Committee.active.is_(True))
                           .order_by(Committee.id)).first()


def escalation_chain(session: Session, committee_id: str) -> list[Committee]:
    """The committee (if active), then its parent, its parent's parent… skipping inactive ones,
    always ending at the active national focal point. Empty for an unknown id."""
    chain: list[Committee] = []
    seen: set[str] = set()
    committee = session.get(Committee, committee_id)
    if committee is None:
        return []
    while committee is not None and committee.id not in seen:
        seen.add(committee.id)
        if committee.active:
            chain.append(committee)
        committee = session.get(Committee, committee.parent_id) if committee.parent_id else None
    national = national_committee(session)
    if national is not None and national.id not in {c.id for c in chain}:
        chain.append(national)
    return chain


_COMMITTEES = Committee.__table__
_ROUTE_ENTRIES = (   # built once; Core rows, not objects: every report reads the whole directory
    select(*(_COMMITTEES.c[name] for name in ROUTE_FIELDS)).order_by(_COMMITTEES.c.id)
)


def directory_snapshot(session: Session) -> list[dict]:
    """Every committee as plain data for cases.routing.route (inactive ones included, flagged),
    the entries Committee.as_route_entry describes."""
    with session.no_autoflush:
        return [dict(row._mapping) for row in session.execute(_ROUTE_ENTRIES)]


def get_committee(session: Session, committee_id: str | None) -> Committee | None:
    """A committee by id, active or not (cases keep pointing at inactive ones)."""
    return session.get(Committee, committee_id) if committee_id else None


def officer_name(session: Session, officer_id: str | None) -> str:
    """An officer's display name, or their id if the directory no longer has them."""
    officer = session.get(Officer, officer_id) if officer_id else None
    return officer.name if officer is not None else (officer_id or "")


def names_of(session: Session, ids: Iterable[str]) -> dict[str, str]:
    """Officer and committee ids → their names (a committee's Thai name), for audit trails."""
    ids = {i for i in ids if i}
    if not ids:
        return {}
    names = {c.id: c.name_th for c in session.scalars(select(Committee).where(Committee.id.in_(ids)))}
    names.update({o.id: o.name for o in session.scalars(select(Officer).where(Officer.id.in_(ids)))})
    return names


def committees_below(session: Session, committee_id: str) -> list[str]:
    """The committee's id and the ids of every committee that escalates to it, directly or
    not (a province: its districts; national: everything), active or not."""
    children: dict[str, list[str]] = {}
    for cid, parent in session.execute(select(Committee.id, Committee.parent_id)):
        if parent:
            children.setdefault(parent, []).append(cid)
    found, todo = [], [committee_id]
    while todo:
        cid = todo.pop(0)
        if cid in found:
            continue
        found.append(cid)
        todo.extend(sorted(children.get(cid, ())))
    return found


_OFFICER_BY_LINE_USER = DriverStatement(   # built once: nearly every message is from someone who is no officer
    select(_OFFICERS.c.id, _OFFICERS.c.active).where(_OFFICERS.c.line_user_id == bindparam("user")).limit(1)
)


def officer_by_line_user(session: Session, user_id: str, *, active_only: bool = True) -> Officer | None:
    """Every message asks it (the officers' desk answers first), so it is one small Core query for
    the many who are no officer, and it does not flush the chat's pending conversation first: that
    would write the conversation twice per message (issue 16)."""
    found = _OFFICER_BY_LINE_USER.first(session, user=user_id)   # runs without a flush
    if found is None or (active_only and not found.active):
        return None
    with session.no_autoflush:
        return session.get(Officer, found.id)


def committee_for_group(session: Session, group_id: str, *, active_only: bool = True) -> Committee | None:
    committee = session.scalars(select(Committee).where(Committee.line_group_id == group_id)).first()
    if committee is None or (active_only and not committee.active):
        return None
    return committee


def link_group(session: Session, committee_id: str, group_id: str) -> Committee:
    """Make `group_id` the committee's LINE group (taking it from any other committee)."""
    committee = session.get(Committee, committee_id)
    if committee is None:
        raise LookupError(f"no committee {committee_id!r}")
    for other in session.scalars(select(Committee).where(Committee.line_group_id == group_id,
                                                         Committee.id != committee_id)):
        other.line_group_id = None
    session.flush()
    committee.line_group_id = group_id
    committee.updated_at = utcnow()
    session.flush()
    return committee


def forget_group(session: Session, group_id: str) -> list[str]:
    """The bot left or was removed from a group: no committee uses it any more, and a link
    waiting for confirmation there is dropped. Returns the ids of the committees unlinked."""
    unlinked = []
    for committee in session.scalars(select(Committee).where(Committee.line_group_id == group_id)):
        committee.line_group_id = None
        committee.updated_at = utcnow()
        unlinked.append(committee.id)
    pending = session.get(PendingGroupLink, group_id)
    if pending is not None:
        session.delete(pending)
    session.flush()
    return unlinked


def pending_group_links_of(session: Session, committee_id: str) -> list[PendingGroupLink]:
    return list(session.scalars(select(PendingGroupLink).where(PendingGroupLink.committee_id == committee_id)))
