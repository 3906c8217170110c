"""bench.webhook: a tiny run of our app alone counts every event it answered 200 in the inbox,
and on PostgreSQL says what makes that 200 durable and how many WAL flushes each event cost."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bench import webhook
from storage import inbox
from tests.support.events import text_event
from tests.support.webhook import user_id

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[1]


def test_a_short_run_of_our_app_stores_every_event_it_answered():
    args = ["--only", "ours", "--engine", "python", "--no-install", "--rounds", "1", "--warmup", "0.5",
            "--duration", "1", "--open-duration", "1", "--rate", "50", "--max-rate-guess", "1000"]
    server = os.environ.get("TEST_DATABASE_URL")
    if server:
        args += ["--database-url", server]
    done = subprocess.run([sys.executable, "-m", "bench.webhook", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode in (0, 1), done.stdout + done.stderr     # 1: --only gives no ratio
    sent = re.search(r"inbox: sent (\d+), stored (\d+), missing (\d+)", done.stdout)
    assert sent and int(sent[1]) > 50 and sent[1] == sent[2] and sent[3] == "0", done.stdout
    durable = re.search(r"PostgreSQL: (.*); WAL syncs per event of ours \(server-wide\): ([0-9.]+)", done.stdout)
    if server:
        assert durable and "synchronous_commit=" in durable[1] and "fsync=" in durable[1], done.stdout
        assert float(durable[2]) > 0          # each 200 waited for a flush of the WAL (some shared)
    else:
        assert durable is None


def test_pg_durability_reads_the_commit_settings_and_counts_a_commit_flush(db):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL only")
    url = db.engine.url.render_as_string(hide_password=False)
    settings, before = webhook.pg_durability(url)
    assert set(settings) == {"commit_delay", "fsync", "synchronous_commit", "wal_sync_method"}
    db.inbox_writer.store(inbox.prepare_events([text_event(user_id(), "hello")], db.engine.dialect.name))
    db.inbox_writer.close()       # a backend reports its WAL counts at exit (else up to 10 s later)
    _, after = webhook.pg_durability(url)
    if settings["synchronous_commit"] == "on" and settings["fsync"] == "on":
        assert after > before                 # the insert's commit flushed the WAL before it returned


def test_a_timed_runs_pool_outlasts_twice_the_best_rate_seen():
    from bench.webhook_load import pool_size

    assert pool_size(400, 10) >= 2 * 400 * 10
    assert pool_size(0, 10) >= 100 * 10       # a warm-up that got nothing still leaves a pool
