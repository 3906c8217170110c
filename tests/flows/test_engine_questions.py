"""Question flows: saved answers, back, skip, cancel, photos, places, the count before Send,
the summary (for officers), and effects whose outcome decides the next step."""
from __future__ import annotations

import pytest

from flows.engine import UI, Engine
from flows.model import Answer, Ask, Effect, Input, Say, Summary
from tests.support.flow_files import LANGUAGE, load_flow_files, main_flow

FLOWS = {
    "main.yaml": main_flow("say: [m.prompt]\nchoices:\n  - {label: m.ask, go: ask.first}\n"),
    "language.yaml": LANGUAGE,
    "ask.yaml": """
        flow: ask
        domain: intake
        quiet: true
        resumable: true
        cancel: cancelled
        steps:
          first:
            say: [q.danger]
            title: t.danger
            save: in_danger
            choices:
              - {label: a.yes, value: "yes", go: where}
              - {label: a.no, value: "no", go: where}
            nav: [cancel]
          where:
            say: [q.where]
            title: t.where
            input: {type: location, save: location, next: words}
            nav: [back, skip, cancel]
          words:
            say: [q.words]
            title: t.words
            input: {type: text, save: description, next: photos, max_length: 10}
            nav: [back, skip, cancel]
          photos:
            say: [q.photos]
            title: t.photos
            input: {type: image, save: photos, next: confirm}
            choices:
              - {label: a.done, go: confirm}
            nav: [back, skip, cancel]
          confirm:
            say: [{id: q.confirm, params: {count: "@answered"}}]
            choices:
              - {label: a.send, effect: submit_report, args: {kind: self}, go: sent, failed: not_sent}
            nav: [back, cancel]
          sent:
            say: [{id: s.sent, params: {ref: case_ref}}]
            nav: [menu]
          not_sent:
            say: [s.not_sent]
            next: main.menu
          cancelled:
            say: [s.cancelled]
            nav: [menu]
    """,
    "triggers.yaml": """
        triggers:
          - {name: emergency, interrupt: true, go: main.menu, words: [help]}
    """,
}


@pytest.fixture
def engine(tmp_path):
    return Engine(load_flow_files(tmp_path, FLOWS))


def ask(outputs):
    return next(o for o in reversed(outputs) if isinstance(o, Ask)).choices


def tap(engine, state, outputs, label, now=1, perform=None):
    choice = next(c for c in ask(outputs) if c.label == label)
    return engine.handle(state, Input("choice", data=choice.data), now, lambda m: m, perform)


def filer(reference="ABC-234", done=True):
    """A stand-in for the bot's effects: records them; a filed report leaves its reference."""
    performed = []

    def perform(effect, state):
        performed.append(effect)
        if done:
            state["data"] = {"case_ref": reference}
        return done
    return performed, perform


def start(engine):
    state, outputs = engine.handle({}, Input("start"), 0, lambda m: m)
    return tap(engine, state, outputs, "m.ask")


def test_a_choice_saves_its_value_and_label(engine):
    state, outputs = start(engine)
    state, outputs = tap(engine, state, outputs, "a.yes")
    assert state["data"]["in_danger"] == "yes"
    assert state["data"]["_labels"]["in_danger"] == "a.yes"
    assert state["at"] == "ask.where"


def test_question_taps_are_not_echoed_in_a_quiet_flow(engine):
    _, outputs = start(engine)
    assert all(c.quiet for c in ask(outputs))


def test_a_place_question_offers_the_share_location_button_and_saves_the_place(engine):
    state, outputs = tap(engine, *start(engine), "a.no")
    assert ask(outputs)[0].kind == "location" and ask(outputs)[0].label == UI["nav.location"]
    state, outputs = engine.handle(state, Input("location", latitude=20.43, longitude=99.87, address="Mae Sai"), 2,
                                   lambda m: m)
    assert state["data"]["location"] == {"latitude": 20.43, "longitude": 99.87, "address": "Mae Sai"}
    assert state["at"] == "ask.words"


def test_back_returns_to_the_previous_question_and_skip_moves_on(engine):
    state, outputs = tap(engine, *start(engine), "a.no")
    state, outputs = tap(engine, state, outputs, UI["nav.skip"])
    assert state["at"] == "ask.words" and "location" not in state["data"]
    state, outputs = tap(engine, state, outputs, UI["nav.back"])
    assert state["at"] == "ask.where"
    state, outputs = tap(engine, state, outputs, UI["nav.back"])
    assert state["at"] == "ask.first"


def test_free_text_is_kept_to_its_limit(engine):
    state, outputs = tap(engine, *start(engine), "a.no")
    state, outputs = tap(engine, state, outputs, UI["nav.skip"])
    state, outputs = engine.handle(state, Input("text", text="my own words here"), 3, lambda m: m)
    assert state["data"]["description"] == "my own wor"  # max_length 10
    assert outputs[0] == Say(UI["answer_cut"], {"kept": 10})  # never cut silently
    assert state["at"] == "ask.photos"


def test_help_inside_a_text_answer_keeps_the_words_and_resumes_after(engine):
    state, outputs = tap(engine, *start(engine), "a.no")
    state, outputs = tap(engine, state, outputs, UI["nav.skip"])
    state, outputs = engine.handle(state, Input("text", text="help us"), 3, lambda m: m)
    assert state["data"]["description"] == "help us"
    assert state["at"] == "main.menu" and state["resume"] == "ask.photos"


