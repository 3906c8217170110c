"""When a person's own date calls for a reminder (issue 15): the deadline of each kind, the
reminders before it, and which one is due on a given Bangkok day.

A 90-day report (TM.47) is due 90 days after the last one; it may be made from 15 days before
to 7 days after that day, online only by the day itself (DOMAIN.md §1.2 [S80][S81]). A visa,
a work permit or a pink card ends on the date the person gave. The day after the deadline the
person is asked for their new date. One reminder a day at most: a stage missed (the run was
postponed) is replaced by the next one, never sent beside it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from .choices import REMINDER_KINDS

NINETY_DAY = "ninety_day"
REPORT_EVERY_DAYS = 90              # DOMAIN.md §1.2 [S81]: every 90 days
WINDOW_OPENS_DAYS_BEFORE = 15       # DOMAIN.md §1.2 [S80][S81]: from 15 days before the due date
WINDOW_CLOSES_DAYS_AFTER = 7        # ... to 7 days after it (online: by the due date only)

# Days before the deadline each reminder goes (issue 15).
DAYS_BEFORE = {NINETY_DAY: (15, 1), "visa": (60, 30, 7), "work_permit": (60, 30, 7), "pink_card": (60, 30, 7)}
ASK = "ask"                         # the stage that asks for the new date, the day after the deadline
ASK_DAYS_AFTER = 1


@dataclass(frozen=True)
class Stage:
    """One reminder of one date: its name (kept in the reminder's `sent`), its day, and how
    many days before the deadline it falls (negative: after)."""

    name: str
    day: date
    days_before: int

    @property
    def asks_new_date(self) -> bool:
        return self.name == ASK


def deadline(kind: str, given: date) -> date:
    """The day the person must act by: the 90-day report's due date, or the expiry itself."""
    if kind not in REMINDER_KINDS:
        raise ValueError(f"unknown reminder kind {kind!r}")
    return given + timedelta(days=REPORT_EVERY_DAYS) if kind == NINETY_DAY else given


def report_window(given: date) -> tuple[date, date]:
    """The days a 90-day report may be made, from the last report's date."""
    due = deadline(NINETY_DAY, given)
    return due - timedelta(days=WINDOW_OPENS_DAYS_BEFORE), due + timedelta(days=WINDOW_CLOSES_DAYS_AFTER)


def stages(kind: str, given: date) -> list[Stage]:
    """Every reminder of this date, in time order: those before the deadline, then the ask."""
    due = deadline(kind, given)
    before = [Stage(f"before_{days}", due - timedelta(days=days), days) for days in sorted(DAYS_BEFORE[kind],
                                                                                           reverse=True)]
    return before + [Stage(ASK, due + timedelta(days=ASK_DAYS_AFTER), -ASK_DAYS_AFTER)]


def first_reminder(kind: str, given: date, today: date) -> Stage | None:
    """The first reminder still to come (today counts) before the deadline; None when none
    can come any more: such a date is refused (it gives the person nothing)."""
    return next((stage for stage in stages(kind, given) if not stage.asks_new_date and stage.day >= today), None)


def passed(kind: str, given: date, today: date) -> list[str]:
    """The stages whose day is already over when the date is set: recorded as done, so a date
    set late never sets off yesterday's reminder."""
    return [stage.name for stage in stages(kind, given) if stage.day < today]


def due(kind: str, given: date, today: date, sent: Iterable[str]) -> Stage | None:
    """The one reminder to send on `today`: the latest stage whose day has come, unless it or a
    later one was sent. Earlier stages not sent are skipped: never two at once."""
    done = set(sent)
    reached = [stage for stage in stages(kind, given) if stage.day <= today]
    if not reached:
        return None
    latest = reached[-1]
    later = [stage.name for stage in stages(kind, given) if stage.day >= latest.day]
    return None if done & set(later) else latest


def finished(sent: Iterable[str]) -> bool:
    """The person was asked for the new date: this date has nothing more to say."""
    return ASK in set(sent)

# The day DOMAIN.md's facts the reminders state were last checked (its review of 2026-12-06):
# a pushed reminder carries it, as every dated fact does.
FACTS_CHECKED = date(2026, 12, 6)
