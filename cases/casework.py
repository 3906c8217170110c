"""Cases from reports: screen, route, store, alert the committee, escalate, acknowledge.

Everything a report sets off is written in the transaction that stores the case: the case,
its audit trail and the alert pushes (outbox rows). So a case the reporter was told about
has its alerts queued, and an alert never goes out for a case that was not stored.
Scheduling the escalation check happens after the commit (and the sweeper backs it up).

An alert reaches someone or moves on (cases/escalation.py). If nobody anywhere up the chain
can get it, that is logged as an error and recorded in the trail (`nobody_reached`); the
case is kept. The database is reached only through the store app.py hands in
(storage/case_store.py), with the caller's session passed through.
"""
from __future__ import annotations

import logging
from datetime import UTC, datetime

from cases import lifecycle, routing
from cases.escalation import NO_ACKNOWLEDGEMENT, NOBODY_ON_DUTY, deadline, next_up, state_deadline
from cases.lifecycle import (
    ACKNOWLEDGE,
    CANCEL,
    CLOSE,
    MOVE,
    NEW,
    REFER,
    REFERRAL_UPDATE,
    REOPEN,
    REOPEN_UNASSIGNED,
    START,
    TAKE,
    TAKEN,
    NotAllowed,
)
from cases.screening import screen, urgency_windows

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Casework:
    """Every officer action goes through `_transition`: the one table of cases/lifecycle.py
    decides whether it is allowed (NotAllowed otherwise, which officers see as a polite message),
    each writes a CaseEvent of its kind with {"from", "to"} and re-arms the state's timer."""

    def __init__(self, alerts, store, windows: dict | None = None, clock=_utcnow, *,
                 data: lifecycle.CaseworkData | None = None, reporter=None):
        self.alerts = alerts          # bot.alerts.AlertComposer: LINE messages for officers
        self.store = store            # storage.case_store.CaseStore: the database operations
        self.windows = urgency_windows(windows)
        self.clock = clock
        self.data = data or lifecycle.load()   # cases/data/casework.yaml: outcomes, services, timers
        self.reporter = reporter      # notify(session, case, "taken"|"closed") -> rows (part i13reporter)

    # -- a report comes in ---------------------------------------------------------------------
    def submit(self, session, *, chat_key: str, user_id: str | None, language: str | None, kind: str,
               answers: dict) -> tuple:
        """Store a screened, routed case and queue its alerts; returns the case and outbox rows."""
        answers = {k: v for k, v in answers.items() if k != "case_ref"}
        screening = screen({**answers, "kind": kind})
        route = routing.route(_place(answers), self.store.directory_snapshot(session))
        now = self.clock()
        case = self.store.new_case(
            session, kind=kind, chat_key=chat_key,
            reporter_user_id=user_id, language=language, answers=answers,
            indicators=list(screening.ids()), urgency=screening.urgency, urgency_rule=screening.urgency_rule,
            sector=answers.get("sector"), province_code=route.province_code, district_code=route.district_code,
            committee_id=route.committee_id, routing=route.as_dict(),
            contact_allowed=answers.get("contact_ok") == "yes", status=NEW, escalation_level=0,
            escalate_at=deadline(self.windows, screening.urgency, now), created_at=now, state_since=now,
        )
        created = ("created", "reporter", route.committee_id,
                   {"urgency": case.urgency, "rule": case.urgency_rule, "palermo_complete": screening.palermo_complete},
                   self.store.now())
        rows = self._alert(session, case, route.committee_id, reason=route.reason, after=created)
        return case, rows

    def cancel_by_reporter(self, session, chat_key: str, reference: str) -> list | None:
        """The reporter cancels their case: the officers' rows, or None if there is no open
        case of theirs to cancel (the reporter must not be told it was cancelled)."""
        case = self.store.by_reference(session, reference)
        if case is None or case.chat_key != chat_key or not lifecycle.allowed(CANCEL, case.status):
            return None
        self._transition(session, case, CANCEL, "reporter", case.committee_id)
        return self.tell_committee(session, case.committee_id, self.alerts.cancelled(case))

    # -- officers ----------------------------------------------------------------------------
    def acknowledge(self, session, case, officer) -> list:
        """The case is seen (escalation stops; the acknowledged state's timer starts)."""
        self.check(ACKNOWLEDGE, case)
        case.acknowledged_by, case.acknowledged_at = officer.id, self.clock()
        self._transition(session, case, ACKNOWLEDGE, officer.id, officer.committee_id)
        return self.tell_committee(session, case.committee_id, self.alerts.acknowledged(case, officer),
                                   skip_user=officer.line_user_id)

    def take(self, session, case, officer) -> list:
        """The officer takes the case: it is theirs; the committee (on-duty officers and its
        group) is told who has it; escalation stops, the taken state's timer starts."""
        self.check(TAKE, case)
        if case.status == TAKEN and case.assigned_to == officer.id:
            raise NotAllowed(TAKE, TAKEN, case.reference)
        now = self.clock()
        previous = case.assigned_to
        case.assigned_to, case.assigned_at = officer.id, now
        if case.acknowledged_by is None:
            case.acknowledged_by, case.acknowledged_at = officer.id, now
        self._transition(session, case, TAKE, officer.id, officer.committee_id, previous=previous)
        rows = self.tell_committee(session, case.committee_id, self.alerts.taken(case, officer),
                                   skip_user=officer.line_user_id)
        return rows + self._tell_reporter(session, case, "taken")

    def start(self, session, case, officer, activity: str) -> list:
        """Work has started: a screening interview, a visit, other."""
        if activity not in lifecycle.ACTIVITIES:
            raise ValueError(f"unknown activity {activity!r}")
        self.check(START, case)
        self._transition(session, case, START, officer.id, officer.committee_id, activity=activity)
        return []

    def refer(self, session, case, officer, service: str, agency: str, contact: str | None = None,
              note: str | None = None) -> list:
        """The case is referred to an agency for a service (casework.yaml services); the
        referral has its own state, "sent" first."""
        if service not in self.data.services:
            raise ValueError(f"unknown service {service!r}")
        self.check(REFER, case)
        now = self.clock()
        referral = self.store.add_referral(
            session, case, service=service, agency=(agency or "").strip()[:120], contact=contact or None,
            note=(note or "")[:2000] or None, state=self.data.referral_states[0], by=officer.id, at=now,
            updated_at=now)
        self._transition(session, case, REFER, officer.id, officer.committee_id, referral=referral.id,
                         service=service)
        return self.tell_committee(session, case.committee_id, self.alerts.referred(case, officer, service),
                                   skip_user=officer.line_user_id)

    def update_referral(self, session, referral_id: int, officer, state: str) -> list:
        """The agency accepted, did or declined the referral (its own state; the case's stays)."""
        if state not in self.data.referral_states:
            raise ValueError(f"unknown referral state {state!r}")
        referral = self.store.get_referral(session, referral_id)
        if referral is None:
            raise ValueError(f"no referral {referral_id}")
        case = self.store.get_case(session, referral.case_id)
        self.check(REFERRAL_UPDATE, case)
        before = referral.state
        referral.state, referral.updated_at = state, self.clock()
        self.store.record(session, case, REFERRAL_UPDATE, officer.id, officer.committee_id,
                          **{"from": case.status, "to": case.status}, referral=referral.id,
                          referral_from=before, referral_to=state)
        return []

    def move(self, session, case, officer, committee_id: str, reason: str) -> list:
        """The case goes to another committee (wrong district, another province), as a new case
        alerted there; the committee that had it keeps read access to the history."""
        self.check(MOVE, case)
        target = self.store.get_committee(session, committee_id)
        if target is None or target.id == case.committee_id:
            raise ValueError(f"cannot move case {case.reference} to {committee_id!r}")
        previous = case.committee_id
        self.store.grant_read(session, case, previous)
        case.committee_id, case.assigned_to, case.assigned_at = target.id, None, None
        case.acknowledged_by, case.acknowledged_at, case.escalation_level = None, None, 0
        self._transition(session, case, MOVE, officer.id, target.id, frm=previous, reason=(reason or "")[:500])
        rows = self.tell_committee(session, previous, self.alerts.moved(case, officer, target.name_th),
                                   skip_user=officer.line_user_id)
        return rows + self._alert(session, case, target.id, reason="moved")

    def close(self, session, case, officer, outcome: str, note: str | None = None) -> list:
        """The case is closed with an outcome (casework.yaml outcomes); timers stop."""
        if outcome not in self.data.outcomes:
            raise ValueError(f"unknown outcome {outcome!r}")
        self.check(CLOSE, case)
        case.closed_at, case.outcome = self.clock(), outcome
        self._transition(session, case, CLOSE, officer.id, officer.committee_id, outcome=outcome)
        if note:  # a note event: what officers write is erased with the case's personal content
            self.add_note(session, case, officer, note)
        rows = self.tell_committee(session, case.committee_id, self.alerts.closed(case, officer, outcome),
                                   skip_user=officer.line_user_id)
        return rows + self._tell_reporter(session, case, "closed")

    def reopen(self, session, case, officer) -> list:
        """A closed case is open again: back to whoever had it (taken), or new if nobody took it."""
        self.check(REOPEN, case)
        case.closed_at, case.outcome = None, None
        to = None if case.assigned_to else REOPEN_UNASSIGNED
        self._transition(session, case, REOPEN, officer.id, officer.committee_id, to=to)
        return self.tell_committee(session, case.committee_id, self.alerts.reopened(case, officer),
                                   skip_user=officer.line_user_id)

    def remind(self, session, case) -> list:
        """A worked case sat in its state past the timer: its officer and the committee are
        reminded (not escalated up), and the timer is re-armed for the same time again."""
        case.escalate_at = state_deadline(self.data, case.status, case.urgency, self.clock())
        self.store.record(session, case, "reminded", "system", case.committee_id, state=case.status)
        officer = self.store.get_officer(session, case.assigned_to or case.acknowledged_by)
        messages = self.alerts.reminder(case, officer)
        rows = self.tell_committee(session, case.committee_id, messages)
        if officer is not None and officer.line_user_id and \
                officer.line_user_id not in {getattr(r, "push_to", None) for r in rows}:  # off duty, or elsewhere
            rows.append(self.push(session, officer.line_user_id, messages))
        return rows

    # -- the one way a state changes -----------------------------------------------------------------
    def check(self, action: str, case) -> None:
        if not lifecycle.allowed(action, case.status):
            raise NotAllowed(action, case.status, case.reference)

    def _transition(self, session, case, action: str, actor: str, committee_id: str | None, *,
                    to: str | None = None, **detail):
        """Apply `action` to the case (the lifecycle table decides the state), re-arm its timer,
        record the event; returns the event."""
        before = case.status
        after = to or lifecycle.target(action, before, case.reference)
        now = self.clock()
        case.status = after
        if after != before or action in (TAKE, MOVE):
            case.state_since = now
        if after == NEW:
            case.escalate_at = deadline(self.windows, case.urgency, now)
        elif after != before or action == TAKE:
            case.escalate_at = state_deadline(self.data, after, case.urgency, now)
        return self.store.record(session, case, action, actor, committee_id, **{"from": before, "to": after},
                                 **detail)

    def _tell_reporter(self, session, case, what: str) -> list:
        return list(self.reporter.notify(session, case, what) or []) if self.reporter is not None else []

    def escalate(self, session, case, actor: str, why: str) -> list:
        """Send the case up one level (district → province → national); again at each window."""
        target = next_up(self.store.escalation_chain(session, case.committee_id), case.committee_id)
        if target is None:
            case.escalate_at = None
            self.store.record(session, case, "escalation_exhausted", actor, case.committee_id, why=why)
            log.error("case %s: no committee above %s", case.reference, case.committee_id)
            return []
        previous, before = case.committee_id, case.status
        if case.status == NEW:
            if not self.store.claim_escalation(session, case):
                return []  # another worker escalated it, or an officer just acknowledged it
        else:
            case.escalation_level += 1
        case.committee_id = target.id
        if case.status != NEW:
            case.state_since = self.clock()
        case.status = NEW
        case.escalate_at = deadline(self.windows, case.urgency, self.clock())
        change = {"from": before, "to": NEW} if before != NEW else {}  # a worked case sent up is new again
        self.store.record(session, case, "escalated", actor, target.id, frm=previous, why=why, **change)
        nobody_at = None
        if why == NOBODY_ON_DUTY:
            committee = self.store.get_committee(session, previous)
            nobody_at = committee.name_th if committee else previous
        return self._alert(session, case, target.id, reason=f"escalated:{why}", nobody_at=nobody_at)

    def escalate_due(self, session, now: datetime | None = None) -> tuple[list, list]:
        """Escalate every new case whose window has passed, and remind about every worked case
        that sat in its state past its timer; returns outbox rows and the cases whose next check
        is to be scheduled."""
        now = now or self.clock()
        rows, escalated = [], []
        for case in self.store.due_escalations(session, now):
            rows += self.escalate(session, case, "system", NO_ACKNOWLEDGEMENT)
            escalated.append(case)
        for case in self.store.due_reminders(session, now):
            rows += self.remind(session, case)
            escalated.append(case)
        return rows, escalated

    def add_note(self, session, case, officer, text: str) -> None:
        self.store.record(session, case, "note", officer.id, officer.committee_id, text=text[:2000])

    # -- alerts --------------------------------------------------------------------------------
    def _alert(self, session, case, committee_id: str, reason: str, nobody_at: str | None = None,
               after: tuple | None = None) -> list:
        """after: a trail line not yet written that comes before the alert's (a new case's "created",
        store.record_all's shape): both are written by one INSERT."""
        messages = self.alerts.alert(case, reason, nobody_at=nobody_at)
        rows = self.tell_committee(session, committee_id, messages)
        alerted = ("alerted", "system", committee_id, {"recipients": len(rows), "reason": reason}, self.store.now())
        self.store.record_all(session, case, [after, alerted] if after else [alerted])
        if rows:
            return rows
        above = next_up(self.store.escalation_chain(session, committee_id), committee_id)
        if above is not None:  # up one level now; that level does the same if nobody is there either
            log.warning("case %s: nobody on duty at %s and no group; straight to %s",
                        case.reference, committee_id, above.id)
            return self.escalate(session, case, "system", NOBODY_ON_DUTY)
        self.store.record(session, case, "nobody_reached", "system", committee_id)
        log.error("case %s: nobody on duty and no group anywhere up to %s; nobody was alerted",
                  case.reference, committee_id)
        return []

    def tell_committee(self, session, committee_id: str, messages: list[dict], *,
                       skip_user: str | None = None, group: bool = True) -> list:
        """Push `messages` to the committee's on-duty, linked officers (and its LINE group,
        unless group=False); one outbox row per recipient."""
        officers, group_chat = self.store.alert_targets(session, committee_id, self.clock())
        targets = [user for user in officers if user != skip_user]
        if group and group_chat:
            targets.append(group_chat)
        return self.store.push_all(session, list(dict.fromkeys(targets)), messages)

    def push(self, session, target: str, messages: list[dict]):
        """One outbox row pushing `messages` to an officer's or a group's chat."""
        return self.store.push(session, target, messages)


def _place(answers: dict) -> routing.Place:
    location = answers.get("location")
    location = location if isinstance(location, dict) else {}  # "unknown" when they did not know
    return routing.Place(
        latitude=location.get("latitude"), longitude=location.get("longitude"),
        address=location.get("address") or "",
        province_code=_code(answers.get("province")), district_code=_code(answers.get("district")),
    )


def _code(value) -> str | None:
    return value if isinstance(value, str) and value.isdigit() else None
