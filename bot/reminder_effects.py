"""The reminders flow's effects (flows/data/reminders.yaml): the person's dates kept, shown, removed.

Handlers take (responder, conversation, data, state, effect, session, response) like the others
in bot/conversation.py, which registers them by name (flows/effects.py). They write words into
`data` (dates in the reader's calendar: Thai with the Buddhist Era year) for the steps' messages.
"""
from __future__ import annotations

import logging
from datetime import UTC, date, datetime

from cases.roster import bangkok_time
from locales.languages import FALLBACK_LANGUAGE
from locales.marker import N_
from news import reminders as rules
from news.choices import REMINDER_KINDS
from storage import reminders as store

log = logging.getLogger(__name__)

# What the flow saves (flows/data/reminders.yaml) and the words these handlers write for it.
KIND, DATE = "reminder_kind", "reminder_date"
SUMMARY, LIST, DUE = "reminder_summary", "reminder_list", "reminder_due"
ABOUT = {"ninety_day": N_("reminders.about.ninety_day"), "expiry": N_("reminders.about.expiry")}
NO_REMINDER = N_("reminders.first.none")
NONE_KEPT = N_("reminders.list.empty")
# Every id above: each catalog of the bot domain must hold them (locales/message_ids.py).
MESSAGE_IDS = frozenset({*ABOUT.values(), NO_REMINDER, NONE_KEPT})


def bangkok_today(clock) -> date:
    """Today in Bangkok, by the responder's clock (seconds): the day reminders count from."""
    return bangkok_time(datetime.fromtimestamp(clock(), UTC)).date()


def _answered(data: dict) -> tuple[str, date] | None:
    """The kind and date the person answered, if both are there and make sense."""
    kind, given = data.get(KIND), data.get(DATE)
    if kind not in REMINDER_KINDS or not isinstance(given, str):
        return None
    try:
        return kind, date.fromisoformat(given)
    except ValueError:
        return None


class _Words:
    """The catalog's words in the reader's language; dates in their calendar."""

    def __init__(self, responder, conversation):
        self.catalogs = responder.catalogs
        self.language = conversation.language or FALLBACK_LANGUAGE

    def text(self, message_id: str, **params) -> str:
        return self.catalogs.text(self.language, message_id, **params)

    def date(self, value: date) -> str:
        return self.catalogs.date(self.language, value)

    def next_reminder(self, kind: str, given: date, today: date, sent=()) -> str:
        upcoming = [s for s in rules.stages(kind, given) if s.name not in set(sent) and s.day >= today
                    and not s.asks_new_date]
        return self.date(upcoming[0].day) if upcoming else self.text(NO_REMINDER)

    def about(self, kind: str, given: date, today: date, sent=()) -> str:
        """One reminder in words: the kind, its date, its deadline (90-day), the next reminder."""
        params = {"kind": self.text(f"reminders.kind.{kind}"), "date": self.date(given),
                  "due": self.date(rules.deadline(kind, given)), "next": self.next_reminder(kind, given, today, sent)}
        return self.text(ABOUT["ninety_day" if kind == rules.NINETY_DAY else "expiry"], **params)


def reminder_show(responder, conversation, data, state, effect, session, response) -> bool:
    """The date being answered (at the confirm step) and the reminders kept, as words."""
    words, today = _Words(responder, conversation), bangkok_today(responder.clock)
    if (answered := _answered(data)) is not None:
        data[SUMMARY] = words.about(*answered, today)
    kept = store.of_chat(session, conversation.chat_key) if session is not None else []
    data[LIST] = ("\n\n".join(words.about(r.kind, r.date, today, r.sent) for r in kept)
                  if kept else words.text(NONE_KEPT))
    return True


def reminder_set(responder, conversation, data, state, effect, session, response) -> bool:
    """Keep the answered date (replacing the chat's earlier one of the kind); refused when no
    reminder could come before its deadline any more: the step after says so, and when."""
    answered = _answered(data)
    if answered is None or session is None:
        log.info("reminder not set: no kind and date answered (an old Save button)")
        return False
    kind, given = answered
    today = bangkok_today(responder.clock)
    if rules.first_reminder(kind, given, today) is None:
        data[DUE] = _Words(responder, conversation).date(rules.deadline(kind, given))
        log.info("reminder not set: its deadline is too close or past")
        return False
    store.put(session, chat_key=conversation.chat_key, user_id=conversation.user_id or conversation.chat_key,
              kind=kind, given=given, today=today, language=conversation.language, zawgyi=conversation.zawgyi)
    log.info("reminder set")
    return True


def reminder_remove(responder, conversation, data, state, effect, session, response) -> bool:
    """Every reminder of this chat removed; False when there was none."""
    removed = store.forget_chat(session, conversation.chat_key) if session is not None else 0
    for field in (KIND, DATE, SUMMARY, LIST, DUE):
        data.pop(field, None)
    log.info("reminders removed at the person's request: %s", removed)
    return removed > 0


HANDLERS = {"reminder_set": reminder_set, "reminder_show": reminder_show, "reminder_remove": reminder_remove}
