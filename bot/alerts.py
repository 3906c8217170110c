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

from cases.alert_text import AlertText
from line_limits import MAX_TEXT_CHARS

from .alert_cards import alert_card, confirm_card
from .alert_details import details, join_within, text_messages


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

    def details(self, case, events: Iterable = (), names: Mapping[str, str] | None = None) -> list[dict]:
        """Everything about the case, for an officer's 1:1 chat only (see bot/alert_details.py)."""
        return details(self.text, case, events, names)

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

    def help(self) -> list[dict]:
        return self._say("help")

    def _say(self, key: str, **params) -> list[dict]:
        return text_messages(self.text.t(key, **params))

    def _unknown(self) -> str:
        return self.text.t("unknown")
