"""Dates in the reader's calendar, as reminders show them: Thai with the Buddhist Era year
(C.E. + 543), the others with their month names (CLDR through Babel). The one formatter is
locales.catalogs.Catalogs.date (the renderer applies it to every date param); these tests pin
what the reminders rely on, and check every pushed reminder in every language and in Zawgyi."""
from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from bot import reminder_push
from bot.render import Renderer
from flows import language
from flows.engine import Engine
from flows.loader import load_flows
from line_limits import MAX_ACTION_LABEL_CHARS, MAX_MESSAGES_PER_REQUEST, MAX_TEXT_CHARS
from locales.catalogs import catalogs as load_catalogs
from locales.languages import LANGUAGES
from news import reminders as rules

CATALOGS = load_catalogs()
ENGINE = Engine(load_flows())
RENDERER = Renderer(CATALOGS, language.to_zawgyi)


@pytest.mark.parametrize("lang, expected", [
    ("th", "15 มีนาคม 2569"),        # Buddhist Era, no era mark
    ("en", "March 15, 2026"),
    ("my", "2026 မတ် 15"),
    ("km", "15 មីនា 2026"),
    ("lo", "15 ມີນາ 2026"),
])
def test_a_date_in_each_readers_calendar(lang, expected):
    assert CATALOGS.date(lang, date(2026, 3, 15)) == expected


def test_the_thai_year_turns_with_the_gregorian_one():
    assert CATALOGS.date("th", date(2026, 12, 31)).endswith("2569")
    assert CATALOGS.date("th", date(2027, 1, 1)).endswith("2570")


def pushes():
    given = {"ninety_day": date(2026, 1, 1), "visa": date(2027, 3, 7), "work_permit": date(2027, 3, 7),
             "pink_card": date(2027, 3, 7)}
    for kind, day in given.items():
        for stage in rules.stages(kind, day):
            yield kind, day, stage


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_pushed_reminder_shows_its_dates_in_the_readers_calendar_and_fits_line(lang):
    person = SimpleNamespace(language=lang, zawgyi=False)
    for kind, given, stage in pushes():
        messages = reminder_push.compose(ENGINE, RENDERER, person, kind, given, stage)
        words = "\n".join(m["text"] for m in messages if m["type"] == "text")
        assert CATALOGS.date(lang, rules.deadline(kind, given)) in words, (kind, stage.name)
        assert CATALOGS.date(lang, rules.FACTS_CHECKED) in words              # the facts' date
        assert "{" not in words                                                # every placeholder filled
        if kind == rules.NINETY_DAY and not stage.asks_new_date:
            opens, closes = rules.report_window(given)
            assert CATALOGS.date(lang, opens) in words and CATALOGS.date(lang, closes) in words
        assert words.rstrip().endswith(CATALOGS.text(lang, reminder_push.STOP).rstrip())   # how to stop, last
        assert len(messages) <= MAX_MESSAGES_PER_REQUEST
        assert all(len(m["text"]) <= MAX_TEXT_CHARS for m in messages if m["type"] == "text")
        buttons = [item["action"]["label"] for m in messages for item in m.get("quickReply", {}).get("items", [])]
        assert len(buttons) == (1 if stage.asks_new_date else 0)
        assert all(len(label) <= MAX_ACTION_LABEL_CHARS for label in buttons)
        if lang == "th":
            assert str(rules.deadline(kind, given).year + 543) in words


def test_a_zawgyi_reader_gets_the_reminder_in_zawgyi():
    kind, given, stage = next(pushes())
    unicode = reminder_push.compose(ENGINE, RENDERER, SimpleNamespace(language="my", zawgyi=False), kind, given, stage)
    zawgyi = reminder_push.compose(ENGINE, RENDERER, SimpleNamespace(language="my", zawgyi=True), kind, given, stage)
    assert zawgyi[0]["text"] == language.to_zawgyi(unicode[0]["text"]) != unicode[0]["text"]
