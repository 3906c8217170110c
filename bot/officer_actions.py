"""The officers' case work in LINE, typed or tapped: take, start, refer, referral status,
close, move, reopen (bot/officers.py finds the case and checks who may act; this does the action).

Each action without its choice (outcome, activity, service, referral, state, committee) answers
with the choices as quick replies; the lifecycle (cases/lifecycle.py, through cases/casework.py)
refuses what the case's state does not allow, answered politely. A referral is named by its
number within the case (1, 2, ... in the order they were made), never by its database id.
"""
from __future__ import annotations

from cases import lifecycle
from cases.lifecycle import NotAllowed
from storage import cases as case_store
from storage import directory
from storage.cases import Case

from .response import Response

ACTIONS = ("take", "start", "close", "refer", "referral", "move", "reopen")


def act(desk, session, officer, case: Case | None, action: str, choice: str | None = None,
        rest: str | None = None) -> Response:
    """One case-work action by `officer` on `case` (None: not found for them)."""
    alerts, casework = desk.alerts, desk.casework
    if case is None:
        return Response(alerts.not_found())
    if not desk._may_act(session, officer, case):
        return Response(alerts.read_only(case))
    try:
        return _ACTIONS[action](alerts, casework, session, officer, case, choice, rest)
    except NotAllowed:
        return Response(alerts.not_allowed(case))


def _take(alerts, casework, session, officer, case, choice, rest) -> Response:
    if case.status == "taken" and case.assigned_to == officer.id:
        return Response(alerts.already_yours(case))
    rows = casework.take(session, case, officer)
    response = Response(alerts.take_confirmed(case), also=rows)
    response.schedule_escalation(case)   # the taken state's timer (a reminder, not up)
    return response


def _start(alerts, casework, session, officer, case, choice, rest) -> Response:
    """Taken → in progress, with what started (a screening interview, a visit, other)."""
    if not choice:
        casework.check(lifecycle.START, case)
        return Response(alerts.choose_activity(case, lifecycle.ACTIVITIES))
    if choice not in lifecycle.ACTIVITIES:
        casework.check(lifecycle.START, case)
        return Response(alerts.unknown_choice(choice) + alerts.choose_activity(case, lifecycle.ACTIVITIES))
    rows = casework.start(session, case, officer, choice)
    response = Response(alerts.start_done(case, choice), also=rows)
    response.schedule_escalation(case)   # the in-progress state's timer
    return response


def _close(alerts, casework, session, officer, case, choice, rest) -> Response:
    outcomes = casework.data.outcomes
    if not choice:
        casework.check(lifecycle.CLOSE, case)
        return Response(alerts.choose_outcome(case, outcomes))
    if choice not in outcomes:
        return Response(alerts.unknown_choice(choice) + alerts.choose_outcome(case, outcomes))
    rows = casework.close(session, case, officer, choice, rest or None)
    return Response(alerts.close_done(case, choice), also=rows)


def _refer(alerts, casework, session, officer, case, choice, rest) -> Response:
    services = casework.data.services
    if not choice:
        casework.check(lifecycle.REFER, case)
        return Response(alerts.choose_service(case, services))
    if choice not in services:
        return Response(alerts.unknown_choice(choice) + alerts.choose_service(case, services))
    if rest is None:
        casework.check(lifecycle.REFER, case)
        return Response(alerts.ask_agency(case, choice))
    agency, _, contact = ("" if rest == "-" else rest).partition(",")
    rows = casework.refer(session, case, officer, choice, agency.strip(), contact.strip() or None)
    return Response(alerts.refer_done(case, choice, agency.strip()), also=rows)


def _referral(alerts, casework, session, officer, case, choice, rest) -> Response:
    """The state of one of the case's referrals (sent → accepted | done | declined): `choice`
    is its number within the case, `rest` the new state."""
    casework.check(lifecycle.REFERRAL_UPDATE, case)
    referrals = case_store.referrals(session, case.id)
    if not referrals:
        return Response(alerts.no_referrals(case))
    numbered = list(enumerate(referrals, start=1))
    if not choice:
        return Response(alerts.choose_referral(case, numbered))
    number = int(choice) if choice.isascii() and choice.isdigit() and len(choice) < 4 else 0
    if not 1 <= number <= len(referrals):
        return Response(alerts.unknown_choice(choice) + alerts.choose_referral(case, numbered))
    referral, states = referrals[number - 1], casework.data.referral_states
    if not rest:
        return Response(alerts.choose_referral_state(case, number, referral, states))
    if rest not in states:
        return Response(alerts.unknown_choice(rest) + alerts.choose_referral_state(case, number, referral, states))
    rows = casework.update_referral(session, referral.id, officer, rest)
    return Response(alerts.referral_done(case, number, referral), also=rows)


def _move(alerts, casework, session, officer, case, choice, rest) -> Response:
    chain = [c for c in directory.escalation_chain(session, case.committee_id) if c.id != case.committee_id]
    if not choice:
        casework.check(lifecycle.MOVE, case)
        return Response(alerts.choose_committee(case, [(c.id, c.name_th) for c in chain]))
    target = directory.get_committee(session, choice.upper()) or directory.get_committee(session, choice)
    if target is None or target.id == case.committee_id:
        return Response(alerts.unknown_choice(choice))
    rows = casework.move(session, case, officer, target.id, rest or "")
    response = Response(alerts.move_done(case, target.name_th), also=rows)
    response.schedule_escalation(case)
    return response


def _reopen(alerts, casework, session, officer, case, choice, rest) -> Response:
    """A closed case is open again: back to whoever had it, or new (alerted timers) if nobody."""
    rows = casework.reopen(session, case, officer)
    response = Response(alerts.reopen_done(case), also=rows)
    response.schedule_escalation(case)
    return response


_ACTIONS = {"take": _take, "start": _start, "close": _close, "refer": _refer, "referral": _referral,
            "move": _move, "reopen": _reopen}
assert set(_ACTIONS) == set(ACTIONS)
