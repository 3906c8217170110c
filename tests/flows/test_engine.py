"""The engine: (state, input) -> (state, outputs), with no channel in sight."""
from __future__ import annotations

import pytest

from flows.engine import UI, Engine
from flows.loader import load_flows
from flows.model import Ask, Dial, Effect, Input, Say, Source


@pytest.fixture(scope="module")
def engine():
    return Engine(load_flows())


def identity(message_id):
    return message_id


def said(outputs):
    return [o.message for o in outputs if isinstance(o, Say)]


def choices(outputs):
    asks = [o for o in outputs if isinstance(o, Ask)]
    return asks[-1].choices if asks else ()


def test_start_says_who_answers_then_shows_the_main_menu_with_eight_entries(engine):
    state, outputs = engine.handle({}, Input("start"), 0, identity)
    assert state["at"] == "main.menu"
    assert said(outputs) == ["main.welcome", "main.menu.prompt"]
    assert len(choices(outputs)) == 8


def test_tapping_a_choice_goes_to_its_step(engine):
    state, outputs = engine.handle({}, Input("start"), 0, identity)
    documents = choices(outputs)[0]
    state, outputs = engine.handle(state, Input("choice", data=documents.data), 1, identity)
    assert state["at"] == "documents.list"


def test_typing_a_number_or_the_label_picks_the_choice(engine):
    state, _ = engine.handle({}, Input("start"), 0, identity)
    by_number, _ = engine.handle(state, Input("text", text="2"), 1, identity)
    assert by_number["at"] == "rights.list"
    by_label, _ = engine.handle(state, Input("text", text="  Main.Menu.Rights "), 1, identity)
    assert by_label["at"] == "rights.list"


def test_unknown_text_gets_a_polite_answer_and_the_same_buttons(engine):
    state, first = engine.handle({}, Input("start"), 0, identity)
    state2, outputs = engine.handle(state, Input("text", text="qwerty"), 1, identity)
    assert said(outputs) == [UI["not_understood"]]
    assert choices(outputs) == choices(first)
    assert state2["at"] == "main.menu"


@pytest.mark.parametrize("kind, message", [("sticker", UI["sticker"]), ("image", UI["unexpected_image"]),
                                           ("location", UI["unexpected_location"])])
def test_unexpected_kinds_of_input_are_answered(engine, kind, message):
    state, _ = engine.handle({}, Input("start"), 0, identity)
    _, outputs = engine.handle(state, Input(kind), 1, identity)
    assert said(outputs) == [message]
    assert choices(outputs)


def test_very_long_text_is_answered_not_dropped(engine):
    state, _ = engine.handle({}, Input("start"), 0, identity)
    _, outputs = engine.handle(state, Input("text", text="x" * 5000), 1, identity)
    assert said(outputs) == [UI["too_long"]]


@pytest.mark.parametrize("word", ["help", "I am in DANGER", "ช่วยด้วย", "ကယ်ပါ", "ជួយខ្ញុំផង", "ຊ່ວຍແດ່"])
def test_help_words_interrupt_from_deep_inside_and_can_resume(engine, word):
    state, outputs = engine.handle({}, Input("start"), 0, identity)
    state, outputs = engine.handle(state, Input("choice", data=choices(outputs)[1].data), 1, identity)
    state, outputs = engine.handle(state, Input("choice", data=choices(outputs)[0].data), 2, identity)
    deep = state["at"]
    assert deep.startswith("rights.") and deep != "rights.list"
    state, outputs = engine.handle(state, Input("text", text=word), 3, identity)
    assert state["at"] == "emergency.now"
    dial = next(o for o in outputs if isinstance(o, Dial))
    assert [c.number for c in dial.calls][:3] == ["191", "1669", "1300"]
    labels = [c.label for c in choices(outputs)]
    assert labels[0] == "emergency.report_now" and UI["nav.resume"] in labels
    resume = next(c for c in choices(outputs) if c.label == UI["nav.resume"])
    state, _ = engine.handle(state, Input("choice", data=resume.data), 4, identity)
    assert state["at"] == deep


def test_report_now_from_emergency_marks_urgent(engine):
    state, outputs = engine.handle({}, Input("text", text="help"), 0, identity)
    state, outputs = engine.handle({"at": "main.menu"}, Input("text", text="help"), 0, identity)
    report = choices(outputs)[0]
    state, outputs = engine.handle(state, Input("choice", data=report.data), 1, identity)
    assert Effect("mark_urgent", {}) in outputs
    assert state["at"].startswith("report.")


def test_menu_word_only_when_it_is_the_whole_message(engine):
    state = {"at": "rights.list", "data": {}}
    assert engine.handle(state, Input("text", text="menu"), 0, identity)[0]["at"] == "main.menu"
    assert engine.handle(state, Input("text", text="the menu of the canteen"), 0, identity)[0]["at"] == "rights.list"


def test_source_button_shows_source_and_date(engine):
    flows = engine.flows
    topic = next(s for s in flows.flows["rights"].steps.values() if s.source)
    _, outputs = engine.handle({"at": topic.key}, Input("choice", data=f"n|source|{topic.key}"), 0, identity)
    source = next(o for o in outputs if isinstance(o, Source))
    assert source.checked == topic.source["checked"] and source.cited  # who said it, when (tests/flows/test_sources.py)


def test_idle_conversation_restarts_politely(engine):
    state = {"at": "rights.list", "data": {}, "seen": 0}
    state, outputs = engine.handle(state, Input("text", text="hello"), 24 * 3600, identity)
    assert said(outputs)[0] == UI["welcome_back"]
    assert state["at"] == "main.menu"


def test_stale_buttons_from_an_earlier_step_still_work(engine):
    state, outputs = engine.handle({}, Input("start"), 0, identity)
    rights = choices(outputs)[1]
    state, _ = engine.handle(state, Input("choice", data=choices(outputs)[0].data), 1, identity)
    state, _ = engine.handle(state, Input("choice", data=rights.data), 2, identity)
    assert state["at"] == "rights.list"


def test_garbage_postback_data_is_not_understood(engine):
    state, _ = engine.handle({}, Input("start"), 0, identity)
    state2, outputs = engine.handle(state, Input("choice", data="c|no.such|99"), 1, identity)
    assert said(outputs) == [UI["not_understood"]] and state2["at"] == "main.menu"


def test_language_choice_sets_language_and_returns_to_menu(engine):
    state, outputs = engine.goto({}, "language.choose", 0)
    khmer = next(c for c in choices(outputs) if c.label == "ខ្មែរ")
    assert khmer.literal
    state, outputs = engine.handle(state, Input("choice", data=khmer.data), 1, identity)
    assert outputs[0] == Effect("set_language", {"language": "km"})
    assert state["at"] == "main.menu"


def test_help_as_the_very_first_message_goes_straight_to_help(engine):
    state, outputs = engine.handle({}, Input("text", text="ช่วยด้วย"), 0, identity)
    assert state["at"] == "emergency.now"
    assert [c.number for o in outputs if isinstance(o, Dial) for c in o.calls][:3] == ["191", "1669", "1300"]
