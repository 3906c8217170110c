"""The outbox: what the bot decided to send, kept until LINE took it."""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import String, Text, bindparam, case, cast, insert, or_, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from line_limits import MAX_MULTICAST_RECIPIENTS

from . import conversations, crypto
from .driver_statements import DriverStatement
from .models import Conversation, OutboxMessage, utcnow

REPLY_TOKEN_LENGTH = OutboxMessage.__table__.c.reply_token.type.length


def usable_reply_token(token) -> str | None:
    """The token if it can be stored and used (a non-empty string that fits the column), else
    None: the answer then goes by push where that is allowed, and a bad token never breaks
    the transaction that records it."""
    if type(token) is str and 0 < len(token) <= REPLY_TOKEN_LENGTH:
        return token
    return None


# An attempt under way is written into last_error by claim() and replaced by its outcome. If a
# claim finds the marker of an earlier attempt still there, that attempt's outcome was never
# recorded (the worker died, or the database went away after LINE accepted): LINE may have it.
SENDING = "sending"
SENDING_AFTER_UNKNOWN = "sending; the previous attempt's outcome is unknown"
BLOCKED = "not sent: the person blocked the bot"   # a dropped row's last_error (never retried)


def add(session: Session, *, chat_key: str, messages: list[dict], push_to: str | None,
        push_allowed: bool, reply_token: str | None = None, reply_deadline: datetime | None = None,
        inbox_event_id: int | None = None, deliver_until: datetime | None = None,
        held_until: datetime | None = None) -> OutboxMessage:
    """deliver_until: keep trying until then (an emergency answer), not only LINE_SEND_RETRIES times.
    held_until: the row is written claimed, its first attempt under way until then (what claim()
    would write), for a caller that sends it right after its commit: one UPDATE and commit fewer."""
    row = _new_row(chat_key=chat_key, messages=messages, push_to=push_to, push_allowed=push_allowed,
                   reply_token=reply_token, reply_deadline=reply_deadline, inbox_event_id=inbox_event_id,
                   deliver_until=deliver_until, held_until=held_until)
    session.add(row)
    return row


# The messages are bound already sealed (crypto.seal_json), so rows with the same messages share one token.
# Rows come back matched by their retry key (unique), not in order: SQLite then takes them all in one
# INSERT (sort_by_parameter_order made it one INSERT per row).
_INSERT = (insert(OutboxMessage.__table__).values(messages=bindparam("sealed_messages", type_=Text()))
           .returning(OutboxMessage.__table__.c.retry_key, OutboxMessage.__table__.c.id))
_COLUMNS = [(attr.key, attr.columns[0].key) for attr in OutboxMessage.__mapper__.column_attrs
            if attr.key not in ("id", "messages")]
# The same for one row, on the driver (a message's answer): SQLAlchemy's execution was most of its INSERT.
_INSERT_ONE = DriverStatement(
    insert(OutboxMessage.__table__)
    .values({**{column: bindparam(f"v_{column}", type_=OutboxMessage.__table__.c[column].type)
                for _, column in _COLUMNS},
             "messages": bindparam("sealed_messages", type_=Text())})
    .returning(OutboxMessage.__table__.c.id))


def insert_now(session: Session, **fields) -> OutboxMessage:
    """add(), written at once by one Core INSERT … RETURNING instead of at the session's next flush
    (the unit of work was a sixth of a message's CPU in the worker): the row comes back detached and
    whole, as delivery takes it after the caller's commit. Nothing else in the session is flushed."""
    return _write(session, [_new_row(**fields)])[0]


def insert_pushes(session: Session, targets: list[str], messages: list[dict]) -> list[OutboxMessage]:
    """One push row of `messages` to each target (an officer's or a group's chat), grouped as
    group_alike does and written at once by one Core INSERT … RETURNING for all of them (the
    unit of work was the largest part of a confirmed report's CPU), as insert_now's. Inside
    sent_after_commit the rows are written claimed, and those to a person who blocked the bot are
    written dropped (what their claim would have found), by the same INSERT."""
    held_until = session.info.get(_HELD_UNTIL)
    rows = [_new_row(chat_key=target, messages=messages, push_to=target, push_allowed=True, held_until=held_until)
            for target in targets]
    group_alike(rows)
    return _write(session, rows, drop_blocked=held_until is not None)


