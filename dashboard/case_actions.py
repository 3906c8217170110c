"""The case-work buttons of the case page: each POST calls the one Casework method LINE's buttons
call (cases/casework.py), in one transaction with the officer's row; the outbox rows and timers it
set off go to the worker after the commit. Only for a viewer who may act on the case (404
otherwise, as for a case that does not exist); a step the case's state does not allow, or a
choice that is not on the lists, is told politely on the page and changes nothing."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for

from cases.lifecycle import NotAllowed
from cases.reference import normalise
from storage import case_scope
from storage import cases as case_store

from .blueprint import bp
from .case_page import find_case
from .text import N_, _
from .viewer import parts, signed_in

NOTE_CHARS = 2000

DONE = N_("dashboard.case.action.done")
REFUSED = N_("dashboard.case.action.not_allowed")
INVALID = N_("dashboard.case.action.invalid")


def _take(casework, db, case, officer, form):
    return casework.take(db, case, officer)


def _acknowledge(casework, db, case, officer, form):
    return casework.acknowledge(db, case, officer)


def _start(casework, db, case, officer, form):
    return casework.start(db, case, officer, form.get("activity", ""))


def _refer(casework, db, case, officer, form):
    agency = form.get("agency", "").strip()
    if not agency:
        raise ValueError("an agency is needed")
    return casework.refer(db, case, officer, form.get("service", ""), agency,
                          form.get("contact", "").strip() or None, form.get("note", "").strip() or None)


def _referral(casework, db, case, officer, form):
    number = form.get("referral", "")
    referral = case_store.get_referral(db, int(number)) if number.isdigit() and len(number) < 12 else None
    if referral is None or referral.case_id != case.id:     # only this case's referrals
        abort(404)
    return casework.update_referral(db, referral.id, officer, form.get("state", ""))


def _close(casework, db, case, officer, form):
    return casework.close(db, case, officer, form.get("outcome", ""), form.get("note", "").strip() or None)


def _move(casework, db, case, officer, form):
    reason = form.get("reason", "").strip()
    if not reason:
        raise ValueError("a reason is needed")
    return casework.move(db, case, officer, form.get("committee", ""), reason)


def _reopen(casework, db, case, officer, form):
    return casework.reopen(db, case, officer)


def _note(casework, db, case, officer, form):
    text = form.get("text", "").strip()
    if not text:
        raise ValueError("a note needs words")
    casework.add_note(db, case, officer, text[:NOTE_CHARS])
    return []


ACTIONS = {"take": _take, "acknowledge": _acknowledge, "start": _start, "refer": _refer, "referral": _referral,
           "close": _close, "move": _move, "reopen": _reopen, "note": _note}


@bp.post("/cases/<reference>/<action>")
@signed_in
def case_action(reference: str, action: str):
    if action not in ACTIONS:
        abort(404)
    casework = parts().casework
    try:
        with parts().db.transaction() as db:
            case = find_case(db, reference)
            if not case_scope.may_act(db, g.viewer.scope, case):
                abort(404)
            officer = casework.store.get_officer(db, g.viewer.officer_id)
            rows = ACTIONS[action](casework, db, case, officer, request.form)
    except NotAllowed:
        flash(_(REFUSED), "refused")
    except ValueError:
        flash(_(INVALID), "refused")
    else:
        if parts().after_commit is not None:
            parts().after_commit(rows, [case])
        flash(_(DONE), "done")
    return redirect(url_for("dashboard.case_page", reference=normalise(reference)), code=303)
