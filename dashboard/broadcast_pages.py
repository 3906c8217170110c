"""News for administrators (issue 15): the broadcasts sent and scheduled, composing one (five texts,
an audience, now or later) with a preview of the recipients, LINE's quota and each language as a
phone shows it, then sending or scheduling it, and each broadcast's progress and result.

The service sends (worker/broadcasts.py through DashboardParts.news); the page only stores the
broadcast and hands it over, after checking again everything the preview showed.
"""
from __future__ import annotations

import logging
from datetime import UTC, timedelta

from flask import abort, flash, g, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from cases.roster import bangkok_time
from locales.languages import AUTONYMS
from news.audience import Audience
from news.choices import COUNTRIES, DOCUMENTS, NEWS_LANGUAGES, PROVINCES
from news.compose import MAX_NEWS_CHARS
from storage import access_log, broadcast_batches, broadcasts
from storage.directory import names_of

from . import broadcast_form
from .blueprint import bp
from .text import N_, _, language
from .viewer import admin_only, parts
from .when import when_text

log = logging.getLogger(__name__)

# A broadcast's page reloads itself this often while it is being sent.
REFRESH_SECONDS = 3
# A second Send of the same broadcast by the same officer within this time is the first one (a
# double press, a resent form), not a new broadcast.
SAME_SEND_WITHIN = timedelta(minutes=2)
OFFICER_PREFIX = "officer:"

COUNTRY_LABELS = {"mm": N_("dashboard.news.country.mm"), "kh": N_("dashboard.news.country.kh"),
                  "la": N_("dashboard.news.country.la"), "other": N_("dashboard.news.country.other")}
DOCUMENT_LABELS = {"mou": N_("dashboard.news.document.mou"), "pink_card": N_("dashboard.news.document.pink_card"),
                   "border_pass": N_("dashboard.news.document.border_pass"), "ci": N_("dashboard.news.document.ci"),
                   "unknown": N_("dashboard.news.document.unknown")}
LANGUAGE_LABELS = {"my": N_("dashboard.language.my"), "km": N_("dashboard.language.km"),
                   "lo": N_("dashboard.language.lo"), "th": N_("dashboard.language.th"),
                   "en": N_("dashboard.language.en")}
STATE_LABELS = {broadcasts.SCHEDULED: N_("dashboard.news.state.scheduled"),
                broadcasts.SENDING: N_("dashboard.news.state.sending"),
                broadcasts.DONE: N_("dashboard.news.state.done"),
                broadcasts.REFUSED: N_("dashboard.news.state.refused"),
                broadcasts.CANCELLED: N_("dashboard.news.state.cancelled")}
AUDIENCE_LINES = (("countries", N_("dashboard.news.audience.countries")),
                  ("documents", N_("dashboard.news.audience.documents")),
                  ("provinces", N_("dashboard.news.audience.provinces")),
                  ("languages", N_("dashboard.news.audience.languages")))


# -- words ---------------------------------------------------------------------------------------
def _province_names() -> dict[str, str]:
    english = language() == "en"
    return {p.code: (p.name_en if english else p.name_th) for p in PROVINCES}


def _language_name(code: str) -> str:
    """The language in the viewer's words, then in its own script (unless they are the same)."""
    if code not in LANGUAGE_LABELS:
        return code
    name = _(LANGUAGE_LABELS[code])
    return name if name == AUTONYMS[code] else f"{name} ({AUTONYMS[code]})"


def audience_words(audience: dict | Audience) -> list[str]:
    """The audience as lines staff read ("Country: Myanmar, Laos"); everyone when nothing narrows it."""
    audience = audience if isinstance(audience, Audience) else Audience.from_dict(audience)
    provinces = _province_names()
    say = {"countries": lambda c: _(COUNTRY_LABELS[c]) if c in COUNTRY_LABELS else c,
           "documents": lambda c: _(DOCUMENT_LABELS[c]) if c in DOCUMENT_LABELS else c,
           "provinces": lambda c: provinces.get(c, c), "languages": _language_name}
    lines = []
    for name, label in AUDIENCE_LINES:
        codes = getattr(audience, name)
        if codes:
            lines.append(_(label, values=", ".join(say[name](code) for code in codes)))
    return lines or [_("dashboard.news.audience.everyone")]


