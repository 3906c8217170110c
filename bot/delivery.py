"""Send one outbox row to LINE: reply if the token is still good, else push if allowed.

At least once, and de-duplicated where LINE lets us: pushes carry the row's retry key
(a 409 means LINE already has it), reply tokens are single use. 429 and 5xx are retried
with exponential back-off through the queue's scheduler.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from storage import conversations
from storage.models import OutboxMessage, utcnow
from storage.timeutil import as_utc

from .line_api import LineError

log = logging.getLogger(__name__)

SENT, FAILED, RETRY, UNDELIVERABLE, SKIPPED = "sent", "failed", "retry", "undeliverable", "skipped"


def backoff_seconds(attempt: int, base: float = 1.0, cap: float = 300.0) -> float:
    return min(cap, base * 2 ** max(0, attempt - 1))


class Delivery:
    def __init__(self, db, line, queue, max_attempts: int = 5, clock=utcnow):
        self.db = db
        self.line = line
        self.queue = queue
        self.max_attempts = max_attempts
        self.clock = clock

    def deliver(self, outbox_id: int) -> str:
        with self.db.sessions() as session:
            row = session.get(OutboxMessage, outbox_id)
            if row is None or row.status != "pending":
                return SKIPPED
            if self._blocked(session, row):
                return UNDELIVERABLE
            try:
                self._send(row)
            except LineError as error:
                outcome = self._failed(row, error)
            else:
                row.status, row.sent_at, row.last_error = "sent", self.clock(), None
                outcome = SENT
            row.attempts += 1
            session.commit()
            if outcome == RETRY:
                self.queue.deliver(row.id, delay_seconds=backoff_seconds(row.attempts))
            return outcome

    @staticmethod
    def _blocked(session, row: OutboxMessage) -> bool:
        """The person blocked the bot (`unfollow`): the row ends here, never retried."""
        if not conversations.is_blocked(session, row.push_to or row.chat_key):
            return False
        row.status, row.last_error = UNDELIVERABLE, "not sent: the person blocked the bot"
        session.commit()
        log.info("outbox %s not sent: the person blocked the bot", row.id)
        return True

    def _send(self, row: OutboxMessage) -> None:
        deadline = as_utc(row.reply_deadline)
        if row.reply_token and deadline and self.clock() < deadline:
            try:
                self.line.reply(row.reply_token, row.messages)
                return
            except LineError as error:
                if not error.invalid_reply_token:
                    raise
                log.info("outbox %s: reply token refused, trying a push", row.id)
        if not (row.push_allowed and row.push_to):
            raise LineError(400, "reply token unusable and this conversation allows no push")
        try:
            self.line.push(row.push_to, row.messages, row.retry_key)
        except LineError as error:
            if not error.already_accepted:
                raise

    def _failed(self, row: OutboxMessage, error: LineError) -> str:
        row.last_error = str(error)[:2000]
        if error.retryable and row.attempts + 1 < self.max_attempts:
            row.next_attempt_at = self.clock() + timedelta(seconds=backoff_seconds(row.attempts + 1))
            return RETRY
        row.status = "failed" if error.retryable or error.status != 400 else "undeliverable"
        log.error("outbox %s given up after %s attempts: %s", row.id, row.attempts + 1, error)
        return FAILED
