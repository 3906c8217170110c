"""The dashboard's front page and the page for people who are not signed in."""
from __future__ import annotations

from flask import g, redirect, render_template, request, session, url_for

from storage import dashboard_sessions

from .blueprint import bp
from .text import LANGUAGES
from .viewer import SESSION_KEY, parts, signed_in


@bp.get("/")
@signed_in
def home():
    """The front page is the case list."""
    return redirect(url_for("dashboard.case_list"), code=303)


@bp.get("/signed-out")
def signed_out():
    """How to sign in: from LINE (there is no password to type here)."""
    return render_template("dashboard/signed_out.html"), 401


@bp.post("/language")
def set_language():
    """Thai or English, kept with the session (before sign-in the browser's choice is used)."""
    chosen = request.form.get("language", "")
    if chosen in LANGUAGES and g.viewer is not None:
        raw = session.get(SESSION_KEY)
        with parts().db.transaction() as db:
            dashboard_sessions.set_language(db, raw, chosen)
    return redirect(_back_to_dashboard(request.form.get("next", "")), code=303)


def _back_to_dashboard(target: str) -> str:
    """Only a path inside the dashboard: never an open redirect."""
    if target.startswith(bp.url_prefix + "/") and not target.startswith("//") and "\\\\" not in target:
        return target
    return url_for("dashboard.home")