def _who(created_by: str, names: dict[str, str]) -> str:
    if created_by.startswith(OFFICER_PREFIX):
        officer_id = created_by[len(OFFICER_PREFIX):]
        return f"{names.get(officer_id, officer_id)} ({officer_id})"
    return created_by


def _officer_ids(rows) -> list[str]:
    return [row.created_by[len(OFFICER_PREFIX):] for row in rows if row.created_by.startswith(OFFICER_PREFIX)]


def _options() -> dict:
    """What the compose form offers, in the viewer's words."""
    provinces = _province_names()
    return {"countries": [(c, _(COUNTRY_LABELS[c])) for c in COUNTRIES],
            "documents": [(d, _(DOCUMENT_LABELS[d])) for d in DOCUMENTS],
            "languages": [(code, _language_name(code)) for code in NEWS_LANGUAGES],
            "provinces": [(p.code, f"{provinces[p.code]} ({p.code})") for p in PROVINCES]}


# -- pages ---------------------------------------------------------------------------------------
@bp.get("/news")
@admin_only
def news_list():
    with parts().db.sessions() as session:
        rows = broadcasts.recent(session)
        names = names_of(session, _officer_ids(rows))
        items = [{"id": row.id, "when": when_text(row.send_at), "who": _who(row.created_by, names),
                  "audience": audience_words(row.audience), "state": row.state,
                  "recipients": row.recipients, "accepted": row.accepted, "failed": row.failed} for row in rows]
    return render_template("dashboard/news_list.html", items=items, state_labels=STATE_LABELS)


@bp.get("/news/new")
@admin_only
def news_new():
    return _compose_page(broadcast_form.read(MultiDict(), parts().clock()), None)


@bp.post("/news/new")
@admin_only
def news_preview():
    """The form checked: recipients, LINE's quota, problems, and each language as a phone shows it."""
    draft = broadcast_form.read(request.form, parts().clock())
    return _compose_page(draft, _review(draft))


@bp.post("/news/send")
@admin_only
def news_send():
    """Store the broadcast and hand it to the workers, only if the same checks as the preview pass now."""
    now = parts().clock()
    draft = broadcast_form.read(request.form, now)
    review = _review(draft)
    if not review.ready:
        return _compose_page(draft, review, status=409)
    created_by = f"{OFFICER_PREFIX}{g.viewer.officer_id}"
    with parts().db.transaction() as session:
        earlier = _same_send(session, draft, created_by, now)
        if earlier is not None:
            broadcast_id = earlier.id
        else:
            broadcast_id = broadcasts.create(session, draft.texts, draft.audience, created_by,
                                             send_at=draft.send_at, now=now).id
            access_log.record(session, g.viewer.officer_id, "broadcast_sent", now, broadcast=broadcast_id,
                              recipients=review.total)
    if earlier is None:
        log.info("dashboard: broadcast %s stored by officer %s for %d recipients", broadcast_id,
                 g.viewer.officer_id, review.total)
        _queue(broadcast_id, draft.send_at)            # None: now
    return redirect(url_for("dashboard.news_show", broadcast_id=broadcast_id), code=303)


