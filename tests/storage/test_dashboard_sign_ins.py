"""storage/dashboard_sign_ins: a link is stored hashed, looked at without being used, used once
(also when browsers race for it), never after its time or its officer's deactivation."""
from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from storage import dashboard_sessions, dashboard_sign_ins
from storage.models import DashboardSession, DashboardSignIn, Officer

OFFICER = "CRI-5709-1"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
SECONDS = 300


def issue(db, officer_id: str = OFFICER, now: datetime = NOW) -> str:
    with db.transaction() as session:
        return dashboard_sign_ins.issue(session, officer_id, now, seconds=SECONDS)


def redeem(db, token: str, now: datetime = NOW):
    with db.transaction() as session:
        return dashboard_sign_ins.redeem(session, token, now, language="th")


def state(db, token: str, now: datetime = NOW) -> dashboard_sign_ins.LinkState:
    with db.sessions() as session:
        return dashboard_sign_ins.look_up(session, token, now)


def test_only_the_hash_is_stored_and_the_url_carries_the_token(loaded):
    token = issue(loaded)
    with loaded.sessions() as session:
        row = session.get(DashboardSignIn, dashboard_sessions.digest(token))
        assert row.officer_id == OFFICER and row.used_at is None
        assert row.expires_at.replace(tzinfo=UTC) == NOW + timedelta(seconds=SECONDS)
    assert dashboard_sign_ins.url("https://h.example/", token) == f"https://h.example/dashboard/sign-in/{token}"


def test_looking_does_not_use_and_redeeming_once_starts_one_session(loaded):
    token = issue(loaded)
    assert state(loaded, token).state == dashboard_sign_ins.USABLE
    assert state(loaded, token).state == dashboard_sign_ins.USABLE
    session_id, officer_id = redeem(loaded, token)
    assert officer_id == OFFICER
    assert state(loaded, token) == dashboard_sign_ins.LinkState(dashboard_sign_ins.USED,
                                                                dashboard_sessions.digest(session_id))
    assert redeem(loaded, token) is None
    with loaded.sessions() as session:
        assert session.get(DashboardSession, dashboard_sessions.digest(session_id)).officer_id == OFFICER


def test_expired_unknown_and_deactivated_are_gone(loaded):
    token = issue(loaded)
    late = NOW + timedelta(seconds=SECONDS)
    assert state(loaded, token, late).state == dashboard_sign_ins.GONE and redeem(loaded, token, late) is None
    assert state(loaded, "nope").state == dashboard_sign_ins.GONE and redeem(loaded, "nope") is None
    assert redeem(loaded, "x" * 1000) is None
    other = issue(loaded, "CRI-5709-2")
    with loaded.transaction() as session:
        session.get(Officer, "CRI-5709-2").active = False
    assert state(loaded, other).state == dashboard_sign_ins.GONE and redeem(loaded, other) is None


def test_browsers_racing_for_one_link_get_one_session(loaded):
    token = issue(loaded)
    barrier, results = threading.Barrier(6), []

    def race():
        barrier.wait()
        results.append(redeem(loaded, token))
    threads = [threading.Thread(target=race) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 6 and sum(r is not None for r in results) == 1
    with loaded.sessions() as session:
        assert session.query(DashboardSession).count() == 1


def test_links_per_officer_are_limited_in_a_window(loaded):
    for i in range(dashboard_sign_ins.LINKS_PER_WINDOW):
        assert issue(loaded, now=NOW + timedelta(seconds=i))
    assert issue(loaded, now=NOW + timedelta(minutes=1)) is None
    assert issue(loaded, now=NOW + dashboard_sign_ins.WINDOW + timedelta(seconds=1))
