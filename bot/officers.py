"""The officers' side of the chat: linking accounts and groups, alert buttons, commands.

Checked before the public flows: a linked officer's command or an alert button is
handled here; anything else falls through to the flows (an officer may use the menu too).
Someone who is not an officer of the case's committees learns nothing about any case.

Groups are shared rooms, so case details never go there: `cases`, `case REF` and `note`
typed in a group answer "ask me in a private chat", and the Details button tapped in a
group sends the details to the officer's own 1:1 chat (officers agreed to alerts there)
and nothing to the group. Acknowledge, Escalate and the case work (take, start, refer,
referral status, close, move, reopen: bot/officer_actions.py) work in groups (their answers carry no
contact details). Each state change goes through cases/casework.py, whose lifecycle table
refuses what the state does not allow (answered politely: "case ABC-234 is closed"). A
committee a case was moved away from keeps reading it (`case REF`), without actions. A group code only asks
for a link; an officer of that committee confirms it in the same group. When the bot is
removed from a group (`leave`), the group is unlinked and alerts go to the officers only.
`dashboard` (or แดชบอร์ด, or the help's button) sends a linked officer, in their 1:1 chat only,
a one-time sign-in link to the committees' dashboard; to anyone else the word is not a command.
"""
from __future__ import annotations

import logging
import re

from cases import consent as consent_rules
from cases import reference
from cases.link_codes import plain_digits
from storage import case_scope, consents, dashboard_sign_ins, directory, link_codes
from storage import cases as case_store
from storage.cases import Case

from . import officer_actions
from .events import user_of
from .officer_messages import consent_line
from .response import Response

log = logging.getLogger(__name__)

# Matched on plain_digits(text): Thai and full-width digits and letters read as ASCII.
# A code is digits with spaces or dashes; anything else after "link" is not a command.
LINK = re.compile(r"^\s*link\s+([0-9][0-9\s\-‐‑‒–—]*)$", re.IGNORECASE)
GROUP = re.compile(r"^\s*group\s+([0-9][0-9\s\-‐‑‒–—]*)$", re.IGNORECASE)
CONFIRM_GROUP = re.compile(r"^\s*(?:confirm\s+group|ยืนยัน\s*กลุ่ม)\s*$", re.IGNORECASE)
LIST = re.compile(r"^\s*(cases|เคส)\s*$", re.IGNORECASE)
_REF = f"({reference.TYPED})"
SHOW = re.compile(rf"^\s*(?:case|เคส)\s+{_REF}\s*$", re.IGNORECASE)
NOTE = re.compile(rf"^\s*(?:note|โน้ต)\s+{_REF}\s+(.+)$", re.IGNORECASE | re.DOTALL)
TAKE = re.compile(rf"^\s*(?:take|รับ)\s+{_REF}\s*$", re.IGNORECASE)
CLOSE = re.compile(rf"^\s*(?:close|ปิด)\s+{_REF}(?:\s+(\S+)(?:\s+(.+))?)?\s*$", re.IGNORECASE | re.DOTALL)
REFER = re.compile(rf"^\s*(?:refer|ส่งต่อ)\s+{_REF}(?:\s+(\S+)(?:\s+(.+))?)?\s*$", re.IGNORECASE | re.DOTALL)
MOVE = re.compile(rf"^\s*(?:move|ย้าย)\s+{_REF}(?:\s+(\S+)(?:\s+(.+))?)?\s*$", re.IGNORECASE | re.DOTALL)
START = re.compile(rf"^\s*(?:start|เริ่ม)\s+{_REF}(?:\s+(\S+))?\s*$", re.IGNORECASE)
REFERRAL = re.compile(rf"^\s*(?:referral|ผลส่งต่อ)\s+{_REF}(?:\s+(\S+)(?:\s+(\S+))?)?\s*$", re.IGNORECASE)
REOPEN = re.compile(rf"^\s*(?:reopen|เปิดใหม่)\s+{_REF}\s*$", re.IGNORECASE)
TYPED_ACTIONS = ((TAKE, "take"), (START, "start"), (CLOSE, "close"), (REFER, "refer"), (REFERRAL, "referral"),
                 (MOVE, "move"), (REOPEN, "reopen"))
HELP = re.compile(r"^\s*(help officer|officer|คำสั่ง)\s*$", re.IGNORECASE)
DASHBOARD = re.compile(r"^\s*(dashboard|แดชบอร์ด)\s*$", re.IGNORECASE)

CONFIRM_GROUP_DATA = "group|confirm"
DASHBOARD_DATA = "dashboard|link"      # the help's Dashboard button: as typing `dashboard`


