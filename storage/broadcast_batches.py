"""How a broadcast is sent: its recipients cut into batches of LINE's 500, each claimed, sent and counted once.

From its start a broadcast's audience (storage/broadcasts.audience_filter, minus people who blocked
the bot) is cut a slice of subscribers at a time (replies get a worker in between), grouped by the
language and script it is read in, into batches, each with a retry key of its own (a batch sent
twice is a 409 from LINE, not a second message). A worker takes the next pending batch with a
conditional UPDATE that holds it (next_attempt_at), as storage/outbox.claim does for a row; the
broadcast's counters are added to in SQL, so two workers never lose each other's counts. Just
before a batch goes, its recipients are checked again: who stopped the news or blocked the bot
since the start is left out. A subscription is one per chat, and a person's chat is their user
id, so nobody is in two batches.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.orm import Session

from line_limits import MAX_MULTICAST_RECIPIENTS
from news.audience import Audience

from .broadcasts import DONE, SCHEDULED, SENDING, audience_filter, reachable
from .models import Broadcast, BroadcastBatch, NewsSubscription

PENDING, SENT, FAILED = "pending", "sent", "failed"


def count(session: Session, audience: Audience) -> int:
    """How many subscribers the audience reaches now (the start checks LINE's quota against it)."""
    return session.scalar(select(func.count()).select_from(NewsSubscription).where(*audience_filter(audience)))


def claim_start(session: Session, broadcast_id: int, now: datetime, due_by: datetime | None = None,
                recipients: int = 0, quota: dict | None = None) -> bool:
    """scheduled → sending, only once its time has come (send_at at or before due_by, now if not
    given) and only for one worker; its batches are then cut a slice at a time (plan_slice), from
    the first subscription on. The caller commits."""
    result = session.execute(update(Broadcast)
                             .where(Broadcast.id == broadcast_id, Broadcast.state == SCHEDULED,
                                    Broadcast.send_at <= (due_by or now))
                             .values(state=SENDING, started_at=now, plan_cursor=0, recipients=recipients,
                                     quota=quota)
                             .execution_options(synchronize_session=False))
    return result.rowcount == 1


def refuse(session: Session, broadcast_id: int, error: str, now: datetime, quota: dict | None = None) -> bool:
    """scheduled → refused with the reason (the quota, nobody to send to). The caller commits."""
    values = {"state": "refused", "error": error, "finished_at": now}
    if quota is not None:
        values["quota"] = quota
    result = session.execute(update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.state == SCHEDULED)
                             .values(**values).execution_options(synchronize_session=False))
    return result.rowcount == 1


@dataclass(frozen=True)
class Slice:
    planned: int         # recipients put in batches by this slice
    batches: int
    first: bool          # the broadcast's first slice: its sends can begin
    done: bool           # every subscriber is in a batch now


def plan_slice(session: Session, broadcast_id: int, limit: int) -> Slice | None:
    """Cut the next `limit` subscribers of the audience (by subscription id) into batches of ≤ 500
    per language and script, one retry key each, and move the cursor past them; the last slice
    sets the broadcast's recipients to what the batches hold. None when there is nothing to cut
    (planned already, not sending) or another worker cut this slice first: the caller rolls back.
    The caller commits."""
    broadcast = session.get(Broadcast, broadcast_id, populate_existing=True)
    if broadcast is None or broadcast.state != SENDING or broadcast.plan_cursor is None:
        return None
    cursor = broadcast.plan_cursor
    rows = session.execute(select(NewsSubscription.id, NewsSubscription.language, NewsSubscription.zawgyi,
                                  NewsSubscription.user_id)
                           .where(*audience_filter(Audience.from_dict(broadcast.audience)),
                                  NewsSubscription.id > cursor)
                           .order_by(NewsSubscription.id).limit(limit)).all()
    done = len(rows) < limit
    moved = session.execute(update(Broadcast).where(Broadcast.id == broadcast_id, Broadcast.plan_cursor == cursor)
                            .values(plan_cursor=None if done else rows[-1].id)
                            .execution_options(synchronize_session=False))
    if moved.rowcount != 1:
        return None
    grouped: dict[tuple[str, bool], list[str]] = {}
    for row in rows:
        grouped.setdefault((row.language, bool(row.zawgyi)), []).append(row.user_id)
    made = 0
    for (language, zawgyi), user_ids in sorted(grouped.items()):
        for first in range(0, len(user_ids), MAX_MULTICAST_RECIPIENTS):
            chunk = user_ids[first:first + MAX_MULTICAST_RECIPIENTS]
            session.add(BroadcastBatch(broadcast_id=broadcast_id, language=language, zawgyi=zawgyi,
                                       recipients=chunk, size=len(chunk), retry_key=str(uuid.uuid4()),
                                       state=PENDING, attempts=0, accepted=0))
            made += 1
    if done:
        session.flush()
        total = select(func.coalesce(func.sum(BroadcastBatch.size), 0)).where(
            BroadcastBatch.broadcast_id == broadcast_id).scalar_subquery()
        session.execute(update(Broadcast).where(Broadcast.id == broadcast_id).values(recipients=total)
                        .execution_options(synchronize_session=False))
    return Slice(planned=len(rows), batches=made, first=cursor == 0, done=done)


