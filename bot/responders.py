"""Who answers an event: the officers' desk first, then the public conversation flows.

Blocking and unblocking are recorded here, for everyone (officers' alerts go through the
same delivery, which sends nothing to a chat whose person blocked the bot). Blocking also ends
the person's news and reminders (issue 15): unblocking does not bring them back."""
from __future__ import annotations

from storage import conversations as conversation_store
from storage import news as news_store

from .events import blocks_bot
from .response import Response


class Responders:
    """The chain of responders the chat processor asks for each event's answer."""

    def __init__(self, officers, conversations):
        self.officers = officers
        self.conversations = conversations

    def respond(self, event: dict, conversation, session):
        blocked = blocks_bot(event)
        if blocked is not None:
            conversation_store.set_blocked(conversation, blocked)
            if blocked:
                if session is not None:
                    news_store.end_all(session, conversation.chat_key)
                return Response()  # nothing to answer: LINE delivers nothing to them now
        answer = self.officers.respond(event, session) if self.officers else None
        if answer is None:
            return self.conversations.respond(event, conversation, session)
        # an officer's command typed (or forged) by someone inside a report: reply only, like the flows
        answer.push_allowed = answer.push_allowed and self.conversations.may_push(conversation)
        return answer

    def apology(self, conversation):
        return self.conversations.apology(conversation)
