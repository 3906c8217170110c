"""Signing in with the bot's one-time link, and signing out: a link works once, for a few
minutes, in the browser that used it; GET never uses it (LINE prefetches links); the session
cookie is HttpOnly, SameSite=Lax, and __Host- + Secure behind https; sign-out ends the session."""
from __future__ import annotations

import html
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app import create_app
from storage import dashboard_sessions, dashboard_sign_ins
from storage.models import AccessLogEntry, DashboardSession, DashboardSignIn, Officer
from tests.support.committees import load_example
from tests.support.dashboard import CSRF_META, csrf_token, post, set_clock, sign_in

OFFICER = "CRI-5709-1"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def client(app):
    load_example(app.extensions["hotline"].db)
    set_clock(app, lambda: NOW)
    return app.test_client()


def issue(app, officer_id: str = OFFICER, now: datetime = NOW) -> str:
    settings = app.extensions["hotline"].settings
    with app.extensions["hotline"].db.transaction() as session:
        return dashboard_sign_ins.issue(session, officer_id, now, seconds=settings.dashboard_link_seconds)


def link(token: str) -> str:
    return f"/dashboard/sign-in/{token}"


def use(client, token: str, **kwargs):
    """Open the link, then press Sign in (the form's POST with the page's CSRF token)."""
    page = client.get(link(token), **kwargs)
    assert page.status_code == 200, page.status_code
    return client.post(link(token), data={"csrf_token": csrf_token(client, link(token))}, **kwargs)


def sid(client) -> str | None:
    with client.session_transaction("/dashboard/") as cookie:
        return cookie.get("sid")


def signed_in(client) -> bool:
    return client.get("/dashboard/cases").status_code == 200


def refused(response) -> bool:
    return response.status_code == 410 and "dashboard" in html.unescape(response.get_data(as_text=True))


def test_a_link_signs_in_once_and_lands_home(app, client):
    token = issue(app)
    response = use(client, token)
    assert response.status_code == 303 and response.headers["Location"] == "/dashboard/"
    assert signed_in(client)
    with app.extensions["hotline"].db.sessions() as session:
        row = session.get(DashboardSignIn, dashboard_sessions.digest(token))
        assert row.used_at is not None and row.session_hash == dashboard_sessions.digest(sid(client))
        assert row.token_hash != token                                   # only the hash is stored
        assert session.scalars(select(AccessLogEntry.action).where(AccessLogEntry.officer_id == OFFICER)).all() \
            == ["signed_in"]


def test_opening_the_link_does_not_use_it(app, client):
    token = issue(app)
    for _ in range(3):                       # LINE's preview, the in-app browser, the officer
        page = app.test_client().get(link(token))
        assert page.status_code == 200 and 'data-testid="sign-in"' in page.get_data(as_text=True)
    with app.extensions["hotline"].db.sessions() as session:
        assert session.get(DashboardSignIn, dashboard_sessions.digest(token)).used_at is None
        assert session.scalar(select(DashboardSession.id_hash)) is None
    assert use(client, token).status_code == 303


def test_a_link_used_twice_is_refused(app, client):
    token = issue(app)
    use(client, token)
    other = app.test_client()
    assert refused(other.get(link(token)))
    assert refused(other.post(link(token), data={"csrf_token": csrf_token(other, link(token))}))
    assert not signed_in(other)


def test_the_browser_that_used_the_link_is_sent_home_when_it_opens_it_again(app, client):
    token = issue(app)
    use(client, token)
    again = client.get(link(token))
    assert again.status_code == 303 and again.headers["Location"] == "/dashboard/"


def test_a_used_link_is_refused_once_its_browser_signed_out(app, client):
    token = issue(app)
    use(client, token)
    post(client, "/dashboard/sign-out")
    assert refused(client.get(link(token)))


def test_an_expired_link_is_refused(app, client):
    token = issue(app)
    seconds = app.extensions["hotline"].settings.dashboard_link_seconds
    page = client.get(link(token))
    assert page.status_code == 200
    set_clock(app, lambda: NOW + timedelta(seconds=seconds))
    assert refused(client.post(link(token), data={"csrf_token": csrf_token(client, "/dashboard/signed-out")}))
    assert refused(client.get(link(token)))
    assert not signed_in(client)


def test_a_link_just_inside_its_time_works(app, client):
    token = issue(app)
    seconds = app.extensions["hotline"].settings.dashboard_link_seconds
    set_clock(app, lambda: NOW + timedelta(seconds=seconds - 1))
    assert use(client, token).status_code == 303 and signed_in(client)