def still_planning(session: Session, broadcast_id: int) -> bool:
    """Whether the broadcast's audience is still being cut into batches."""
    return session.scalar(select(Broadcast.plan_cursor).where(Broadcast.id == broadcast_id)) is not None


def planning(session: Session, quiet_since: datetime) -> list[int]:
    """Sending broadcasts still being cut that started before `quiet_since` (their planning job may
    be lost: a second one is harmless, the cursor lets one slice through once)."""
    return list(session.scalars(select(Broadcast.id).where(Broadcast.state == SENDING,
                                                           Broadcast.plan_cursor.is_not(None),
                                                           Broadcast.started_at <= quiet_since)))


def _due(now: datetime):
    return and_(BroadcastBatch.state == PENDING,
                or_(BroadcastBatch.next_attempt_at.is_(None), BroadcastBatch.next_attempt_at <= now))


def claim_next(session: Session, broadcast_id: int, now: datetime, hold_until: datetime) -> BroadcastBatch | None:
    """The broadcast's next due batch, held for this worker until hold_until (a worker killed
    mid-send hands it back then); None when none is due. The caller commits."""
    candidates = session.scalars(select(BroadcastBatch.id).where(BroadcastBatch.broadcast_id == broadcast_id,
                                                                 _due(now))
                                 .order_by(BroadcastBatch.id).limit(5)).all()
    for batch_id in candidates:
        taken = session.execute(update(BroadcastBatch).where(BroadcastBatch.id == batch_id, _due(now))
                                .values(next_attempt_at=hold_until)
                                .execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            return session.get(BroadcastBatch, batch_id, populate_existing=True)
    return None


def still_wanted(session: Session, batch: BroadcastBatch) -> list[str]:
    """The batch's recipients who still take the news in its language and script and have not
    blocked the bot: who stopped since the start is not sent to.

    Looked up by chat_key (unique; a person's own chat is their user id) with the language and
    script compared here: with them in the WHERE, SQLite walks the whole language's subscribers
    (50,000 of 100,000) for each batch of 500, 20-60 ms of a worker that replies wait for. A
    recipient not found that way (stopped, or subscribed from another chat) is looked up by user id."""
    columns = (NewsSubscription.user_id, NewsSubscription.language, NewsSubscription.zawgyi)
    rows = session.execute(select(*columns).where(NewsSubscription.chat_key.in_(batch.recipients),
                                                  reachable())).all()
    found = {row.user_id for row in rows}
    others = [user_id for user_id in batch.recipients if user_id not in found]
    if others:
        rows += session.execute(select(*columns).where(NewsSubscription.user_id.in_(others), reachable())).all()
    wanted = {row.user_id for row in rows if row.language == batch.language and bool(row.zawgyi) == batch.zawgyi}
    return [user_id for user_id in batch.recipients if user_id in wanted]


def mark_sent(session: Session, batch_id: int, accepted: int, now: datetime) -> None:
    """LINE took the batch (or had it already: 409); `accepted` recipients added to the broadcast's
    count, and who they were is forgotten (the counts stay). The caller commits."""
    row = session.execute(update(BroadcastBatch).where(BroadcastBatch.id == batch_id, BroadcastBatch.state == PENDING)
                          .values(state=SENT, accepted=accepted, sent_at=now, next_attempt_at=None, last_error=None,
                                  recipients=[], attempts=BroadcastBatch.attempts + 1)
                          .returning(BroadcastBatch.broadcast_id)
                          .execution_options(synchronize_session=False)).first()
    if row is not None:
        session.execute(update(Broadcast).where(Broadcast.id == row.broadcast_id)
                        .values(accepted=Broadcast.accepted + accepted).execution_options(synchronize_session=False))


def mark_failed(session: Session, batch_id: int, error: str, now: datetime) -> None:
    """Given up (LINE refused it, or too many attempts): its recipients count as failed, and who
    they were is forgotten."""
    row = session.execute(update(BroadcastBatch).where(BroadcastBatch.id == batch_id, BroadcastBatch.state == PENDING)
                          .values(state=FAILED, last_error=error[:1000], next_attempt_at=None, recipients=[],
                                  attempts=BroadcastBatch.attempts + 1)
                          .returning(BroadcastBatch.broadcast_id, BroadcastBatch.size)
                          .execution_options(synchronize_session=False)).first()
    if row is not None:
        session.execute(update(Broadcast).where(Broadcast.id == row.broadcast_id)
                        .values(failed=Broadcast.failed + row.size).execution_options(synchronize_session=False))


def retry_later(session: Session, batch_id: int, error: str, at: datetime) -> None:
    """LINE could not take it now (429, 5xx, no answer): due again at `at`."""
    session.execute(update(BroadcastBatch).where(BroadcastBatch.id == batch_id, BroadcastBatch.state == PENDING)
                    .values(next_attempt_at=at, last_error=error[:1000], attempts=BroadcastBatch.attempts + 1)
                    .execution_options(synchronize_session=False))


def finish_if_done(session: Session, broadcast_id: int, now: datetime) -> bool:
    """sending → done once it is all cut into batches and no batch is pending. The caller commits."""
    result = session.execute(update(Broadcast)
                             .where(Broadcast.id == broadcast_id, Broadcast.state == SENDING,
                                    Broadcast.plan_cursor.is_(None),
                                    ~exists().where(BroadcastBatch.broadcast_id == broadcast_id,
                                                    BroadcastBatch.state == PENDING))
                             .values(state=DONE, finished_at=now).execution_options(synchronize_session=False))
    return result.rowcount == 1


def next_due_at(session: Session, broadcast_id: int) -> datetime | None:
    """When the broadcast's earliest pending batch is due again (a back-off, a hold), or None."""
    return session.scalar(select(func.min(BroadcastBatch.next_attempt_at))
                          .where(BroadcastBatch.broadcast_id == broadcast_id, BroadcastBatch.state == PENDING))


@dataclass(frozen=True)
class Progress:
    batches: int
    sent: int
    failed: int
    pending: int
    recipients: int      # planned at the start
    accepted: int        # recipients LINE accepted
    failed_recipients: int


def progress(session: Session, broadcast_id: int) -> Progress:
    """Batches sent, failed and pending, and recipients planned, accepted and failed."""
    counts = dict(session.execute(select(BroadcastBatch.state, func.count())
                                  .where(BroadcastBatch.broadcast_id == broadcast_id)
                                  .group_by(BroadcastBatch.state)).all())
    broadcast = session.get(Broadcast, broadcast_id)
    return Progress(batches=sum(counts.values()), sent=counts.get(SENT, 0), failed=counts.get(FAILED, 0),
                    pending=counts.get(PENDING, 0), recipients=broadcast.recipients if broadcast else 0,
                    accepted=broadcast.accepted if broadcast else 0,
                    failed_recipients=broadcast.failed if broadcast else 0)


def stalled(session: Session, now: datetime, quiet_since: datetime) -> list[int]:
    """Sending broadcasts nobody is working on: a batch is due, none is held or waiting for a
    back-off, and none was sent since `quiet_since` (their job was lost with Redis, or its worker died)."""
    busy = exists().where(BroadcastBatch.broadcast_id == Broadcast.id, BroadcastBatch.state == PENDING,
                          BroadcastBatch.next_attempt_at > now)
    recent = exists().where(BroadcastBatch.broadcast_id == Broadcast.id, BroadcastBatch.sent_at > quiet_since)
    due = exists().where(BroadcastBatch.broadcast_id == Broadcast.id, _due(now))
    return list(session.scalars(select(Broadcast.id).where(Broadcast.state == SENDING,
                                                           Broadcast.started_at <= quiet_since, due, ~busy, ~recent)))
