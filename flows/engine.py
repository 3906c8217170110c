"""The flow engine: (state, input) -> (new state, outputs).

It knows steps, choices and answers, never LINE, Flask or the database. The state is a
plain dict the caller stores: where the person is ("at"), their answers ("data"), where
to come back to after an interruption ("resume"), and when they last wrote ("seen").
"""
from __future__ import annotations

import re
from collections.abc import Callable

from line_limits import MAX_QUICK_REPLY_ITEMS
from locales.marker import N_

from .dates import is_iso_date, parse_typed
from .loader import ANSWERED, FlowSet, Step
from .model import MAX_TEXT, Answer, Ask, Call, Choice, Cited, Dial, Effect, Input, Output, Say, Source, Summary
from .triggers import NOT_UNDERSTOOD, Triggers

Translate = Callable[[str], str]
# Does an effect now, on the engine's working state; True if it happened. Only an effect's
# caller knows (a case filed, a case cancelled), and the step that follows depends on it.
Perform = Callable[[Effect, dict], bool]


UI = {
    "not_understood": N_("ui.not_understood"),
    "sticker": N_("ui.sticker"),
    "unexpected_image": N_("ui.unexpected_image"),
    "unexpected_location": N_("ui.unexpected_location"),
    "too_long": N_("ui.too_long"),
    "welcome_back": N_("ui.welcome_back"),
    "welcome_back_resume": N_("ui.welcome_back_resume"),
    "source": N_("ui.source"),
    "nav.back": N_("ui.nav.back"),
    "nav.menu": N_("ui.nav.menu"),
    "nav.source": N_("ui.nav.source"),
    "nav.resume": N_("ui.nav.resume"),
    "nav.help": N_("ui.nav.help"),
    "nav.skip": N_("ui.nav.skip"),
    "nav.cancel": N_("ui.nav.cancel"),
    "nav.location": N_("ui.nav.location"),
    "nav.date": N_("ui.nav.date"),
    "date_not_understood": N_("ui.date_not_understood"),
    "nav.more": N_("ui.nav.more"),
    "photo_received": N_("ui.photo_received"),
    "cancelled": N_("ui.cancelled"),
    "answer_cut": N_("ui.answer_cut"),
}
MAX_HISTORY = 30
# Ours, not LINE's: a typed message this long at a question answered by buttons is a story, not
# an answer, so the person is told it is too long (rather than "not understood").
TOO_LONG_FOR_BUTTONS = 2000
MAX_CHAINED_STEPS = 10
# A step's choices are shown as quick replies, and LINE shows only so many (bot/render.py cuts
# the rest): the help button of a "not understood" is added only where it fits, the help words
# are in that message anyway.
MAX_CHOICES = MAX_QUICK_REPLY_ITEMS


def choice_data(step_key: str, index: int) -> str:
    return f"c|{step_key}|{index}"


def nav_data(kind: str, step_key: str) -> str:
    return f"n|{kind}|{step_key}"


