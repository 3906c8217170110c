"""The reminders flow's effects (flows/data/reminders.yaml): the person's dates kept, shown, removed.

Handlers take (responder, conversation, data, state, effect, session, response) like the others
in bot/conversation.py, which registers them by name (flows/effects.py)."""
from __future__ import annotations


def reminder_set(responder, conversation, data, state, effect, session, response) -> bool:
    raise NotImplementedError("issue 15: reminders (fix/reminders)")


def reminder_show(responder, conversation, data, state, effect, session, response) -> bool:
    raise NotImplementedError("issue 15: reminders (fix/reminders)")


def reminder_remove(responder, conversation, data, state, effect, session, response) -> bool:
    raise NotImplementedError("issue 15: reminders (fix/reminders)")


HANDLERS = {"reminder_set": reminder_set, "reminder_show": reminder_show, "reminder_remove": reminder_remove}
