"""The officers' side of the chat: linking accounts and groups, alert buttons, commands.

Checked before the public flows: a linked officer's command or an alert button is
handled here; anything else falls through to the flows (an officer may use the menu too).
Someone who is not an officer of the case's committees learns nothing about any case.
"""
from __future__ import annotations

import re

from storage import cases as case_store
from storage import directory
from storage.cases import Case

from .events import user_of
from .processor import Response

LINK = re.compile(r"^\s*link\s+(\d{6,8})\s*$", re.IGNORECASE)
GROUP = re.compile(r"^\s*group\s+(\d{6,8})\s*$", re.IGNORECASE)
LIST = re.compile(r"^\s*(cases|เคส)\s*$", re.IGNORECASE)
SHOW = re.compile(r"^\s*(?:case|เคส)\s+([0-9A-Za-z]{3}-?[0-9A-Za-z]{3})\s*$", re.IGNORECASE)
NOTE = re.compile(r"^\s*(?:note|โน้ต)\s+([0-9A-Za-z]{3}-?[0-9A-Za-z]{3})\s+(.+)$", re.IGNORECASE | re.DOTALL)
HELP = re.compile(r"^\s*(help officer|officer|คำสั่ง)\s*$", re.IGNORECASE)


def _reference(raw: str) -> str:
    raw = raw.upper().replace("-", "")
    return f"{raw[:3]}-{raw[3:]}"


class OfficerDesk:
    def __init__(self, casework, alerts, schedule=None, clock=None):
        self.casework = casework
        self.alerts = alerts
        self.schedule = schedule
        self.clock = clock or casework.clock

    def respond(self, event: dict, session) -> Response | None:
        """A Response for officer business, or None to let the public flows answer."""
        source = event.get("source") or {}
        group_id = source.get("groupId") or source.get("roomId")
        user_id = user_of(event)
        kind = event.get("type")
        if kind == "postback":
            data = str((event.get("postback") or {}).get("data", ""))
            if data.startswith("case|"):
                return self._button(session, user_id, data)
        if kind == "message" and (event.get("message") or {}).get("type") == "text":
            answer = self._text(session, user_id, group_id, event["message"].get("text", ""))
            if answer is not None:
                return answer
        return Response() if group_id else None  # in groups the bot speaks only for officers

    # -- typed ---------------------------------------------------------------------------------
    def _text(self, session, user_id, group_id, text: str) -> Response | None:
        now = self.clock()
        if match := LINK.match(text):
            officer = directory.redeem_link_code(session, match.group(1), user_id, now) if user_id else None
            if officer is None:
                return Response(self.alerts.link_failed())
            committee = directory.get_committee(session, officer.committee_id)
            return Response(self.alerts.linked(officer.name, committee.name_th if committee else ""))
        if group_id and (match := GROUP.match(text)):
            committee = directory.redeem_group_code(session, match.group(1), group_id, now)
            return Response(self.alerts.group_linked(committee.name_th) if committee else self.alerts.link_failed())
        officer = directory.officer_by_line_user(session, user_id) if user_id else None
        if officer is None:
            return None
        if LIST.match(text):
            return Response(self.alerts.case_list(case_store.open_for_committees(session, self._scope(session, officer))))
        if match := SHOW.match(text):
            case = self._case_for(session, officer, case_store.by_reference(session, _reference(match.group(1))))
            return Response(self._details(session, case, officer) if case else self.alerts.not_found())
        if match := NOTE.match(text):
            case = self._case_for(session, officer, case_store.by_reference(session, _reference(match.group(1))))
            if case is None:
                return Response(self.alerts.not_found())
            self.casework.add_note(session, case, officer, match.group(2).strip())
            return Response(self.alerts.note_saved(case))
        if HELP.match(text):
            return Response(self.alerts.help())
        return None

    # -- tapped ----------------------------------------------------------------------------------
    def _button(self, session, user_id, data: str) -> Response:
        parts = data.split("|")
        action, case_id = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        officer = directory.officer_by_line_user(session, user_id) if user_id else None
        case = session.get(Case, int(case_id)) if case_id.isdigit() else None
        case = self._case_for(session, officer, case) if officer else None
        if case is None:
            return Response(self.alerts.not_found())
        if action == "ack":
            if case.status != "open":
                name = directory.officer_name(session, case.acknowledged_by) if case.acknowledged_by else ""
                return Response(self.alerts.already_acknowledged(case, name))
            rows = self.casework.acknowledge(session, case, officer)
            return Response(self.alerts.ack_confirmed(case), also=rows)
        if action == "esc":
            rows = self.casework.escalate(session, case, officer.id, "officer_request")
            response = Response(self.alerts.escalated(case, self._committee_name(session, case.committee_id)),
                                also=rows)
            if self.schedule and case.escalate_at:
                response.after_commit.append(lambda: self.schedule(case.id, case.escalate_at))
            return response
        if action == "info":
            return Response(self._details(session, case, officer))
        return Response(self.alerts.not_found())

    # -- who may see what ------------------------------------------------------------------------
    def _scope(self, session, officer) -> list[str]:
        """The officer's committee and every committee below it in the escalation chain."""
        return directory.committees_below(session, officer.committee_id)

    def _case_for(self, session, officer, case: Case | None) -> Case | None:
        if case is None or officer is None:
            return None
        allowed = set(self._scope(session, officer))
        alerted = {e.committee_id for e in case_store.trail(session, case.id) if e.kind == "alerted"}
        return case if case.committee_id in allowed or officer.committee_id in alerted else None

    def _details(self, session, case: Case, officer) -> list[dict]:
        case_store.record(session, case, "details_viewed", officer.id, officer.committee_id)
        return self.alerts.details(case, case_store.trail(session, case.id))

    @staticmethod
    def _committee_name(session, committee_id: str) -> str:
        committee = directory.get_committee(session, committee_id)
        return committee.name_th if committee else committee_id