_HELD_UNTIL = "outbox.held_until"   # session.info's key, set by sent_after_commit


@contextmanager
def sent_after_commit(session: Session, hold_until: datetime) -> Iterator[None]:
    """While inside, insert_pushes writes its rows claimed until hold_until (as insert_now's
    held_until), for a caller that hands every row it commits to delivery right after its commit
    (the chat processor): a send group then needs no claim transaction of its own."""
    session.info[_HELD_UNTIL] = hold_until
    try:
        yield
    finally:
        session.info.pop(_HELD_UNTIL, None)


def _write(session: Session, rows: list[OutboxMessage], drop_blocked: bool = False) -> list[OutboxMessage]:
    """The rows inserted by one statement, given their ids and detached whole (delivery reads
    nothing back); nothing else in the session is flushed. drop_blocked: a row to a person who
    blocked the bot is written undeliverable (BLOCKED) instead, and comes back so."""
    if not rows:
        return rows
    sealed: dict[int, str] = {}   # id of a messages list -> its token: a card for N officers is encrypted once
    params = [{column: getattr(row, key) for key, column in _COLUMNS} for row in rows]
    for row, row_params in zip(rows, params, strict=True):
        if id(row.messages) not in sealed:
            sealed[id(row.messages)] = None if row.messages is None else crypto.seal_json(row.messages)
        row_params["sealed_messages"] = sealed[id(row.messages)]
    if drop_blocked:
        for row_params in params:
            row_params.update({f"if_free_{column}": row_params.pop(column) for column in _DROPPED})
            row_params["blocked_key"] = row_params["push_to"]
        with session.no_autoflush:
            written = {key: (row_id, status) for key, row_id, status
                       in session.execute(_INSERT_DROPPING_BLOCKED, params)}
        ids = [written[row.retry_key][0] for row in rows]
        for row in rows:
            if written[row.retry_key][1] != row.status:   # dropped
                row.status, row.last_error, row.next_attempt_at = written[row.retry_key][1], BLOCKED, None
    elif len(params) == 1:
        ids = [_INSERT_ONE.first(session, sealed_messages=params[0].pop("sealed_messages"),
                                 **{f"v_{column}": value for column, value in params[0].items()}).id]
    else:
        with session.no_autoflush:
            written = {key: row_id for key, row_id in session.execute(_INSERT, params)}
        ids = [written[row.retry_key] for row in rows]
    for row, row_id in zip(rows, ids, strict=True):
        row.id = row_id
        make_transient_to_detached(row)
    return rows


# _INSERT, with a row to a person who blocked the bot written dropped: these columns then take the
# dropped row's values, else those given (as if_free_<column>).
_PUSHED_TO_BLOCKED = (conversations.blocked_chats()
                      .where(Conversation.chat_key == bindparam("blocked_key", type_=String())).exists())
_DROPPED = {"status": "undeliverable", "last_error": BLOCKED, "next_attempt_at": None}
_INSERT_DROPPING_BLOCKED = (
    insert(OutboxMessage.__table__)
    .values(messages=bindparam("sealed_messages", type_=Text()),
            **{column: case((_PUSHED_TO_BLOCKED, dropped),
                            else_=bindparam(f"if_free_{column}", type_=OutboxMessage.__table__.c[column].type))
               for column, dropped in _DROPPED.items()})
    .returning(OutboxMessage.__table__.c.retry_key, OutboxMessage.__table__.c.id, OutboxMessage.__table__.c.status))


