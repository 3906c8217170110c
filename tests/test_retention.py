"""Retention: the sweep purges what is older than RETENTION_DAYS (never the inbox younger than
LINE's redelivery window, never anything pending), and the personal content of cases closed
longer ago than CASE_RETENTION_DAYS, in bounded batches."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from settings import Settings
from storage import case_photos, erasure, outbox, retention
from storage.cases import Case, CaseEvent
from storage.models import Conversation, InboxEvent, OutboxMessage, utcnow
from tests.support.events import text_event
from tests.support.webhook import post_events, user_id
from worker.sweeper import retention_policy

pytestmark = pytest.mark.integration

DAY = timedelta(days=1)
POLICY = retention.Policy(retention=90 * DAY, case_retention=365 * DAY, redelivery_window=3 * DAY)


@pytest.fixture
def db(app):
    return app.extensions["hotline"].db


def _event(db, age: timedelta, status: str = "done", chat: str = "U1") -> int:
    with db.transaction() as session:
        row = InboxEvent(webhook_event_id=uuid.uuid4().hex, chat_key=chat, event_type="message", line_timestamp=1,
                         payload={"message": {"text": "words"}}, redelivered=False, status=status, attempts=0,
                         received_at=utcnow() - age)
        session.add(row)
        session.flush()
        return row.id


def _message(db, age: timedelta, status: str = "sent", event_id: int | None = None) -> int:
    with db.transaction() as session:
        row = outbox.add(session, chat_key="U1", messages=[{"type": "text", "text": "hi"}], push_to="U1",
                         push_allowed=True, inbox_event_id=event_id)
        row.status, row.created_at = status, utcnow() - age
        session.flush()
        return row.id


def _conversation(db, chat: str, age: timedelta, blocked: bool = False) -> None:
    with db.transaction() as session:
        session.add(Conversation(chat_key=chat, user_id=chat, language="my", zawgyi=False,
                                 state={"data": {"description": "words"}}, updated_at=utcnow() - age,
                                 blocked_at=utcnow() - age if blocked else None))


def _ids(db, model) -> set:
    with db.sessions() as session:
        return set(session.scalars(select(model.id)))


def test_inbox_outbox_and_conversations_older_than_retention_go_and_nothing_else(db):
    old_done = _event(db, 100 * DAY)
    old_failed = _event(db, 100 * DAY, status="failed")
    old_sent = _message(db, 100 * DAY, event_id=old_done)
    old_pending_event = _event(db, 100 * DAY, status="pending")
    answered_later = _event(db, 100 * DAY)
    still_sending = _message(db, 100 * DAY, status="pending", event_id=answered_later)
    young = _event(db, 10 * DAY)
    young_sent = _message(db, 10 * DAY, event_id=young)
    old_undeliverable = _message(db, 100 * DAY, status="undeliverable")
    _conversation(db, "Uold", 100 * DAY)
    _conversation(db, "Ublocked", 100 * DAY, blocked=True)
    _conversation(db, "Uyoung", 10 * DAY)

    purged = retention.purge(db, POLICY)

    assert _ids(db, InboxEvent) == {old_pending_event, answered_later, young}
    assert _ids(db, OutboxMessage) == {still_sending, young_sent}
    assert {old_done, old_failed} & _ids(db, InboxEvent) == set() and old_sent not in _ids(db, OutboxMessage)
    assert old_undeliverable not in _ids(db, OutboxMessage)
    with db.sessions() as session:
        assert session.get(Conversation, "Uold") is None
        blocked = session.get(Conversation, "Ublocked")
        assert blocked.blocked_at is not None and blocked.state == {} and blocked.language is None
        assert session.get(Conversation, "Uyoung").state["data"]["description"] == "words"
    assert (purged.events, purged.messages, purged.conversations) == (2, 2, 2)
    assert retention.purge(db, POLICY).events == 0           # a second pass finds nothing more


def test_the_inbox_is_never_pruned_inside_lines_redelivery_window(app, db):
    short = retention.Policy(retention=1 * DAY, case_retention=365 * DAY, redelivery_window=3 * DAY)
    user = user_id()
    first = text_event(user, "hello")
    post_events(app.test_client(), [first])
    app.extensions["hotline"].processor.process_chat(user)
    with db.transaction() as session:   # two days old: past RETENTION_DAYS, inside the window
        session.execute(update(InboxEvent).values(received_at=utcnow() - 2 * DAY))
        session.execute(update(OutboxMessage).values(created_at=utcnow() - 2 * DAY))
    sent = len(app.extensions["hotline"].line.sent)
    assert retention.purge(db, short).events == 0
    post_events(app.test_client(), [{**first, "deliveryContext": {"isRedelivery": True}}])
    app.extensions["hotline"].processor.process_chat(user)
    assert len(app.extensions["hotline"].line.sent) == sent    # the redelivery is still a no-op
    with db.transaction() as session:
        session.execute(update(InboxEvent).values(received_at=utcnow() - 4 * DAY))
    assert retention.purge(db, short).events == 1              # past the window: it goes


def test_purges_run_in_bounded_batches(db):
    for _ in range(7):
        _message(db, 100 * DAY, event_id=_event(db, 100 * DAY))
    deleted_per_statement = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("DELETE"):
            deleted_per_statement.append(cursor.rowcount)

    event.listen(db.engine, "after_cursor_execute", count)
    try:
        purged = retention.purge(db, POLICY, batch=3)
    finally:
        event.remove(db.engine, "after_cursor_execute", count)
    assert (purged.events, purged.messages) == (7, 7)
    assert max(deleted_per_statement) <= 3 and len(deleted_per_statement) >= 6


def _case(db, *, status: str, closed_age: timedelta | None, created_age: timedelta) -> int:
    with db.transaction() as session:
        case = Case(reference=uuid.uuid4().hex[:7].upper(), kind="self", chat_key="Ureporter",
                    reporter_user_id="Ureporter", language="my",
                    answers={"_flow": "report", "description": "QXZWORDS", "contact_phone": "0812345678",
                             "location": {"latitude": 20.4, "longitude": 99.8, "address": "QXZSTREET"},
                             "photos": ["PHOTO1"]},
                    indicators=["ilo:retention_of_identity_documents"], urgency="high", urgency_rule="ilo",
                    sector="fishing", province_code="57", district_code="5709", committee_id="CRI-5709",
                    routing={"reason": "district_committee"}, contact_allowed=True, status=status,
                    escalation_level=0, created_at=utcnow() - created_age)
        session.add(case)
        session.flush()
        session.add(CaseEvent(case_id=case.id, kind="note", actor="CRI-5709-1", committee_id="CRI-5709",
                              detail={"text": "called 0812345678"}, at=utcnow() - created_age))
        if closed_age is not None:
            session.add(CaseEvent(case_id=case.id, kind=status, actor="reporter", committee_id="CRI-5709",
                                  detail={}, at=utcnow() - closed_age))
        return case.id


def test_cases_closed_longer_ago_than_case_retention_keep_only_their_anonymous_numbers(db):
    expired = _case(db, status="cancelled", closed_age=400 * DAY, created_age=500 * DAY)
    recently_closed = _case(db, status="closed", closed_age=100 * DAY, created_age=500 * DAY)
    old_but_open = _case(db, status="new", closed_age=None, created_age=500 * DAY)

    for case_id in (expired, recently_closed):
        with db.transaction() as session:
            case_photos.store(session, case_id, 0, "image/png", b"QXZPHOTO")
    assert retention.purge(db, POLICY).cases == 1
    assert retention.purge(db, POLICY).cases == 0            # done once

    with db.sessions() as session:
        case = session.get(Case, expired)
        assert case.answers == {"_flow": "report"} and case.reporter_user_id is None
        assert case.chat_key == erasure.ERASED and not case.contact_allowed
        assert (case.urgency, case.indicators, case.committee_id, case.district_code, case.sector) == (
            "high", ["ilo:retention_of_identity_documents"], "CRI-5709", "5709", "fishing")
        trail = {e.kind: e.detail for e in session.scalars(select(CaseEvent).where(CaseEvent.case_id == expired))}
        assert trail["note"] == {} and "expired" in trail and "cancelled" in trail
        for kept in (recently_closed, old_but_open):
            assert session.get(Case, kept).answers["contact_phone"] == "0812345678"
        assert case_photos.photos_of(session, expired) == []          # the photo's bytes went too
        assert [position for _, position, _ in case_photos.photos_of(session, recently_closed)] == [0]


def test_settings_and_the_policy_the_sweeper_uses(monkeypatch):
    monkeypatch.delenv("RETENTION_DAYS", raising=False)
    monkeypatch.delenv("CASE_RETENTION_DAYS", raising=False)
    defaults = Settings.from_env()
    assert (defaults.retention_days, defaults.case_retention_days) == (90, 365)
    monkeypatch.setenv("RETENTION_DAYS", "30")
    monkeypatch.setenv("CASE_RETENTION_DAYS", "730")
    policy = retention_policy(Settings.from_env())
    assert (policy.retention, policy.case_retention) == (30 * DAY, 730 * DAY)
    assert policy.redelivery_window == timedelta(seconds=Settings().event_max_age_seconds) == 3 * DAY
    tiny = retention.Policy(retention=timedelta(0), case_retention=timedelta(0), redelivery_window=3 * DAY)
    assert tiny.kept == retention.MIN_RETENTION and tiny.inbox_kept == 3 * DAY


def test_flask_sweep_also_purges(app, db):
    _message(db, 100 * DAY, event_id=_event(db, 100 * DAY))
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    assert "purged 1 events, 1 outbox rows" in result.output
    assert _ids(db, InboxEvent) == set()


def test_the_workers_sweeper_thread_purges(app, db):
    from tests.support.servers import wait_for
    from worker.sweeper import SweeperThread

    _message(db, 100 * DAY, event_id=_event(db, 100 * DAY))
    hotline = app.extensions["hotline"]
    thread = SweeperThread(db, hotline.queue, 60, 0.05, retention=POLICY)
    thread.start()
    try:
        wait_for(lambda: not _ids(db, InboxEvent), timeout=10, message="the retention pass")
    finally:
        thread.stop()
        thread.join(5)
