"""The directory as the dashboard shows and manages it: the committees of a scope with their officers
and waiting group links in three queries, and deactivating an officer who left.

Deactivation keeps the row (cases and their trails name the officer) but stops everything the person
could still do: alerts, LINE commands, dashboard sign-in. Their LINE account is unlinked too, so if a
directory file later lists the id again, alerts reach whoever links it with a new code, not the
person who left.
"""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .dashboard_sessions import end_all_of
from .models import Committee, Officer, PendingGroupLink


@dataclass(frozen=True)
class DirectoryRows:
    """What one page of the directory needs, read at once."""

    committees: list[Committee]               # top down: each committee followed by those under it, by id
    officers: dict[str, list[Officer]]        # committee id -> its officers by id, inactive ones too
    waiting_groups: dict[str, int]            # committee id -> group links waiting for an officer's confirmation


def directory_rows(session: Session, committee_ids: Collection[str]) -> DirectoryRows:
    ids = list(committee_ids)
    committees = _top_down(list(session.scalars(select(Committee).where(Committee.id.in_(ids)))))
    officers: dict[str, list[Officer]] = {c.id: [] for c in committees}
    for officer in session.scalars(select(Officer).where(Officer.committee_id.in_(ids)).order_by(Officer.id)):
        officers[officer.committee_id].append(officer)
    waiting = dict(session.execute(select(PendingGroupLink.committee_id, func.count())
                                   .where(PendingGroupLink.committee_id.in_(ids))
                                   .group_by(PendingGroupLink.committee_id)).all())
    return DirectoryRows(committees, officers, waiting)


def _top_down(committees: list[Committee]) -> list[Committee]:
    """Each committee followed by the ones under it (a province by its districts), siblings by id."""
    known = {c.id for c in committees}
    children: dict[str | None, list[Committee]] = {}
    for committee in sorted(committees, key=lambda c: c.id):
        children.setdefault(committee.parent_id if committee.parent_id in known else None, []).append(committee)
    ordered, todo = [], list(reversed(children.get(None, [])))
    while todo:
        committee = todo.pop()
        ordered.append(committee)
        todo.extend(reversed(children.get(committee.id, [])))
    return ordered


def parent_committees(session: Session, committee_ids: Collection[str]) -> list[Committee]:
    """The committees of `committee_ids` others report to (national, provinces), to narrow the page to one."""
    return list(session.scalars(select(Committee).where(Committee.id.in_(list(committee_ids)),
                                                        Committee.level != "district").order_by(Committee.id)))


def officer_within(session: Session, officer_id: str, committee_ids: Collection[str]) -> Officer | None:
    """The officer if their committee is one of `committee_ids` (an administrator's scope), else None."""
    officer = session.get(Officer, officer_id)
    return officer if officer is not None and officer.committee_id in committee_ids else None


def committee_within(session: Session, committee_id: str, committee_ids: Collection[str]) -> Committee | None:
    return session.get(Committee, committee_id) if committee_id in committee_ids else None


def deactivate_officer(session: Session, officer: Officer, now: datetime) -> None:
    """The officer left: no alerts, no LINE commands, no dashboard (every session ends now), no unused link
    code, no linked LINE account. The row stays for the audit trail."""
    officer.active = False
    officer.line_user_id = officer.linked_at = None
    officer.link_code_hash = officer.link_code_expires_at = None
    officer.updated_at = now
    end_all_of(session, officer.id, now)
    session.flush()
