"""Asking for help however it is asked (issue 11): every phrase of tests/data/help_phrases.yaml,
in its language (Burmese also typed in Zawgyi), sent through the webhook and a worker's
processor from several steps (the main menu, a question of a report, a free-text question of
a report, a documents topic), gets the emergency answer: the emergency text in the person's
language and the numbers in their order. Ordinary talk from the same list does not."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from flows.language import to_zawgyi
from flows.loader import load_flows
from locales.catalogs import catalogs
from tests.support.chat import Chat, hotline_app, tel_numbers, texts

pytestmark = pytest.mark.integration

DATA = yaml.safe_load((Path(__file__).parent / "data" / "help_phrases.yaml").read_text(encoding="utf-8"))
FLOWS = load_flows()
CATALOGS = catalogs()
# Where the person may be when they write (with the answers a report would have by then).
STEPS = {"main.menu": {}, "report.medical_emergency": {"in_danger": "no"},
         "report.description": {"in_danger": "no", "medical_emergency": "no"}, "documents.list": {}}
LANGUAGES = ("my", "km", "lo", "th", "en")


def language_of(group: str) -> str:
    return group.partition("_")[0]


def cases(part: str) -> list:
    return [pytest.param(group, entry, id=f"{group}-{index}") for group, entries in DATA[part].items()
            for index, entry in enumerate(entries)]


def emergency_numbers(language: str) -> list[str]:
    orders = FLOWS.dial_lists[FLOWS.step("emergency.now").dial["list"]]
    return [FLOWS.hotlines[h]["number"] for h in orders.get(language, orders["default"])]


@pytest.fixture(scope="module")
def world(tmp_path_factory, redis_url):
    with hotline_app(tmp_path_factory.mktemp("help_phrases"), redis_url) as running:
        yield running


def test_the_list_is_what_the_issue_asks():
    """At least 12 per language (Burmese in both encodings), polite and plain, men's and
    women's speech where the language marks it, some inside longer messages; every entry
    names a source that exists and has words of its own."""
    for group in LANGUAGES + ("my_zawgyi",):
        entries = DATA["help"][group]
        assert len(entries) >= 12, group
        assert {e["form"] for e in entries} == {"polite", "plain"}, group
        if group in ("th", "km", "my", "my_zawgyi"):   # languages whose words say who speaks
            assert {"male", "female"} <= {e["speaker"] for e in entries}, group
        if group == "lo":
            assert all(any(p in e["text"] for e in entries) for p in ("ເດີ", "ແດ່")), group
        assert any(len(e["text"].split()) >= 2 for e in entries), group
        assert DATA["ordinary"][group], group
    for entry in [e for part in ("help", "ordinary") for entries in DATA[part].values() for e in entries]:
        source = DATA["sources"][entry["source"]]
        assert source["by"] and source["date"] and source["attests"], entry
    typed_apart = [e for e in DATA["help"]["my_zawgyi"] if e["text"] != e["unicode"]]
    assert len(typed_apart) >= 12   # really typed in Zawgyi (a few words are the same in both)


def said_at(world, group, entry, step):
    """Someone writing in `group` sends `entry` at `step`: their language, the chat and the bot's messages."""
    language = language_of(group)
    chat = Chat(*world, language).be_at(step, STEPS[step])
    return language, chat, chat.say(entry["text"])


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("group, entry", cases("help"))
def test_each_way_of_asking_for_help_gets_the_emergency_answer(world, group, entry, step):
    language, chat, messages = said_at(world, group, entry, step)
    assert chat.at() == "emergency.now", f"{entry['text']!r} ({entry['means']}) at {step}"
    expected = CATALOGS.text(language, "emergency.now")
    shown = texts(messages)
    assert expected in shown or to_zawgyi(expected) in shown
    assert tel_numbers(messages) == emergency_numbers(language)


@pytest.mark.parametrize("step", list(STEPS))
@pytest.mark.parametrize("group, entry", cases("ordinary"))
def test_ordinary_talk_does_not_bring_the_emergency_answer(world, group, entry, step):
    language, chat, messages = said_at(world, group, entry, step)
    assert chat.at() != "emergency.now", f"{entry['text']!r} ({entry['means']}) at {step}"
    expected = CATALOGS.text(language, "emergency.now")
    assert not {expected, to_zawgyi(expected)} & set(texts(messages))
