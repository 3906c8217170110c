"""A signed-in dashboard browser for a test: a session row made directly (the sign-in link has
tests of its own), the CSRF token every form carries, and the clock the dashboard reads."""
from __future__ import annotations

import re
from datetime import UTC, datetime

from storage import dashboard_sessions
from tests.support.committees import load_example

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def sign_in(app, client, officer_id: str, *, language: str = "th", now: datetime | None = None) -> str:
    """Sign `client` in as the officer; returns the raw session id its cookie holds."""
    with app.extensions["hotline"].db.transaction() as session:
        raw = dashboard_sessions.start(session, officer_id, now or datetime.now(UTC), language)
    with client.session_transaction("/dashboard/") as cookie:
        cookie["sid"] = raw
    return raw


def csrf_token(client, page: str = "/dashboard/signed-out") -> str:
    """The CSRF token of the client's session, read from a page's meta tag as a browser would."""
    found = CSRF_META.search(client.get(page).get_data(as_text=True))
    assert found, f"no CSRF token on {page}"
    return found.group(1)


def post(client, url: str, data: dict | None = None, **kwargs):
    """A form POST with the session's CSRF token, as the page's own form sends it."""
    return client.post(url, data={"csrf_token": csrf_token(client), **(data or {})}, **kwargs)


def set_clock(app, clock) -> None:
    """The dashboard's clock (sessions' idle and absolute limits, links' expiry)."""
    app.extensions["dashboard"].clock = clock


def example_at(app, now: datetime):
    """The example directory loaded and the dashboard's clock stopped at `now`; the database."""
    database = app.extensions["hotline"].db
    load_example(database)
    set_clock(app, lambda: now)
    return database
