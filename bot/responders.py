"""Who answers an event: the officers' desk first, then the public conversation flows."""
from __future__ import annotations


class Dispatcher:
    def __init__(self, officers, conversations):
        self.officers = officers
        self.conversations = conversations

    def respond(self, event: dict, conversation, session):
        answer = self.officers.respond(event, session) if self.officers else None
        return answer if answer is not None else self.conversations.respond(event, conversation, session)

    def apology(self, conversation):
        return self.conversations.apology(conversation)
