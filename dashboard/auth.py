"""Signing in with the one-time link the bot sends (there are no passwords), and signing out.

Opening the link only shows a Sign in button: LINE's link preview and in-app browser fetch URLs
on their own, so only the button's POST uses the link. The browser that used it is sent home if
it opens the link again; any other browser, and an expired or unknown link, gets one polite
refusal that says how to get a new link.
"""
from __future__ import annotations

import logging

from flask import g, redirect, render_template, session, url_for

from storage import access_log, dashboard_sessions, dashboard_sign_ins

from .blueprint import bp
from .viewer import SESSION_KEY, parts

log = logging.getLogger(__name__)

LINK_ROUTE = dashboard_sign_ins.PATH.removeprefix(bp.url_prefix) + "<token>"


@bp.get(LINK_ROUTE)
def sign_in(token: str):
    with parts().db.transaction() as db:
        link = dashboard_sign_ins.look_up(db, token, parts().clock())
    if link.state == dashboard_sign_ins.USABLE:
        return render_template("dashboard/sign_in.html", token=token)
    return _used_or_refused(link)


@bp.post(LINK_ROUTE)
def redeem(token: str):
    now = parts().clock()
    with parts().db.transaction() as db:
        started = dashboard_sign_ins.redeem(db, token, now, language=g.language)
        if started is None:
            link = dashboard_sign_ins.look_up(db, token, now)
        else:
            session_id, officer_id = started
            dashboard_sessions.end(db, session.get(SESSION_KEY), now)   # this browser's earlier session
            access_log.record(db, officer_id, "signed_in", now)
    if started is None:
        return _used_or_refused(link)
    session.clear()                # a new cookie, nothing carried over from before sign-in
    session[SESSION_KEY] = session_id
    log.info("dashboard: officer %s signed in", officer_id)
    return redirect(url_for("dashboard.home"), code=303)


@bp.post("/sign-out")
def sign_out():
    raw = session.get(SESSION_KEY)
    if raw and g.viewer is not None:
        now = parts().clock()
        with parts().db.transaction() as db:
            dashboard_sessions.end(db, raw, now)
            access_log.record(db, g.viewer.officer_id, "signed_out", now)
        log.info("dashboard: officer %s signed out", g.viewer.officer_id)
    session.clear()                # Flask then deletes the cookie
    return redirect(url_for("dashboard.signed_out"), code=303)


def _used_or_refused(link: dashboard_sign_ins.LinkState):
    """Home for the browser the link signed in (still signed in); the refusal for anyone else."""
    raw = session.get(SESSION_KEY)
    if (link.state == dashboard_sign_ins.USED and g.viewer is not None and raw
            and link.session_hash == dashboard_sessions.digest(raw)):
        return redirect(url_for("dashboard.home"), code=303)
    return render_template("dashboard/sign_in_refused.html"), 410
