"""The dashboard's access log: every case view and export, by whom and when (ids and filters,
never what a case says). Administrators read it on the dashboard."""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import AccessLogEntry, Case, Officer


def record(session: Session, officer_id: str, action: str, now: datetime, case_id: int | None = None,
           **detail) -> None:
    session.add(AccessLogEntry(at=now, officer_id=officer_id, action=action, case_id=case_id, detail=detail))


def _filtered(query, officer_id: str | None, case_id: int | None, committee_ids: Collection[str] | None):
    """`committee_ids`: only entries written by officers of these committees (an administrator's scope)."""
    if committee_ids is not None:
        query = query.where(AccessLogEntry.officer_id.in_(
            select(Officer.id).where(Officer.committee_id.in_(committee_ids))))
    if officer_id:
        query = query.where(AccessLogEntry.officer_id == officer_id)
    if case_id is not None:
        query = query.where(AccessLogEntry.case_id == case_id)
    return query


def recent(session: Session, *, limit: int = 100, offset: int = 0, officer_id: str | None = None,
           case_id: int | None = None, committee_ids: Collection[str] | None = None) -> list[AccessLogEntry]:
    query = _filtered(select(AccessLogEntry), officer_id, case_id, committee_ids)
    return list(session.scalars(query.order_by(AccessLogEntry.id.desc()).limit(limit).offset(offset)))


def count(session: Session, *, officer_id: str | None = None, case_id: int | None = None,
          committee_ids: Collection[str] | None = None) -> int:
    return session.scalar(_filtered(select(func.count(AccessLogEntry.id)), officer_id, case_id, committee_ids)) or 0


def case_references(session: Session, case_ids: Collection[int]) -> dict[int, str]:
    """Case ids -> their references, for showing a page of entries."""
    ids = {i for i in case_ids if i is not None}
    return dict(session.execute(select(Case.id, Case.reference).where(Case.id.in_(ids))).all()) if ids else {}
