"""Who answers an event: the officers' desk first, then the public conversation flows.

Blocking and unblocking are recorded here, for everyone (officers' alerts go through the
same delivery, which sends nothing to a chat whose person blocked the bot)."""
from __future__ import annotations

from storage import conversations as conversation_store

from .events import blocks_bot
from .processor import Response


class Dispatcher:
    def __init__(self, officers, conversations):
        self.officers = officers
        self.conversations = conversations

    def respond(self, event: dict, conversation, session):
        blocked = blocks_bot(event)
        if blocked is not None:
            conversation_store.set_blocked(conversation, blocked)
            if blocked:
                return Response()  # nothing to answer: LINE delivers nothing to them now
        answer = self.officers.respond(event, session) if self.officers else None
        return answer if answer is not None else self.conversations.respond(event, conversation, session)

    def apology(self, conversation):
        return self.conversations.apology(conversation)
