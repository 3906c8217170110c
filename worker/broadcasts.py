"""Sending a broadcast: started once its time has come and LINE's quota allows it, then one multicast per job.

`start` counts the audience and asks LINE for the month's quota and use (news/quota.py decides);
`plan` then cuts the audience into batches of 500 a slice at a time (storage/broadcast_batches.py),
queueing the first send after the first slice. `send` makes ONE
multicast (the batch's retry key: a 409 means LINE already has it) and queues the next, on the
broadcasts queue that workers take last, paced by a slot every job reserves in Redis (at most
BROADCAST_CALLS_PER_SECOND calls in any second for the whole deployment). A job whose slot is
later is put back with RQ's enqueue_at instead of sleeping, so a worker is never held from a
reply by news. `NewsDesk` is what app.py hands the dashboard: the quota, and a broadcast queued.
"""
from __future__ import annotations

import logging
import math
from datetime import UTC, datetime, timedelta

from bot.delivery import backoff_seconds
from bot.line_api import LineError
from news import quota as quota_rule
from news.audience import Audience
from storage import broadcast_batches as batches
from storage import broadcasts
from storage.models import utcnow
from storage.timeutil import as_utc

log = logging.getLogger(__name__)

SENT, RETRY, FAILED, DONE, WAITING, PACED, SKIPPED, STARTED, REFUSED, NOT_DUE, PLANNED = (
    "sent", "retry", "failed", "done", "waiting", "paced", "skipped", "started", "refused", "not due", "planned")

EARLY_SECONDS = 1.0           # RQ's scheduler keeps whole seconds: a job at send_at may start up to 1 s early
HOLD_SECONDS = 30.0           # a batch's hold while it is sent: one multicast at LineClient's 10 s timeout
QUOTA_RETRY_SECONDS = 60.0    # LINE would not say its quota: the start is tried again then (and by the sweeper)
NO_SUBSCRIBER = "no subscriber matches the audience"
# Subscribers cut into batches per job: ~20 multicasts' worth, a few tens of ms of a worker's time
# (bench.broadcast: the whole 100,000 at once held the only worker 0.2-0.6 s, replies waiting).
PLAN_SLICE = 10_000
# While the audience is still being cut, a send chain with nothing due looks again this soon.
PLANNING_WAIT_SECONDS = 1.0

# Reserves the next pacing slot: whole-second windows (RQ's scheduler keeps whole seconds) holding
# at most `capacity` calls each; returns the start of the window the call may go in.
_RESERVE = """
local now, capacity, width = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local window = math.floor(now / width) * width
local held = redis.call('HMGET', KEYS[1], 'window', 'count')
local current, count = tonumber(held[1]) or -1, tonumber(held[2]) or 0
if current < window then current, count = window, 0 end
if count >= capacity then current, count = current + width, 0 end
redis.call('HSET', KEYS[1], 'window', current, 'count', count + 1)
redis.call('EXPIRE', KEYS[1], 3600)
return tostring(current)
"""


class Pacer:
    """At most `calls_per_second` multicasts per second across every worker of the deployment."""

    def __init__(self, redis, key: str, calls_per_second: float):
        self.key = key
        rate = max(calls_per_second, 0.001)
        # at least one whole second per window: rate ≥ 1 → floor(rate) calls a second; below 1 → one call per 1/rate s
        self.width = 1 if rate >= 1 else math.ceil(1 / rate)
        self.capacity = max(1, math.floor(rate)) if rate >= 1 else 1
        self._reserve = redis.register_script(_RESERVE)

    def reserve(self, now: float) -> float:
        """The epoch second from which this call may go (now or later)."""
        return float(self._reserve(keys=[self.key], args=[now, self.capacity, self.width]))


def quota_record(decision: quota_rule.QuotaDecision, reserve: int) -> dict:
    """What the broadcast keeps of the quota check (broadcast.quota), for the page and the CLI."""
    return {"limit": decision.limit, "used": decision.used, "needed": decision.needed, "reserve": reserve,
            "allowed": decision.allowed, "warn": decision.warn}


def refusal(decision: quota_rule.QuotaDecision, reserve: int) -> str:
    """The quota refusal, naming the numbers."""
    kept = f", {reserve} kept back for alerts and case messages" if reserve else ""
    return (f"over LINE's monthly quota: {decision.needed} recipients would take this month's use from "
            f"{decision.used} to {decision.used + decision.needed} of {decision.limit}{kept}")