def _new_row(*, chat_key: str, messages: list[dict], push_to: str | None, push_allowed: bool,
             reply_token: str | None = None, reply_deadline: datetime | None = None,
             inbox_event_id: int | None = None, deliver_until: datetime | None = None,
             held_until: datetime | None = None) -> OutboxMessage:
    reply_token = usable_reply_token(reply_token)
    if reply_token is None:
        reply_deadline = None
    return OutboxMessage(
        chat_key=chat_key, messages=messages, push_to=push_to, push_allowed=push_allowed,
        reply_token=reply_token, reply_deadline=reply_deadline, inbox_event_id=inbox_event_id,
        deliver_until=deliver_until, retry_key=str(uuid.uuid4()), status="pending", attempts=0,
        created_at=utcnow(), last_error=SENDING if held_until else None, next_attempt_at=held_until,
        sent_at=None, reporter_case_id=None,
        send_group=None,
    )   # every column set: the row stays whole in memory after its commit, so delivery reads nothing back


USER_ID_PREFIX = "U"   # LINE's user ids; a multicast takes only these (groups are "C…", rooms "R…")


def group_alike(rows: list[OutboxMessage]) -> list[list[OutboxMessage]]:
    """Give rows about to be inserted together that push the same messages to several LINE users
    one send group each (up to LINE's multicast limit), so that they go as one multicast. Only
    plain pushes to users: no reply token, not to a case's reporter (asked again one by one), not
    to a group or room chat. Returns the groups made; the other rows keep send_group None."""
    buckets: list[list[OutboxMessage]] = []
    for row in rows:
        if row.reply_token is not None or row.reporter_case_id is not None or not row.push_allowed \
                or not (row.push_to or "").startswith(USER_ID_PREFIX) or row.send_group is not None:
            continue
        bucket = next((b for b in buckets if b[0].messages == row.messages
                       and len(b) < MAX_MULTICAST_RECIPIENTS and all(r.push_to != row.push_to for r in b)), None)
        if bucket is None:
            buckets.append([row])
        else:
            bucket.append(row)
    groups = [bucket for bucket in buckets if len(bucket) > 1]
    for group in groups:
        key = str(uuid.uuid4())
        for row in group:
            row.send_group = key
    return groups


_ROWS = OutboxMessage.__table__
# push_to is CAST so that SQLite (3.40) looks the chat up by its key in the claim's RETURNING too: a bare column
# of the updated row there has no affinity, and the subquery then scanned every conversation per row.
_BLOCKED = conversations.blocked_chats().where(Conversation.chat_key == cast(_ROWS.c.push_to, String)).exists()
_BLOCKED_NOW = _BLOCKED.label("blocked")
_UNRECORDED = _ROWS.c.last_error.in_([SENDING, SENDING_AFTER_UNKNOWN])
# A claim, of one row or of a send group: pending and due (next_attempt_at at or before due_by),
# then held until hold_until with the attempt's marker.
_DUE = (_ROWS.c.status == "pending",
        or_(_ROWS.c.next_attempt_at.is_(None),
            _ROWS.c.next_attempt_at <= bindparam("due_by", type_=_ROWS.c.next_attempt_at.type)))
_HELD = {"next_attempt_at": bindparam("hold_until", type_=_ROWS.c.next_attempt_at.type),
         "last_error": case((_UNRECORDED, SENDING_AFTER_UNKNOWN), else_=SENDING)}
_CLAIM = (   # built once (see storage/inbox.py); Core, so no ORM bulk-update machinery per send
    update(_ROWS).where(_ROWS.c.id == bindparam("row_id"), *_DUE).values(**_HELD)
    .returning(_ROWS.c.last_error, _ROWS.c.send_group, _ROWS.c.push_to)
)


def claim(session: Session, row_id: int, *, due_by: datetime, hold_until: datetime) -> str | None:
    """Take the row's next attempt, for one worker only and only once it is due (its
    next_attempt_at at or before due_by). The row is held (next_attempt_at = hold_until)
    while it is sent: the sweeper and a second job for it leave it alone, and a worker
    killed mid-send hands it back at hold_until. Returns the attempt's marker as written
    (SENDING or SENDING_AFTER_UNKNOWN), None when the row was not taken. A loaded copy of the
    row in the session is left as it was. The caller commits."""
    return session.execute(_CLAIM, {"row_id": row_id, "due_by": due_by, "hold_until": hold_until}).scalar()


