"""The dashboard's common rules: signed-out visitors, sessions' limits, security headers, CSRF,
404 for what a viewer may not see, and the words in Thai and English."""
from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta

import pytest

from dashboard.security import CONTENT_SECURITY_POLICY
from tests.support.committees import load_example
from tests.support.dashboard import csrf_token, set_clock, sign_in

OFFICER = "CRI-5709-1"


@pytest.fixture
def client(app):
    load_example(app.extensions["hotline"].db)
    return app.test_client()


def test_signed_out_visitor_is_sent_to_the_sign_in_explanation(client):
    response = client.get("/dashboard/")
    assert response.status_code == 303 and response.headers["Location"].endswith("/dashboard/signed-out")
    page = client.get("/dashboard/signed-out", headers={"Accept-Language": "en"})
    assert page.status_code == 401 and 'type "dashboard"' in html.unescape(page.get_data(as_text=True))


def test_signed_in_officer_sees_their_committee_in_their_language(app, client):
    sign_in(app, client, OFFICER, language="en")
    page = client.get("/dashboard/cases").get_data(as_text=True)
    assert "Committee: " in page and '<html lang="en">' in page
    sign_in(app, client, OFFICER, language="th")
    assert "คณะกรรมการ: " in client.get("/dashboard/cases").get_data(as_text=True)


def test_every_answer_carries_strict_security_headers(app, client):
    sign_in(app, client, OFFICER)
    for url in ("/dashboard/cases", "/dashboard/signed-out", "/dashboard/no-such-page"):
        response = client.get(url)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "script-src 'self'" in CONTENT_SECURITY_POLICY
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["Cache-Control"] == "no-store"
    css = client.get("/dashboard/static/dashboard.css")
    assert css.status_code == 200 and "no-store" not in css.headers.get("Cache-Control", "")


def test_unknown_page_is_a_polite_404_in_the_viewers_language(app, client):
    sign_in(app, client, OFFICER, language="en")
    response = client.get("/dashboard/no-such-page")
    assert response.status_code == 404 and "Not found" in response.get_data(as_text=True)


def test_a_post_without_the_sessions_csrf_token_is_refused(app, client):
    sign_in(app, client, OFFICER, language="en")
    refused = client.post("/dashboard/language", data={"language": "th"})
    assert refused.status_code == 400 and "The form was not sent" in refused.get_data(as_text=True)
    assert client.post("/dashboard/language", data={"language": "th", "csrf_token": "forged"}).status_code == 400
    assert "Committee: " in client.get("/dashboard/cases").get_data(as_text=True)      # nothing changed
    accepted = client.post("/dashboard/language", data={"language": "th", "csrf_token": csrf_token(client)})
    assert accepted.status_code == 303
    assert "คณะกรรมการ: " in client.get("/dashboard/cases").get_data(as_text=True)


def test_switching_language_never_redirects_off_the_dashboard(app, client):
    sign_in(app, client, OFFICER)
    for target in ("https://evil.example/", "//evil.example/dashboard/", "/callback"):
        response = client.post("/dashboard/language", data={"language": "en", "next": target,
                                                             "csrf_token": csrf_token(client)})
        assert response.headers["Location"] == "/dashboard/"


def test_the_webhook_is_never_asked_for_a_csrf_token(client):
    assert client.post("/callback", data=b"{}").status_code == 400   # a signature error, not CSRF's


def test_an_idle_session_ends(app, client):
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    sign_in(app, client, OFFICER, now=start)
    idle = app.extensions["hotline"].settings.dashboard_idle_seconds
    set_clock(app, lambda: start + timedelta(seconds=idle - 5))
    assert client.get("/dashboard/cases").status_code == 200
    set_clock(app, lambda: start + timedelta(seconds=2 * idle + 10))
    assert client.get("/dashboard/cases").status_code == 303


def test_a_busy_session_still_ends_at_the_absolute_limit(app, client):
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    sign_in(app, client, OFFICER, now=start)
    settings = app.extensions["hotline"].settings
    moment = start
    while moment - start < timedelta(seconds=settings.dashboard_absolute_seconds - settings.dashboard_idle_seconds):
        moment += timedelta(seconds=settings.dashboard_idle_seconds // 2)
        set_clock(app, lambda m=moment: m)
        assert client.get("/dashboard/cases").status_code == 200
    set_clock(app, lambda: start + timedelta(seconds=settings.dashboard_absolute_seconds + 1))
    assert client.get("/dashboard/cases").status_code == 303


def test_a_deactivated_officers_session_ends(app, client):
    from storage.models import Officer
    sign_in(app, client, OFFICER)
    with app.extensions["hotline"].db.transaction() as session:
        session.get(Officer, OFFICER).active = False
    assert client.get("/dashboard/cases").status_code == 303


def test_the_cookie_session_is_opened_on_the_dashboards_paths_only(app, client):
    """The webhook never builds the cookie signer nor reads or writes the dashboard's cookie."""
    from flask.sessions import NullSession

    sign_in(app, client, OFFICER)
    interface = app.session_interface
    paths = (("/callback", True), ("/dashboard-not", True), ("/dashboard", False), ("/dashboard/cases", False))
    for path, null in paths:
        with app.test_request_context(path, method="POST" if path == "/callback" else "GET"):
            from flask import request
            assert isinstance(interface.open_session(app, request), NullSession) is null, path
    answer = client.post("/callback", data="{}", headers={"X-Line-Signature": "bad"})
    assert answer.status_code == 400 and "Set-Cookie" not in answer.headers
    assert "Cookie" not in answer.headers.get("Vary", "")
    assert client.get("/dashboard/cases").status_code == 200        # the signed-in session still holds
