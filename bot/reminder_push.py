"""A pushed reminder's messages (issue 15): what is due and when, what to do, whom to ask, how to
stop; after the deadline, one button to give the new date. In the person's language and
Zawgyi, dates in their calendar (the renderer shows a date param as Thai Buddhist Era etc.).

The words are facts of DOMAIN.md only (§1.1, §1.2, §7.1, corrections 1, 4 and 9), each text
carrying the day they were checked; nothing on it names a report to the officials.
"""
from __future__ import annotations

from flows.engine import choice_data
from flows.model import Ask, Choice, Say
from locales.languages import FALLBACK_LANGUAGE
from locales.marker import N_
from news import reminders as rules

# The flow's steps the push leans on (flows/data/reminders.yaml).
KIND_STEP = "reminders.kind"
WHOM = {rules.NINETY_DAY: "reminders.whom_ninety_day"}
WHOM_DOCUMENTS = "reminders.whom_documents"

# (kind, before the deadline or the day after it) -> message id
TEXTS = {
    ("ninety_day", "before"): N_("reminders.push.ninety_day.before"),
    ("ninety_day", "after"): N_("reminders.push.ninety_day.after"),
    ("visa", "before"): N_("reminders.push.visa.before"),
    ("visa", "after"): N_("reminders.push.visa.after"),
    ("work_permit", "before"): N_("reminders.push.work_permit.before"),
    ("work_permit", "after"): N_("reminders.push.work_permit.after"),
    ("pink_card", "before"): N_("reminders.push.pink_card.before"),
    ("pink_card", "after"): N_("reminders.push.pink_card.after"),
}
STOP = N_("reminders.push.stop")
NEW_DATE = N_("reminders.push.new_date.label")
# Every id above: each catalog of the bot domain must hold them (locales/message_ids.py).
MESSAGE_IDS = frozenset({*TEXTS.values(), STOP, NEW_DATE})


def text(kind: str, given, stage: rules.Stage) -> Say:
    """The reminder's words; dates stay dates, for the renderer to show in the reader's calendar."""
    params = {"due": rules.deadline(kind, given), "days": stage.days_before, "checked": rules.FACTS_CHECKED}
    if kind == rules.NINETY_DAY:
        params["opens"], params["closes"] = rules.report_window(given)
    return Say(TEXTS[(kind, "after" if stage.asks_new_date else "before")], params)


def compose(engine, renderer, reader, kind: str, given, stage: rules.Stage) -> list[dict]:
    """The LINE messages of one reminder, in the reader's language and Zawgyi (`reader`: the
    person's conversation, or what the reminder kept of it; English when neither says)."""
    language = getattr(reader, "language", None) or FALLBACK_LANGUAGE
    zawgyi = bool(getattr(reader, "zawgyi", False)) and language == "my"
    outputs = [text(kind, given, stage), engine.dial(WHOM.get(kind, WHOM_DOCUMENTS)), Say(STOP)]
    if stage.asks_new_date:
        outputs.append(Ask((Choice(NEW_DATE, new_date_data(engine, kind)),)))
    return renderer.finish(renderer.render(outputs, language, zawgyi))


def new_date_data(engine, kind: str) -> str:
    """The kind question's button for this kind: one tap, then the date question."""
    choices = engine.flows.step(KIND_STEP).choices
    index = next(i for i, choice in enumerate(choices) if choice.get("value") == kind)
    return choice_data(KIND_STEP, index)
