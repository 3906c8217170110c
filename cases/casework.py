"""Cases from reports: screen, route, store, alert the committee, escalate, acknowledge.

Everything a report sets off is written in the transaction that stores the case: the case,
its audit trail and the alert pushes (outbox rows). So a case the reporter was told about
has its alerts queued, and an alert never goes out for a case that was not stored.
Scheduling the escalation check happens after the commit (and the sweeper backs it up).

An alert reaches someone or moves on: a committee with nobody on duty (linked) and no LINE
group passes the case at once to the next level (district → province → national), with
"nobody on duty at <committee>" in the card and the trail; waiting out the urgency window
there would alert no one. If nobody anywhere up the chain can get it, that is logged as an
error and recorded in the trail (`nobody_reached`); the case is kept.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from cases import routing
from cases.screening import screen, urgency_windows
from storage import cases as case_store
from storage import directory, outbox
from storage.cases import Case
from storage.models import utcnow
from storage.timeutil import as_utc

log = logging.getLogger(__name__)

PLACE_FIELDS = ("location", "province", "district")
NOBODY_ON_DUTY = "nobody_on_duty"      # why a case went up at once (officer text escalated.nobody_on_duty)


class Casework:
    def __init__(self, alerts, windows: dict | None = None, clock=utcnow):
        self.alerts = alerts          # bot.alerts.AlertComposer: LINE messages for officers
        self.windows = urgency_windows(windows)
        self.clock = clock

    # -- a report comes in ---------------------------------------------------------------------
    def submit(self, session, *, chat_key: str, user_id: str | None, language: str | None, kind: str,
               answers: dict) -> tuple[Case, list]:
        """Store a screened, routed case and queue its alerts; returns the case and outbox rows."""
        answers = {k: v for k, v in answers.items() if k != "case_ref"}
        screening = screen({**answers, "kind": kind})
        route = routing.route(_place(answers), directory.directory_snapshot(session))
        now = self.clock()
        case = Case(
            reference=case_store.new_reference(session), kind=kind, chat_key=chat_key,
            reporter_user_id=user_id, language=language, answers=answers,
            indicators=list(screening.ids()), urgency=screening.urgency, urgency_rule=screening.urgency_rule,
            sector=answers.get("sector"), province_code=route.province_code, district_code=route.district_code,
            committee_id=route.committee_id, routing=route.as_dict(),
            contact_allowed=answers.get("contact_ok") == "yes", status="open", escalation_level=0,
            escalate_at=now + timedelta(seconds=self.windows[screening.urgency]), created_at=now,
        )
        session.add(case)
        session.flush()
        case_store.record(session, case, "created", "reporter", route.committee_id, urgency=case.urgency,
                          rule=case.urgency_rule, palermo_complete=screening.palermo_complete)
        rows = self._alert(session, case, route.committee_id, reason=route.reason)
        return case, rows

    def cancel_by_reporter(self, session, chat_key: str, reference: str) -> list | None:
        """The reporter cancels their case: the officers' rows, or None if there is no open
        case of theirs to cancel (the reporter must not be told it was cancelled)."""
        case = case_store.by_reference(session, reference)
        if case is None or case.chat_key != chat_key or case.status in ("cancelled", "closed"):
            return None
        case.status = "cancelled"
        case_store.record(session, case, "cancelled", "reporter", case.committee_id)
        return self.tell_committee(session, case.committee_id, self.alerts.cancelled(case))

    # -- officers ----------------------------------------------------------------------------
    def acknowledge(self, session, case: Case, officer) -> list:
        if case.status != "open":
            return []
        now = self.clock()
        case.status, case.acknowledged_by, case.acknowledged_at, case.escalate_at = \
            "acknowledged", officer.id, now, None
        case_store.record(session, case, "acknowledged", officer.id, officer.committee_id)
        return self.tell_committee(session, case.committee_id, self.alerts.acknowledged(case, officer),
                                   skip_user=officer.line_user_id)

    def escalate(self, session, case: Case, actor: str, why: str) -> list:
        """Send the case up one level (district → province → national); again at each window."""
        chain = [c for c in directory.escalation_chain(session, case.committee_id) if c.id != case.committee_id]
        if not chain:
            case.escalate_at = None
            case_store.record(session, case, "escalation_exhausted", actor, case.committee_id, why=why)
            log.error("case %s: no committee above %s", case.reference, case.committee_id)
            return []
        target = chain[0]
        previous = case.committee_id
        level = case.escalation_level
        if case.status == "open":
            if not case_store.claim_escalation(session, case.id, level):
                return []  # another worker escalated it, or an officer just acknowledged it
            session.refresh(case)
        else:
            case.escalation_level = level + 1
        case.committee_id = target.id
        case.status = "open"
        case.escalate_at = self.clock() + timedelta(seconds=self.windows[case.urgency])
        case_store.record(session, case, "escalated", actor, target.id, frm=previous, why=why)
        nobody_at = None
        if why == NOBODY_ON_DUTY:
            committee = directory.get_committee(session, previous)
            nobody_at = committee.name_th if committee else previous
        return self._alert(session, case, target.id, reason=f"escalated:{why}", nobody_at=nobody_at)

    def escalate_due(self, session, now: datetime | None = None) -> tuple[list, list[Case]]:
        """Escalate every open case whose window has passed; returns outbox rows and cases."""
        now = now or self.clock()
        rows, escalated = [], []
        for case_id in case_store.due_escalations(session, now):
            case = session.get(Case, case_id)
            if case.status == "open" and as_utc(case.escalate_at) <= now:
                sent = self.escalate(session, case, "system", "no_acknowledgement")
                rows += sent
                escalated.append(case)
        return rows, escalated

    def add_note(self, session, case: Case, officer, text: str) -> None:
        case_store.record(session, case, "note", officer.id, officer.committee_id, text=text[:2000])

    # -- alerts --------------------------------------------------------------------------------
    def _alert(self, session, case: Case, committee_id: str, reason: str, nobody_at: str | None = None) -> list:
        messages = self.alerts.alert(case, reason, nobody_at=nobody_at)
        rows = self.tell_committee(session, committee_id, messages)
        case_store.record(session, case, "alerted", "system", committee_id, recipients=len(rows), reason=reason)
        if rows:
            return rows
        above = [c for c in directory.escalation_chain(session, committee_id) if c.id != committee_id]
        if above:  # up one level now; that level does the same if nobody is there either
            log.warning("case %s: nobody on duty at %s and no group; straight to %s",
                        case.reference, committee_id, above[0].id)
            return self.escalate(session, case, "system", NOBODY_ON_DUTY)
        case_store.record(session, case, "nobody_reached", "system", committee_id)
        log.error("case %s: nobody on duty and no group anywhere up to %s; nobody was alerted",
                  case.reference, committee_id)
        return []

    def tell_committee(self, session, committee_id: str, messages: list[dict], *,
                       skip_user: str | None = None, group: bool = True) -> list:
        """Push `messages` to the committee's on-duty, linked officers (and its LINE group,
        unless group=False); one outbox row per recipient."""
        now = self.clock()
        targets = [o.line_user_id for o in directory.on_duty_officers(session, committee_id, now, linked_only=True)
                   if o.line_user_id != skip_user]
        committee = directory.get_committee(session, committee_id)
        if group and committee is not None and committee.line_group_id:
            targets.append(committee.line_group_id)
        rows = [self.push(session, target, messages) for target in dict.fromkeys(targets)]
        session.flush()
        return rows

    @staticmethod
    def push(session, target: str, messages: list[dict]):
        """One outbox row pushing `messages` to an officer's or a group's chat."""
        return outbox.add(session, chat_key=target, messages=messages, push_to=target, push_allowed=True)


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
