"""RQ's worker loop, kept serving through Redis outages, on a Redis client of its own."""
from __future__ import annotations

import logging
import time

from redis import ConnectionPool, Redis
from redis.exceptions import RedisError
from rq import SimpleWorker

log = logging.getLogger("bot.worker")


def run_worker(queue, burst: bool = False, with_scheduler: bool = True, pause: float = 2.0) -> None:
    """Run RQ's worker, and start it again when it quits on an error.

    A SimpleWorker runs jobs in its own process instead of forking per job: a fork per job
    would cost more than a reply may take.

    RQ's work loop quits on an unexpected exception, e.g. Redis going away in the middle
    of finishing a job. The event is safe in the database; what matters is that this
    process goes back to work when Redis is back, instead of leaving the queue unserved.
    Building RQ's worker talks to Redis too (CLIENT SETNAME), so it is inside the try:
    while Redis is still down, this loop waits instead of the process exiting.
    """
    connection = rq_connection(queue.redis)
    rq_worker = None      # the last one built: its flags say whether a SIGTERM came (RQ's handler)
    while True:
        try:
            rq_worker = SimpleWorker(listened_queues(queue), connection=connection)
            rq_worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="WARNING")
        except RedisError as exc:
            log.warning("worker lost Redis (%s); starting again in %.0f s", exc, pause)
        if burst or _stopping(rq_worker):
            return
        log.warning("worker loop ended unexpectedly; starting again in %.0f s", pause)
        try:
            time.sleep(pause)
        except Exception:  # RQ's signal handler may raise StopRequested here
            return
        if _stopping(rq_worker):  # a SIGTERM during the pause
            return


def listened_queues(queue) -> list:
    """Sends first, broadcasts last: RQ takes from its queues in this order."""
    return [queue.sends, queue.queue, queue.broadcasts]


def rq_connection(redis: Redis) -> Redis:
    """A client of RQ's own on the same server, without our socket timeout.

    An idle RQ worker blocks on Redis for minutes waiting for a job, and sets its socket
    timeout above that wait, but only in the pool's settings: connections our other threads
    (dispatcher, sweeper) had already opened keep our shorter timeout. A dequeue on one of
    them would time out, RQ would take that for a lost Redis and back off for up to a minute,
    and a message after a quiet spell would wait that long for its answer."""
    pool = redis.connection_pool
    settings = {key: value for key, value in pool.connection_kwargs.items() if key != "socket_timeout"}
    return Redis(connection_pool=ConnectionPool(connection_class=pool.connection_class, **settings))


def _stopping(rq_worker) -> bool:
    """Whether a SIGTERM/SIGINT asked this worker to stop. RQ 3.0 sets _stop_requested only
    when a job is running; an idle worker's work() just returns, with the date set."""
    if rq_worker is None:     # never built (Redis down): no RQ signal handler has run
        return False
    return bool(rq_worker._stop_requested or rq_worker._shutdown_requested_date)
