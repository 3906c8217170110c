"""Answer a person through the flow engine: language, Zawgyi, effects, rendering.

This is where the channel meets the flows: a LINE event becomes an Input, the engine's
outputs become LINE messages in the person's language. The flows never see LINE.
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import replace
from typing import ClassVar

from cases import reference, reporter_notes
from cases.link_codes import plain_digits
from flows import language as lang
from flows.engine import MAX_CHOICES, Engine, choice_data
from flows.model import Ask, Choice, Effect, Say
from locales.languages import FALLBACK_LANGUAGE
from storage import case_photos, consents, erasure
from storage import cases as case_store
from storage import news as news_store
from storage.models import utcnow

from . import news_effects, reminder_effects
from .events import is_group, to_input, user_of
from .response import Response

log = logging.getLogger(__name__)

# The numbers under the apology: the emergency step's card (in the reader's language first).
APOLOGY_DIAL = "emergency.now"
# `status ABC-123` (issue 13): the word in en, th, my, km, lo, then a case reference.
STATUS = re.compile(r"^\s*(?:status|สถานะ|အခြေအနေ|ស្ថានភាព|ສະຖານະ)\s*([0-9A-Za-z]{3})\s*-?\s*([0-9A-Za-z]{3})\s*$",
                    re.IGNORECASE)


TALKING_STEP = "contact.talking"   # an official wrote; the person's words go to them (flows/data/contact.yaml)


class FlowResponder:
    # bot/officer_messages.OfficerMessages, set by app.py: relays a reporter's answers to an officer
    talk = None

    def __init__(self, engine: Engine, catalogs, renderer, line, casework=None, clock=time.time):
        self.engine = engine
        self.catalogs = catalogs
        self.renderer = renderer
        self.line = line
        self.casework = casework      # turns a confirmed report into a case (cases.casework)
        self.clock = clock

    def respond(self, event: dict, conversation, session=None) -> Response:
        given = to_input(event)
        if given is None or is_group(event):
            return Response()  # group chats belong to officers' alerts, not to these flows
        notes = []
        detection = None
        if given.kind == "text":
            # langdetect is slow: only while we do not know the language yet
            text, detection = lang.normalise_input(given.text, statistics=conversation.language is None)
            given = replace(given, text=text)
            if detection.zawgyi and not conversation.zawgyi:
                conversation.zawgyi = True
                notes.append("ui.zawgyi_hint")
        before = conversation.language
        phone_language = self._settle_language(conversation, detection, user_of(event))
        state = conversation.state or {}
        now = self.clock()
        response = Response()

        def perform(effect: Effect, working: dict) -> bool:  # Send, cancel: the engine goes on by the outcome
            return self._apply(conversation, working, effect, session, response)

        if given.kind == "text" and (status := STATUS.match(plain_digits(given.text))):
            response.messages = self.renderer.finish(self._status(conversation, session, "".join(status.groups())))
            response.push_allowed = not self._in_report(state)
            return response  # where they were in the flows stays as it was
        relayed = self._relay(conversation, state, given, session)
        ask_encoding = relayed is None and self._asks_encoding(before, conversation, detection, given)
        if relayed is not None:  # an official is talking with them: their words went to the case
            response.also += relayed
            state, outputs = self.engine.goto(state, TALKING_STEP, now)
        elif conversation.language is None and not self._answers_without_language(state, given):
            state, outputs = self.engine.goto(state, self.engine.flows.language_step, now)
        elif ask_encoding:
            state, outputs = self.engine.goto(state, self.engine.flows.encoding_step, now)
        else:  # "help" before we know the language gets help first; a language tapped is set
            language = conversation.language or FALLBACK_LANGUAGE
            state, outputs = self.engine.handle(state, given, now,
                                                lambda message_id: self.catalogs.text(language, message_id), perform)
        if phone_language:
            outputs = self._offer_language(outputs, phone_language)
        response.messages = self._render(conversation, state, notes, outputs, session, response)
        if ask_encoding:
            response.messages = _in_both_encodings(response.messages)
        if self.talk is not None and session is not None and state.get("at") == self.engine.flows.entry:
            consents.end_talk(session, conversation.chat_key)  # back at the menu: the talk is over
        conversation.state = state
        response.push_allowed = not self._in_report(state)
        response.emergency = self._in_emergency(state)
        return response

    def _relay(self, conversation, state: dict, given, session) -> list | None:
        """Outbox rows to the official talking with this person, if their text goes there: not
        inside a report, not a help/danger/menu word, not an answer to a question that asks
        for text (bot/officer_messages.OfficerMessages.relay)."""
        if self.talk is None or session is None or given.kind != "text" or self._answering_report(state):
            return None
        if self.engine.interrupts(given.text):
            return None
        at = state.get("at") or ""
        if self.engine.flows.has_step(at) and (self.engine.flows.step(at).input or {}).get("type") == "text":
            return None
        return self.talk.relay(session, conversation, given.text)

    def answering_report(self, conversation) -> bool:
        """Whether this person is answering a report's questions now (nothing is pushed to
        them then: bot/officer_messages.ReporterVoice asks here)."""
        return self._answering_report(conversation.state or {})

    def _answering_report(self, state: dict) -> bool:
        """Inside a report with answers not sent yet. After Send the person is still at the
        report's last step, but the state keeps only the case's code: a note may go then."""
        data = state.get("data") or {}
        return self._in_report(state) and (not data or set(data) - {"case_ref"} != set())

    def _status(self, conversation, session, raw: str) -> list[dict]:
        """The neutral state of one of the person's own cases; a case of another chat gets
        the same "not found" as a wrong code (cases/reporter_notes.py has the words)."""
        case = case_store.by_reference(session, reference.normalise(raw)) if session is not None else None
        if case is None or case.chat_key != conversation.chat_key:
            message = Say(reporter_notes.message_id("status.not_found"))
        else:
            case_store.record(session, case, "status_viewed", "reporter", case.committee_id)
            message = Say(reporter_notes.status_message_id(case), params={"ref": case.reference})
        return self._flush(conversation, [message])

    def _in_emergency(self, state: dict) -> bool:
        """An answer that leaves the person in an emergency flow (flows/data: `emergency: true`)
        is kept trying until delivered (bot/delivery.py)."""
        at = state.get("at") or ""
        return self.engine.flows.has_step(at) and self.engine.flows.flow_of(at).emergency

    def may_push(self, conversation) -> bool:
        """Whether any answer to this chat (the flows', the officers' desk's, an apology)
        may fall back to a push: never while the person is inside a report."""
        return not self._in_report(conversation.state or {})

    def _in_report(self, state: dict) -> bool:
        """Inside a report, a late answer is never pushed: a push shows on a phone someone
        else may be holding (the reply token only answers a message the person just sent)."""
        at = state.get("at") or ""
        return self.engine.flows.has_step(at) and self.engine.flows.flow_of(at).resumable

    def apology(self, conversation) -> Response:
        """Sorry, in their language; inside a report it is a reply or nothing, never a push."""
        return Response(messages=self.renderer.finish(self.renderer.render(
            [_say("ui.apology"), self.engine.dial(APOLOGY_DIAL)], conversation.language or FALLBACK_LANGUAGE,
            conversation.zawgyi)),
            push_allowed=self.may_push(conversation))

    def _answers_without_language(self, state: dict, given) -> bool:
        """With no language yet, the engine still takes a help word (help first) and the
        answer to the language question (a tapped language, or its name typed): anything
        else shows that question again. Without this a tapped language was never set and
        the question came back for ever (LINE gives no profile language to people who
        have not accepted its privacy policy)."""
        if given.kind == "text" and self.engine.interrupts(given.text):
            return True
        step = self.engine.flows.language_step
        if state.get("at") != step:
            return False
        if given.kind == "choice":
            return True
        names = {_fold(choice.get("text") or "") for choice in self.engine.flows.step(step).choices}
        return given.kind == "text" and _fold(given.text) in names

    def _asks_encoding(self, before: str | None, conversation, detection, given) -> bool:
        """A first Burmese message too short to tell Zawgyi from Unicode: ask, in both
        encodings, rather than answer in one the phone may show garbled. Later ones keep
        the conversation's encoding; a message that tells (Zawgyi) still switches it."""
        return bool(detection and detection.unsure_encoding and detection.language == "my"
                    and conversation.language == "my" and before != "my"
                    and self.engine.flows.has_step(self.engine.flows.encoding_step)
                    and not self.engine.interrupts(given.text))

    def _settle_language(self, conversation, detection, user_id: str | None) -> str | None:
        """The policy is flows.language.choose_language; the LINE profile is asked only
        while we have no language yet. Returns the phone's language when it is one of ours
        and differs from the one chosen from the person's own words (offered as one tap)."""
        if conversation.language is not None or not user_id:
            chosen = lang.choose_language(detection, None, conversation.language)
            profile_language = None
        else:
            profile_language = lang.from_line_language((self.line.profile(user_id) or {}).get("language"))
            chosen = lang.choose_language(detection, profile_language, conversation.language)
        if chosen != conversation.language:
            conversation.language = chosen
            if chosen != "my":
                conversation.zawgyi = False
        if profile_language and chosen and profile_language != chosen:
            return profile_language
        return None

    def _offer_language(self, outputs: list, language: str) -> list:
        """Add the phone's language as one more button of the last question: a person who
        wrote in one script on a phone set to another chooses in one tap."""
        step = self.engine.flows.step(self.engine.flows.language_step)
        index = next((i for i, choice in enumerate(step.choices)
                      if (choice.get("args") or {}).get("language") == language
                      and not (choice.get("args") or {}).get("zawgyi")), None)
        asks = [i for i, output in enumerate(outputs) if isinstance(output, Ask)]
        if index is None or not asks or len(outputs[asks[-1]].choices) >= MAX_CHOICES:
            return outputs
        last = outputs[asks[-1]]
        offer = Choice(step.choices[index]["text"], choice_data(step.key, index), literal=True)
        return outputs[:asks[-1]] + [Ask(last.choices + (offer,))] + outputs[asks[-1] + 1:]

    def _render(self, conversation, state: dict, notes: list[str], outputs, session, response) -> list[dict]:
        """Render in order, applying effects as they come: a language chosen mid-way
        applies to everything after it."""
        messages: list[dict] = []
        pending = [_say(note) for note in notes]
        for output in outputs:
            if isinstance(output, Effect):
                messages += self._flush(conversation, pending)
                pending = []
                self._apply(conversation, state, output, session, response)
            elif isinstance(output, Say) and output.fields:  # an effect may have set them
                data = state.get("data") or {}
                pending.append(replace(output, params={k: data.get(f, "") for k, f in output.fields.items()}))
            else:
                pending.append(output)
        messages += self._flush(conversation, pending)
        return self.renderer.finish(messages)

    def _flush(self, conversation, outputs) -> list[dict]:
        if not outputs:
            return []
        return self.renderer.render(outputs, conversation.language or FALLBACK_LANGUAGE, conversation.zawgyi)

    def _apply(self, conversation, state: dict, effect: Effect, session, response: Response) -> bool:
        """Do an effect; False if it did not happen (nothing to send, nothing to cancel).
        One handler per name of flows/effects.py, whose loader refuses any other name."""
        handler = self.EFFECT_HANDLERS.get(effect.name)
        if handler is None:  # only a flow set built without the loader can get here
            log.warning("unknown effect %s", effect.name)
            return False
        return handler(self, conversation, state.setdefault("data", {}), state, effect, session, response)

    def _set_language(self, conversation, data, state, effect, session, response) -> bool:
        conversation.language = effect.args["language"]
        conversation.zawgyi = bool(effect.args.get("zawgyi", False))
        if session is not None:  # news comes in the language they read now (storage/news.py)
            news_store.set_language(session, conversation.chat_key, conversation.language, conversation.zawgyi)
        return True

    def _mark_urgent(self, conversation, data, state, effect, session, response) -> bool:
        data["urgent"] = True
        return True

    def _submit_report(self, conversation, data, state, effect, session, response) -> bool:
        if not any(not key.startswith("_") and key not in ("case_ref", "urgent") for key in data):
            log.info("submit ignored: no answers (an old Send button tapped again)")
            return False
        flow = self.engine.flows.flow_of(state["at"]).name
        case, rows = self.casework.submit(
            session, chat_key=conversation.chat_key, user_id=conversation.user_id,
            language=conversation.language, kind=effect.args.get("kind", "self"),
            answers={**data, "_flow": flow})
        consents.record_from_answers(session, case, data)  # the person's consent, per channel
        state["data"] = {"case_ref": case.reference}  # the answers live in the case now
        response.also += rows
        response.schedule_escalation(case)
        if data.get("photos"):                        # LINE keeps them only for a while: fetched now
            case_photos.mark_pending(session, case, utcnow())
            response.fetch_photos(case.id)
        return True

    def _delete_my_data(self, conversation, data, state, effect, session, response) -> bool:
        erased = erasure.forget_person(session, conversation)  # the person said yes: storage/erasure.py
        state["data"] = {}
        log.info("erased at the person's request: %s events, %s messages, %s reports",
                 erased.events, erased.messages, erased.cases)
        return True

    def _cancel_report(self, conversation, data, state, effect, session, response) -> bool:
        rows = self.casework.cancel_by_reporter(session, conversation.chat_key, data.get("case_ref", ""))
        if rows is None:
            log.info("cancel ignored: no case of this chat to cancel")
            return False
        response.also += rows
        return True

    def _revoke_consent(self, conversation, data, state, effect, session, response) -> bool:
        """"Stop": every consent this chat gave is withdrawn, each case's trail says so; news
        and reminders end too (issue 15: one word ends every push)."""
        revoked = consents.revoke_chat(session, conversation.chat_key)
        for case in consents.cases_of_chat(session, conversation.chat_key):
            case_store.record(session, case, "consent_revoked", "reporter", case.committee_id)
        ended = news_store.end_all(session, conversation.chat_key)
        log.info("consent withdrawn by the person: %s consents, %s news and reminder rows", revoked, ended)
        return True

    # flows.effects.EFFECTS name -> handler (tests/flows/test_effects.py: the same names).
    EFFECT_HANDLERS: ClassVar[dict] = {
        "set_language": _set_language,
        "mark_urgent": _mark_urgent,
        "submit_report": _submit_report,
        "cancel_report": _cancel_report,
        "delete_my_data": _delete_my_data,
        "revoke_consent": _revoke_consent,
        **news_effects.HANDLERS,
        **reminder_effects.HANDLERS,
    }

def _say(message_id: str) -> Say:
    return Say(message_id)


def _in_both_encodings(messages: list[dict]) -> list[dict]:
    """Each text line also in Zawgyi, under the Unicode one: for the question asked exactly
    when we do not know which of the two the phone shows right."""
    return [{**m, "text": m["text"] + "\n" + lang.to_zawgyi(m["text"])} if m.get("type") == "text" else m
            for m in messages]


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())
