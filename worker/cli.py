"""`flask worker` and `flask sweep`: the commands that start the queue side of the service."""
from __future__ import annotations

import gc
import logging

import click
from flask import current_app

from storage import migrate

from .broadcasts import sweep_broadcasts
from .inbox_dispatcher import InboxDispatcher
from .photos import sweep_photos
from .rq_worker import run_worker
from .sweeper import SweeperThread, purge_expired, retention_policy, sweep


def _hotline():
    return current_app.extensions["hotline"]


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--with-scheduler/--without-scheduler", default=True,
              help="Also run RQ's scheduler (delayed retries).")
@click.option("--sweep/--no-sweep", default=True, help="Re-queue stale work every few seconds.")
def worker(burst: bool, with_scheduler: bool, sweep: bool) -> None:
    """Run an RQ worker with the app's context, beside the inbox dispatcher and the sweeper."""
    hotline = _hotline()
    try:
        migrate.require_head(hotline.settings.database_url)
    except migrate.SchemaNotReady as exc:
        raise click.ClickException(f"worker: {exc}") from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    dispatcher = InboxDispatcher(hotline.db, hotline.queue)
    if burst:
        hotline.drain.linger = 0        # nothing more will come: a drain job ends with the list
        dispatcher.drain()
    else:
        dispatcher.start()
    sweeper = None
    if sweep and not burst:
        sweeper = SweeperThread(hotline.db, hotline.queue, hotline.settings.sweep_after_seconds,
                                hotline.settings.sweep_interval_seconds, hotline.escalations,
                                retention=retention_policy(hotline.settings), reminders=hotline.reminders)
        sweeper.start()
    try:
        run_worker(hotline.queue, burst=burst, with_scheduler=with_scheduler)
    finally:
        dispatcher.stop()
        if dispatcher.is_alive():       # never started in burst mode: nothing to wait for
            dispatcher.join(timeout=5)  # gives its lock back, so another worker leads at once
        if sweeper:
            sweeper.stop()
        gc.freeze()     # the exit's last cycle collection would walk the whole heap, seconds of a stop


@click.command("sweep")
@click.option("--older-than", default=None, type=float, help="Seconds pending before it counts as lost.")
def sweep_command(older_than: float | None) -> None:
    """Re-queue pending events and outbox rows once, and purge what is kept no longer (e.g. from cron)."""
    hotline = _hotline()
    chats, rows = sweep(hotline.db, hotline.queue,
                        hotline.settings.sweep_after_seconds if older_than is None else older_than)
    click.echo(f"re-queued {chats} chats, {rows} outbox rows, {sweep_photos(hotline.db, hotline.queue)} photo fetches, "
               f"{sweep_broadcasts(hotline.db, hotline.queue, hotline.settings.sweep_after_seconds)} broadcast jobs")
    purged = purge_expired(hotline.db, retention_policy(hotline.settings))
    click.echo(f"purged {purged.events} events, {purged.messages} outbox rows, {purged.conversations} "
               f"conversations; personal content of {purged.cases} cases")