def claim_named(session: Session, row_id: int, *, due_by: datetime, hold_until: datetime):
    """claim(), for a row named by a job (nothing in memory): also says the row's send group,
    whose other rows the caller then claims (claim_group), and its push_to. A row with
    (last_error, send_group, push_to), or None."""
    return session.execute(_CLAIM, {"row_id": row_id, "due_by": due_by, "hold_until": hold_until}).first()


_MARK_SENT = DriverStatement(
    update(_ROWS).where(_ROWS.c.id == bindparam("row_id"))
    .values(status="sent", sent_at=bindparam("now", type_=_ROWS.c.sent_at.type), last_error=None,
            next_attempt_at=None, attempts=_ROWS.c.attempts + 1)
)


# A send group (rows made together with the same messages for several officers, one multicast):
# claimed, recorded sent and backed off as one.
_CLAIM_GROUP = (
    update(_ROWS).where(_ROWS.c.send_group == bindparam("group"), *_DUE).values(**_HELD)
    .returning(_ROWS.c.id, _ROWS.c.push_to, _BLOCKED_NOW)
)


class GroupClaim(NamedTuple):
    taken: dict[int, str]     # row id -> push_to, of the rows taken
    blocked: set[int]         # those of them whose person had blocked the bot when claimed


def claim_group(session: Session, group: str, *, due_by: datetime, hold_until: datetime) -> GroupClaim:
    """Take the next attempt of every pending, due row of the send group, in one conditional
    UPDATE as claim() does for one row: a second job for any row of the group, or the
    sweeper's, finds them held and takes nothing. Also says which of them go to a person who
    blocked the bot (drop_blocked's test, in the same statement: most groups then need no
    second one). The caller commits."""
    taken = sorted(session.execute(_CLAIM_GROUP, {"group": group, "due_by": due_by, "hold_until": hold_until}))
    return GroupClaim({row_id: push_to for row_id, push_to, _ in taken},
                      {row_id for row_id, _, blocked in taken if blocked})


_MARK_GROUP_SENT = (
    update(_ROWS).where(_ROWS.c.id.in_(bindparam("row_ids", expanding=True)))
    .values(status="sent", sent_at=bindparam("now", type_=_ROWS.c.sent_at.type), last_error=None,
            next_attempt_at=None, attempts=_ROWS.c.attempts + 1)
)


def mark_sent(session: Session, row_ids: list[int], now: datetime) -> None:
    """Record claimed attempts' success (LINE has their messages: a multicast's rows, or answers
    sent one after another), in one UPDATE; a lone row by the driver statement, as the hottest
    path has no IN list to expand. The caller commits."""
    if len(row_ids) == 1:
        _MARK_SENT.rowcount(session, row_id=row_ids[0], now=now)
    else:
        session.execute(_MARK_GROUP_SENT, {"row_ids": list(row_ids), "now": now})


def record_group_attempt(session: Session, row_ids: list[int], **outcome) -> None:
    """Write one failed attempt's outcome (status, last_error, next_attempt_at, deliver_until,
    as bot/delivery.py decided it for the group) on every claimed row, attempts + 1, in one
    UPDATE. The caller commits."""
    session.execute(update(_ROWS).where(_ROWS.c.id.in_(list(row_ids)))
                    .values(attempts=_ROWS.c.attempts + 1, **outcome))


def drop_blocked(session: Session, row_ids: list[int], why: str) -> set[int]:
    """The claimed rows whose person blocked the bot (`unfollow`) end here, undeliverable and
    never retried, as a push to them would (bot/delivery.py): one UPDATE, which returns their ids.
    The caller commits."""
    dropped = session.execute(_DROP_BLOCKED, {"row_ids": list(row_ids), "why": why})
    return set(dropped.scalars())


_DROP_BLOCKED = (   # built once, as _CLAIM: every send group's attempt runs it
    update(_ROWS).where(_ROWS.c.id.in_(bindparam("row_ids", expanding=True)), _BLOCKED)
    .values(status="undeliverable", last_error=bindparam("why", type_=_ROWS.c.last_error.type),
            next_attempt_at=None).returning(_ROWS.c.id)
)


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
