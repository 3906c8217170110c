"""The blueprint every dashboard page hangs on, and what each request gets before its view runs:
the signed-in viewer (or none), the language, a CSRF check on every unsafe method, and strict
security headers on every answer."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from flask import Blueprint, Flask, g, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFError, CSRFProtect

from storage.models import utcnow

from . import security
from .text import N_, _, choose_language, date_text, text

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard", template_folder="templates",
               static_folder="static", static_url_path="/static")
csrf = CSRFProtect()

# The menu: (endpoint, label, administrators only).
NAV = (("dashboard.case_list", N_("dashboard.nav.cases"), False),
       ("dashboard.numbers", N_("dashboard.nav.numbers"), False),
       ("dashboard.directory", N_("dashboard.nav.directory"), False),
       ("dashboard.news_list", N_("dashboard.nav.news"), True),
       ("dashboard.access_log", N_("dashboard.nav.access_log"), True))


@dataclass
class DashboardParts:
    """What the pages need from the service, kept in app.extensions["dashboard"]."""

    settings: object
    db: object
    casework: object = None
    # after_commit(rows, cases): queue the outbox rows a case action wrote and schedule the cases'
    # timers, once the action's transaction is committed (app.py builds it on the worker's queue).
    after_commit: object = None
    clock: object = field(default=utcnow)      # tests move it
    # summarise(case) -> lines: the reporter's answers in Thai, as the flows' engine words them
    # (the dashboard may not import flows; app.py hands in the one the alerts use).
    summarise: object = None
    # News (issue 15): quota() -> (limit or None, used this month), asked of LINE (LookupError when
    # LINE cannot say); queue(broadcast_id, send_at) hands a committed broadcast to the workers.
    # app.py builds it (worker/broadcasts.py): the dashboard may not import LINE or the queue.
    news: object = None


def init_dashboard(app: Flask, settings, db, casework=None, after_commit=None, summarise=None,
                   news=None) -> None:
    """Register the dashboard on the app: cookie rules, CSRF, the pages."""
    secure = settings.public_base_url.startswith("https://")
    app.secret_key = settings.dashboard_secret_key
    app.config.update(
        SESSION_COOKIE_NAME="__Host-dashboard" if secure else "dashboard",
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SECURE=secure, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_PATH="/",
        PERMANENT_SESSION_LIFETIME=timedelta(seconds=settings.dashboard_absolute_seconds),
        # Checked by the blueprint's own hook, so the LINE webhook (signed by LINE) is never asked for a token.
        WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None,
        # The session's token is the check; a Referer check would refuse every browser, since every page
        # asks for no referrer.
        WTF_CSRF_SSL_STRICT=False)
    app.session_interface = DashboardOnlySessions()
    csrf.init_app(app)
    app.extensions["dashboard"] = DashboardParts(settings, db, casework, after_commit,
                                                   summarise=summarise, news=news)
    from . import pages  # noqa: F401  (the modules that add routes to bp)
    app.register_blueprint(bp)


@bp.before_request
def _before() -> None:
    from .viewer import load_viewer
    g.viewer = load_viewer()
    g.language = g.viewer.language if g.viewer else choose_language(request.accept_languages)
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        csrf.protect()


@bp.app_context_processor
def _template_helpers() -> dict:
    return {"_": text, "date_text": date_text, "nav_items": _nav_items}


def _nav_items() -> list[tuple[str, str]]:
    viewer = g.get("viewer")
    return [(endpoint, label) for endpoint, label, admin in NAV
            if not admin or (viewer is not None and viewer.admin)]


def _is_dashboard_request() -> bool:
    """A dashboard URL, matched to a page or not (an unknown one still gets the dashboard's 404)."""
    return _is_dashboard_path(request.path)


def _is_dashboard_path(path: str) -> bool:
    return path == bp.url_prefix or path.startswith(bp.url_prefix + "/")


class DashboardOnlySessions(SecureCookieSessionInterface):
    """Flask's signed cookie session, opened on the dashboard's paths only: every other request
    (LINE's webhook, thousands a second) gets the null session, so it neither builds the signer
    nor reads or writes the cookie (issue 16: ~7 % of a webhook request's CPU)."""

    def open_session(self, app, request):
        if not _is_dashboard_path(request.path):
            return self.make_null_session(app)
        return super().open_session(app, request)


@bp.after_app_request
def _headers(response):
    if not _is_dashboard_request():
        return response
    return security.add_headers(response, static=request.endpoint == "dashboard.static")


@bp.errorhandler(CSRFError)
def _csrf_refused(error):
    return render_template("dashboard/message.html", title=_("dashboard.error.csrf.title"),
                           message=_("dashboard.error.csrf.body")), 400


@bp.app_errorhandler(404)
def _not_found(error):
    if not _is_dashboard_request():
        return error
    if "viewer" not in g:                      # no page matched: the before_request hook did not run
        _before()
    return render_template("dashboard/message.html", title=_("dashboard.error.not_found.title"),
                           message=_("dashboard.error.not_found.body")), 404
