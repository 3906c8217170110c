"""Issue 15: `flask --app app broadcast` (worker/broadcast_cli.py): preview, send, list, show, cancel,
through click's runner on the app with a scripted LINE (its quota) and the test's Redis."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml

from app import create_app
from storage import broadcasts
from storage.timeutil import as_utc
from tests.support.news import TEXTS, NewsLine, subscribe, subscribe_many
from worker.queue import START_BROADCAST

pytestmark = pytest.mark.integration


@pytest.fixture
def line():
    return NewsLine(limit=1000, used=0)


@pytest.fixture
def app(settings, line):
    application = create_app(settings, line=line)
    yield application
    hotline = application.extensions["hotline"]
    hotline.queue.broadcasts.delete(delete_jobs=True)
    hotline.db.dispose()


@pytest.fixture
def db(app):
    return app.extensions["hotline"].db


@pytest.fixture
def texts_file(tmp_path):
    path = tmp_path / "news.yaml"
    path.write_text(yaml.safe_dump(TEXTS, allow_unicode=True), encoding="utf-8")
    return str(path)


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["broadcast", *args], input=input)


def _stored(db):
    with db.sessions() as session:
        return broadcasts.recent(session)


def test_preview_counts_per_language_and_shows_the_quota(app, db, texts_file, line):
    subscribe(db, "my", country="mm", province="10")
    subscribe(db, "my", country="mm", province="all")
    subscribe(db, "km", country="mm", province="10")
    subscribe(db, "km", country="kh", province="10")
    line.used = 100
    result = run(app, "preview", texts_file, "--country", "mm", "--province", "10")
    assert result.exit_code == 0, result.output
    assert "  my: 2\n" in result.output and "  km: 1\n" in result.output and "  th: 0\n" in result.output
    assert "recipients: 3" in result.output
    assert "quota: 100 of 1000 used this month; after this broadcast 103 (897 left)" in result.output
    assert "warning" not in result.output and "ready to send" in result.output
    assert not _stored(db)


def test_preview_warns_at_80_percent_and_says_why_it_would_be_refused(app, db, texts_file, line, tmp_path):
    subscribe_many(db, 5, "en")
    line.used = 796
    assert "warning: this takes the month's use to 80%" in run(app, "preview", texts_file).output
    line.used = 996
    missing = tmp_path / "missing.yaml"
    missing.write_text(yaml.safe_dump({**TEXTS, "lo": "", "km": "x" * 5000}, allow_unicode=True), encoding="utf-8")
    output = run(app, "preview", str(missing), "--language", "en").output
    assert "refused: text km: too_long" in output and "refused: text lo: missing" in output
    assert "refused: over LINE's monthly quota: 5 recipients, 996 of 1000 used" in output
    assert "ready to send" not in output


def test_send_stores_and_queues_it_after_confirmation(app, db, texts_file):
    subscribe_many(db, 2, "th", country="la")
    result = run(app, "send", texts_file, "--country", "la", input="y\n")
    assert result.exit_code == 0, result.output
    assert "Send to 2 recipients now? [y/N]" in result.output
    [stored] = _stored(db)
    assert stored.state == "scheduled" and stored.audience["countries"] == ["la"]
    assert stored.texts == {k: v.strip() for k, v in TEXTS.items()} and stored.created_by.startswith("cli:")
    assert f"broadcast {stored.id} scheduled for now" in result.output
    jobs = app.extensions["hotline"].queue.broadcasts.jobs
    assert [(job.func_name, job.args) for job in jobs] == [(START_BROADCAST, (stored.id,))]


def test_send_without_yes_can_be_aborted_and_stores_nothing(app, db, texts_file):
    subscribe(db, "en")
    result = run(app, "send", texts_file, input="n\n")
    assert result.exit_code == 1 and not _stored(db)


def test_send_at_a_bangkok_time_is_scheduled_then(app, db, texts_file):
    subscribe(db, "en")
    result = run(app, "send", texts_file, "--at", "2030-01-02 09:30", "--yes")
    assert result.exit_code == 0, result.output
    [stored] = _stored(db)
    assert as_utc(stored.send_at) == datetime(2030, 1, 2, 2, 30, tzinfo=UTC)
    hotline = app.extensions["hotline"]
    assert not hotline.queue.broadcasts.jobs
    assert hotline.queue.broadcasts.scheduled_job_registry.get_job_ids()
    assert "scheduled for 2030-01-02 09:30" in result.output
    assert run(app, "send", texts_file, "--at", "tomorrow", "--yes").exit_code == 2


def test_send_refuses_a_missing_language_or_the_quota_before_storing_anything(app, db, texts_file, line, tmp_path):
    subscribe_many(db, 3, "en")
    partial = tmp_path / "partial.yaml"
    partial.write_text(yaml.safe_dump({"en": "News", "th": "ข่าว"}), encoding="utf-8")
    result = run(app, "send", str(partial), "--yes")
    assert result.exit_code == 1 and "text my: missing" in result.output and "text lo: missing" in result.output
    line.used = 999
    result = run(app, "send", texts_file, "--yes")
    assert result.exit_code == 1 and "over LINE's monthly quota: 3 recipients, 999 of 1000" in result.output
    result = run(app, "send", texts_file, "--yes", "--country", "kh")
    assert result.exit_code == 1 and "no subscriber matches the audience" in result.output
    assert not _stored(db)


def test_list_show_and_cancel(app, db, texts_file):
    subscribe(db, "en", document="mou")
    run(app, "send", texts_file, "--at", "2030-01-02 09:30", "--yes", "--document", "mou", "--document", "ci")
    [stored] = _stored(db)
    listed = run(app, "list").output
    assert f"{stored.id}\tscheduled\t2030-01-02 09:30\trecipients 0\taccepted 0\tfailed 0\tcli:" in listed
    shown = run(app, "show", str(stored.id)).output
    assert f"broadcast {stored.id}: scheduled" in shown and "audience: documents ci/mou" in shown
    assert "batches: 0 sent, 0 failed, 0 pending of 0" in shown
    assert run(app, "cancel", str(stored.id)).output == f"broadcast {stored.id} cancelled\n"
    assert _stored(db)[0].state == "cancelled"
    again = run(app, "cancel", str(stored.id))
    assert again.exit_code == 1 and "cannot be cancelled" in again.output
    assert run(app, "show", "999").exit_code == 1


def test_show_gives_the_progress_and_result_of_a_sent_one(app, db, texts_file, line):
    subscribe_many(db, 3, "en")
    subscribe(db, "th")
    run(app, "send", texts_file, "--yes")
    [stored] = _stored(db)
    sender = app.extensions["hotline"].broadcasts
    sender.pacer.reserve = lambda now: now
    assert sender.start(stored.id) == "started"
    assert sender.plan(stored.id) == "done"           # cut into its batches
    assert sender.send(stored.id) == "sent"
    shown = run(app, "show", str(stored.id)).output
    assert f"broadcast {stored.id}: sending" in shown
    assert "batches: 1 sent, 0 failed, 1 pending of 2" in shown
    assert "quota at start: 0 of 1000 used, 4 needed" in shown
    sender.send(stored.id)
    shown = run(app, "show", str(stored.id)).output
    assert "batches: 2 sent, 0 failed, 0 pending of 2" in shown
    assert "recipients: 4; accepted by LINE 4; failed 0" in shown
    assert f"broadcast {stored.id}: done" in shown


def test_show_says_why_one_was_refused(app, db, texts_file, line):
    subscribe(db, "en")
    run(app, "send", texts_file, "--yes")
    [stored] = _stored(db)
    line.used = 1000
    assert app.extensions["hotline"].broadcasts.start(stored.id) == "refused"
    shown = run(app, "show", str(stored.id)).output
    assert "refused: over LINE's monthly quota: 1 recipients would take this month's use from 1000 to 1001" in shown
