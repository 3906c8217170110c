"""Load or start the conversation a chat is in."""
from __future__ import annotations

from sqlalchemy.orm import Session

from .models import Conversation, utcnow


def load(session: Session, chat_key: str, user_id: str | None) -> Conversation:
    conversation = session.get(Conversation, chat_key)
    if conversation is None:
        conversation = Conversation(chat_key=chat_key, user_id=user_id, state={}, zawgyi=False,
                                    updated_at=utcnow())
        session.add(conversation)
    return conversation

