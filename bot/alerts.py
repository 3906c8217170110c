"""LINE messages for duty officers: the alert card of a case, its details, and the answers to
their taps and commands (bot/officers.py asks, cases/casework.py sends).

One object for the callers, in one language: the words are cases.alert_text's, the card's
layout bot/alert_cards.py's, the details' bot/alert_details.py's. Every method returns a list
of LINE message dicts that LINE accepts.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from cases import lifecycle
from cases.alert_text import AlertText
from line_limits import MAX_ACTION_LABEL_CHARS, MAX_QUICK_REPLY_ITEMS, MAX_TEXT_CHARS

from .alert_cards import alert_card, confirm_card, link_card, postback_data
from .alert_details import details, join_within, text_messages
from .render import fit


class AlertComposer:
    """LINE messages for officers about cases, in one language (Thai by default)."""

    def __init__(self, catalogs, summarise: Callable[[Any], list[str]] | None = None, *,
                 language: str = "th", clock: Callable[[], dt.datetime] | None = None):
        self.text = AlertText(catalogs, summarise, language=language, clock=clock)

    def alert(self, case, reason: str | None = None, *, nobody_at: str | None = None) -> list[dict]:
        """The flex card pushed to the committee's duty officers (and its group): no contact
        details, no place details, no words of the reporter (see cases/alert_text.py).
        `nobody_at`: the name of the committee nobody could be alerted at, for the reason."""
        return [alert_card(self.text, case, reason, nobody_at)]

    def details(self, case, events: Iterable = (), names: Mapping[str, str] | None = None, *,
                actions: bool = False, referrals: bool = False, consent: str | None = None) -> list[dict]:
        """Everything about the case, for an officer's 1:1 chat only (see bot/alert_details.py);
        `actions`: the case work its state allows as quick replies under it (not for read-only
        access); `referrals`: the case has referrals (then Referral status where allowed);
        `consent`: the reporter's consent line (bot/officer_messages.consent_line), with the contact."""
        messages = details(self.text, case, events, names, consent=consent)
        return self._with_actions(messages, case, referrals=referrals) if actions else messages

    def case_list(self, cases: Iterable, now: dt.datetime | None = None) -> list[dict]:
        """The open cases, newest first as given: reference, urgency, area, age, status."""
        cases = list(cases)
        if not cases:
            return self._say("case_list.empty")
        return text_messages(join_within(self.text.case_list_lines(cases, now), MAX_TEXT_CHARS))

    # -- answers to officers ----------------------------------------------------------------------
    def acknowledged(self, case, officer) -> list[dict]:
        """To the other officers: who took the case, and when."""
        name = getattr(officer, "name", None) or self._unknown()
        moment = getattr(case, "acknowledged_at", None) or self.text.clock()
        return self._say("acknowledged", name=name, reference=case.reference, time=self.text.when(moment))

    # -- case work (cases/casework.py): to the committee (officers and group: no contact details) ---
    def taken(self, case, officer) -> list[dict]:
        moment = getattr(case, "assigned_at", None) or self.text.clock()
        return self._say("taken", name=self._name(officer), reference=case.reference, time=self.text.when(moment))

    def referred(self, case, officer, service: str) -> list[dict]:
        return self._say("referred", name=self._name(officer), reference=case.reference,
                         service=self.text.choice("service", service))

    def moved(self, case, officer, committee_name: str | None) -> list[dict]:
        return self._say("moved", name=self._name(officer), reference=case.reference,
                         committee=committee_name or self._unknown())

    def closed(self, case, officer, outcome: str) -> list[dict]:
        return self._say("closed", name=self._name(officer), reference=case.reference,
                         outcome=self.text.choice("outcome", outcome))

    def reopened(self, case, officer) -> list[dict]:
        return self._say("reopened", name=self._name(officer), reference=case.reference)

    def reminder(self, case, officer) -> list[dict]:
        names = {officer.id: officer.name} if getattr(officer, "id", None) else {}
        return self._say("reminder", reference=case.reference, status=self.text.status(case, names),
                         name=self._name(officer))

    # -- case work: answers to the officer who acted -------------------------------------------------
    def take_confirmed(self, case) -> list[dict]:
        return self._with_actions(self._say("take_confirmed", reference=case.reference), case)

    def refer_done(self, case, service: str, agency: str | None) -> list[dict]:
        return self._say("refer_done", reference=case.reference, service=self.text.choice("service", service),
                         agency=agency or "")

    def move_done(self, case, committee_name: str | None) -> list[dict]:
        return self._say("move_done", reference=case.reference, committee=committee_name or self._unknown())

    def close_done(self, case, outcome: str) -> list[dict]:
        return self._say("close_done", reference=case.reference, outcome=self.text.choice("outcome", outcome))

    def not_allowed(self, case) -> list[dict]:
        """A transition the case's state does not allow: "not possible: it is closed"."""
        return self._say("not_allowed", reference=case.reference, status=self.text.status(case))

    def already_yours(self, case) -> list[dict]:
        return self._say("already_yours", reference=case.reference)

    def read_only(self, case) -> list[dict]:
        return self._say("read_only", reference=case.reference)

    def unknown_choice(self, value: str) -> list[dict]:
        return self._say("unknown_choice", value=value[:100])

    def choose_outcome(self, case, outcomes: Iterable[str]) -> list[dict]:
        """Close: the outcomes as quick replies (postback "case|close|<id>|<outcome>")."""
        return self._choose(self.text.t("choose_outcome", reference=case.reference),
                            [(self.text.choice("outcome", o), postback_data("close", case, o)) for o in outcomes])

    def choose_service(self, case, services: Iterable[str]) -> list[dict]:
        """Refer: the services as quick replies (postback "case|refer|<id>|<service>")."""
        return self._choose(self.text.t("choose_service", reference=case.reference),
                            [(self.text.choice("service", s), postback_data("refer", case, s)) for s in services])

    def ask_agency(self, case, service: str) -> list[dict]:
        """After the service: the agency typed (refer REF service name, contact) or Skip."""
        text = self.text.t("ask_agency", reference=case.reference, service=self.text.choice("service", service),
                           service_id=service)
        return self._choose(text, [(self.text.t("button.skip.label"), postback_data("refer", case, service, "-"))])

    def choose_activity(self, case, activities: Iterable[str]) -> list[dict]:
        """In progress: what started, as quick replies (postback "case|start|<id>|<activity>")."""
        return self._choose(self.text.t("choose_activity", reference=case.reference),
                            [(self.text.choice("activity", a), postback_data("start", case, a)) for a in activities])

    def start_done(self, case, activity: str) -> list[dict]:
        return self._say("start_done", reference=case.reference, activity=self.text.choice("activity", activity))

    def no_referrals(self, case) -> list[dict]:
        return self._say("no_referrals", reference=case.reference)

    def choose_referral(self, case, numbered: Iterable[tuple[int, Any]]) -> list[dict]:
        """Referral status: the case's referrals by number with their state; the latest 13 as
        quick replies (postback "case|referral|<id>|<number>")."""
        numbered = list(numbered)
        lines = [self._referral_line(number, referral) for number, referral in numbered]
        text = "\n".join([self.text.t("choose_referral", reference=case.reference), *lines])
        choices = [(f"{number}. {self.text.choice('service', r.service)}", postback_data("referral", case, str(number)))
                   for number, r in numbered[-MAX_QUICK_REPLY_ITEMS:]]
        return self._choose(fit(text, MAX_TEXT_CHARS), choices)

    def choose_referral_state(self, case, number: int, referral, states: Iterable[str]) -> list[dict]:
        """One referral: its new state as quick replies (postback "case|referral|<id>|<number>|<state>")."""
        text = self.text.t("choose_referral_state", reference=case.reference,
                           referral=self._referral_line(number, referral))
        return self._choose(text, [(self.text.choice("referral_state", s),
                                    postback_data("referral", case, str(number), s))
                                   for s in states if s != referral.state])

    def referral_done(self, case, number: int, referral) -> list[dict]:
        return self._say("referral_done", reference=case.reference, referral=self._referral_line(number, referral))

    def reopen_done(self, case) -> list[dict]:
        return self._with_actions(self._say("reopen_done", reference=case.reference), case)

    def _referral_line(self, number: int, referral) -> str:
        return self.text.t("referral_line", number=number, service=self.text.choice("service", referral.service),
                           agency=referral.agency or "", state=self.text.choice("referral_state", referral.state))

    def choose_committee(self, case, committees: Iterable[tuple[str, str]]) -> list[dict]:
        """Move: the committees of the chain as quick replies (id, name), or typed."""
        committees = list(committees)
        text = self.text.t("choose_committee", reference=case.reference,
                           example=committees[0][0] if committees else "CRI-57")
        return self._choose(text, [(name, postback_data("move", case, cid)) for cid, name in committees])

    def _with_actions(self, messages: list[dict], case, *, referrals: bool = False) -> list[dict]:
        """The case work as quick replies under the last message (`case REF`, after Take): an
        open case has Take, Close, Refer, Move, Message reporter, and In progress and Referral status when its
        state allows them; a closed case Reopen (and Referral status). At most 8 of LINE's 13."""
        status = getattr(case, "status", None) or lifecycle.NEW
        if status in lifecycle.FINISHED:
            actions = [a for a, allowed in (("reopen", lifecycle.allowed(lifecycle.REOPEN, status)),
                                            ("referral", referrals and
                                             lifecycle.allowed(lifecycle.REFERRAL_UPDATE, status))) if allowed]
        else:
            actions = ["take", "close", "refer", "move", "msg"]
            actions += ["start"] if lifecycle.allowed(lifecycle.START, status) else []
            actions += ["referral"] if referrals and lifecycle.allowed(lifecycle.REFERRAL_UPDATE, status) else []
        if not actions:
            return messages
        items = [_quick(self.text.t(f"button.{action}.label"), postback_data(action, case)) for action in actions]
        return messages[:-1] + [{**messages[-1], "quickReply": {"items": items[:MAX_QUICK_REPLY_ITEMS]}}]

    def _choose(self, text: str, choices: list[tuple[str, str]]) -> list[dict]:
        message = text_messages(text)[-1]
        items = [_quick(label, data) for label, data in choices][:MAX_QUICK_REPLY_ITEMS]
        return [{**message, "quickReply": {"items": items}}] if items else [message]

    def _name(self, officer) -> str:
        return getattr(officer, "name", None) or self._unknown()

    def ack_confirmed(self, case) -> list[dict]:
        return self._say("ack_confirmed", reference=case.reference)

    def already_acknowledged(self, case, officer_name: str | None) -> list[dict]:
        return self._say("already_acknowledged", reference=case.reference, name=officer_name or self._unknown())

    def escalated(self, case, committee_name: str | None) -> list[dict]:
        return self._say("escalated", reference=case.reference, committee=committee_name or self._unknown())

    def cancelled(self, case) -> list[dict]:
        return self._say("cancelled", reference=case.reference)

    def note_saved(self, case) -> list[dict]:
        return self._say("note_saved", reference=case.reference)

    def not_found(self) -> list[dict]:
        """The same words for a wrong reference and for someone who may not see the case."""
        return self._say("not_found")

    def linked(self, officer_name: str | None, committee_name: str | None) -> list[dict]:
        return self._say("linked", name=officer_name or self._unknown(), committee=committee_name or self._unknown())

    def link_failed(self) -> list[dict]:
        return self._say("link_failed")

    def group_linked(self, committee_name: str | None) -> list[dict]:
        return self._say("group_linked", committee=committee_name or self._unknown())

    def group_pending(self, committee_name: str | None, confirm_data: str) -> list[dict]:
        """In the group, after a right group code: an officer of the committee must confirm
        here (a button, or the words)."""
        text = self.text.t("group_pending", committee=committee_name or self._unknown())
        return [confirm_card(text, self.text.t("button.confirm_group.label"), confirm_data,
                             self.text.t("confirm_group.display"))]

    def group_in_use(self, committee_name: str | None) -> list[dict]:
        return self._say("group_in_use", committee=committee_name or self._unknown())

    def group_confirm_refused(self, committee_name: str | None) -> list[dict]:
        return self._say("group_confirm_refused", committee=committee_name or self._unknown())

    def group_confirm_nothing(self) -> list[dict]:
        return self._say("group_confirm_nothing")

    def group_replaced_old(self, committee_name: str | None, officer_name: str | None) -> list[dict]:
        """To the group that had the committee's alerts until now."""
        return self._say("group_replaced_old", committee=committee_name or self._unknown(),
                         name=officer_name or self._unknown())

    def group_replaced_officers(self, committee_name: str | None, officer_name: str | None) -> list[dict]:
        """To the committee's officers: their alert group changed, and who confirmed it."""
        return self._say("group_replaced_officers", committee=committee_name or self._unknown(),
                         name=officer_name or self._unknown())

    def private_only(self) -> list[dict]:
        """A command that shows case details, typed in a group."""
        return self._say("private_only")

    def help(self, dashboard_data: str | None = None) -> list[dict]:
        """The commands; with `dashboard_data`, a Dashboard quick reply (postback) that asks for a link."""
        if dashboard_data is None:
            return self._say("help")
        return self._choose(self.text.t("help"), [(self.text.t("button.dashboard_link.label"), dashboard_data)])

    def dashboard_link(self, uri: str, minutes: int) -> list[dict]:
        """The one-time sign-in link to the dashboard, as a button (1:1 chats only)."""
        return [link_card(self.text.t("dashboard_link", minutes=minutes), self.text.t("button.dashboard.label"), uri)]

    def dashboard_too_many(self, minutes: int) -> list[dict]:
        """The officer asked for too many links lately: wait, then ask again."""
        return self._say("dashboard_too_many", minutes=minutes)

    def _say(self, key: str, **params) -> list[dict]:
        return text_messages(self.text.t(key, **params))

    def _unknown(self) -> str:
        return self.text.t("unknown")


def _quick(label: str, data: str) -> dict:
    label = fit(label, MAX_ACTION_LABEL_CHARS)
    return {"type": "action", "action": {"type": "postback", "label": label, "data": data, "displayText": label}}
