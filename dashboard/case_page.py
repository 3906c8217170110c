"""One case as its committee reads it: urgency and its rule, indicators by framework, why it came
here, the answers (in Thai) and the reporter's own words, photos, the location without any map
tiles, the trail, referrals, and the case-work buttons its state allows. Only for a viewer who
may read it (storage/case_scope); anyone else gets the same 404 as a reference that does not exist.
Every view is written to the access log."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g, render_template

from cases import lifecycle
from cases.alert_text import ESCALATED
from cases.lifecycle import ACTIVITIES
from cases.officer_text import OFFICER_MESSAGE_IDS
from cases.reference import normalise
from locales.languages import AUTONYMS
from storage import access_log, case_photos, case_scope, directory
from storage import cases as case_store
from storage import dashboard_cases as queries

from . import case_map
from .blueprint import bp
from .case_words import officer_words, state_name
from .text import N_, _, language
from .viewer import parts, signed_in

# The reporter's language needs no translation note when officers read it as it is.
READ_AS_WRITTEN = ("th",)
# The reporters' languages named in the viewer's language (their own name follows, in its script).
LANGUAGE_NAMES = {"my": N_("dashboard.language.my"), "km": N_("dashboard.language.km"),
                  "lo": N_("dashboard.language.lo"), "en": N_("dashboard.language.en")}
# The buttons, in the order they are shown: (form action, lifecycle action, the LINE button's
# words for it, cases/officer_text "button.*.label", so both screens name a step alike).
BUTTONS = (("acknowledge", lifecycle.ACKNOWLEDGE, "button.ack.label"),
           ("take", lifecycle.TAKE, "button.take.label"),
           ("start", lifecycle.START, "button.start.label"),
           ("refer", lifecycle.REFER, "button.refer.label"),
           ("close", lifecycle.CLOSE, "button.close.label"),
           ("move", lifecycle.MOVE, "button.move.label"),
           ("reopen", lifecycle.REOPEN, "button.reopen.label"))


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the trail in the viewer's words, its parts apart so the page can lay them out."""

    at: str
    what: str
    who: str
    committee: str
    change: str          # "from → to" in state names, or ""
    text: str            # a note's words, whole


def find_case(session, reference: str):
    """The case if the viewer may read it; 404 otherwise (the same answer as no such case)."""
    case = case_store.by_reference(session, normalise(reference)) if len(reference) <= 16 else None
    if case is None or not case_scope.may_read(session, g.viewer.scope, case):
        abort(404)
    return case


@bp.get("/cases/<reference>")
@signed_in
def case_page(reference: str):
    viewer, words = g.viewer, officer_words()
    with parts().db.transaction() as db:
        case = find_case(db, reference)
        may_act = case_scope.may_act(db, viewer.scope, case)
        events = case_store.trail(db, case.id)
        referrals = case_store.referrals(db, case.id)
        ids = {e.actor for e in events} | {e.committee_id for e in events} | {case.committee_id, case.assigned_to}
        ids |= {r.by for r in referrals}
        names = directory.names_of(db, ids)
        names.update(queries.committee_names(db, ids, language()))
        committees = queries.committee_names(db, [c.id for c in directory.all_committees(db)], language()) \
            if may_act else {}
        photos = _photos(db, case.id)
        overdue = queries.is_overdue(db, case.id, parts().clock())
        access_log.record(db, viewer.officer_id, "case_viewed", parts().clock(), case_id=case.id)
        page = _page(words, case, events, referrals, names, may_act, committees, photos) | {"overdue": overdue}
    return render_template("dashboard/cases/page.html", **page)


