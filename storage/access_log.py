"""The dashboard's access log: every case view and export, by whom and when (ids and filters,
never what a case says). Administrators read it on the dashboard."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import AccessLogEntry


def record(session: Session, officer_id: str, action: str, now: datetime, case_id: int | None = None,
           **detail) -> None:
    session.add(AccessLogEntry(at=now, officer_id=officer_id, action=action, case_id=case_id, detail=detail))


def recent(session: Session, *, limit: int = 100, offset: int = 0, officer_id: str | None = None,
           case_id: int | None = None) -> list[AccessLogEntry]:
    query = select(AccessLogEntry)
    if officer_id:
        query = query.where(AccessLogEntry.officer_id == officer_id)
    if case_id is not None:
        query = query.where(AccessLogEntry.case_id == case_id)
    return list(session.scalars(query.order_by(AccessLogEntry.id.desc()).limit(limit).offset(offset)))


def count(session: Session) -> int:
    return session.scalar(select(func.count(AccessLogEntry.id))) or 0
