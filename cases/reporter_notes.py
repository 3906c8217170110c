"""The reporter hears back: a short neutral note when their case is taken and when it is
closed, and the neutral state `status REF` answers (received / being looked at / finished).

`ReporterNotes` is the `reporter` collaborator of cases.casework.Casework:
`notify(session, case, what)` with what "taken" or "closed" returns the outbox rows to send
(none when the person may not be reached now). Pure rules: the database through the injected
store (storage/consents.ConsentStore), the LINE shape through the injected voice
(bot/officer_messages.ReporterVoice: renders a catalog text in the reporter's language and
encoding, and says whether the person is inside a report).

What is pushed, and when (cases/consent.py has the rule):
- only with a LINE consent granted at submit and not revoked ("stop"), never to a chat that
  blocked the bot, never while the person is inside a report (then nothing is pushed: the
  note is recorded as held, and `status` shows the state whenever they ask);
- at their safe time: outside it the row is queued and becomes due at the next safe moment
  (the outbox row's next_attempt_at: the sweeper sends it then);
- "only when I write first": never pushed; `status` shows it.
A queued row is asked again when it is sent (`at_send`, called by bot/delivery.py): if by then
the person withdrew consent, blocked the bot or is inside a report, it is dropped, and the
trail says why.
Words: the case's code and "the people who handle it", as the intake's own "sent" line; never
what the case is about, never police or trafficking. Every note (sent, queued or held) is a
line of the case's audit trail.
"""
from __future__ import annotations

from datetime import UTC, datetime

from locales.marker import N_

from . import consent as rules

# The reporter's side of a case: shown to them (intake domain, all five languages).
REPORTER_MESSAGE_IDS: dict[str, str] = {
    # TRANSLATORS: pushed to the person who reported when an official took their report. Neutral:
    # someone else may read the phone. {ref} is a bare code like ABC-123.
    "note.taken": N_("intake.reporter.taken"),
    # TRANSLATORS: pushed when their report was finished (closed). Neutral, no outcome.
    "note.closed": N_("intake.reporter.closed"),
    # TRANSLATORS: answer to "status ABC-123": received, nobody took it yet.
    "status.received": N_("intake.status.received"),
    # TRANSLATORS: answer to "status ABC-123": someone is working on it.
    "status.looked_at": N_("intake.status.looked_at"),
    # TRANSLATORS: answer to "status ABC-123": finished (closed or cancelled).
    "status.finished": N_("intake.status.finished"),
    # TRANSLATORS: answer to "status <code>" when the code is not one of this person's reports.
    "status.not_found": N_("intake.status.not_found"),
    # Prepared messages an official sends through the bot (bot/officer_messages.py).
    # TRANSLATORS: from the official: we received your report {ref}.
    "msg.received": N_("intake.msg.received"),
    # TRANSLATORS: from the official: are you safe now? Answer here.
    "msg.safe": N_("intake.msg.safe"),
    # TRANSLATORS: from the official: may we call you? Tell us a safe time.
    "msg.call_when": N_("intake.msg.call_when"),
    # TRANSLATORS: from the official: please call us on {number} (digits typed by the official).
    "msg.call_us": N_("intake.msg.call_us"),
    # TRANSLATORS: from the official: we can meet you: {place} (place and time typed by the official, in Thai).
    "msg.meet": N_("intake.msg.meet"),
    # TRANSLATORS: above a message an official typed, in Thai or English: {text} is their words.
    "msg.free": N_("intake.msg.free"),
}

NOTES = {"taken": "note.taken", "closed": "note.closed"}
# cases.status (issue 13's lifecycle) -> what the reporter is told. Unknown states: received.
STATUS_OF_STATE = {
    "new": "status.received", "acknowledged": "status.received",
    "taken": "status.looked_at", "in_progress": "status.looked_at", "referred": "status.looked_at",
    "closed": "status.finished", "cancelled": "status.finished",
}


def message_id(key: str) -> str:
    return REPORTER_MESSAGE_IDS[key]


def status_message_id(case) -> str:
    """The neutral state of a case, as the reporter may read it."""
    return REPORTER_MESSAGE_IDS[STATUS_OF_STATE.get(case.status, "status.received")]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ReporterNotes:
    def __init__(self, store, voice, clock=_utcnow):
        self.store = store    # storage.consents.ConsentStore
        self.voice = voice    # bot.officer_messages.ReporterVoice
        self.clock = clock

    def decision(self, session, case) -> rules.PushDecision:
        """May something be pushed to this case's reporter now?"""
        conversation = self.store.conversation(session, case.chat_key)
        return rules.may_push(rules.line_consent(self.store.consents(session, case.id)), self.clock(),
                              blocked=bool(conversation is not None and conversation.blocked_at is not None),
                              in_report=self.voice.in_report(conversation))

    def send(self, session, case, key: str, actor: str, committee_id: str | None, *, kind: str,
             detail: dict | None = None, **params) -> tuple[rules.PushDecision, list]:
        """Push the message `key` to the reporter if the rules allow (queued for their safe
        time if not now); record it in the trail either way. Returns the decision and rows."""
        decision = self.decision(session, case)
        detail = {"message": key, **(detail or {})}
        if not decision.allowed and decision.why != rules.NOT_NOW:
            self.store.record(session, case, f"{kind}_held", actor, committee_id, why=decision.why, **detail)
            return decision, []
        conversation = self.store.conversation(session, case.chat_key)
        messages = self.voice.messages(case.language, bool(conversation and conversation.zawgyi),
                                       REPORTER_MESSAGE_IDS[key], **params)
        row = self.store.push_later(session, case.chat_key, messages, decision.after, case.id)
        self.store.record(session, case, kind, actor, committee_id,
                          queued_until=decision.after.isoformat() if decision.after else None, **detail)
        return decision, [row]

    def at_send(self, session, case_id: int, outbox_id: int | None = None) -> rules.PushDecision:
        """Asked again when a push to the case's reporter is about to be sent (bot/delivery.py):
        a queued note or message may have waited hours, and since then the person may have
        said "stop", blocked the bot or started a report. Refused for good: the trail says
        so (`reporter_push_dropped`); not now: it waits for `after`."""
        case = self.store.case(session, case_id)
        if case is None:
            return rules.PushDecision(False, rules.NO_CONSENT)
        decision = self.decision(session, case)
        if not decision.allowed and decision.why != rules.NOT_NOW:
            self.store.record(session, case, "reporter_push_dropped", "system", case.committee_id,
                              why=decision.why, outbox_id=outbox_id)
        return decision

    def notify(self, session, case, what: str) -> list:
        """The note for `what` ("taken", "closed"): outbox rows, none when it may not go."""
        if what not in NOTES:
            return []
        _, rows = self.send(session, case, NOTES[what], "system", case.committee_id, kind="reporter_note",
                            ref=case.reference)
        return rows
