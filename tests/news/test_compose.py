"""news/compose.py: a text in every language, none too long for LINE with the footer, or a refusal naming them."""
from __future__ import annotations

from line_limits import MAX_TEXT_CHARS
from news import compose
from news.choices import NEWS_LANGUAGES

WHOLE = {language: f"news {language}" for language in NEWS_LANGUAGES}


def test_all_five_languages_is_no_problem():
    assert compose.problems(WHOLE) == {}


def test_a_missing_or_blank_language_is_named():
    assert compose.problems({**WHOLE, "lo": "  ", "km": None}) == {"km": "missing", "lo": "missing"}
    assert compose.problems({}) == {language: "missing" for language in NEWS_LANGUAGES}
    assert compose.problems(None) == {language: "missing" for language in NEWS_LANGUAGES}


def test_room_is_kept_for_the_footer_in_lines_one_text():
    assert compose.MAX_NEWS_CHARS + compose.FOOTER_ROOM == MAX_TEXT_CHARS
    assert compose.problems({**WHOLE, "th": "ก" * compose.MAX_NEWS_CHARS}) == {}
    assert compose.problems({**WHOLE, "th": "ก" * (compose.MAX_NEWS_CHARS + 1)}) == {"th": "too_long"}


def test_cleaned_keeps_one_trimmed_text_per_language_and_nothing_else():
    assert compose.cleaned({**WHOLE, "en": "  news en \n", "fr": "nouvelles"}) == WHOLE
