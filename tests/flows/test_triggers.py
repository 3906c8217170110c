"""The trigger rule (flows/triggers.py) on small made-up triggers: danger words always fire,
a help word fires unless an ordinary topic is named, Latin whole words and stems, other scripts
anywhere with spaces ignored, exact triggers only alone; triggers.yaml mistakes stop the load."""
from __future__ import annotations

import pytest

from flows.triggers import Triggers, check

SOS = {"name": "sos", "go": "x.y", "words": ["danger", "beat*", "locked in", "ကယ်ပါ", "อันตราย"],
       "asks": ["help", "ช่วยด้วย", "ကူညီ"], "unless": ["visa*", "thank*", "วีซ่า", "ဗီဇာ"]}
MENU = {"name": "menu", "go": "m.m", "exact": True, "words": ["menu", "เมนู", "ဒေတာ ဖျက်ပါ"]}
TRIGGERS = Triggers([SOS, MENU])


@pytest.mark.parametrize("text", [
    "danger", "DANGER!", "they beat us", "he was beaten", "we are locked  in here", "help",
    "please help us", "ကယ်ပါ", "ကယ် ပါ", "ကယ်\u200bပါဗျ", "ช่วยด้วยครับ", "ช่วย ด้วย ค่ะ", "ကူညီပေးပါရှင်",
    "help, my visa expired and we are locked in",   # danger wins over a topic
    "อันตราย ช่วยเรื่องวีซ่าด้วย",
])
def test_fires(text):
    assert TRIGGERS.first(text) is SOS


@pytest.mark.parametrize("text", [
    "can you help me with my visa", "visas: help", "thanks for the help", "Thank you, that helps",
    "dangerous?", "helpful", "ช่วยด้วย เรื่องวีซ่า", "ဗီဇာ ကူညီပါ", "unlocked", "a beet",
])
def test_does_not_fire(text):
    assert TRIGGERS.first(text) is not SOS


@pytest.mark.parametrize("text, fires", [("menu", True), (" Menu ", True), ("the menu please", False),
                                         ("เมนู", True), ("ဒေတာဖျက်ပါ", True), ("ဒေတာ ဖျက်ပါ", True)])
def test_exact_triggers_match_only_alone(text, fires):
    assert (TRIGGERS.first(text) is MENU) == fires


@pytest.mark.parametrize("trigger, problem", [
    ({"go": "a.b", "words": ["x"], "colour": "red"}, "unknown field"),
    ({"words": ["x"]}, "no step"),
    ({"go": "a.b"}, "no words"),
    ({"go": "a.b", "words": ["x"], "unless": ["y"]}, "only qualifies"),
    ({"go": "a.b", "asks": ["x", ""]}, "non-empty"),
])
def test_check_names_what_is_wrong(trigger, problem):
    assert problem in check(trigger)


def test_a_good_trigger_passes_the_check():
    assert check(SOS) is None and check(MENU) is None


def test_a_wrong_trigger_stops_the_load(tmp_path):
    import textwrap

    from flows.loader import FlowError, load_flows
    from tests.support.flow_files import BASE
    files = {**BASE, "triggers.yaml": """
        triggers:
          - {name: sos, go: main.menu, words: [danger], unless: [visa]}
    """}
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    with pytest.raises(FlowError, match="trigger 'sos': `unless` only qualifies"):
        load_flows(tmp_path)