class Broadcasts:
    def __init__(self, db, line, queue, messages, *, calls_per_second: float, quota_reserve: int = 0,
                 max_attempts: int = 10, clock=utcnow, pacer: Pacer | None = None):
        self.db, self.line, self.queue, self.messages = db, line, queue, messages
        self.quota_reserve = quota_reserve
        self.max_attempts = max_attempts
        self.clock = clock
        self.plan_slice = PLAN_SLICE
        self.pacer = pacer or Pacer(queue.redis, f"hotline:broadcast-pace:{queue.queue.name}", calls_per_second)

    # -- the start ------------------------------------------------------------------------
    def start(self, broadcast_id: int) -> str:
        """scheduled → sending (its cutting into batches queued) or → refused (quota, nobody)."""
        now = self.clock()
        with self.db.sessions() as session:
            broadcast = broadcasts.get(session, broadcast_id)
            if broadcast is None or broadcast.state != broadcasts.SCHEDULED:
                return SKIPPED
            due_by = now + timedelta(seconds=EARLY_SECONDS)
            if as_utc(broadcast.send_at) > due_by:
                self.queue.start_broadcast(broadcast_id, when=as_utc(broadcast.send_at))
                return NOT_DUE
            needed = batches.count(session, Audience.from_dict(broadcast.audience))
            session.commit()            # no transaction held open while LINE answers
            if not needed:
                batches.refuse(session, broadcast_id, NO_SUBSCRIBER, now)
                session.commit()
                log.info("broadcast %s refused: no subscriber matches", broadcast_id)
                return REFUSED
            try:
                limit, used = self.line.quota()
            except LineError as error:
                log.warning("broadcast %s not started: LINE's quota unknown (%s)", broadcast_id, error.status)
                self.queue.start_broadcast(broadcast_id, when=now + timedelta(seconds=QUOTA_RETRY_SECONDS))
                return WAITING
            decision = quota_rule.decide(limit, used, needed, self.quota_reserve)
            record = quota_record(decision, self.quota_reserve)
            if not decision.allowed:
                batches.refuse(session, broadcast_id, refusal(decision, self.quota_reserve), now, quota=record)
                session.commit()
                log.info("broadcast %s refused: quota (limit %s, used %s, needed %s)", broadcast_id, limit, used,
                         needed)
                return REFUSED
            if not batches.claim_start(session, broadcast_id, now, due_by, recipients=needed, quota=record):
                return SKIPPED          # another worker started it, or it was cancelled meanwhile
            session.commit()
        log.info("broadcast %s started: %s recipients%s", broadcast_id, needed,
                 " (quota warning)" if decision.warn else "")
        self.queue.plan_broadcast(broadcast_id)
        return STARTED

    # -- cutting it into batches, a slice at a time -----------------------------------------------
    def plan(self, broadcast_id: int) -> str:
        """One slice of the audience into batches; the next slice queued behind whatever else waits
        (a reply never waits for the whole audience), the sends queued after the first slice."""
        with self.db.sessions() as session:
            cut = batches.plan_slice(session, broadcast_id, self.plan_slice)
            if cut is None:
                session.rollback()
                return SKIPPED          # cut already, or another worker took this slice
            session.commit()
        if not cut.done:
            self.queue.plan_broadcast(broadcast_id)
        if cut.first:
            self.queue.send_broadcast(broadcast_id)
        return DONE if cut.done else PLANNED

    # -- one multicast --------------------------------------------------------------------
    def send(self, broadcast_id: int, slot: float | None = None) -> str:
        """One batch to LINE, then the next job queued. `slot`: a pacing slot held already."""
        now = self.clock()
        if slot is None:
            slot = self.pacer.reserve(now.timestamp())
        if slot > now.timestamp():
            self.queue.send_broadcast(broadcast_id, when=datetime.fromtimestamp(slot, UTC), slot=slot)
            return PACED
        with self.db.sessions() as session:
            broadcast = broadcasts.get(session, broadcast_id)
            if broadcast is None or broadcast.state != broadcasts.SENDING:
                return SKIPPED
            batch = batches.claim_next(session, broadcast_id, now, now + timedelta(seconds=HOLD_SECONDS))
            session.commit()
            if batch is None:
                return self._nothing_due(session, broadcast_id, now)
            outcome = self._multicast(session, broadcast.texts, batch)
            session.commit()
            finished = batches.finish_if_done(session, broadcast_id, self.clock())
            session.commit()
        if finished:
            self._log_finished(broadcast_id)
        else:
            self.queue.send_broadcast(broadcast_id)
        return outcome

    def _multicast(self, session, texts: dict, batch) -> str:
        to = batches.still_wanted(session, batch)
        session.commit()                # no transaction held open while LINE answers
        dropped = batch.size - len(to)
        if dropped:
            log.info("broadcast batch %s: %s recipients stopped or blocked since the start", batch.id, dropped)
        if not to:
            batches.mark_sent(session, batch.id, 0, self.clock())
            return SENT
        try:
            self.line.multicast(to, self.messages.messages(texts, batch.language, batch.zawgyi), batch.retry_key)
        except LineError as error:
            return self._failed(session, batch, len(to), error)
        except Exception as exc:   # a bug on our side of the call: like no answer, never a batch stuck
            log.error("broadcast batch %s: sending raised %s", batch.id, type(exc).__name__)
            return self._failed(session, batch, len(to), LineError(None, f"not sent: {type(exc).__name__}"))
        batches.mark_sent(session, batch.id, len(to), self.clock())
        log.info("broadcast batch %s sent: %s recipients (%s)", batch.id, len(to), batch.language)
        return SENT

    def _failed(self, session, batch, size: int, error: LineError) -> str:
        if error.already_accepted:          # the retry key: LINE took this batch on an earlier attempt
            batches.mark_sent(session, batch.id, size, self.clock())
            return SENT
        attempt = batch.attempts + 1
        if error.retryable and attempt < self.max_attempts:
            at = self.clock() + timedelta(seconds=backoff_seconds(attempt))
            batches.retry_later(session, batch.id, str(error), at)
            log.warning("broadcast batch %s: LINE %s, attempt %s, again at %s", batch.id, error.status, attempt, at)
            return RETRY
        batches.mark_failed(session, batch.id, str(error), self.clock())
        log.warning("broadcast batch %s failed after %s attempts: %s", batch.id, attempt, error)
        return FAILED

    def _nothing_due(self, session, broadcast_id: int, now: datetime) -> str:
        """No batch due: the broadcast is finished, or its next batch waits (a back-off, another
        worker's hold): this chain of jobs comes back then."""
        if batches.finish_if_done(session, broadcast_id, now):
            session.commit()
            self._log_finished(broadcast_id)
            return DONE
        at = batches.next_due_at(session, broadcast_id)
        if at is None and batches.still_planning(session, broadcast_id):
            at = now + timedelta(seconds=PLANNING_WAIT_SECONDS)     # the next slice is being cut
        if at is not None:
            self.queue.send_broadcast(broadcast_id, when=as_utc(at))
        return WAITING

    def _log_finished(self, broadcast_id: int) -> None:
        with self.db.sessions() as session:
            progress = batches.progress(session, broadcast_id)
        log.info("broadcast %s done: %s of %s recipients accepted, %s failed (%s batches)", broadcast_id,
                 progress.accepted, progress.recipients, progress.failed_recipients, progress.batches)


