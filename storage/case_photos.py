"""The reporter's photos of a case: stored encrypted once fetched from LINE, listed without
their bytes, and the mark that says some are still to fetch (so a lost job is picked up again).

A photo is stored once per (case, position): storing it again is a no-op, so a job run twice
fetches nothing twice.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from .models import Case, CasePhoto


def store(session: Session, case_id: int, position: int, content_type: str, data: bytes,
          now: datetime | None = None) -> bool:
    """Keep one photo; False if that position is already stored."""
    if position in stored_positions(session, case_id):
        return False
    session.add(CasePhoto(case_id=case_id, position=position, content_type=content_type, data=data,
                          **({"fetched_at": now} if now else {})))
    session.flush()
    return True


def stored_positions(session: Session, case_id: int) -> set[int]:
    return set(session.scalars(select(CasePhoto.position).where(CasePhoto.case_id == case_id)))


def photos_of(session: Session, case_id: int) -> list[tuple[int, int, str]]:
    """(id, position, content_type) of the case's photos in the order they were sent; no bytes read."""
    return [tuple(row) for row in session.execute(
        select(CasePhoto.id, CasePhoto.position, CasePhoto.content_type)
        .where(CasePhoto.case_id == case_id, CasePhoto.data.is_not(None)).order_by(CasePhoto.position))]


def get(session: Session, case_id: int, photo_id: int) -> CasePhoto | None:
    """The photo, only if it belongs to that case and still holds its bytes."""
    photo = session.get(CasePhoto, photo_id)
    if photo is None or photo.case_id != case_id or photo.data is None:
        return None
    return photo


def erase(session: Session, case_ids: list[int]) -> int:
    """Delete the cases' photos and their pending mark (erasure, retention); returns rows deleted."""
    if not case_ids:
        return 0
    session.execute(update(Case).where(Case.id.in_(case_ids)).values(photos_pending_since=None)
                    .execution_options(synchronize_session=False))
    return session.execute(delete(CasePhoto).where(CasePhoto.case_id.in_(case_ids))
                           .execution_options(synchronize_session=False)).rowcount


def mark_pending(session: Session, case: Case, now: datetime) -> None:
    case.photos_pending_since = now


def still_pending(session: Session, case_id: int) -> bool:
    """Whether the case still wants its photos, its row locked (PostgreSQL) until the caller's
    commit, so an erasure running now either comes first (nothing is stored) or waits."""
    return session.scalar(select(Case.photos_pending_since).where(Case.id == case_id).with_for_update()) is not None


def settle(session: Session, case_id: int) -> None:
    """Every photo of the case is stored or given up: nothing left to fetch."""
    session.execute(update(Case).where(Case.id == case_id).values(photos_pending_since=None)
                    .execution_options(synchronize_session=False))


def touch(session: Session, case_id: int, now: datetime) -> bool:
    """Restart the pending mark's clock (a job was queued for it); False if nothing is pending."""
    return session.execute(update(Case).where(Case.id == case_id, Case.photos_pending_since.is_not(None))
                           .values(photos_pending_since=now)
                           .execution_options(synchronize_session=False)).rowcount > 0


def pending(session: Session, before: datetime, limit: int = 100) -> list[int]:
    """Cases whose photos were marked to fetch before `before` and are not fetched yet."""
    return list(session.scalars(select(Case.id).where(Case.photos_pending_since < before)
                                .order_by(Case.photos_pending_since).limit(limit)))