def _page(words, case, events, referrals, names, may_act, committees, photos) -> dict:
    point, location_line = words.location(case)
    reporter_words = words.words(case)
    data = parts().casework.data
    return {
        "case": case, "words": words, "state": words.status(case, names), "may_act": may_act,
        "urgency": words.urgency_with_rule(case), "urgency_level": case.urgency,
        "indicators": words.indicator_lines(case), "why": _why(words, case, events, names).split("\n"),
        "place": words.place(case), "kind": words.kind(case).split("\n"),
        "sector": words.answer(case, "sector") or words.t("unknown"),
        "created": words.when(case.created_at), "committee": names.get(case.committee_id, case.committee_id),
        "summary": words.summary(case), "reporter_words": reporter_words,
        "translation": _translation(case) if reporter_words else None,
        "contact": words.contact_lines(case)[1:],
        "point": point, "location_lines": location_line.split("\n"),
        "map": case_map.picture(point.latitude, point.longitude, language()) if point else None,
        "photos": photos,
        "timeline": [_entry(words, e, names) for e in events],
        "referrals": [(r, words.choice("service", r.service), words.choice("referral_state", r.state),
                       names.get(r.by, r.by)) for r in referrals],
        "buttons": _buttons(words, case) if may_act else [],
        "referral_update": may_act and bool(referrals) and lifecycle.allowed(lifecycle.REFERRAL_UPDATE, case.status),
        "activities": [(a, words.choice("activity", a)) for a in ACTIVITIES],
        "outcomes": [(o, words.choice("outcome", o)) for o in data.outcomes if o != "moved"],
        "services": [(s, words.choice("service", s)) for s in data.services],
        "referral_states": [(s, words.choice("referral_state", s)) for s in data.referral_states],
        "move_to": sorted(((i, n) for i, n in committees.items() if i != case.committee_id), key=lambda c: c[1]),
    }


def _why(words, case, events, names) -> str:
    """Why the case is at its committee now: the last escalation or move, else how it was routed."""
    last = next((e for e in reversed(events) if e.kind in ("escalated", lifecycle.MOVE)), None)
    if last is None:
        return words.why(case, None)
    if last.kind == lifecycle.MOVE:
        return words.why(case, "moved", method=False)
    detail = last.detail or {}
    came_from = detail.get("frm")
    return words.why(case, ESCALATED + str(detail.get("why", "")), names.get(came_from, came_from), method=False)


def _buttons(words, case) -> list[tuple[str, str]]:
    """The actions the lifecycle allows in the case's state (taking one's own case again is not one)."""
    mine = case.status == lifecycle.TAKEN and case.assigned_to == g.viewer.officer_id
    return [(name, words.t(label)) for name, action, label in BUTTONS
            if lifecycle.allowed(action, case.status) and not (name == "take" and mine)]


def _translation(case) -> str:
    """Whether the reporter's words can be read as they are: there is no machine translation."""
    if (case.language or "") in READ_AS_WRITTEN:
        return ""
    code = case.language or ""
    own = AUTONYMS.get(code, code or "?")
    name = f"{_(LANGUAGE_NAMES[code])} ({own})" if code in LANGUAGE_NAMES else own
    return _("dashboard.case.words.not_translated", language=name)


def _entry(words, event, names) -> TimelineEntry:
    detail = event.detail or {}
    key = f"event.{event.kind}"
    what = words.t(key) if key in OFFICER_MESSAGE_IDS and event.kind not in ("alerted", "escalated", "note") \
        else _event_words(words, event, names)
    who = words.t(f"actor.{event.actor}") if event.actor in ("system", "reporter") else names.get(event.actor,
                                                                                                  event.actor)
    before, after = detail.get("from"), detail.get("to")
    change = f"{state_name(words, before)} → {state_name(words, after)}" \
        if before in lifecycle.STATES and after in lifecycle.STATES and before != after else ""
    text = str(detail.get("text", "")) if event.kind == "note" else \
        str(detail.get("reason", "") or "") if event.kind == lifecycle.MOVE else ""
    return TimelineEntry(words.when(event.at), what, who or "",
                         names.get(event.committee_id, event.committee_id or ""), change, text)


def _event_words(words, event, names) -> str:
    """Alerts, escalations and notes: the words of the LINE trail's line ("when · what · who"),
    without its time and actor (a note's text is shown whole, apart)."""
    line = words.trail_lines([{"kind": event.kind, "actor": "", "committee_id": event.committee_id,
                               "detail": {k: v for k, v in (event.detail or {}).items() if k != "text"},
                               "at": event.at}], names)[0]
    head, tail = words.when(event.at) + " · ", " · " + words.t("unknown")
    return line[len(head):-len(tail)] if line.startswith(head) and line.endswith(tail) else event.kind


def _photos(db, case_id: int) -> list:
    """(id, position, content type) of the case's photos."""
    return list(case_photos.photos_of(db, case_id))