class NewsDesk:
    """What the dashboard's compose page uses (DashboardParts.news) and the CLI too."""

    def __init__(self, line, queue):
        self.line = line
        self.jobs = queue

    def quota(self) -> tuple[int | None, int]:
        """(limit or None, used this month); LookupError when LINE cannot say."""
        try:
            return self.line.quota()
        except LineError as error:
            raise LookupError(str(error)) from None

    def queue(self, broadcast_id: int, send_at: datetime | None = None) -> bool:
        """Start the stored broadcast now, or at send_at (the sweeper starts it if Redis loses the job)."""
        when = as_utc(send_at) if send_at is not None else None
        if when is not None and when <= utcnow():
            when = None
        return self.jobs.start_broadcast(broadcast_id, when=when)


def sweep_broadcasts(db, queue, older_than_seconds: float, now: datetime | None = None) -> int:
    """Start due broadcasts whose start job was lost, and re-queue sending ones nobody works on."""
    now = now or utcnow()
    quiet_since = now - timedelta(seconds=older_than_seconds)
    with db.sessions() as session:
        due = broadcasts.due(session, quiet_since)
        cutting = batches.planning(session, quiet_since)
        stalled = batches.stalled(session, now, quiet_since)
    queued = sum(queue.start_broadcast(broadcast_id) for broadcast_id in due)
    queued += sum(queue.plan_broadcast(broadcast_id) for broadcast_id in cutting)
    queued += sum(queue.send_broadcast(broadcast_id) for broadcast_id in stalled)
    if due or cutting or stalled:
        log.info("sweeper re-queued %s broadcast starts, %s cuttings and %s sends", len(due), len(cutting),
                 len(stalled))
    return queued
