"""The outbox: what the bot decided to send, kept until LINE took it."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import bindparam, case, or_, select, update
from sqlalchemy.orm import Session

from .models import OutboxMessage, utcnow

REPLY_TOKEN_LENGTH = OutboxMessage.__table__.c.reply_token.type.length


def usable_reply_token(token) -> str | None:
    """The token if it can be stored and used (a non-empty string that fits the column), else
    None: the answer then goes by push where that is allowed, and a bad token never breaks
    the transaction that records it."""
    if type(token) is str and 0 < len(token) <= REPLY_TOKEN_LENGTH:
        return token
    return None


def add(session: Session, *, chat_key: str, messages: list[dict], push_to: str | None,
        push_allowed: bool, reply_token: str | None = None, reply_deadline: datetime | None = None,
        inbox_event_id: int | None = None, deliver_until: datetime | None = None) -> OutboxMessage:
    """deliver_until: keep trying until then (an emergency answer), not only LINE_SEND_RETRIES times."""
    reply_token = usable_reply_token(reply_token)
    if reply_token is None:
        reply_deadline = None
    row = OutboxMessage(
        chat_key=chat_key, messages=messages, push_to=push_to, push_allowed=push_allowed,
        reply_token=reply_token, reply_deadline=reply_deadline, inbox_event_id=inbox_event_id,
        deliver_until=deliver_until, retry_key=str(uuid.uuid4()), status="pending", attempts=0,
        created_at=utcnow(), last_error=None, next_attempt_at=None, sent_at=None, reporter_case_id=None,
    )   # every column set: the row stays whole in memory after its commit, so delivery reads nothing back
    session.add(row)
    return row


# An attempt under way is written into last_error by claim() and replaced by its outcome. If a
# claim finds the marker of an earlier attempt still there, that attempt's outcome was never
# recorded (the worker died, or the database went away after LINE accepted): LINE may have it.
SENDING = "sending"
SENDING_AFTER_UNKNOWN = "sending; the previous attempt's outcome is unknown"


_ROWS = OutboxMessage.__table__
_UNRECORDED = _ROWS.c.last_error.in_([SENDING, SENDING_AFTER_UNKNOWN])
_CLAIM = (   # built once (see storage/inbox.py); Core, so no ORM bulk-update machinery per send
    update(_ROWS)
    .where(_ROWS.c.id == bindparam("row_id"), _ROWS.c.status == "pending")
    .where(or_(_ROWS.c.next_attempt_at.is_(None),
               _ROWS.c.next_attempt_at <= bindparam("due_by", type_=_ROWS.c.next_attempt_at.type)))
    .values(next_attempt_at=bindparam("hold_until", type_=_ROWS.c.next_attempt_at.type),
            last_error=case((_UNRECORDED, SENDING_AFTER_UNKNOWN), else_=SENDING))
    .returning(_ROWS.c.last_error)
)


def claim(session: Session, row_id: int, *, due_by: datetime, hold_until: datetime) -> str | None:
    """Take the row's next attempt, for one worker only and only once it is due (its
    next_attempt_at at or before due_by). The row is held (next_attempt_at = hold_until)
    while it is sent: the sweeper and a second job for it leave it alone, and a worker
    killed mid-send hands it back at hold_until. Returns the attempt's marker as written
    (SENDING or SENDING_AFTER_UNKNOWN), None when the row was not taken. A loaded copy of the
    row in the session is left as it was. The caller commits."""
    return session.execute(_CLAIM, {"row_id": row_id, "due_by": due_by, "hold_until": hold_until}).scalar()


_MARK_SENT = (
    update(_ROWS).where(_ROWS.c.id == bindparam("row_id"))
    .values(status="sent", sent_at=bindparam("now", type_=_ROWS.c.sent_at.type), last_error=None,
            next_attempt_at=None, attempts=_ROWS.c.attempts + 1)
)


def mark_sent(session: Session, row_id: int, now: datetime) -> None:
    """Record the claimed attempt's success: LINE has the row's messages. The caller commits."""
    session.execute(_MARK_SENT, {"row_id": row_id, "now": now})


def earlier_attempt_unrecorded(row: OutboxMessage) -> bool:
    """Whether an earlier attempt at this claimed row may have reached LINE unrecorded."""
    return row.last_error == SENDING_AFTER_UNKNOWN


def due(session: Session, older_than: timedelta, now: datetime | None = None) -> list[int]:
    """Pending rows nobody is working on: created a while ago, not waiting on a back-off
    and not held by an attempt under way."""
    now = now or utcnow()
    return list(session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == "pending", OutboxMessage.created_at <= now - older_than)
        .where(or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))
        .order_by(OutboxMessage.id)
    ))
