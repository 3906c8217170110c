"""Who answers an event: the officers' desk first, then the public conversation flows."""
from __future__ import annotations


class Dispatcher:
    def __init__(self, officers, conversations):
        self.officers = officers
        self.conversations = conversations

    def respond(self, event: dict, conversation, session):
        answer = self.officers.respond(event, session) if self.officers else None
        if answer is None:
            return self.conversations.respond(event, conversation, session)
        # an officer's command typed (or forged) by someone inside a report: reply only, like the flows
        answer.push_allowed = answer.push_allowed and self.conversations.may_push(conversation)
        return answer

    def apology(self, conversation):
        return self.conversations.apology(conversation)
