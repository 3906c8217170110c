"""`flask worker` and `flask sweep`: the queue side of the service."""
from __future__ import annotations

import logging
import time

import click
from flask import current_app
from redis import ConnectionPool, Redis
from redis.exceptions import RedisError
from rq import SimpleWorker

from storage import migrate

from .sweeper import DispatcherThread, SweeperThread, purge_expired, retention_policy, sweep


def _hotline():
    return current_app.extensions["hotline"]


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--with-scheduler/--without-scheduler", default=True,
              help="Also run RQ's scheduler (delayed retries).")
@click.option("--sweep/--no-sweep", default=True, help="Re-queue stale work every few seconds.")
def worker(burst: bool, with_scheduler: bool, sweep: bool) -> None:
    """Run an RQ worker with the app's context.

    A SimpleWorker runs jobs in its own process instead of forking per job: forking
    costs ~500 ms a job, which is the whole latency budget of a reply.
    """
    hotline = _hotline()
    try:
        migrate.require_head(hotline.settings.database_url)
    except migrate.SchemaNotReady as exc:
        raise click.ClickException(f"worker: {exc}") from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    dispatcher = DispatcherThread(hotline.db, hotline.queue)
    if burst:
        dispatcher.drain()
    else:
        dispatcher.start()
    sweeper = None
    if sweep and not burst:
        sweeper = SweeperThread(hotline.db, hotline.queue, hotline.settings.sweep_after_seconds,
                                hotline.settings.sweep_interval_seconds, hotline.escalations,
                                retention=retention_policy(hotline.settings))
        sweeper.start()
    try:
        run_worker(hotline.queue, burst=burst, with_scheduler=with_scheduler)
    finally:
        dispatcher.stop()
        dispatcher.join(timeout=5)      # gives its lock back, so another worker leads at once
        if sweeper:
            sweeper.stop()


def run_worker(queue, burst: bool = False, with_scheduler: bool = True, pause: float = 2.0) -> None:
    """Run RQ's worker, and start it again when it quits on an error.

    RQ's work loop quits on an unexpected exception, e.g. Redis going away in the middle
    of finishing a job. The event is safe in the database; what matters is that this
    process goes back to work when Redis is back, instead of leaving the queue unserved.
    Building RQ's worker talks to Redis too (CLIENT SETNAME), so it is inside the try:
    while Redis is still down, this loop waits instead of the process exiting.
    """
    log = logging.getLogger("bot.worker")
    connection = rq_connection(queue.redis)
    rq_worker = None      # the last one built: its flags say whether a SIGTERM came (RQ's handler)
    while True:
        try:
            rq_worker = SimpleWorker([queue.queue], connection=connection)
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


def rq_connection(redis: Redis) -> Redis:
    """A client of RQ's own on the same server, without our 10 s socket timeout.

    An idle RQ worker blocks on Redis for minutes waiting for a job, and sets its socket
    timeout above that wait, but only in the pool's settings: connections our other threads
    (dispatcher, sweeper) had already opened keep 10 s. A dequeue on one of them timed out
    every 10 s, and RQ took that for a lost Redis and slept 1, 2, 4 ... up to 60 s between
    attempts, so a message after a quiet spell could wait a minute for its answer."""
    pool = redis.connection_pool
    settings = {key: value for key, value in pool.connection_kwargs.items() if key != "socket_timeout"}
    return Redis(connection_pool=ConnectionPool(connection_class=pool.connection_class, **settings))


@click.command("sweep")
@click.option("--older-than", default=None, type=float, help="Seconds pending before it counts as lost.")
def sweep_command(older_than: float | None) -> None:
    """Re-queue pending events and outbox rows once, and purge what is kept no longer (e.g. from cron)."""
    hotline = _hotline()
    chats, rows = sweep(hotline.db, hotline.queue,
                        hotline.settings.sweep_after_seconds if older_than is None else older_than)
    click.echo(f"re-queued {chats} chats, {rows} outbox rows")
    purged = purge_expired(hotline.db, retention_policy(hotline.settings))
    click.echo(f"purged {purged.events} events, {purged.messages} outbox rows, {purged.conversations} "
               f"conversations; personal content of {purged.cases} cases")


def _stopping(rq_worker) -> bool:
    """Whether a SIGTERM/SIGINT asked this worker to stop. RQ 3.0 sets _stop_requested only
    when a job is running; an idle worker's work() just returns, with the date set."""
    if rq_worker is None:     # never built (Redis down): no RQ signal handler has run
        return False
    return bool(rq_worker._stop_requested or rq_worker._shutdown_requested_date)
