"""Load or start the conversation a chat is in; whether the person blocked the bot."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Conversation, utcnow


def load(session: Session, chat_key: str, user_id: str | None) -> Conversation:
    """The chat's conversation, touched now: updated_at is when the person last wrote, which
    is what the retention sweep (storage/retention.py) measures."""
    conversation = session.get(Conversation, chat_key)
    if conversation is None:
        conversation = Conversation(chat_key=chat_key, user_id=user_id, state={}, zawgyi=False,
                                    updated_at=utcnow())
        session.add(conversation)
    else:
        conversation.updated_at = utcnow()
    return conversation


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