class Engine:
    def __init__(self, flows: FlowSet):
        self.flows = flows
        # `when: not_understood` (greetings, thanks): only where the words would not be
        # understood, so they never cut into a question that takes typed words.
        self._triggers = Triggers([t for t in flows.triggers if t.get("when") != NOT_UNDERSTOOD])
        self._fallbacks = Triggers([t for t in flows.triggers if t.get("when") == NOT_UNDERSTOOD])

    # -- public -----------------------------------------------------------------------
    def goto(self, state: dict, key: str, now: float) -> tuple[dict, list[Output]]:
        """Start a step (used for first contact, e.g. the language question)."""
        state = _copy(state, now)
        return state, self._enter(state, key)

    def handle(self, state: dict, given: Input, now: float, translate: Translate,
               perform: Perform | None = None) -> tuple[dict, list[Output]]:
        """One turn of the conversation. `perform` does the effects whose outcome decides
        the next step (a choice naming `failed`); without it they do not happen."""
        previous_seen = state.get("seen")
        state = _copy(state, now)
        at = state.get("at") if state.get("at") and self.flows.has_step(state["at"]) else None
        if at is None and given.kind == "text" and (trigger := self._trigger_for(given.text)):
            return state, self._enter(state, trigger["go"])  # "help" as a first message gets help
        if given.kind == "start" or at is None:
            first = self.flows.welcome if self.flows.has_step(self.flows.welcome) else self.flows.entry
            return state, self._enter(state, first)  # first contact: who answers, then the menu
        step = self.flows.step(at)
        if given.kind == "text":
            trigger = self._trigger_for(given.text)
            if trigger:
                if step.input and step.input["type"] == "text":
                    self._save_answer(state, step, given)  # keep their words; continue after help
                    step = self.flows.step(step.input["next"])
                return state, self._interrupt(state, step, trigger)
            if self._idle(step, previous_seen, now) and not (step.input and step.input["type"] == "text"):
                return state, self._welcome_back(state, step)
        if given.kind == "choice":
            return state, self._choose(state, step, given.data, perform)
        if step.input and self._answers(step.input, given):
            return state, self._save_answer(state, step, given)
        if given.kind == "text":
            matched = self._match_text(step, given.text, translate)
            if matched is not None:
                return state, matched(state, perform)
            fallback = self._trigger_for(given.text, self._fallbacks)  # "hello", "thank you"
            if fallback and not self.flows.flow_of(step.key).resumable:  # never out of a report
                return state, self._enter(state, fallback["go"])
            message = UI["too_long"] if len(given.text) > TOO_LONG_FOR_BUTTONS else UI["not_understood"]
            return state, [Say(message)] + self._ask(step, offer_help=True)
        fallback = {"sticker": UI["sticker"], "image": UI["unexpected_image"],
                    "location": UI["unexpected_location"]}.get(given.kind, UI["not_understood"])
        return state, [Say(fallback)] + self._ask(step)

    def summarise(self, flow: str, data: dict) -> Summary:
        """The answers saved in `data`, as the flow's confirm step would show them."""
        steps = self.flows.flows[flow].steps
        return self._summary({"data": data}, next(iter(steps.values())))

    def dial(self, key: str) -> Dial:
        """The card of numbers a step shows. A named list (hotlines.yaml `lists`) carries each
        language's order; the renderer picks the reader's (a line in their language first)."""
        spec = self.flows.step(key).dial

        def calls(ids) -> tuple[Call, ...]:
            return tuple(Call(self.flows.hotlines[str(h)]["label"], str(self.flows.hotlines[str(h)]["number"]))
                         for h in ids)

        if "list" not in spec:
            return Dial(spec["title"], calls(spec["calls"]))
        orders = self.flows.dial_lists[spec["list"]]
        return Dial(spec["title"], calls(orders["default"]),
                    tuple((language, calls(ids)) for language, ids in orders.items() if language != "default"))

    def interrupts(self, text: str) -> bool:
        """Whether the text is a help/danger word (or another trigger) in any language."""
        return self._trigger_for(text) is not None

    # -- moving between steps ---------------------------------------------------------------
    def _enter(self, state: dict, key: str, remember: bool = True) -> list[Output]:
        outputs: list[Output] = []
        if remember and state.get("at") and state["at"] != key:
            state["history"] = (list(state.get("history") or []) + [state["at"]])[-MAX_HISTORY:]
        for _ in range(MAX_CHAINED_STEPS):
            step = self.flows.step(key)
            state["at"] = key
            if step.reset:  # a new report never carries the last one's answers
                state["data"] = {k: v for k, v in state["data"].items() if k == "urgent"}
            if step.effect:
                outputs.append(Effect(step.effect["name"], dict(step.effect.get("args") or {})))
            outputs.extend(self._say(item, state, step) for item in step.say)
            if step.summary:
                outputs.append(self._summary(state, step))
            if step.dial:
                outputs.append(self.dial(key))
            if step.next and not step.choices and not step.input:
                key = step.next
                continue
            outputs.extend(self._ask(step, state))
            return outputs
        raise RuntimeError(f"steps chained more than {MAX_CHAINED_STEPS} times from {key!r}")

    def _ask(self, step: Step, state: dict | None = None, offer_help: bool = False,
             shown_more: bool = False) -> list[Output]:
        """The step's buttons; with offer_help (after "not understood") a "Get help now"
        first, unless the step is help or has it, where LINE's 13 quick replies leave room;
        More only until the details were shown."""
        choices = []
        if (step.input and step.input["type"] in ("location", "place")) or "location" in step.nav:
            choices.append(Choice(UI["nav.location"], "", quiet=True, kind="location"))
        if step.input and step.input["type"] == "date":   # LINE's date picker: a tap, not typing
            choices.append(Choice(UI["nav.date"], f"d|{step.key}", quiet=step.quiet, kind="date"))
        choices += [Choice(c.get("label") or c["text"], choice_data(step.key, i), literal="label" not in c,
                           quiet=bool(c.get("quiet", step.quiet)))
                    for i, c in enumerate(step.choices)]
        choices += [Choice(UI[f"nav.{kind}"], nav_data(kind, step.key), quiet=step.quiet) for kind in step.nav
                    if kind != "location" and (kind != "resume" or (state or {}).get("resume"))
                    and not (kind == "more" and shown_more)]
        if (offer_help and len(choices) < MAX_CHOICES and self.flows.has_step(self.flows.help_step)
                and not self.flows.flow_of(step.key).emergency
                and not any(c.get("go") == self.flows.help_step for c in step.choices)):  # the menu has it
            choices.insert(0, Choice(UI["nav.help"], nav_data("help", step.key), quiet=step.quiet))
        return [Ask(tuple(choices))] if choices else []

    def _say(self, item: dict, state: dict, step: Step) -> Say:
        """A step's message; its placeholders come from the answers, or from what the engine
        counts (ANSWERED: how many questions of this flow are answered)."""
        params, fields = {}, {}
        for placeholder, source in item["params"].items():
            if source == ANSWERED:
                params[placeholder] = len(self._summary(state, step).answers)
            else:
                params[placeholder] = state["data"].get(source, "")
                fields[placeholder] = source
        return Say(item["id"], params, item["every_language"], fields)

    def _choose(self, state: dict, step: Step, data: str, perform: Perform | None = None) -> list[Output]:
        kind, _, rest = data.partition("|")
        if kind == "c":
            key, _, index = rest.rpartition("|")
            if self.flows.has_step(key) and index.isdigit() and int(index) < len(self.flows.step(key).choices):
                return self._apply_choice(state, self.flows.step(key).choices[int(index)], self.flows.step(key),
                                          perform)
        if kind == "n":
            nav, _, key = rest.partition("|")
            if self.flows.has_step(key):
                return self._nav(state, nav, self.flows.step(key))
        return [Say(UI["not_understood"])] + self._ask(step, offer_help=True)

    def _apply_choice(self, state: dict, choice: dict, step: Step, perform: Perform | None = None) -> list[Output]:
        if choice.get("failed"):
            return self._apply_outcome(state, choice, step, perform)
        outputs: list[Output] = []
        if step.save and "value" in choice:
            state["data"][step.save] = choice["value"]
            state["data"].setdefault("_labels", {})[step.save] = choice.get("label") or choice.get("text")
        if choice.get("effect"):
            outputs.append(Effect(choice["effect"], dict(choice.get("args") or {})))
        if choice.get("go"):
            return outputs + self._enter(state, choice["go"])
        return outputs + self._ask(step)

    def _apply_outcome(self, state: dict, choice: dict, step: Step, perform: Perform | None) -> list[Output]:
        """A choice whose effect may not happen (Send, cancel): done now, by the caller, and
        only from the step that offers it; the step saying it happened is entered only if it
        did, else the choice's `failed` step. An old or forged button changes nothing."""
        if state.get("at") != step.key:
            at = self.flows.step(state["at"])
            return [Say(UI["not_understood"])] + self._ask(at, state)
        done = bool(perform and perform(Effect(choice["effect"], dict(choice.get("args") or {})), state))
        return self._enter(state, choice["go"] if done else choice["failed"])

    def _nav(self, state: dict, nav: str, step: Step) -> list[Output]:
        if nav == "back":
            history = list(state.get("history") or [])
            target = step.back or (history.pop() if history else self.flows.entry)
            state["history"] = history
            for left in (step, self.flows.step(target)):  # both are answered again, maybe otherwise
                self._forget(state, left)
            return self._enter(state, target, remember=False)
        if nav == "skip":
            target = step.skip or (step.input or {}).get("next") or step.next
            if target:
                return self._enter(state, target)
        if nav == "cancel":
            flow = self.flows.flow_of(step.key)
            state["data"], state["history"], state["resume"] = {}, [], None
            return [Say(UI["cancelled"])] + self._enter(state, flow.cancel or self.flows.entry, remember=False)
        if nav == "source" and step.source:
            cited = tuple(Cited(c["by"], c["date"], c["url"]) for c in step.source["from"])
            return [Source(cited, step.source["checked"])] + self._ask(step, state)
        if nav == "more" and step.more:  # the details behind the key point; More is not offered again
            return [self._say(item, state, step) for item in step.more] + self._ask(step, state, shown_more=True)
        if nav == "help":  # the button a "not understood" offers: help now, then back here
            return self._interrupt(state, step, {"go": self.flows.help_step, "interrupt": True})
        if nav == "resume" and state.get("resume") and self.flows.has_step(state["resume"]):
            target, state["resume"] = state["resume"], None
            return self._enter(state, target)
        return self._enter(state, self.flows.entry)

    # -- free text ------------------------------------------------------------------------
    def _match_text(self, step: Step, text: str, translate: Translate):
        wanted = _fold(text)
        options = list(enumerate(step.choices))
        if wanted.isdigit() and 1 <= int(wanted) <= len(options):
            index = int(wanted) - 1
            return lambda state, perform: self._apply_choice(state, step.choices[index], step, perform)
        for _index, choice in options:
            label = choice.get("text") or translate(choice["label"])
            if wanted and (wanted == _fold(label) or wanted == _fold(choice.get("id", ""))):
                return lambda state, perform, c=choice: self._apply_choice(state, c, step, perform)
        for kind in step.nav:
            if wanted and wanted == _fold(translate(UI[f"nav.{kind}"])):
                return lambda state, perform, k=kind: self._nav(state, k, step)
        return None

    def _trigger_for(self, text: str, triggers: Triggers | None = None) -> dict | None:
        return (self._triggers if triggers is None else triggers).first(text)

    def _interrupt(self, state: dict, step: Step, trigger: dict) -> list[Output]:
        if trigger.get("interrupt") and step.key != trigger["go"]:
            state["resume"] = step.key if step.key != self.flows.entry else None
        return self._enter(state, trigger["go"])

    # -- answers ----------------------------------------------------------------------------
    @staticmethod
    def _answers(spec: dict, given: Input) -> bool:
        return {"text": given.kind == "text", "number": given.kind == "text",
                "location": given.kind == "location", "image": given.kind == "image",
                "date": given.kind in ("date", "text"), "place": given.kind in ("location", "text")}[spec["type"]]

    def _save_answer(self, state: dict, step: Step, given: Input) -> list[Output]:
        spec = step.input
        told: list[Output] = []
        if spec["type"] == "location":
            value = {"latitude": given.latitude, "longitude": given.longitude, "address": given.address}
        elif spec["type"] == "image":
            state["data"][spec["save"]] = list(state["data"].get(spec["save"]) or [])[:19] + [given.media_id]
            if spec.get("stay", True):  # more photos may follow; "done" moves on
                return [Say(spec.get("received", UI["photo_received"]))] + self._ask(step, state)
            return self._enter(state, spec["next"])
        elif spec["type"] == "date":      # the picker's ISO date, or one typed in any script and calendar
            value = given.text if given.kind == "date" and is_iso_date(given.text) else parse_typed(given.text)
            if value is None:
                return [Say(spec.get("invalid", UI["date_not_understood"]))] + self._ask(step)
        elif spec["type"] == "place":     # a shared place, or a place's name typed (the bot resolves it)
            if given.kind == "location":
                value = {"latitude": given.latitude, "longitude": given.longitude, "address": given.address}
            else:
                value = {"text": " ".join(given.text.split())[:200]}
        elif spec["type"] == "number":
            digits = re.sub(r"\D", "", given.text)
            if not digits:
                return [Say(spec.get("invalid", UI["not_understood"]))] + self._ask(step)
            value = int(digits)
        else:
            limit = int(spec.get("max_length", MAX_TEXT))
            value = given.text[:limit]
            if len(given.text) > limit:  # never cut silently: say how much was kept
                told = [Say(UI["answer_cut"], {"kept": limit})]
        state["data"][spec["save"]] = value
        state["data"].get("_labels", {}).pop(spec["save"], None)  # an earlier button answer is void
        return told + self._enter(state, spec["next"])

    @staticmethod
    def _forget(state: dict, step: Step) -> None:
        """Drop what a step saved (going back past it)."""
        for name in (step.save, (step.input or {}).get("save")):
            if name:
                state["data"].pop(name, None)
                state["data"].get("_labels", {}).pop(name, None)

    def _summary(self, state: dict, at: Step) -> Summary:
        """Every answer given in this flow, in the order the flow asks them."""
        data, labels = state["data"], state["data"].get("_labels") or {}
        answers = []
        for step in self.flows.flow_of(at.key).steps.values():
            name = step.save or (step.input or {}).get("save")
            if not name or name not in data or not step.title:
                continue
            if name in labels:
                answers.append(Answer(step.title, labels[name], "label"))
            elif step.input and step.input["type"] == "location":
                answers.append(Answer(step.title, data[name], "location"))
            elif step.input and step.input["type"] == "image":
                answers.append(Answer(step.title, len(data[name]), "count"))
            else:
                answers.append(Answer(step.title, data[name], "text"))
        return Summary(tuple(answers))

    # -- idle ---------------------------------------------------------------------------------
    def _idle(self, step: Step, seen: float | None, now: float) -> bool:
        flow = self.flows.flow_of(step.key)
        return seen is not None and now - seen > flow.timeout_minutes * 60

    def _welcome_back(self, state: dict, step: Step) -> list[Output]:
        if self.flows.flow_of(step.key).resumable:
            state["resume"] = step.key
            return [Say(UI["welcome_back_resume"]),
                    Ask((Choice(UI["nav.resume"], nav_data("resume", step.key)),
                         Choice(UI["nav.menu"], nav_data("menu", step.key))))]
        return [Say(UI["welcome_back"])] + self._enter(state, self.flows.entry)


def _copy(state: dict, now: float) -> dict:
    data = dict(state.get("data") or {})
    if "_labels" in data:
        data["_labels"] = dict(data["_labels"])
    return {"at": state.get("at"), "data": data, "resume": state.get("resume"),
            "history": list(state.get("history") or []), "seen": now}


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())
