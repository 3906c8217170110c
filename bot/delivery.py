"""Send one outbox row to LINE: reply if the token is still good, else push if allowed.

At least once, and de-duplicated where LINE lets us: pushes carry the row's retry key
(a 409 means LINE already has it), reply tokens are single use. 429 and 5xx are retried
with a capped exponential back-off through the queue's scheduler: LINE_SEND_RETRIES
attempts, or, for a row with a deliver_until (an emergency answer; an alert or notice to
officers), until then. Each attempt first claims its row (storage.outbox.claim), so a
retry job and the sweeper's job for the same row never send it twice. A row the caller has
just committed (the chat processor's answer and alerts) is handed over as it is: the claim
alone is written, nothing is read back.

A push to a case's reporter (a note or an officer's message, row.reporter_case_id) is asked
again before it goes (`reporter_check`: cases/reporter_notes.ReporterNotes.at_send, wired by
app.py): one queued for their safe time may find them inside a report, blocked or no longer
consenting; then it is dropped (undeliverable, its words removed, the case's trail says why),
or waits again if their safe time has not come. Without a check wired such a row never goes.

Rows of one send group (the same alert for several officers, storage/outbox.group_alike) go
together: the attempt claims every pending, due row of the group, drops who blocked the bot,
makes ONE multicast with the group's key as X-Line-Retry-Key (409 = sent) and records the
outcome on all of them at once; a job or the sweeper for another row of the group then finds
nothing to claim. A group stays a multicast down to one officer, so that its key is never
re-sent under another.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy.orm.attributes import set_committed_value

from storage import conversations, outbox
from storage.models import OutboxMessage, utcnow
from storage.timeutil import as_utc

from .line_api import LineError

log = logging.getLogger(__name__)

SENT, FAILED, RETRY, UNDELIVERABLE, SKIPPED, WAITING = "sent", "failed", "retry", "undeliverable", "skipped", "waiting"

BACKOFF_CAP_SECONDS = 15.0   # between attempts of a row that keeps trying: back soon after LINE is
HOLD_SECONDS = 30.0          # an attempt's hold on its row: a reply plus a push at LineClient's 10 s timeout
EARLY_SECONDS = 1.0          # RQ's scheduler keeps whole seconds: a delayed job may start up to 1 s early
RETRY_KEY_LIFETIME = timedelta(hours=24)   # LINE remembers a retry key this long: no row outlives it
BLOCKED = outbox.BLOCKED


def backoff_seconds(attempt: int, base: float = 1.0, cap: float = BACKOFF_CAP_SECONDS) -> float:
    return min(cap, base * 2 ** max(0, attempt - 1))


class Delivery:
    """notice_seconds: how long an alert or notice to officers (a push that answers no event,
    cases/casework.py) keeps trying; someone is waiting on the report it carries."""

    def __init__(self, db, line, queue, max_attempts: int = 5, notice_seconds: float = 0, clock=utcnow,
                 reporter_check=None):
        self.db = db
        self.reporter_check = reporter_check   # (session, case_id, outbox_id) -> cases.consent.PushDecision
        self.line = line
        self.queue = queue
        self.max_attempts = max_attempts
        self.notice_window = timedelta(seconds=notice_seconds)
        self.clock = clock

    def hold_until(self) -> datetime:
        """Until when a row written claimed (outbox.add's held_until) is held for its first attempt."""
        return self.clock() + timedelta(seconds=HOLD_SECONDS)

    def deliver(self, outbox_id: int, row: OutboxMessage | None = None) -> str:
        """Attempt to send the row (and the rest of its send group) once. `row`: the row itself,
        as its caller committed it moments ago (detached, unchanged since), so it need not be
        read back; written claimed (its first attempt's marker, SENDING), it is not claimed again."""
        with self.db.sessions() as session:
            return self._deliver(session, outbox_id, row)

    def _deliver(self, session, outbox_id: int, row: OutboxMessage | None, sent_later: list | None = None) -> str:
        """deliver() in the caller's session, whose transaction it commits or leaves unwritten.
        sent_later: a success with no transaction open is not written but added there, for the
        caller to write with the next outcome (deliver_all: one UPDATE and commit fewer); a success
        written now takes those along."""
        now = self.clock()
        due_by, hold_until = now + timedelta(seconds=EARLY_SECONDS), now + timedelta(seconds=HOLD_SECONDS)
        if row is not None and row.status == UNDELIVERABLE:   # written dropped (who blocked the bot): nothing to do
            return UNDELIVERABLE
        if row is not None and row.send_group is not None:
            return self._deliver_group(session, row.send_group, {}, row, due_by, hold_until)
        if row is not None and row.last_error == outbox.SENDING:   # claimed in the commit that wrote it
            if row.reporter_case_id is not None:
                row = session.merge(row, load=False)
            # else left detached: a sent row's outcome is one statement; a failed one is attached then
        else:
            taken = outbox.claim_named(session, outbox_id, due_by=due_by, hold_until=hold_until)
            if taken is not None and taken.send_group is not None:   # a job named one row of a group
                return self._deliver_group(session, taken.send_group, {outbox_id: taken.push_to}, None,
                                           due_by, hold_until)
            session.commit()
            if taken is None:
                return SKIPPED   # sent, given up, not due yet, or another worker is sending it
            if row is None:
                row = session.get(OutboxMessage, outbox_id)
            else:
                row = session.merge(row, load=False)
                set_committed_value(row, "last_error", taken.last_error)
                set_committed_value(row, "next_attempt_at", hold_until)
        if row.reporter_case_id is not None:   # first: its refusal is written in the case's trail
            held = self._reporter_held(session, row)
            if held is not None:
                return held
        try:
            if self._send(session, row) == UNDELIVERABLE:
                return UNDELIVERABLE
        except LineError as error:
            row = _attached(session, row)
            outcome = self._failed(row, error)
        except Exception as exc:  # a bug on our side of the call: counted like no answer, never a row stuck
            log.error("outbox %s: sending raised %s", row.id, type(exc).__name__)
            row = _attached(session, row)
            outcome = self._failed(row, LineError(None, f"not sent: {type(exc).__name__} before LINE answered"))
        else:
            if sent_later is not None and not session.in_transaction():
                sent_later.append(row.id)
                return SENT
            outbox.mark_sent(session, [*(sent_later or ()), row.id], self.clock())   # those before it, with it
            if sent_later:
                sent_later.clear()
            session.commit()
            return SENT
        row.attempts += 1
        session.commit()
        if outcome == RETRY:
            delay = (as_utc(row.next_attempt_at) - self.clock()).total_seconds()
            self.queue.deliver(row.id, delay_seconds=max(0.0, delay))
        return outcome

    def deliver_all(self, rows: list[OutboxMessage], session=None) -> list[str]:
        """Send rows a caller has just committed, in their order (the answer first); a send group
        once, at its first row (the attempt takes the whole group: every row of a group written
        claimed must be among `rows`). `session`: the caller's, with no transaction open, so that
        a message's work opens one session, not one more per send."""
        if session is None:
            with self.db.sessions() as own:
                return self.deliver_all(rows, own)
        outcomes, groups, sent_later = [], {}, []
        for row in rows:
            if row.send_group is not None:
                groups.setdefault(row.send_group, []).append(row)
        for row in rows:
            if row.send_group is None:
                outcomes.append(self._deliver(session, row.id, row, sent_later))
            elif row.send_group in groups:
                group_rows = groups.pop(row.send_group)
                if all(r.last_error == outbox.SENDING or r.status == UNDELIVERABLE for r in group_rows):
                    # written claimed, who blocked the bot dropped (outbox.sent_after_commit)
                    outcomes.append(self._deliver_held_group(session, row.send_group, group_rows, sent_later))
                else:
                    outcomes.append(self._deliver(session, row.id, row))
        if sent_later:   # successes not yet written with a group's: one statement for them all
            outbox.mark_sent(session, sent_later, self.clock())
            session.commit()
        return outcomes

    def _deliver_held_group(self, session, group: str, rows: list[OutboxMessage], sent_later: list) -> str:
        """One attempt at a send group its caller wrote claimed and hands over whole: no claim;
        who blocked the bot was dropped when the rows were written."""
        dropped = sorted(row.id for row in rows if row.status == UNDELIVERABLE)
        if dropped:
            log.info("outbox %s not sent: the person blocked the bot", dropped)
        taken = {row.id: row.push_to for row in rows if row.status == "pending"}
        if not taken:
            return UNDELIVERABLE
        first = min(taken)
        return self._multicast(session, group, taken, next(row for row in rows if row.id == first), sent_later)

    def _deliver_group(self, session, group: str, taken: dict, row: OutboxMessage | None, due_by: datetime,
                       hold_until: datetime) -> str:
        """One attempt at a send group: claim its pending, due rows (with `taken`, a row of it
        claimed already), drop who blocked the bot, ONE multicast, the outcome on every row."""
        claimed_before = bool(taken)   # by a job naming one row: whether its person blocked the bot is not known
        claim = outbox.claim_group(session, group, due_by=due_by, hold_until=hold_until)
        taken.update(claim.taken)
        dropped = outbox.drop_blocked(session, list(taken), BLOCKED) if claim.blocked or claimed_before else set()
        session.commit()   # before LINE is called: no write lock held across the call (SQLite: the webhook waits)
        if not taken:
            return SKIPPED   # sent, given up, not due yet, or another worker is sending it
        if dropped:
            log.info("outbox %s not sent: the person blocked the bot", sorted(dropped))
        recipients = {row_id: push_to for row_id, push_to in taken.items() if row_id not in dropped}
        if not recipients:
            return UNDELIVERABLE
        return self._multicast(session, group, recipients, row if row is not None and row.id in recipients else None)

    def _multicast(self, session, group: str, taken: dict[int, str], row: OutboxMessage | None,
                   sent_later: list | None = None) -> str:
        """ONE multicast to the claimed rows `taken` (id -> push_to) of the send group, and its
        outcome on every one of them. `row`: one of them as its caller committed it (else read).
        sent_later: rows sent before, still to be recorded: written sent by the same UPDATE."""
        ids = sorted(taken)
        row = session.merge(row, load=False) if row is not None else session.get(OutboxMessage, ids[0])
        try:
            self.line.multicast([taken[i] for i in ids], row.messages, group)
        except LineError as error:
            outcome = SENT if error.already_accepted else self._failed(row, error)
        except Exception as exc:  # a bug on our side of the call: counted like no answer, never a row stuck
            log.error("outbox %s (group %s): sending raised %s", row.id, group, type(exc).__name__)
            outcome = self._failed(row, LineError(None, f"not sent: {type(exc).__name__} before LINE answered"))
        else:
            outcome = SENT
        if outcome == SENT:
            session.expunge(row)
            outbox.mark_sent(session, ids + (sent_later or []), self.clock())
            session.commit()
            if sent_later:
                sent_later.clear()
            return SENT
        decided = {"status": row.status, "last_error": row.last_error, "next_attempt_at": row.next_attempt_at,
                   "deliver_until": row.deliver_until}
        session.expunge(row)   # its outcome is written for the whole group below, once
        outbox.record_group_attempt(session, ids, **decided)
        session.commit()
        if outcome == RETRY:
            delay = (as_utc(decided["next_attempt_at"]) - self.clock()).total_seconds()
            self.queue.deliver(ids[0], delay_seconds=max(0.0, delay))
        return outcome

    @staticmethod
    def _blocked(session, row: OutboxMessage) -> bool:
        """The person blocked the bot (`unfollow`): the row ends here, never retried."""
        if not conversations.is_blocked(session, row.push_to or row.chat_key):
            return False
        row.status, row.last_error, row.next_attempt_at = UNDELIVERABLE, BLOCKED, None
        session.commit()
        log.info("outbox %s not sent: the person blocked the bot", row.id)
        return True

    def _reporter_held(self, session, row: OutboxMessage) -> str | None:
        """None when the push to the case's reporter may go now; else WAITING (their safe time
        has not come: due again then) or UNDELIVERABLE (consent withdrawn, blocked, inside a
        report: dropped, its words with it)."""
        if self.reporter_check is None:
            why, after = "no consent check wired", None
        else:
            decision = self.reporter_check(session, row.reporter_case_id, row.id)
            if decision.allowed:
                return None
            why, after = decision.why, decision.after
        if after is not None:
            # No attempt was made: the claim's marker goes (an earlier unknown attempt stays known).
            row.last_error = outbox.SENDING if outbox.earlier_attempt_unrecorded(row) else None
            row.next_attempt_at = after
            session.commit()
            self.queue.deliver(row.id, delay_seconds=max(0.0, (as_utc(after) - self.clock()).total_seconds()))
            log.info("outbox %s: the reporter's safe time is later: waits", row.id)
            return WAITING
        row.status, row.messages, row.next_attempt_at = UNDELIVERABLE, [], None
        row.last_error = f"not sent: asked again before sending: {why}"
        session.commit()
        log.info("outbox %s not sent to the reporter of case %s: %s", row.id, row.reporter_case_id, why)
        return UNDELIVERABLE

    def _send(self, session, row: OutboxMessage) -> str:
        """SENT, or UNDELIVERABLE (committed) when only a push could go and the person blocked
        the bot. A reply needs no such check: LINE gives no reply token for a blocked chat."""
        deadline = as_utc(row.reply_deadline)
        if row.reply_token and deadline and self.clock() < deadline:
            try:
                self.line.reply(row.reply_token, row.messages)
                return SENT
            except LineError as error:
                if not error.invalid_reply_token:
                    raise
                if outbox.earlier_attempt_unrecorded(row):
                    # Fresh by our clock yet refused: used up, by the earlier attempt LINE accepted
                    # before its outcome could be recorded. A push now would show the answer twice.
                    log.info("outbox %s: reply token used by an earlier unrecorded attempt: sent", row.id)
                    return SENT
                log.info("outbox %s: reply token refused, trying a push", row.id)
        if self._blocked(session, _attached(session, row)):
            return UNDELIVERABLE
        if not (row.push_allowed and row.push_to):
            raise LineError(400, "reply token unusable and this conversation allows no push")
        try:
            self.line.push(row.push_to, row.messages, row.retry_key)
        except LineError as error:
            if not error.already_accepted:
                raise
        return SENT

    def _failed(self, row: OutboxMessage, error: LineError) -> str:
        row.last_error = str(error)[:2000]
        attempts, now = row.attempts + 1, self.clock()
        if error.retryable:
            wait = timedelta(seconds=backoff_seconds(attempts))
            until = self._keep_trying_until(row)
            if attempts < self.max_attempts:
                row.next_attempt_at = now + wait
                return RETRY
            if until is not None and now < until:
                row.next_attempt_at = min(now + wait, until)   # the last attempt falls on the bound
                log.warning("outbox %s: attempt %s failed (%s); trying until %s",
                            row.id, attempts, error.status, until.isoformat(timespec="seconds"))
                return RETRY
        row.status = "failed" if error.retryable or error.status != 400 else "undeliverable"
        row.next_attempt_at = None
        log.error("outbox %s given up after %s attempts: %s", row.id, attempts, error)
        return FAILED

    def _keep_trying_until(self, row: OutboxMessage) -> datetime | None:
        """The row's bound: its deliver_until (an emergency answer), or for a push that answers
        no event (an alert or notice to officers) its creation plus notice_seconds, recorded on
        the row; never past the retry key's lifetime. None: LINE_SEND_RETRIES attempts only."""
        if row.deliver_until is None and row.inbox_event_id is None and row.reply_token is None \
                and self.notice_window > timedelta(0):
            row.deliver_until = as_utc(row.created_at) + self.notice_window
        until = as_utc(row.deliver_until)
        if until is None:
            return None
        return min(until, as_utc(row.created_at) + RETRY_KEY_LIFETIME)


def _attached(session, row: OutboxMessage) -> OutboxMessage:
    """The session's copy of a row, for writing an outcome through it: a row its caller committed
    moments ago (detached, unchanged since) is merged without reading it back."""
    return row if row in session else session.merge(row, load=False)
