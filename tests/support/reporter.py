"""Fill in a report through the emulator as a person would, one tap or message at a time.

Which question is on screen is read from the conversation's state; the answer is a tap
on the button carrying the wanted value (or a place, words, a number)."""
from __future__ import annotations

from flows.engine import choice_data, nav_data
from storage.models import Conversation


class Reporter:
    def __init__(self, stack, user_id: str, flows):
        self.stack = stack
        self.user = user_id
        self.flows = flows
        self.seen = len(stack.delivered(user_id))

    def at(self) -> str:
        with self.stack.app.extensions["hotline"].db.sessions() as session:
            conversation = session.get(Conversation, self.user)
            return (conversation.state or {}).get("at", "") if conversation else ""

    def answer(self) -> dict:
        deliveries = self.stack.wait_delivered(self.user, self.seen + 1)
        self.seen = len(deliveries)
        return deliveries[-1]

    def tap(self, data: str) -> dict:
        self.stack.send(self.user, type="postback", data=data)
        return self.answer()

    def next_action(self, answers: dict, until: str = "confirm"):
        """What the person does next: ("tap", data), ("text", words), ("location", (lat, lon)),
        or None once the step named `until` is on screen."""
        key = self.at()
        step = self.flows.step(key)
        if key.endswith("." + until):
            return None
        if step.input:
            field, kind = step.input["save"], step.input["type"]
            if field in answers and kind == "location":
                return "location", answers[field]
            if field in answers and kind in ("text", "number"):
                return "text", str(answers[field])
            gos = [str(c.get("go", "")) for c in step.choices]
            wanted = [i for i, go in enumerate(gos) if any(go.endswith("." + f) for f in answers)]
            if wanted:
                return "tap", choice_data(key, wanted[0])
            return "tap", nav_data("skip", key) if "skip" in step.nav else choice_data(key, 0)
        values = [c.get("value") for c in step.choices]
        if step.save and answers.get(step.save) in values:
            return "tap", choice_data(key, values.index(answers[step.save]))
        if "no" in values or "unknown" in values:  # not asked about: the quiet answer
            return "tap", choice_data(key, values.index("no" if "no" in values else "unknown"))
        return "tap", nav_data("skip", key) if "skip" in step.nav else choice_data(key, 0)

    def fill(self, answers: dict, until: str = "confirm", limit: int = 60) -> dict:
        """Answer every question from `answers` (field -> value; missing -> "no", skip, or
        the first choice) until the step named `until`; returns the last answer."""
        last = None
        for _ in range(limit):
            action = self.next_action(answers, until)
            if action is None:
                return last
            kind, value = action
            if kind == "tap":
                last = self.tap(value)
            elif kind == "text":
                self.stack.say(self.user, value)
                last = self.answer()
            else:
                self.stack.send(self.user, type="location", latitude=value[0], longitude=value[1], address="")
                last = self.answer()
        raise AssertionError(f"report not finished after {limit} steps (at {self.at()})")
