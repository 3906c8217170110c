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

from cases import routing
from cases.escalation import NO_ACKNOWLEDGEMENT, NOBODY_ON_DUTY, deadline, next_up
from cases.screening import screen, urgency_windows

log = logging.getLogger(__name__)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Casework:
    def __init__(self, alerts, store, windows: dict | None = None, clock=_utcnow):
        self.alerts = alerts          # bot.alerts.AlertComposer: LINE messages for officers
        self.store = store            # storage.case_store.CaseStore: the database operations
        self.windows = urgency_windows(windows)
        self.clock = clock

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
            contact_allowed=answers.get("contact_ok") == "yes", status="open", escalation_level=0,
            escalate_at=deadline(self.windows, screening.urgency, now), created_at=now,
        )
        self.store.record(session, case, "created", "reporter", route.committee_id, urgency=case.urgency,
                          rule=case.urgency_rule, palermo_complete=screening.palermo_complete)
        rows = self._alert(session, case, route.committee_id, reason=route.reason)
        return case, rows

    def cancel_by_reporter(self, session, chat_key: str, reference: str) -> list | None:
        """The reporter cancels their case: the officers' rows, or None if there is no open
        case of theirs to cancel (the reporter must not be told it was cancelled)."""
        case = self.store.by_reference(session, reference)
        if case is None or case.chat_key != chat_key or case.status in ("cancelled", "closed"):
            return None
        case.status = "cancelled"
        self.store.record(session, case, "cancelled", "reporter", case.committee_id)
        return self.tell_committee(session, case.committee_id, self.alerts.cancelled(case))

    # -- officers ----------------------------------------------------------------------------
    def acknowledge(self, session, case, officer) -> list:
        if case.status != "open":
            return []
        now = self.clock()
        case.status, case.acknowledged_by, case.acknowledged_at, case.escalate_at = \
            "acknowledged", officer.id, now, None
        self.store.record(session, case, "acknowledged", officer.id, officer.committee_id)
        return self.tell_committee(session, case.committee_id, self.alerts.acknowledged(case, officer),
                                   skip_user=officer.line_user_id)

    def escalate(self, session, case, actor: str, why: str) -> list:
        """Send the case up one level (district → province → national); again at each window."""
        target = next_up(self.store.escalation_chain(session, case.committee_id), case.committee_id)
        if target is None:
            case.escalate_at = None
            self.store.record(session, case, "escalation_exhausted", actor, case.committee_id, why=why)
            log.error("case %s: no committee above %s", case.reference, case.committee_id)
            return []
        previous = case.committee_id
        if case.status == "open":
            if not self.store.claim_escalation(session, case):
                return []  # another worker escalated it, or an officer just acknowledged it
        else:
            case.escalation_level += 1
        case.committee_id = target.id
        case.status = "open"
        case.escalate_at = deadline(self.windows, case.urgency, self.clock())
        self.store.record(session, case, "escalated", actor, target.id, frm=previous, why=why)
        nobody_at = None
        if why == NOBODY_ON_DUTY:
            committee = self.store.get_committee(session, previous)
            nobody_at = committee.name_th if committee else previous
        return self._alert(session, case, target.id, reason=f"escalated:{why}", nobody_at=nobody_at)

    def escalate_due(self, session, now: datetime | None = None) -> tuple[list, list]:
        """Escalate every open case whose window has passed; returns outbox rows and cases."""
        now = now or self.clock()
        rows, escalated = [], []
        for case in self.store.due_escalations(session, now):
            rows += self.escalate(session, case, "system", NO_ACKNOWLEDGEMENT)
            escalated.append(case)
        return rows, escalated

    def add_note(self, session, case, officer, text: str) -> None:
        self.store.record(session, case, "note", officer.id, officer.committee_id, text=text[:2000])

    # -- alerts --------------------------------------------------------------------------------
    def _alert(self, session, case, committee_id: str, reason: str, nobody_at: str | None = None) -> list:
        messages = self.alerts.alert(case, reason, nobody_at=nobody_at)
        rows = self.tell_committee(session, committee_id, messages)
        self.store.record(session, case, "alerted", "system", committee_id, recipients=len(rows), reason=reason)
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
        now = self.clock()
        targets = [o.line_user_id for o in self.store.on_duty_officers(session, committee_id, now)
                   if o.line_user_id != skip_user]
        committee = self.store.get_committee(session, committee_id)
        if group and committee is not None and committee.line_group_id:
            targets.append(committee.line_group_id)
        rows = [self.push(session, target, messages) for target in dict.fromkeys(targets)]
        self.store.flush(session)
        return rows

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
