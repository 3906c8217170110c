"""The SQLite inbox watch's poll: quick while events come, slower once the inbox is quiet,
quick again from the next commit (storage/inbox_watch.py)."""
from __future__ import annotations

from sqlalchemy import create_engine, text

from storage import inbox_watch
from storage.inbox_watch import IDLE_AFTER_SECONDS, IDLE_POLL_SECONDS, POLL_SECONDS, SqliteInboxWatch


class Clock:
    """time.monotonic and time.sleep for the watch: sleeping moves the clock, and is recorded."""

    def __init__(self):
        self.now, self.slept = 1000.0, []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _watch(tmp_path, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(inbox_watch, "time", clock)
    engine = create_engine(f"sqlite:///{tmp_path / 'inbox.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE inbox_events (id INTEGER PRIMARY KEY, chat_key TEXT, status TEXT)"))
    watch = SqliteInboxWatch(engine, promote=lambda: 0)
    watch.catch_up()
    return watch, engine, clock


def test_a_quiet_inbox_is_polled_less_often_and_a_commit_makes_it_quick_again(tmp_path, monkeypatch):
    watch, engine, clock = _watch(tmp_path, monkeypatch)
    try:
        assert watch.wait(0.2) == []
        quick = [s for s in clock.slept if s == POLL_SECONDS]
        slow = [s for s in clock.slept if s == IDLE_POLL_SECONDS]
        assert abs(len(quick) - IDLE_AFTER_SECONDS / POLL_SECONDS) <= 1     # quick until the quiet spell
        assert slow and len(quick) + len(slow) == len(clock.slept)          # then slow, never slower
        assert clock.slept[-1] == IDLE_POLL_SECONDS

        with engine.begin() as conn:                                        # another connection commits
            conn.execute(text("INSERT INTO inbox_events (chat_key, status) VALUES ('Ualice', 'pending')"))
        clock.slept.clear()
        assert watch.wait(0.2) == ["Ualice"]
        assert clock.slept == []                                            # seen at the first read
        assert watch.wait(0.05) == []
        assert clock.slept[0] == POLL_SECONDS                               # quick again after the commit
    finally:
        watch.close()
        engine.dispose()


def test_a_commit_without_new_events_leaves_a_quiet_inbox_polled_slowly(tmp_path, monkeypatch):
    """The workers' own commits (a report's decision and sends) move data_version too; no event
    follows from them, so they must not keep the poll quick."""
    watch, engine, clock = _watch(tmp_path, monkeypatch)
    try:
        assert watch.wait(0.2) == []                                        # quiet: slow polls now
        with engine.begin() as conn:                                        # a worker's commit, no new event
            conn.execute(text("UPDATE inbox_events SET status = 'done'"))
            conn.execute(text("CREATE TABLE outbox (id INTEGER PRIMARY KEY)"))
        clock.slept.clear()
        assert watch.wait(0.05) == []
        assert clock.slept and set(clock.slept) == {IDLE_POLL_SECONDS}
    finally:
        watch.close()
        engine.dispose()
