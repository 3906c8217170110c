"""A person's reminder dates (issue 15): one per kind for a chat, kept encrypted, scanned daily.

The dates are personal data: `details` is encrypted (storage/models/news.py), so the daily scan
reads every row and decides in Python (news/reminders.py) which ones are due. A reminder is
marked sent by a conditional update on the `updated_at` the scan read: two runs that scanned
the same row send it once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from news import reminders as rules
from news.choices import REMINDER_KINDS

from .models import NewsReminder, utcnow


@dataclass(frozen=True)
class Reminder:
    """One reminder as the bot and the worker see it (decrypted)."""

    id: int
    chat_key: str
    user_id: str
    kind: str
    date: date
    sent: tuple[str, ...]
    version: datetime
    language: str | None = None     # the chat's language when it was set: used if the chat is gone
    zawgyi: bool = False


def _read(row: NewsReminder) -> Reminder | None:
    details = row.details or {}
    try:
        given = date.fromisoformat(details.get("date", ""))
    except (TypeError, ValueError):
        return None
    if details.get("kind") not in REMINDER_KINDS:
        return None
    return Reminder(row.id, row.chat_key, row.user_id, details["kind"], given, tuple(details.get("sent") or ()),
                    row.updated_at, details.get("language"), bool(details.get("zawgyi")))


def of_chat(session: Session, chat_key: str) -> list[Reminder]:
    """The chat's reminders, in the order of the kinds (news/choices.REMINDER_KINDS)."""
    found = [r for row in session.scalars(select(NewsReminder).where(NewsReminder.chat_key == chat_key))
             if (r := _read(row)) is not None]
    return sorted(found, key=lambda r: REMINDER_KINDS.index(r.kind))


def put(session: Session, *, chat_key: str, user_id: str, kind: str, given: date, today: date,
        language: str | None = None, zawgyi: bool = False, now: datetime | None = None) -> NewsReminder:
    """The chat's reminder of this kind, set to this date (an earlier one of the kind is
    replaced); stages already over are recorded as done (news/reminders.passed). The language
    is kept for a chat whose conversation the retention sweep ended before the date came."""
    now = now or utcnow()
    details = {"kind": kind, "date": given.isoformat(), "sent": rules.passed(kind, given, today),
               "language": language, "zawgyi": zawgyi}
    for row in session.scalars(select(NewsReminder).where(NewsReminder.chat_key == chat_key)):
        if (row.details or {}).get("kind") == kind:
            session.delete(row)
    row = NewsReminder(chat_key=chat_key, user_id=user_id, details=details, created_at=now, updated_at=now)
    session.add(row)
    session.flush()
    return row


def forget_chat(session: Session, chat_key: str) -> int:
    """Every reminder of this chat deleted ("Remove all", "delete my data"); how many."""
    return session.execute(delete(NewsReminder).where(NewsReminder.chat_key == chat_key)
                           .execution_options(synchronize_session=False)).rowcount


@dataclass(frozen=True)
class Due:
    reminder: Reminder
    stage: rules.Stage


def due_on(session: Session, today: date) -> list[Due]:
    """Every reminder with a stage to send on `today` (a Bangkok day), decrypted. Reads all
    rows: the dates are encrypted, so SQL cannot choose them."""
    found = []
    for row in session.scalars(select(NewsReminder).order_by(NewsReminder.id)):
        reminder = _read(row)
        if reminder is None or rules.finished(reminder.sent):
            continue
        stage = rules.due(reminder.kind, reminder.date, today, reminder.sent)
        if stage is not None:
            found.append(Due(reminder, stage))
    return found


def mark_sent(session: Session, reminder: Reminder, stage: rules.Stage, now: datetime | None = None) -> bool:
    """Record the stage as sent, only if the row is as the scan read it (no other run marked
    it since); False when another run got there first. The ask ends the reminder: its date
    is deleted, there is nothing more to remind of. The caller commits."""
    table = NewsReminder.__table__
    still = (table.c.id == reminder.id) & (table.c.updated_at == reminder.version)
    if stage.asks_new_date:
        return session.execute(delete(table).where(still)).rowcount == 1
    details = {"kind": reminder.kind, "date": reminder.date.isoformat(), "sent": [*reminder.sent, stage.name],
               "language": reminder.language, "zawgyi": reminder.zawgyi}
    return session.execute(update(table).where(still)
                           .values(details=details, updated_at=now or utcnow())).rowcount == 1
