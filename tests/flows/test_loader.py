"""Flow files are checked when loaded: every mistake is a clear error, not a dead end."""
from __future__ import annotations

import textwrap

import pytest

from flows.loader import FlowError, load_flows

BASE = {
    "main.yaml": """
        flow: main
        domain: bot
        steps:
          menu:
            say: [m.prompt]
            choices:
              - {label: m.topic, go: topic}
          topic:
            say: [m.topic.1]
            back: menu
            nav: [back, menu]
    """,
    "language.yaml": """
        flow: language
        domain: bot
        steps:
          choose:
            say: [l.choose]
            choices:
              - {text: English, effect: set_language, args: {language: en}, go: main.menu}
    """,
}


def _load(tmp_path, **changes):
    files = {**BASE, **changes}
    for name, text in files.items():
        if text is not None:
            (tmp_path / name).write_text(textwrap.dedent(text))
    return load_flows(tmp_path)


def test_the_shipped_flows_load():
    flows = load_flows()
    assert flows.has_step("main.menu") and flows.has_step("language.choose")
    assert flows.triggers and flows.hotlines


def test_a_valid_flow_set_loads_and_lists_its_message_ids(tmp_path):
    flows = _load(tmp_path)
    assert flows.message_ids()["bot"] >= {"m.prompt", "m.topic", "m.topic.1", "l.choose"}


@pytest.mark.parametrize("main, error", [
    ("""
        flow: main
        domain: bot
        steps:
          menu:
            say: [m.prompt]
            choices:
              - {label: m.topic, go: nowhere}
    """, "unknown step 'main.nowhere'"),
    ("""
        flow: main
        domain: bot
        steps:
          menu:
            say: [m.prompt]
            choices:
              - {label: m.topic}
    """, "goes nowhere"),
    ("""
        flow: main
        domain: bot
        steps:
          menu:
            say: [m.prompt]
            choices:
              - {go: menu}
    """, "needs a label"),
    ("""
        flow: main
        domain: bot
        steps:
          menu:
            say: [m.prompt]
            colour: red
    """, "unknown field"),
    ("""
        flow: main
        domain: bot
        steps:
          menu:
            say: [a, b, c, d]
    """, "at most 3 messages"),
    ("""
        flow: main
        domain: bot
        steps:
          menu:
            say: [m.prompt]
            nav: [skip]
    """, "nowhere to skip to"),
    ("""
        flow: main
        domain: bot
        steps:
          menu:
            say: [m.prompt]
            choices:
              - {label: m.yes, value: "yes", go: menu}
    """, "names no `save` field"),
    ("""
        flow: main
        steps:
          menu:
            say: [m.prompt]
    """, "missing 'domain'"),
])
def test_mistakes_are_clear_errors(tmp_path, main, error):
    with pytest.raises(FlowError, match=error):
        _load(tmp_path, **{"main.yaml": main})


def test_a_missing_language_step_is_an_error(tmp_path):
    with pytest.raises(FlowError, match="language.choose"):
        _load(tmp_path, **{"language.yaml": None})


def test_dialling_an_unknown_hotline_is_an_error(tmp_path):
    (tmp_path / "hotlines.yaml").write_text("hotlines:\n  '191': {label: h.191, number: '191'}\n")
    main = """
        flow: main
        domain: bot
        steps:
          menu:
            say: [m.prompt]
            dial: {title: t, calls: ["999"]}
    """
    with pytest.raises(FlowError, match="unknown hotline '999'"):
        _load(tmp_path, **{"main.yaml": main})
