"""Erase what one person told us, at their request ("delete my data"), in one transaction.

What goes: their conversation (state, language), the payloads of their inbox events, what
the bot sent them, their news subscription and reminders (with the dates they gave), and in
the reports they already sent, how to reach them (phone, way and time, their LINE id, photo
ids, the photos themselves). What stays: each report itself, without those, because the
committee holding it still has to act on it (the answer tells them so: the bot catalog's
`main.delete.kept`); the anonymous numbers of every case.

Rows are kept where something depends on them: an inbox row keeps its webhookEventId (a
redelivery of the same event must stay a no-op) and the outbox row of the answer being sent
now keeps the reply token it needs; every such row moves to the chat key ERASED and holds
an empty encrypted payload. The retention sweep (storage/retention.py) deletes them by age.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from . import case_photos, consents, inbox, news
from . import cases as case_store
from .cases import Case
from .models import Conversation, InboxEvent, OutboxMessage

ERASED = "_erased"   # the chat key of rows that no longer belong to anyone

# A report's answers that say whether and how to reach the reporter, or hold their photos' LINE ids.
CONTACT_FIELDS = ("contact_ok", "contact_phone", "phone", "contact_how", "contact_when", "photos")


@dataclass
class Erased:
    """How many rows of each kind were erased (for the log: counts, never content)."""

    events: int = 0
    messages: int = 0
    cases: int = 0


def forget_person(session: Session, conversation: Conversation) -> Erased:
    """Erase one person's data in the caller's transaction (the worker's, deciding the event
    that asked for it).

    That event is the chat's oldest pending one (storage.inbox.next_pending: the processor
    answers them in that order); its row keeps only its reply token, so the answer can still
    go out, addressed by the token alone. The chat's later pending events are left to be
    processed: nothing received is lost, and what they bring is new."""
    chat_key, user_id = conversation.chat_key, conversation.user_id
    people = [key for key in {chat_key, user_id} if key]
    erased = Erased()
    erased.events = _forget_events(session, chat_key)
    erased.messages = session.execute(
        update(OutboxMessage)
        .where(or_(OutboxMessage.chat_key.in_(people), OutboxMessage.push_to.in_(people)),
               OutboxMessage.status != "pending")
        .values(chat_key=ERASED, push_to=None, reply_token=None, messages=[], last_error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    reported = list(session.scalars(select(Case).where(or_(Case.chat_key.in_(people),
                                                           Case.reporter_user_id.in_(people)))))
    for case in reported:
        _forget_contact(session, case)
        erased.cases += 1
    case_photos.erase(session, [case.id for case in reported])
    erased.messages += _forget_sent_about(session, reported)
    erased.messages += consents.forget_people(session, people, ERASED)  # issue 13: no contact after this
    for person in people:                     # issue 15: their news subscription and reminders (dates) go
        news.end_all(session, person)
    session.delete(conversation)
    session.flush()
    return erased


def _forget_events(session: Session, chat_key: str) -> int:
    done = session.execute(
        update(InboxEvent)
        .where(InboxEvent.chat_key == chat_key, InboxEvent.status != "pending", InboxEvent.status != "received")
        .values(chat_key=ERASED, payload={}, error=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    # The same ORM object the processor holds (one session, one identity map): its answer is
    # then written to the ERASED chat, with the reply token as its only address.
    current = inbox.next_pending(session, chat_key)
    if current is None:
        return done
    token = (current.payload or {}).get("replyToken")
    current.chat_key, current.error = ERASED, None
    current.payload = {"replyToken": token} if isinstance(token, str) else {}
    return done + 1


def _forget_sent_about(session: Session, reported: list[Case]) -> int:
    """Empty the sent copies of what officers were shown about these reports (alerts, details
    with the contact): the case itself keeps the report; a copy of a message LINE already
    took serves nothing. Rows still pending are left to be delivered."""
    if not reported:
        return 0
    references = [case.reference for case in reported]
    since = min(case.created_at for case in reported)
    rows = session.scalars(select(OutboxMessage).where(
        OutboxMessage.status.in_(("sent", "failed", "undeliverable")), OutboxMessage.created_at >= since,
        OutboxMessage.chat_key != ERASED))
    emptied = 0
    for row in list(rows):
        words = json.dumps(row.messages, ensure_ascii=False)
        if any(reference in words for reference in references):
            row.messages = []
            emptied += 1
    return emptied


def _forget_contact(session: Session, case: Case) -> None:
    """The report stays with its committee; how to reach the reporter goes."""
    answers = {key: value for key, value in (case.answers or {}).items() if key not in CONTACT_FIELDS}
    if isinstance(answers.get("_labels"), dict):
        answers["_labels"] = {key: value for key, value in answers["_labels"].items() if key not in CONTACT_FIELDS}
    case.answers = answers
    case.contact_allowed = False
    case.reporter_user_id = None
    case.chat_key = ERASED
    case_store.record(session, case, "contact_erased", "reporter", case.committee_id)
