"""The daily run of personal reminders (issue 15): at REMINDER_HOUR, Bangkok time, once a day.

Every worker's sweeper asks `run_if_due` on each pass; the first to claim the day in Redis
(SET NX, kept two days) runs it, the others leave it. The run decrypts the reminders
(storage/reminders.py), and each one due today (news/reminders.py) becomes a push row in the
outbox, in the person's language and Zawgyi, delivered by the existing Delivery: never to a
chat that blocked the bot, never while the person is inside a report (postponed: the next run
finds it again). A reminder is marked sent in the transaction that adds its row, so it goes
once. `now` is a parameter all the way down: tests and `flask reminders send --now` choose it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from redis.exceptions import RedisError

from bot import reminder_push
from cases.roster import bangkok_time
from storage import outbox
from storage import reminders as store
from storage.models import Conversation, utcnow

log = logging.getLogger(__name__)

DAY_CLAIM = "hotline:reminders:day"
DAY_CLAIM_SECONDS = 2 * 24 * 3600


@dataclass
class Outcome:
    """What one run did (for the log and the CLI: counts, never who)."""

    queued: int = 0
    postponed: int = 0
    blocked: int = 0
    taken: int = 0            # another run marked it first
    row_ids: list[int] = field(default_factory=list)


class ReminderRun:
    """conversations: bot/conversation.FlowResponder (its renderer, engine and may_push)."""

    def __init__(self, db, queue, conversations, hour: int, clock=utcnow):
        self.db, self.queue, self.conversations = db, queue, conversations
        self.hour, self.clock = hour, clock
        self._done_day = None      # this process saw the day claimed (by itself or another)

    # -- when ---------------------------------------------------------------------------------
    def run_if_due(self, now: datetime | None = None) -> Outcome | None:
        """From the sweeper's loop: the run, if the hour has come and no worker ran today."""
        now = now or self.clock()
        local = bangkok_time(now)
        if local.hour < self.hour or self._done_day == local.date():
            return None
        if not self._claim_day(local.date()):
            self._done_day = local.date()
            return None
        try:
            outcome = self.run(now)
        except Exception:
            self._release_day(local.date())     # another pass (this worker's or another's) tries again
            raise
        self._done_day = local.date()
        return outcome

    def _day_key(self, day) -> str:
        return f"{DAY_CLAIM}:{self.queue.queue.name}:{day.isoformat()}"

    def _claim_day(self, day) -> bool:
        try:
            return bool(self.queue.redis.set(self._day_key(day), "1", nx=True, ex=DAY_CLAIM_SECONDS))
        except RedisError as exc:
            log.warning("reminders: the day cannot be claimed (%s); next pass", type(exc).__name__)
            return False

    def _release_day(self, day) -> None:
        try:
            self.queue.redis.delete(self._day_key(day))
        except RedisError:
            pass

    # -- what ---------------------------------------------------------------------------------
    def run(self, now: datetime | None = None) -> Outcome:
        """Queue today's reminders (today: `now`'s Bangkok date); returns the counts."""
        now = now or self.clock()
        today = bangkok_time(now).date()
        outcome = Outcome()
        with self.db.sessions() as session:
            rows = []
            for due in store.due_on(session, today):
                reminder = due.reminder
                conversation = session.get(Conversation, reminder.chat_key)
                if conversation is not None and conversation.blocked_at is not None:
                    outcome.blocked += 1      # unblocked later, the next stage still comes
                    continue
                if conversation is not None and not self.conversations.may_push(conversation):
                    outcome.postponed += 1    # inside a report: nothing is pushed; tomorrow's run
                    continue
                if not store.mark_sent(session, reminder, due.stage, now):
                    outcome.taken += 1
                    continue
                rows.append(outbox.add(session, chat_key=reminder.chat_key, push_to=reminder.user_id,
                                       push_allowed=True, messages=self.messages(conversation, due)))
            session.commit()
            outcome.row_ids = [row.id for row in rows]
        outcome.queued = len(outcome.row_ids)
        for row_id in outcome.row_ids:
            self.queue.deliver(row_id)
        log.info("reminders for %s: %s queued, %s postponed (inside a report), %s blocked, %s taken by another run",
                 today.isoformat(), outcome.queued, outcome.postponed, outcome.blocked, outcome.taken)
        return outcome

    def messages(self, conversation, due: store.Due) -> list[dict]:
        """The reminder in the person's language and calendar (bot/reminder_push.py): their
        conversation's, or the one kept with the reminder once the conversation is gone."""
        reminder = due.reminder
        reader = conversation if conversation is not None and conversation.language else reminder
        return reminder_push.compose(self.conversations.engine, self.conversations.renderer, reader,
                                     reminder.kind, reminder.date, due.stage)


def _hotline():
    return current_app.extensions["hotline"]


reminders_cli = AppGroup("reminders", help="Personal reminders (issue 15).")


@reminders_cli.command("send")
@click.option("--now", "now_text", default=None, help="ISO date-time (UTC unless it says): the run's clock.")
def send_command(now_text: str | None) -> None:
    """Run today's reminders now, by hand (the sweeper runs them at REMINDER_HOUR)."""
    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError:
            raise click.BadParameter("an ISO date-time, e.g. 2026-12-07T09:00", param_hint="--now") from None
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
    outcome = _hotline().reminders.run(now)
    click.echo(f"{outcome.queued} reminders queued, {outcome.postponed} postponed, {outcome.blocked} blocked")
