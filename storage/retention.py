"""Keep people's data no longer than needed: the retention sweep.

What goes, and when (README, "Your data"):
- inbox events (done or failed) older than RETENTION_DAYS, but never younger than LINE's
  redelivery window (EVENT_MAX_AGE_SECONDS): until then a redelivered event must still find
  its row, to stay a no-op;
- outbox rows LINE took or that were given up (sent, failed, undeliverable), same age;
- conversations nobody wrote in for RETENTION_DAYS (their state and language); a
  conversation whose person blocked the bot keeps only that mark (nothing is sent to them);
- the personal content of cases closed or cancelled more than CASE_RETENTION_DAYS ago
  (answers: words, contact, place, photos and their stored bytes; the reporter's LINE id; officers' notes), keeping
  the anonymous numbers (urgency, indicators, sector, area, committee, dates, audit kinds)
  for the committees' statistics. The case's trail says when ("expired").
Nothing pending is ever touched. Rows are found by a read in primary-key order, oldest first,
and deleted in batches of at most BATCH rows, each its own short transaction, so a sweep
never holds the database's write lock for long (SQLite has one for the whole file).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, func, select, update

from . import case_photos
from .cases import Case, CaseEvent
from .erasure import ERASED
from .models import CaseReferral, Conversation, InboxEvent, OutboxMessage, utcnow
from .timeutil import as_utc

log = logging.getLogger(__name__)

BATCH = 500
MIN_RETENTION = timedelta(days=1)          # a conversation in progress is never purged
FINISHED_EVENTS = ("done", "failed")
FINISHED_MESSAGES = ("sent", "failed", "undeliverable")
CLOSED_CASES = ("closed", "cancelled")
EXPIRED = "expired"                        # the case event that marks a case's content as purged


@dataclass(frozen=True)
class Policy:
    retention: timedelta                   # RETENTION_DAYS
    case_retention: timedelta              # CASE_RETENTION_DAYS
    redelivery_window: timedelta           # EVENT_MAX_AGE_SECONDS

    @property
    def kept(self) -> timedelta:
        return max(self.retention, MIN_RETENTION)

    @property
    def inbox_kept(self) -> timedelta:
        return max(self.kept, self.redelivery_window)


@dataclass
class Purged:
    events: int = 0
    messages: int = 0
    conversations: int = 0
    cases: int = 0


def purge(db, policy: Policy, now: datetime | None = None, batch: int = BATCH) -> Purged:
    """One retention pass over every table; returns how many rows of each were purged."""
    now = now or utcnow()
    purged = Purged()
    # Outbox rows first: an inbox row is deleted only once no outbox row refers to it.
    purged.messages = _delete_old(db, OutboxMessage, OutboxMessage.created_at, FINISHED_MESSAGES,
                                  now - policy.kept, batch)
    purged.events = _delete_old(db, InboxEvent, InboxEvent.received_at, FINISHED_EVENTS,
                                now - policy.inbox_kept, batch)
    purged.conversations = _purge_conversations(db, now - policy.kept, now, batch)
    purged.cases = _expire_cases(db, now - max(policy.case_retention, MIN_RETENTION), now, batch)
    return purged


def _delete_old(db, model, stamp, finished: tuple[str, ...], cutoff: datetime, batch: int) -> int:
    """Delete finished rows older than cutoff, walking the table oldest first (ids follow
    arrival) and stopping at the first batch that reaches past the cutoff."""
    deleted, after = 0, 0
    while True:
        with db.sessions() as session:
            rows = session.execute(select(model.id, stamp, model.status).where(model.id > after)
                                   .order_by(model.id).limit(batch)).all()
        if not rows:
            return deleted
        ids = [row[0] for row in rows if row[2] in finished and as_utc(row[1]) < cutoff]
        if ids:
            statement = delete(model).where(model.id.in_(ids), model.status.in_(finished), stamp < cutoff)
            if model is InboxEvent:
                statement = statement.where(~exists().where(OutboxMessage.inbox_event_id == InboxEvent.id))
            with db.transaction() as session:
                deleted += session.execute(statement.execution_options(synchronize_session=False)).rowcount
        if as_utc(rows[-1][1]) >= cutoff:
            return deleted
        after = rows[-1][0]


def _purge_conversations(db, cutoff: datetime, now: datetime, batch: int) -> int:
    purged, after = 0, ""
    while True:
        with db.sessions() as session:
            rows = session.execute(select(Conversation.chat_key, Conversation.updated_at, Conversation.blocked_at)
                                   .where(Conversation.chat_key > after).order_by(Conversation.chat_key)
                                   .limit(batch)).all()
        if not rows:
            return purged
        old = [row for row in rows if as_utc(row[1]) < cutoff]
        gone = [row[0] for row in old if row[2] is None]
        blocked = [row[0] for row in old if row[2] is not None]
        if old:
            with db.transaction() as session:
                if gone:
                    purged += session.execute(
                        delete(Conversation).where(Conversation.chat_key.in_(gone), Conversation.updated_at < cutoff)
                        .execution_options(synchronize_session=False)).rowcount
                if blocked:  # the block is kept (nothing is sent to them), what they said is not
                    purged += session.execute(
                        update(Conversation).where(Conversation.chat_key.in_(blocked),
                                                   Conversation.updated_at < cutoff)
                        .values(state={}, language=None, zawgyi=False, user_id=None, updated_at=now)
                        .execution_options(synchronize_session=False)).rowcount
        after = rows[-1][0]


def _expire_cases(db, cutoff: datetime, now: datetime, batch: int) -> int:
    closed_at = (select(func.max(CaseEvent.at))
                 .where(CaseEvent.case_id == Case.id, CaseEvent.kind.in_(CLOSED_CASES)).scalar_subquery())
    expired = exists().where(CaseEvent.case_id == Case.id, CaseEvent.kind == EXPIRED)
    done, after = 0, 0
    while True:
        with db.sessions() as session:
            rows = session.execute(select(Case.id, closed_at, Case.created_at)
                                   .where(Case.id > after, Case.status.in_(CLOSED_CASES), ~expired)
                                   .order_by(Case.id).limit(batch)).all()
        if not rows:
            return done
        due = [row[0] for row in rows if as_utc(row[1] or row[2]) < cutoff]
        if due:
            with db.transaction() as session:
                for case in session.scalars(select(Case).where(Case.id.in_(due))):
                    _expire(session, case, now)
                    done += 1
        after = rows[-1][0]


def _expire(session, case: Case, now: datetime) -> None:
    """The case's personal content goes; its anonymous numbers stay."""
    flow = (case.answers or {}).get("_flow")
    case.answers = {"_flow": flow} if flow else {}
    case.reporter_user_id = None
    case.chat_key = ERASED
    case.contact_allowed = False
    session.execute(update(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "note")
                    .values(detail={}).execution_options(synchronize_session=False))
    session.execute(update(CaseReferral).where(CaseReferral.case_id == case.id)
                    .values(contact=None, note=None).execution_options(synchronize_session=False))
    case_photos.erase(session, [case.id])
    session.add(CaseEvent(case_id=case.id, kind=EXPIRED, actor="system", committee_id=case.committee_id,
                          detail={}, at=now))
