"""Who is looking: the signed-in officer, their committee's level, whether they administer the
directory, and the scope of cases they may see (storage/case_scope.py, the rule LINE uses too).

Roles follow the directory: an officer of a district committee is a district officer, of the
provincial committee a provincial one, of the national focal point national; `admin` (from the
directory file) adds the directory pages and the access log. A page a viewer may not see answers
404, exactly like a case that does not exist.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from flask import abort, current_app, g, redirect, session, url_for

from storage import case_scope, dashboard_sessions, directory

SESSION_KEY = "sid"


@dataclass(frozen=True)
class Viewer:
    officer_id: str
    name: str
    committee_id: str
    committee_name: str
    level: str                   # district | province | national
    admin: bool
    language: str
    scope: case_scope.Scope


def parts():
    return current_app.extensions["dashboard"]


def load_viewer() -> Viewer | None:
    """The viewer the session cookie names, if that session is live (it is touched)."""
    raw = session.get(SESSION_KEY)
    if not raw:
        return None
    settings = parts().settings
    with parts().db.transaction() as db:
        found = dashboard_sessions.find(db, raw, parts().clock(), idle_seconds=settings.dashboard_idle_seconds,
                                        absolute_seconds=settings.dashboard_absolute_seconds)
        if found is None:
            session.pop(SESSION_KEY, None)
            return None
        row, officer = found
        committee = directory.get_committee(db, officer.committee_id)
        return Viewer(officer.id, officer.name, officer.committee_id,
                      committee.name_in(row.language) if committee else "",
                      committee.level if committee else "district", bool(officer.admin), row.language,
                      case_scope.scope_of(db, officer))


def signed_in(view):
    """Pages for signed-in officers: anyone else is sent to the page that says how to sign in."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if g.get("viewer") is None:
            return redirect(url_for("dashboard.signed_out"), code=303)
        return view(*args, **kwargs)
    return wrapper


def admin_only(view):
    """Directory management and the access log: administrators only; others get 404."""
    @wraps(view)
    @signed_in
    def wrapper(*args, **kwargs):
        if not g.viewer.admin:
            abort(404)
        return view(*args, **kwargs)
    return wrapper