@bp.get("/news/<int:broadcast_id>")
@admin_only
def news_show(broadcast_id: int):
    now = parts().clock()
    with parts().db.sessions() as session:
        broadcast = broadcasts.get(session, broadcast_id)
        if broadcast is None:
            abort(404)
        progress = broadcast_batches.progress(session, broadcast_id)
        names = names_of(session, _officer_ids([broadcast]))
        starting = broadcast.state == broadcasts.SCHEDULED and _aware(broadcast.send_at) <= now
        item = {"id": broadcast.id, "texts": broadcast.texts, "audience": audience_words(broadcast.audience),
                "who": _who(broadcast.created_by, names), "created": when_text(broadcast.created_at),
                "send_at": when_text(broadcast.send_at), "started": when_text(broadcast.started_at),
                "finished": when_text(broadcast.finished_at), "state": broadcast.state,
                "recipients": broadcast.recipients, "accepted": broadcast.accepted, "failed": broadcast.failed,
                "quota": broadcast.quota or {}, "error": broadcast.error}
    return render_template("dashboard/news_show.html", item=item, progress=progress, state_labels=STATE_LABELS,
                           language_name=_language_name, languages=NEWS_LANGUAGES,
                           refresh=REFRESH_SECONDS if item["state"] == broadcasts.SENDING or starting else None,
                           may_cancel=item["state"] == broadcasts.SCHEDULED)


@bp.post("/news/<int:broadcast_id>/cancel")
@admin_only
def news_cancel(broadcast_id: int):
    now = parts().clock()
    with parts().db.transaction() as session:
        if broadcasts.get(session, broadcast_id) is None:
            abort(404)
        cancelled = broadcasts.cancel(session, broadcast_id, now)
        if cancelled:
            access_log.record(session, g.viewer.officer_id, "broadcast_cancelled", now, broadcast=broadcast_id)
    if cancelled:
        flash(_("dashboard.news.cancelled"), "done")
    else:
        flash(_("dashboard.news.cancel_too_late"), "refused")
    return redirect(url_for("dashboard.news_show", broadcast_id=broadcast_id), code=303)


# -- helpers -------------------------------------------------------------------------------------
def _review(draft: broadcast_form.Draft) -> broadcast_form.Review:
    with parts().db.sessions() as session:
        counts = broadcasts.count_recipients(session, draft.audience)
    return broadcast_form.review(draft, counts, _ask_quota(), parts().settings.broadcast_quota_reserve)


def _ask_quota() -> tuple[int | None, int] | None:
    """LINE's (limit, used) this month, or None when LINE did not answer (the page says so)."""
    news = parts().news
    if news is None:
        log.warning("dashboard: no news service to ask LINE's quota")
        return None
    try:
        return news.quota()
    except LookupError:
        log.warning("dashboard: LINE did not tell the message quota")
        return None


def _queue(broadcast_id: int, send_at) -> None:
    """Hand the stored broadcast to the workers; if the queue is down the sweeper starts it when due."""
    try:
        parts().news.queue(broadcast_id, send_at)
    except Exception:  # noqa: BLE001  (stored and committed: the sweeper starts due broadcasts)
        log.exception("dashboard: broadcast %s stored but not queued; the sweeper will start it", broadcast_id)


def _same_send(session, draft: broadcast_form.Draft, created_by: str, now):
    """The broadcast this officer stored a moment ago with the same texts, audience and time, if any."""
    for row in broadcasts.recent(session, limit=10):
        if (row.created_by == created_by and row.texts == draft.texts
                and row.audience == draft.audience.to_dict()
                and _aware(row.send_at) == (draft.send_at or _aware(row.created_at))
                and now - _aware(row.created_at) <= SAME_SEND_WITHIN):
            return row
    return None


def _aware(moment):
    """SQLite hands datetimes back without their zone: they are UTC."""
    return moment if moment is None or moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _compose_page(draft: broadcast_form.Draft, review: broadcast_form.Review | None, status: int = 200):
    now_local = bangkok_time(parts().clock())
    return render_template(
        "dashboard/news_new.html", draft=draft, review=review, options=_options(), languages=NEWS_LANGUAGES,
        language_name=_language_name, max_chars=MAX_NEWS_CHARS, problem_labels=broadcast_form.TEXT_PROBLEMS,
        hidden=broadcast_form.hidden_fields(draft) if review and review.ready else [],
        audience=audience_words(draft.audience), reserve=parts().settings.broadcast_quota_reserve,
        earliest=now_local.strftime("%Y-%m-%dT%H:%M"),
        send_at_text=when_text(draft.send_at) if draft.send_at else ""), status
