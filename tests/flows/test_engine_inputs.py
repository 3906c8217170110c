"""The engine's date and place questions (issue 15): LINE's date picker or a typed date, a shared
place or a place's name typed; an answer it cannot read asks again, never moves on."""
from __future__ import annotations

import pytest

from flows.engine import UI, Engine
from flows.model import Ask, Input, Say
from tests.support.flow_files import LANGUAGE, load_flow_files, main_flow

FLOWS = {
    "main.yaml": main_flow("say: [m.prompt]\nchoices:\n  - {label: m.when, go: when.date}\n"),
    "language.yaml": LANGUAGE,
    "when.yaml": """
        flow: when
        domain: bot
        steps:
          date:
            say: [q.date]
            input: {type: date, save: day, next: place}
            nav: [menu]
          place:
            say: [q.place]
            input: {type: place, save: where, next: done}
            nav: [menu]
          done:
            say: [s.done]
            nav: [menu]
    """,
    "triggers.yaml": "triggers: []\n",
}


@pytest.fixture
def engine(tmp_path):
    return Engine(load_flow_files(tmp_path, FLOWS))


def at_date_question(engine):
    state, outputs = engine.handle({}, Input("start"), 0, lambda m: m)
    choice = next(c for c in outputs[-1].choices if c.label == "m.when")
    return engine.handle(state, Input("choice", data=choice.data), 1, lambda m: m)


def test_the_date_question_offers_lines_date_picker_first(engine):
    state, outputs = at_date_question(engine)
    first = outputs[-1].choices[0]
    assert isinstance(outputs[-1], Ask) and first.kind == "date" and first.label == UI["nav.date"]
    assert first.data == "d|when.date"


@pytest.mark.parametrize("given, saved", [
    (Input("date", text="2026-03-15"), "2026-03-15"),               # the picker
    (Input("text", text="15/3/2569"), "2026-03-15"),                # Thai paper: Buddhist Era
    (Input("text", text="15-03-2026"), "2026-03-15"),
    (Input("text", text="၁၅/၃/၂၀၂၆"), "2026-03-15"),                # Burmese digits
    (Input("text", text="១៥.៣.២០២៦"), "2026-03-15"),                # Khmer digits
    (Input("text", text="໑໕/໓/໒໕໖໙"), "2026-03-15"),                # Lao digits, Buddhist Era
    (Input("text", text="2026-3-15"), "2026-03-15"),
])
def test_a_date_picked_or_typed_is_saved_as_an_iso_date_and_the_flow_goes_on(engine, given, saved):
    state, _ = at_date_question(engine)
    state, outputs = engine.handle(state, given, 2, lambda m: m)
    assert state["data"]["day"] == saved
    assert state["at"] == "when.place"


@pytest.mark.parametrize("given", [Input("text", text="next month"), Input("text", text="31/2/2026"),
                                   Input("date", text="2026-02-31"), Input("date", text="soon")])
def test_a_date_that_is_not_one_is_asked_again_with_the_picker(engine, given):
    state, _ = at_date_question(engine)
    state, outputs = engine.handle(state, given, 2, lambda m: m)
    assert state["at"] == "when.date" and "day" not in state["data"]
    assert isinstance(outputs[0], Say) and outputs[0].message == UI["date_not_understood"]
    assert outputs[-1].choices[0].kind == "date"


def test_a_place_question_takes_a_shared_place_or_typed_words(engine):
    state, _ = at_date_question(engine)
    state, outputs = engine.handle(state, Input("date", text="2026-03-15"), 2, lambda m: m)
    assert outputs[-1].choices[0].kind == "location"            # the share-a-place button
    typed, _ = engine.handle(state, Input("text", text="  Chiang   Rai "), 3, lambda m: m)
    assert typed["data"]["where"] == {"text": "Chiang Rai"} and typed["at"] == "when.done"
    shared, _ = engine.handle(state, Input("location", latitude=20.4, longitude=99.9, address="Mae Sai"), 3,
                              lambda m: m)
    assert shared["data"]["where"] == {"latitude": 20.4, "longitude": 99.9, "address": "Mae Sai"}
