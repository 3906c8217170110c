"""Load or start the conversation a chat is in, save what changed; whether the person blocked the bot."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import get_history

from .driver_statements import DriverStatement
from .loaded_rows import as_loaded, in_session
from .models import Conversation, utcnow

_ROWS = Conversation.__table__
_COLUMNS = tuple(column.key for column in _ROWS.c)
_CHANGEABLE = tuple(key for key in _COLUMNS if key != "chat_key")
# Built once, run on the driver: a message pays neither the ORM's loading and unit of work nor
# SQLAlchemy's execution for its conversation.
_SELECT = DriverStatement(select(*_ROWS.c).where(_ROWS.c.chat_key == bindparam("chat")))
_INSERT = DriverStatement(insert(_ROWS).values({column: bindparam(f"v_{column.key}", type_=column.type)
                                                for column in _ROWS.c}))
_UPDATES: dict[frozenset, DriverStatement] = {}   # one UPDATE per set of changed columns, built when first needed


def _update(keys: frozenset) -> DriverStatement:
    found = _UPDATES.get(keys)
    if found is None:
        found = _UPDATES[keys] = DriverStatement(
            update(_ROWS).where(_ROWS.c.chat_key == bindparam("chat"))
            .values({_ROWS.c[key]: bindparam(f"v_{key}", type_=_ROWS.c[key].type) for key in sorted(keys)}))
    return found


def load(session: Session, chat_key: str, user_id: str | None) -> Conversation:
    """The chat's conversation, touched now: updated_at is when the person last wrote, which
    is what the retention sweep (storage/retention.py) measures. The object belongs to the
    session as if the ORM had loaded it (anything else asking for it gets the same one, and
    the session writes its changes if save() is not called), from one plain SELECT."""
    conversation = in_session(session, Conversation, chat_key)
    if conversation is None:
        found = _SELECT.first(session, chat=chat_key)
        if found is None:
            conversation = Conversation(chat_key=chat_key, user_id=user_id, language=None, state={},
                                        zawgyi=False, updated_at=utcnow(), blocked_at=None)
            session.add(conversation)
            return conversation
        conversation = as_loaded(session, Conversation, found._asdict())
    conversation.updated_at = utcnow()
    return conversation


def save(session: Session, conversation: Conversation) -> None:
    """Write the conversation now, one INSERT (new) or one UPDATE of the columns that changed,
    and let the session forget it, so its commit has nothing of it left to flush. For the end
    of a message's work: nothing may change the object after this. An erased conversation
    (storage/erasure.py deleted it) is left alone."""
    state = inspect(conversation)
    if state.pending:
        _INSERT.rowcount(session, **{f"v_{key}": getattr(conversation, key) for key in _COLUMNS})
    elif state.persistent:
        changed = _changes(conversation)
        if changed:
            _update(frozenset(changed)).rowcount(
                session, chat=conversation.chat_key, **{f"v_{key}": value for key, value in changed.items()})
    else:
        return
    session.expunge(conversation)


def _changes(conversation: Conversation) -> dict:
    """What the session's flush would write: the columns set to a value unequal to the loaded one."""
    changed = {}
    for key in _CHANGEABLE:
        added, _, deleted = get_history(conversation, key)
        if added and (not deleted or added[0] != deleted[0]):
            changed[key] = added[0]
    return changed


def set_blocked(conversation: Conversation, blocked: bool, now: datetime | None = None) -> None:
    """`unfollow` (blocked) or `follow` (unblocked): while blocked nothing is sent to the chat."""
    if blocked:
        conversation.blocked_at = conversation.blocked_at or now or utcnow()
    else:
        conversation.blocked_at = None


# What "this chat blocked the bot" is in SQL: the one condition is_blocked, the outbox's drop of
# blocked rows (storage/outbox.py) and a broadcast's audience (storage/broadcasts.py) all test.
BLOCKED = Conversation.blocked_at.is_not(None)


def blocked_chats():
    """The chat keys of everyone who blocked the bot, as a subquery."""
    return select(Conversation.chat_key).where(BLOCKED)


def is_blocked(session: Session, chat_key: str | None) -> bool:
    """Whether the person of this chat blocked the bot (one primary-key lookup)."""
    if not chat_key:
        return False
    return session.scalar(blocked_chats().where(Conversation.chat_key == chat_key)) is not None
