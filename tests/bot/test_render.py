"""bot/render.py: the engine's outputs as LINE messages, within LINE's limits whatever the texts
(5 messages a reply, 13 quick replies, 20 characters a label, 5,000 a text), in the reader's
language and script."""
from __future__ import annotations

from datetime import date

from bot.render import Renderer, fit
from flows.model import Answer, Ask, Call, Choice, Dial, Say, Summary


class Catalogs:
    """Texts that show which message and language were asked for."""

    def __init__(self, texts: dict[str, str] | None = None):
        self.texts = texts or {}

    def text(self, language: str, message_id: str, **params) -> str:
        return self.texts.get(message_id, f"{language}:{message_id}").format(**params)

    def date(self, language: str, value) -> str:
        return f"{language}-date:{value}"


def renderer(**texts) -> Renderer:
    return Renderer(Catalogs(texts), lambda text: f"zawgyi({text})")


def test_fit_cuts_to_the_limit_and_never_leaves_a_text_empty():
    assert fit("hello", 20) == "hello"
    assert fit("a" * 30, 20) == "a" * 19 + "…"
    assert fit("   ", 20) == "…"


def test_a_text_in_the_reader_language_and_zawgyi_only_for_burmese():
    assert renderer().render([Say("m.hello")], "th") == [{"type": "text", "text": "th:m.hello"}]
    assert renderer().render([Say("m.hello")], "my", zawgyi=True) == [{"type": "text", "text": "zawgyi(my:m.hello)"}]
    assert renderer().render([Say("m.hello")], "th", zawgyi=True)[0]["text"] == "th:m.hello"


def test_a_date_parameter_is_written_in_the_reader_calendar():
    said = renderer(**{"m.when": "on {day}"}).render([Say("m.when", params={"day": date(2026, 12, 7)})], "th")
    assert said[0]["text"] == "on th-date:2026-12-07"


def test_every_language_shows_burmese_in_both_encodings():
    text = renderer().render([Say("m.hello", every_language=True)], "en")[0]["text"]
    assert text.splitlines() == ["my:m.hello", "zawgyi(my:m.hello)", "km:m.hello", "lo:m.hello", "th:m.hello",
                                 "en:m.hello"]


def test_quick_replies_stay_within_line_limits_and_quiet_taps_are_not_echoed():
    choices = tuple(Choice(label="x" * 30, data=f"c|s|{n}", literal=True, quiet=n % 2 == 0) for n in range(20))
    message = renderer().render([Say("m.q"), Ask(choices=choices)], "en")[-1]
    items = message["quickReply"]["items"]
    assert len(items) == 13
    assert all(len(item["action"]["label"]) <= 20 for item in items)
    assert "displayText" not in items[0]["action"] and items[1]["action"]["displayText"] == items[1]["action"]["label"]


def test_a_place_question_opens_the_share_location_screen():
    ask = Ask(choices=(Choice(label="ui.share", data="", kind="location"),))
    item = renderer().render([Say("m.where"), ask], "en")[-1]["quickReply"]["items"][0]
    assert item["action"] == {"type": "location", "label": "en:ui.share"}


def test_buttons_without_a_text_before_them_get_the_choose_line():
    ask = Ask(choices=(Choice(label="ui.yes", data="c|s|0"),))
    assert renderer().render([ask], "en")[0]["text"] == "en:ui.choose"


def test_numbers_to_call_four_to_a_card():
    calls = tuple(Call(label=f"h.{n}", number=str(1000 + n)) for n in range(6))
    cards = renderer().render([Dial(title="ui.call", calls=calls)], "en")
    assert [len(card["template"]["actions"]) for card in cards] == [4, 2]
    assert cards[0]["template"]["actions"][0]["uri"] == "tel:1000"


def test_a_summary_lists_each_answer_and_shortens_long_words():
    summary = Summary(answers=(Answer("q.danger", "a.no", "label"), Answer("q.words", "w " * 100, "text"),
                               Answer("q.place", {"latitude": 20.4, "longitude": 99.8}, "location")))
    lines = renderer().render([summary], "en")[0]["text"].splitlines()
    assert lines[0] == "• en:q.danger: en:a.no"
    assert len(lines[1]) <= len("• en:q.words: ") + 80
    assert lines[2] == "• en:q.place: 📍 20.4, 99.8"


def test_a_reply_keeps_to_five_messages_and_its_buttons():
    messages = [{"type": "text", "text": f"t{n}"} for n in range(7)]
    messages[-1]["quickReply"] = {"items": []}
    finished = Renderer.finish(messages)
    assert len(finished) == 5 and finished[-1]["quickReply"] == {"items": []}
    assert "\n\n".join(m["text"] for m in finished) == "\n\n".join(f"t{n}" for n in range(7))


def test_a_date_question_opens_lines_date_picker_with_the_steps_data():
    ask = Ask(choices=(Choice(label="ui.nav.date", data="d|reminders.date", kind="date"),))
    item = renderer().render([Say("m.when"), ask], "en")[-1]["quickReply"]["items"][0]
    assert item["action"] == {"type": "datetimepicker", "label": "en:ui.nav.date", "data": "d|reminders.date",
                              "mode": "date"}
