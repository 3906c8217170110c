"""Officer -> reporter messages through the bot (`msg REF`), and the reporter's side of it.

`msg REF` in an officer's 1:1 chat offers the prepared messages as quick replies (each types
the command that sends it); `msg REF received|safe|when`, `msg REF call <number>`,
`msg REF meet <place and time>` send one, in the reporter's language; `msg REF <anything
else>` sends the officer's own words, under a line in the reporter's language saying they
come from the people who handle their message, and the officer is warned the reporter may
not read Thai. Only officers who may see the case (bot/officers.OfficerDesk._case_for);
anyone else gets the same "not found". In a group: "ask me in a private chat".

Whether it goes is cases/consent.py's rule, applied by cases/reporter_notes.ReporterNotes.send:
LINE consent granted and not revoked, not blocked, not inside a report, not "only when I write
first"; outside their safe hours it is queued for the next safe moment. The officer is told
which. Every message (sent, queued, held) is a line of the case's trail, its words encrypted.

The reporter's replies: once an officer's message was sent (or queued), what the reporter
types (outside a report, not a help/danger/menu word, not an answer to a question asking for
text) goes to the case's trail (encrypted) and to that officer's 1:1 chat with the case's
reference, and the reporter is told it was passed on, with a Menu button; going back to the
menu ends it (bot/conversation.py; storage/consents.talk_officer_id). The officer is the one
who took the case (cases.assigned_to) while it is taken; if nobody took it, the one who wrote
last (`reply_to`).
"""
from __future__ import annotations

import re

from cases import consent as rules
from cases import reference
from cases.reporter_notes import ReporterNotes
from flows.model import Say
from line_limits import MAX_ACTION_LABEL_CHARS, MAX_TEXT_CHARS
from locales.languages import AUTONYMS, FALLBACK_LANGUAGE
from locales.marker import N_
from storage import cases as case_store
from storage import consents
from storage.models import Case, Officer

from .render import fit
from .response import Response

MSG = re.compile(rf"^\s*(?:msg|ข้อความ)\s+({reference.TYPED})(?:\s+(.*))?$",
                 re.IGNORECASE | re.DOTALL)
# keyword -> (reporter message key, the param the officer types, if any)
PREPARED = {"received": ("msg.received", None), "safe": ("msg.safe", None), "when": ("msg.call_when", None),
            "call": ("msg.call_us", "number"), "meet": ("msg.meet", "place")}
MAX_TYPED = 1000   # what an officer types into a message to the reporter
MAX_REPLY = 2000   # what a reporter's reply carries to the officer

# What officers read about it (officer domain, Thai and English).
OFFICER_MESSAGE_IDS: dict[str, str] = {
    # TRANSLATORS: above the prepared messages' buttons. {reference}: the case. Explains the typed forms.
    "menu": N_("officer.msg.menu"),
    # TRANSLATORS: button label (at most 20 characters): "we received your report".
    "label.received": N_("officer.msg.label.received"),
    # TRANSLATORS: button label (at most 20 characters): "are you safe now?".
    "label.safe": N_("officer.msg.label.safe"),
    # TRANSLATORS: button label (at most 20 characters): "can we call you at a safe time?".
    "label.when": N_("officer.msg.label.when"),
    # TRANSLATORS: the message was sent to the reporter of {reference}.
    "sent": N_("officer.msg.sent"),
    # TRANSLATORS: the message waits for the reporter's safe time {time} (Bangkok).
    "queued": N_("officer.msg.queued"),
    # TRANSLATORS: after a typed (free) message: the reporter may not read Thai.
    "free_warning": N_("officer.msg.free_warning"),
    # TRANSLATORS: `msg REF call` or `msg REF meet` without the number or place.
    "needs_value": N_("officer.msg.needs_value"),
    # TRANSLATORS: not sent: the reporter did not agree to be contacted on LINE.
    "not_sent.no_consent": N_("officer.msg.not_sent.no_consent"),
    # TRANSLATORS: not sent: the reporter withdrew their consent ("stop").
    "not_sent.revoked": N_("officer.msg.not_sent.revoked"),
    # TRANSLATORS: not sent: the reporter asked to be contacted only after they write first.
    "not_sent.waits_for_them": N_("officer.msg.not_sent.waits_for_them"),
    # TRANSLATORS: not sent: the reporter blocked the bot.
    "not_sent.blocked": N_("officer.msg.not_sent.blocked"),
    # TRANSLATORS: not sent now: the reporter is answering questions in the bot; try again later.
    "not_sent.in_report": N_("officer.msg.not_sent.in_report"),
    # TRANSLATORS: the reporter's answer, pushed to the officer who wrote to them: {reference} the case,
    # {language} the name of the reporter's language in its own script, {text} their words as written.
    "reply": N_("officer.msg.reply"),
    # TRANSLATORS: one line of the case details: the reporter's consent, per channel ({line}, {phone}).
    "consent.row": N_("officer.consent.row"),
    # TRANSLATORS: consent state shown in the case details: granted, with the safe time after it.
    "consent.granted": N_("officer.consent.granted"),
    # TRANSLATORS: consent state shown in the case details: not given.
    "consent.refused": N_("officer.consent.refused"),
    # TRANSLATORS: consent state shown in the case details: withdrawn by the reporter.
    "consent.revoked": N_("officer.consent.revoked"),
}


class ReporterVoice:
    """Renders a reporter-facing catalog text as LINE messages, in their language and
    encoding; and tells whether the person is inside a report (no push then)."""

    def __init__(self, renderer, answering_report=None):
        self.renderer = renderer
        # bot.conversation.FlowResponder.answering_report, set by app.py: the one rule of "inside a report"
        self.answering_report = answering_report

    def messages(self, language: str | None, zawgyi: bool, message_id: str, **params) -> list[dict]:
        return self.renderer.render([Say(message_id, params=params)], language or FALLBACK_LANGUAGE, zawgyi)

    def in_report(self, conversation) -> bool:
        """Answering a report's questions now (no push then); after Send a note may go."""
        return conversation is not None and self.answering_report is not None and \
            self.answering_report(conversation)