class OfficerDesk:
    def __init__(self, casework, alerts, clock=None, messages=None, *, public_base_url: str | None = None,
                 link_seconds: int | None = None):
        self.casework = casework
        self.alerts = alerts
        self.clock = clock or casework.clock
        self.messages = messages   # bot/officer_messages.OfficerMessages: `msg REF` and its button
        # The dashboard's sign-in links (`dashboard`): where they point and how long they work
        # (settings.py); without them there is no dashboard and the word is not a command.
        self.public_base_url = public_base_url
        self.link_seconds = link_seconds

    def respond(self, event: dict, session) -> Response | None:
        """A Response for officer business, or None to let the public flows answer."""
        source = event.get("source") or {}
        group_id = source.get("groupId") or source.get("roomId")
        user_id = user_of(event)
        kind = event.get("type")
        if kind == "leave" and group_id:
            return self._left(session, group_id)
        if kind == "postback":
            data = str((event.get("postback") or {}).get("data", ""))
            if data.startswith("case|"):
                return self._button(session, user_id, group_id, data)
            if data == CONFIRM_GROUP_DATA and group_id:
                return self._confirm_group(session, user_id, group_id)
            if data == DASHBOARD_DATA and user_id and (answer := self._dashboard(
                    session, directory.officer_by_line_user(session, user_id), group_id)):
                return answer
        if kind == "message" and (event.get("message") or {}).get("type") == "text":
            answer = self._text(session, user_id, group_id, str(event["message"].get("text", "")))
            if answer is not None:
                return answer
        return Response() if group_id else None  # in groups the bot speaks only for officers

    # -- typed ---------------------------------------------------------------------------------
    def _text(self, session, user_id, group_id, text: str) -> Response | None:
        now = self.clock()
        plain = plain_digits(text)
        if match := LINK.match(plain):
            officer = link_codes.redeem_link_code(session, match.group(1), user_id, now,
                                                  chat_id=group_id or user_id) if user_id else None
            if officer is None:
                return Response(self.alerts.link_failed())
            committee = directory.get_committee(session, officer.committee_id)
            return Response(self.alerts.linked(officer.name, committee.name_th if committee else ""))
        if group_id and (match := GROUP.match(plain)):
            request = link_codes.request_group_link(session, match.group(1), group_id, now, user_id=user_id)
            if request.outcome == "pending":
                return Response(self.alerts.group_pending(request.committee.name_th, CONFIRM_GROUP_DATA))
            if request.outcome == "in_use":
                return Response(self.alerts.group_in_use(request.committee.name_th))
            return Response(self.alerts.link_failed())
        if group_id and CONFIRM_GROUP.match(plain):
            return self._confirm_group(session, user_id, group_id)
        officer = directory.officer_by_line_user(session, user_id) if user_id else None
        if officer is None:
            return None
        if DASHBOARD.match(plain):
            return self._dashboard(session, officer, group_id)
        if group_id and (LIST.match(plain) or SHOW.match(plain) or NOTE.match(plain)):
            return Response(self.alerts.private_only())
        if LIST.match(plain):
            cases = case_store.open_for_committees(session, list(case_scope.scope_of(session, officer).below))
            return Response(self.alerts.case_list(cases))
        if match := SHOW.match(plain):
            case = self.typed_case(session, officer, match.group(1))
            return Response(self._details(session, case, officer) if case else self.alerts.not_found())
        if match := NOTE.match(text):
            case = self.typed_case(session, officer, match.group(1))
            if case is None:
                return Response(self.alerts.not_found())
            self.casework.add_note(session, case, officer, match.group(2).strip())
            return Response(self.alerts.note_saved(case))
        if self.messages and (answer := self.messages.respond(self, session, officer, group_id, text)):
            return answer  # `msg REF ...` to the reporter (bot/officer_messages.py)
        for pattern, action in TYPED_ACTIONS:
            if match := pattern.match(plain if action == "referral" else text):
                case = self.typed_case(session, officer, match.group(1))
                choice = match.group(2) if match.re.groups >= 2 else None
                rest = match.group(3) if match.re.groups >= 3 else None
                return self._act(session, officer, case, action, choice and choice.strip(), rest and rest.strip())
        if HELP.match(plain):
            private = not group_id and self.public_base_url and self.link_seconds
            return Response(self.alerts.help(DASHBOARD_DATA if private else None))
        return None

    # -- the dashboard -----------------------------------------------------------------------------
    def _dashboard(self, session, officer, group_id) -> Response | None:
        """A one-time sign-in link for a linked, active officer, in their 1:1 chat only; None (the
        public flows answer) for anyone else, so nothing tells them a dashboard exists."""
        if officer is None or not (self.public_base_url and self.link_seconds):
            return None
        if group_id:
            return Response(self.alerts.private_only())
        minutes = max(1, self.link_seconds // 60)
        token = dashboard_sign_ins.issue(session, officer.id, self.clock(), seconds=self.link_seconds)
        if token is None:
            return Response(self.alerts.dashboard_too_many(int(dashboard_sign_ins.WINDOW.total_seconds()) // 60))
        log.info("dashboard: sign-in link sent to officer %s", officer.id)
        return Response(self.alerts.dashboard_link(dashboard_sign_ins.url(self.public_base_url, token), minutes))

    # -- case work (typed or tapped): bot/officer_actions.py ---------------------------------------
    def _act(self, session, officer, case: Case | None, action: str, choice: str | None = None,
             rest: str | None = None) -> Response:
        return officer_actions.act(self, session, officer, case, action, choice, rest)

    # -- groups ----------------------------------------------------------------------------------
    def _confirm_group(self, session, user_id, group_id) -> Response:
        """An officer confirms the link a group code asked for; a replaced group and the
        committee's on-duty officers are told (no case details)."""
        result = link_codes.confirm_group_link(session, group_id, user_id, self.clock())
        if result.outcome == "nothing":
            return Response(self.alerts.group_confirm_nothing())
        if result.outcome == "in_use":
            return Response(self.alerts.group_in_use(result.committee.name_th))
        if result.outcome == "refused":
            return Response(self.alerts.group_confirm_refused(result.committee.name_th))
        committee, officer = result.committee, result.officer
        log.warning("committee %s: LINE group %s linked, confirmed by officer %s (replaces %s)",
                    committee.id, group_id, officer.id, result.replaced or "none")
        rows = []
        if result.replaced:
            rows.append(self.casework.push(session, result.replaced,
                                           self.alerts.group_replaced_old(committee.name_th, officer.name)))
            rows += self.casework.tell_committee(
                session, committee.id, self.alerts.group_replaced_officers(committee.name_th, officer.name),
                skip_user=officer.line_user_id, group=False)
        return Response(self.alerts.group_linked(committee.name_th), also=rows)

    def _left(self, session, group_id) -> Response:
        """The bot was removed from (or left) a group: it is nobody's alert group any more."""
        for committee_id in directory.forget_group(session, group_id):
            log.warning("committee %s: the bot left its LINE group %s; alerts go to its officers only",
                        committee_id, group_id)
        return Response()

    # -- tapped ----------------------------------------------------------------------------------
    def _button(self, session, user_id, group_id, data: str) -> Response:
        parts = data.split("|")
        action, case_id = (parts[1], parts[2]) if 3 <= len(parts) <= 5 else ("", "")
        choice = parts[3] if len(parts) >= 4 else None
        rest = parts[4] if len(parts) == 5 else None
        officer = directory.officer_by_line_user(session, user_id) if user_id else None
        case = session.get(Case, int(case_id)) if case_id.isascii() and case_id.isdigit() and len(case_id) < 10 \
            else None
        case = self._case_for(session, officer, case) if officer else None
        if case is None:
            return Response(self.alerts.not_found())
        if action == "msg" and self.messages:   # as typing `msg REF` (1:1 chats only)
            return self.messages.respond(self, session, officer, group_id, f"msg {case.reference}")
        if action in officer_actions.ACTIONS:
            return self._act(session, officer, case, action, choice, rest)
        if action in ("ack", "esc") and not self._may_act(session, officer, case):
            return Response(self.alerts.read_only(case))
        if action == "ack":
            if case.status != "new":
                name = directory.officer_name(session, case.acknowledged_by) if case.acknowledged_by else ""
                return Response(self.alerts.already_acknowledged(case, name))
            rows = self.casework.acknowledge(session, case, officer)
            return Response(self.alerts.ack_confirmed(case), also=rows)
        if action == "esc":
            rows = self.casework.escalate(session, case, officer.id, "officer_request")
            response = Response(self.alerts.escalated(case, self._committee_name(session, case.committee_id)),
                                also=rows)
            response.schedule_escalation(case)
            return response
        if action == "info":
            details = self._details(session, case, officer)
            if group_id:  # never in the group: to the officer's own chat
                return Response(also=[self.casework.push(session, officer.line_user_id, details)])
            return Response(details)
        return Response(self.alerts.not_found())

    # -- who may see what (storage/case_scope.py is the one rule) ---------------------------------
    def typed_case(self, session, officer, typed_reference: str) -> Case | None:
        """The case a typed reference names, if the officer may see it."""
        return self._case_for(session, officer, case_store.by_reference(session, reference.normalise(typed_reference)))

    def _case_for(self, session, officer, case: Case | None) -> Case | None:
        """The case if the officer may see it (to act on, or read only after it was moved away
        from their committee), else None."""
        if case is None or officer is None:
            return None
        return case if case_scope.may_read(session, case_scope.scope_of(session, officer), case) else None

    def _may_act(self, session, officer, case: Case) -> bool:
        return case_scope.may_act(session, case_scope.scope_of(session, officer), case)

    def _details(self, session, case: Case, officer) -> list[dict]:
        case_store.record(session, case, "details_viewed", officer.id, officer.committee_id)
        events = case_store.trail(session, case.id)
        given = consents.of_case(session, case.id)
        consent = consent_line(self.alerts.text, consent_rules.summary(given)) if given else None
        return self.alerts.details(case, events, directory.names_of(session, _ids_in(events)), consent=consent,
                                   actions=self._may_act(session, officer, case) and case.status != "cancelled",
                                   referrals=bool(case_store.referrals(session, case.id)))

    @staticmethod
    def _committee_name(session, committee_id: str) -> str:
        committee = directory.get_committee(session, committee_id)
        return committee.name_th if committee else committee_id


def _ids_in(events) -> set[str]:
    """The officer and committee ids an audit trail mentions (for their names)."""
    ids: set[str] = set()
    for event in events:
        ids.update(i for i in (event.actor, event.committee_id, (event.detail or {}).get("frm")) if i)
    return ids