@pytest.mark.parametrize("token", ["no-such-token", "x" * 300])
def test_an_unknown_link_is_refused(client, token):
    assert refused(client.get(link(token)))
    assert refused(client.post(link(token), data={"csrf_token": csrf_token(client)}))


def test_a_deactivated_officers_link_is_refused(app, client):
    token = issue(app)
    with app.extensions["hotline"].db.transaction() as session:
        session.get(Officer, OFFICER).active = False
    assert refused(client.get(link(token)))
    assert refused(client.post(link(token), data={"csrf_token": csrf_token(client)}))


def test_signing_in_without_the_csrf_token_is_refused_and_keeps_the_link(app, client):
    token = issue(app)
    client.get(link(token))
    assert client.post(link(token)).status_code == 400
    assert use(client, token).status_code == 303


def test_signing_in_gives_a_new_session_id_and_ends_the_browsers_earlier_one(app, client):
    before = sign_in(app, client, "CRI-5709-2")
    use(client, issue(app))
    after = sid(client)
    assert after and after != before
    with app.extensions["hotline"].db.sessions() as session:
        assert session.get(DashboardSession, dashboard_sessions.digest(before)).ended_at is not None
        assert session.get(DashboardSession, dashboard_sessions.digest(after)).officer_id == OFFICER
    with client.session_transaction("/dashboard/") as cookie:
        assert set(cookie) == {"sid"}        # nothing from before sign-in carried over (CSRF token included)


def test_sign_out_ends_the_session_and_the_cookie_no_longer_works(app, client):
    use(client, issue(app))
    cookie = client.get_cookie("dashboard")
    response = post(client, "/dashboard/sign-out")
    assert response.status_code == 303 and response.headers["Location"].endswith("/dashboard/signed-out")
    assert "dashboard=;" in response.headers["Set-Cookie"]          # the browser is told to drop it
    assert not signed_in(client)
    replay = app.test_client()
    replay.set_cookie("dashboard", cookie.value)                   # a copy kept from before
    assert not signed_in(replay)
    with app.extensions["hotline"].db.sessions() as session:
        assert "signed_out" in session.scalars(select(AccessLogEntry.action)).all()


def test_sign_out_needs_the_csrf_token(app, client):
    use(client, issue(app))
    assert client.post("/dashboard/sign-out").status_code == 400
    assert signed_in(client)


def test_the_cookie_is_httponly_and_samesite_lax(app, client):
    response = use(client, issue(app))
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("dashboard=") and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert "Secure" not in set_cookie                              # plain http in development


HTTPS = "https://hotline.example.org"


@pytest.fixture
def https_app(settings, line):
    """The app behind https: its cookie is __Host- and Secure."""
    app = create_app(replace(settings, public_base_url=HTTPS), line=line)
    load_example(app.extensions["hotline"].db)
    set_clock(app, lambda: NOW)
    yield app
    app.extensions["hotline"].db.dispose()


def test_behind_https_the_cookie_is_host_only_and_secure(https_app):
    app, base = https_app, HTTPS
    client = app.test_client()
    token = issue(app)
    page = client.get(link(token), base_url=base).get_data(as_text=True)
    form_token = CSRF_META.search(page).group(1)
    response = client.post(link(token), data={"csrf_token": form_token}, base_url=base,
                           headers={"Referer": base + link(token)})
    assert response.status_code == 303
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("__Host-dashboard=")
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert "Path=/" in set_cookie and "Domain" not in set_cookie
    assert client.get("/dashboard/cases", base_url=base).status_code == 200


def test_behind_https_a_browser_that_sends_no_referrer_signs_in(https_app):
    app, base = https_app, HTTPS
    client = app.test_client()
    token = issue(app)
    page = client.get(link(token), base_url=base)
    assert page.headers["Referrer-Policy"] == "no-referrer"      # so the browser's POST carries no Referer
    form_token = CSRF_META.search(page.get_data(as_text=True)).group(1)
    assert client.post(link(token), data={"csrf_token": form_token}, base_url=base).status_code == 303


def test_links_are_rate_limited_per_officer(app):
    load_example(app.extensions["hotline"].db)
    tokens = [issue(app, now=NOW + timedelta(seconds=i)) for i in range(dashboard_sign_ins.LINKS_PER_WINDOW)]
    assert all(tokens) and len(set(tokens)) == len(tokens)
    assert issue(app, now=NOW + timedelta(minutes=1)) is None
    assert issue(app, "CRI-5709-2", now=NOW + timedelta(minutes=1))            # someone else is not limited
    assert issue(app, now=NOW + dashboard_sign_ins.WINDOW + timedelta(seconds=1))  # later, again
