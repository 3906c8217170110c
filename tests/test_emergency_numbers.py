"""Emergency numbers in the reader's language first (DOMAIN.md correction 1 of 2026-12-06),
through the webhook, the real responder and the processor: for every place that gives them,
in every language, the tap-to-call buttons come in the order hotlines.yaml gives for that
language, and the text names the same numbers in the same order, the key one first."""
from __future__ import annotations

import pytest

from flows.engine import choice_data
from flows.loader import load_flows
from tests.support.chat import Chat, hotline_app, numbers_in, tel_numbers, texts

pytestmark = pytest.mark.integration

FLOWS = load_flows()
LANGUAGES = ("my", "km", "lo", "th", "en")
# DOMAIN.md §3 [S32]: Issara's free 24-hour lines; 191 speaks Thai only [S108].
OWN_LINE = {"my": "1800010180", "km": "1800010181", "lo": "1800010182"}
THAI = {"my": "ထိုင်း", "km": "ថៃ", "lo": "ໄທ", "en": "Thai"}   # "they speak Thai", said of 191


def expected(step: str, language: str) -> list[str]:
    """The numbers, in order, the data gives this step for this language."""
    orders = FLOWS.dial_lists[FLOWS.step(step).dial["list"]]
    return [FLOWS.hotlines[h]["number"] for h in orders.get(language, orders["default"])]


def to_choice(step: str, target: str) -> str:
    """The button of `step` that leads to `target`."""
    choices = FLOWS.step(step).choices
    return choice_data(step, next(i for i, c in enumerate(choices) if c.get("go") == target))


def yes(step: str) -> str:
    choices = FLOWS.step(step).choices
    return choice_data(step, next(i for i, c in enumerate(choices) if c.get("value") == "yes"))


# Where the numbers are shown: how to get there, and whether its text is ours to check.
PLACES = {
    "emergency.now": ("main.menu", lambda chat: chat.say("help")),
    "report.danger_call": ("report.in_danger", lambda chat: chat.tap(yes("report.in_danger"))),
    "report.medical_call": ("report.medical_emergency", lambda chat: chat.tap(yes("report.medical_emergency"))),
    "tip.danger_call": ("tip.in_danger", lambda chat: chat.tap(yes("tip.in_danger"))),
    "tip.medical_call": ("tip.medical_emergency", lambda chat: chat.tap(yes("tip.medical_emergency"))),
    "documents.lost": ("documents.list", lambda chat: chat.tap(to_choice("documents.list", "documents.lost"))),
    "rights.complain": ("rights.list", lambda chat: chat.tap(to_choice("rights.list", "rights.complain"))),
}
# The topics' texts belong to the documents and rights topics (their own numbers and facts).
TEXT_CHECKED = {"emergency.now", "report.danger_call", "report.medical_call", "tip.danger_call", "tip.medical_call"}


@pytest.fixture(scope="module")
def world(tmp_path_factory, redis_url):
    with hotline_app(tmp_path_factory.mktemp("emergency_numbers"), redis_url) as running:
        yield running


def assert_text_follows_buttons(text: str, buttons: list[str], language: str, every_number: bool) -> None:
    named = [n for n in numbers_in(text) if n in buttons]
    assert named, f"{language}: no number in the text: {text!r}"
    assert named[0] == buttons[0], f"{language}: the text names {named[0]} first, the buttons {buttons[0]}"
    assert named == [b for b in buttons if b in named], f"{language}: text order {named} vs buttons {buttons}"
    if every_number:
        assert named == buttons, f"{language}: the text leaves out {sorted(set(buttons) - set(named))}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("place", list(PLACES))
def test_numbers_come_in_the_readers_order_in_buttons_and_text(world, place, language):
    start, act = PLACES[place]
    chat = Chat(*world, language).be_at(start)
    messages = act(chat)
    buttons = tel_numbers(messages)
    assert buttons == expected(place, language)
    if language in OWN_LINE:
        assert buttons[0] == OWN_LINE[language]          # the line that speaks their language first
    if place in TEXT_CHECKED:
        text = "\n".join(texts(messages))
        assert_text_follows_buttons(text, buttons, language, every_number=place == "emergency.now")
        if not place.endswith("medical_call") and (language in OWN_LINE or language == "en"):
            assert "191" in text and THAI[language] in text  # says plainly that 191 speaks Thai
        if language in OWN_LINE and place.endswith("medical_call"):
            assert "1669" in text
    elif language in OWN_LINE:   # a topic's own text that names 191 names the line in their language first
        named = numbers_in("\n".join(texts(messages)))
        if "191" in named:
            assert OWN_LINE[language] in named and named.index(OWN_LINE[language]) < named.index("191")


@pytest.mark.parametrize("language", ["th", "en"])
def test_thai_and_english_readers_get_191_first(world, language):
    chat = Chat(*world, language).be_at("main.menu")
    messages = chat.say("help")
    assert tel_numbers(messages)[0] == "191" and numbers_in(texts(messages)[0])[0] == "191"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_apology_names_the_line_in_the_readers_language_first(world, language):
    chat = Chat(*world, language).be_at("main.menu")
    messages = chat.apology()
    buttons = tel_numbers(messages)
    assert buttons == expected("emergency.now", language)
    assert_text_follows_buttons(texts(messages)[0], buttons, language, every_number=False)
    if language in OWN_LINE:
        assert "191" in texts(messages)[0] and THAI[language] in texts(messages)[0]


def test_a_zawgyi_reader_gets_the_burmese_line_first_in_zawgyi(world):
    chat = Chat(*world, "my", zawgyi=True).be_at("main.menu")
    messages = chat.say("help")
    assert tel_numbers(messages)[0] == OWN_LINE["my"]
    assert numbers_in(texts(messages)[0])[0] == OWN_LINE["my"]