def fill_to_confirm(engine):
    state, outputs = tap(engine, *start(engine), "a.yes")
    state, outputs = engine.handle(state, Input("location", latitude=1.0, longitude=2.0, address=""), 2, lambda m: m)
    state, outputs = engine.handle(state, Input("text", text="words"), 3, lambda m: m)
    for n in range(2):
        state, outputs = engine.handle(state, Input("image", media_id=f"m{n}"), 4, lambda m: m)
        assert [o.message for o in outputs if isinstance(o, Say)] == [UI["photo_received"]]
        assert state["at"] == "ask.photos"
    return tap(engine, state, outputs, "a.done")


def test_before_send_only_the_number_of_answers_shows_and_the_summary_is_for_officers(engine):
    state, outputs = fill_to_confirm(engine)
    assert not [o for o in outputs if isinstance(o, Summary)]  # nothing readable stays on the phone
    assert [(o.message, o.params) for o in outputs if isinstance(o, Say)] == [("q.confirm", {"count": 4})]
    assert engine.summarise("ask", state["data"]).answers == (
        Answer("t.danger", "a.yes", "label"),
        Answer("t.where", {"latitude": 1.0, "longitude": 2.0, "address": ""}, "location"),
        Answer("t.words", "words", "text"),
        Answer("t.photos", 2, "count"),
    )
    performed, perform = filer()
    state, outputs = tap(engine, state, outputs, "a.send", perform=perform)
    assert performed == [Effect("submit_report", {"kind": "self"})]
    assert state["at"] == "ask.sent"
    sent = next(o for o in outputs if isinstance(o, Say))
    assert sent.message == "s.sent" and sent.params == {"ref": "ABC-234"}


def test_a_send_that_files_nothing_never_leads_to_the_step_saying_it_was_sent(engine):
    state, outputs = fill_to_confirm(engine)
    performed, perform = filer(done=False)
    after, outputs = tap(engine, state, outputs, "a.send", perform=perform)
    assert performed == [Effect("submit_report", {"kind": "self"})]
    assert after["at"] == "main.menu"
    assert [o.message for o in outputs if isinstance(o, Say)] == ["s.not_sent", "m.prompt"]
    # with nobody to perform it, the effect does not happen either
    after, outputs = engine.handle(state, Input("choice", data="c|ask.confirm|0"), 9, lambda m: m)
    assert after["at"] == "main.menu" and "s.sent" not in [o.message for o in outputs if isinstance(o, Say)]


def test_an_old_or_forged_send_from_another_step_does_nothing(engine):
    state, outputs = tap(engine, *start(engine), "a.yes")  # at ask.where, one answer given
    performed, perform = filer()
    after, outputs = engine.handle(state, Input("choice", data="c|ask.confirm|0"), 2, lambda m: m, perform)
    assert performed == []
    assert after["at"] == "ask.where" and after["data"] == state["data"]
    assert [o.message for o in outputs if isinstance(o, Say)] == [UI["not_understood"]]
    assert ask(outputs)[0].kind == "location"  # the question they are at, again


def test_cancel_clears_the_answers(engine):
    state, outputs = tap(engine, *start(engine), "a.yes")
    state, outputs = tap(engine, state, outputs, UI["nav.cancel"])
    assert state["data"] == {} and state["at"] == "ask.cancelled"
    assert [o.message for o in outputs if isinstance(o, Say)][:2] == [UI["cancelled"], "s.cancelled"]


def test_an_idle_report_offers_to_resume(engine):
    state, outputs = tap(engine, *start(engine), "a.yes")
    state, outputs = engine.handle(state, Input("text", text="hello"), 10 * 3600, lambda m: m)
    assert [o.message for o in outputs if isinstance(o, Say)] == [UI["welcome_back_resume"]]
    resume = next(c for c in ask(outputs) if c.label == UI["nav.resume"])
    state, _ = engine.handle(state, Input("choice", data=resume.data), 10 * 3600 + 1, lambda m: m)
    assert state["at"] == "ask.where" and state["data"]["in_danger"] == "yes"


def test_going_back_forgets_the_answers_given_again(engine):
    state, outputs = tap(engine, *start(engine), "a.yes")
    assert state["data"]["in_danger"] == "yes"
    state, outputs = tap(engine, state, outputs, UI["nav.back"])
    assert "in_danger" not in state["data"] and "in_danger" not in state["data"]["_labels"]
    state, outputs = tap(engine, state, outputs, "a.no")
    assert state["data"]["in_danger"] == "no"


def test_a_reset_step_starts_a_new_report_without_the_last_ones_answers(tmp_path):
    flows = dict(FLOWS)
    flows["ask.yaml"] = FLOWS["ask.yaml"].replace("          first:\n", "          first:\n            reset: true\n")
    engine = Engine(load_flow_files(tmp_path, flows))
    state = {"at": "main.menu", "data": {"in_danger": "yes", "description": "old words", "urgent": True}}
    state, _ = engine.handle(state, Input("choice", data="c|main.menu|0"), 1, lambda m: m)
    assert state["at"] == "ask.first" and state["data"] == {"urgent": True}