class OfficerMessages:
    """`msg REF ...` from an officer's chat (delegated to by bot/officers.OfficerDesk)."""

    def __init__(self, notes: ReporterNotes, alerts):
        self.notes = notes
        self.alerts = alerts   # bot.alerts.AlertComposer: the officers' language and catalogs

    def relay(self, session, conversation, text: str) -> list | None:
        """The reporter wrote while an officer is talking with them: recorded in the case and
        pushed to that officer; the outbox rows, or None when nobody is talking with them."""
        consent = consents.talking(session, conversation.chat_key)
        if consent is None:
            return None
        case = session.get(Case, consent.case_id)
        words = text.strip()[:MAX_REPLY]
        case_store.record(session, case, "reporter_reply", "reporter", case.committee_id, text=words)
        officer = session.get(Officer, reply_to(case, consent))
        if officer is None or not officer.active or not officer.line_user_id:
            return []
        language = AUTONYMS.get(case.language or "") or (case.language or "")
        messages = _Say(self.alerts.text)("reply", reference=case.reference, language=language, text=words)
        return [self.notes.store.push_later(session, officer.line_user_id, messages, None)]

    def respond(self, desk, session, officer, group_id, text: str):
        """A Response, or None when the text is not a `msg` command."""
        match = MSG.match(text)
        if match is None:
            return None
        if group_id:
            return Response(desk.alerts.private_only())
        case = desk.typed_case(session, officer, match.group(1))
        if case is None:
            return Response(desk.alerts.not_found())
        if not desk._may_act(session, officer, case):   # a committee the case was moved away from only reads
            return Response(desk.alerts.read_only(case))
        say = _Say(desk.alerts.text)
        rest = (match.group(2) or "").strip()
        if not rest:
            return Response(say.menu(case.reference))
        word, _, value = rest.partition(" ")
        prepared = PREPARED.get(word.casefold()) if word.isascii() else None
        if prepared is not None:
            key, param = prepared
            value = value.strip()[:200]
            if param and not value:
                return Response(say("needs_value", reference=case.reference))
            params = {"ref": case.reference, **({param: value} if param else {})}
            decision, rows = self.notes.send(session, case, key, officer.id, officer.committee_id,
                                             kind="reporter_message", detail={"params": params}, **params)
            self._talk(session, case, officer, rows)
            return Response(say.outcome(case.reference, decision), also=rows)
        words = rest[:MAX_TYPED]
        decision, rows = self.notes.send(session, case, "msg.free", officer.id, officer.committee_id,
                                         kind="reporter_message", detail={"text": words}, text=words,
                                         ref=case.reference)
        self._talk(session, case, officer, rows)
        return Response(say.outcome(case.reference, decision, free=True), also=rows)

    @staticmethod
    def _talk(session, case, officer, rows) -> None:
        """A message went (or waits for a safe time): the reporter's answers go to this officer."""
        if rows:
            consents.start_talk(session, case.id, officer.id)


def reply_to(case, consent) -> str | None:
    """The officer whose chat gets the reporter's replies: the one who took the case (the issue:
    "to the taking officer's chat"), else the one who wrote to them last."""
    return case.assigned_to or consent.talk_officer_id


class _Say:
    """Officer-facing texts (officer domain) as LINE messages."""

    def __init__(self, alert_text):
        self.catalogs, self.language = alert_text.catalogs, alert_text.language

    def t(self, key: str, **params) -> str:
        return self.catalogs.text(self.language, OFFICER_MESSAGE_IDS[key], **params)

    def __call__(self, key: str, **params) -> list[dict]:
        return [{"type": "text", "text": fit(self.t(key, **params), MAX_TEXT_CHARS)}]

    def menu(self, reference: str) -> list[dict]:
        items = [{"type": "action", "action": {"type": "message",
                                               "label": fit(self.t(f"label.{word}"), MAX_ACTION_LABEL_CHARS),
                                               "text": f"msg {reference} {word}"}}
                 for word in ("received", "safe", "when")]
        return [{**self("menu", reference=reference)[0], "quickReply": {"items": items}}]

    def outcome(self, reference: str, decision: rules.PushDecision, free: bool = False) -> list[dict]:
        if decision.allowed:
            lines = [self.t("sent", reference=reference)]
        elif decision.why == rules.NOT_NOW:
            local = decision.after.astimezone(rules.BANGKOK)
            lines = [self.t("queued", reference=reference, time=local.strftime("%d/%m %H:%M"))]
        else:
            return self(f"not_sent.{decision.why}", reference=reference)
        if free:
            lines.append(self.t("free_warning"))
        return [{"type": "text", "text": fit("\n".join(lines), MAX_TEXT_CHARS)}]

    def consent_line(self, summary: dict[str, str]) -> str:
        """The case details' consent line, from cases.consent.summary."""
        shown = {}
        for channel in rules.CHANNELS:
            state = summary.get(channel, "refused")
            kind, _, when = state.partition(":")
            shown[channel] = self.t(f"consent.{kind}") + (
                f" ({self.catalogs.text(self.language, f'officer.value.contact_when.{when}')})" if when else "")
        return self.t("consent.row", **shown)


def consent_line(alert_text, summary: dict[str, str]) -> str:
    """The consent line of the case details: `summary` is
    cases.consent.summary(storage.consents.of_case(session, case.id))."""
    return _Say(alert_text).consent_line(summary)

