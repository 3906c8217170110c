"""choose_language: the order in which message, conversation and profile decide."""
from __future__ import annotations

import pytest

from flows.language import Detection, choose_language, from_line_language, language_names

CONFIDENT_KM = Detection("km", False, True)
HINT_MY = Detection("my", False, False)  # e.g. "mingalaba"
NOTHING = Detection(None, False, False)  # e.g. "ok", a sticker


def test_language_names_in_their_own_scripts():
    assert language_names() == {"my": "မြန်မာ", "km": "ខ្មែរ", "lo": "ລາວ", "th": "ไทย", "en": "English"}


def test_language_names_match_cldr_autonyms():
    from babel import Locale

    for code, name in language_names().items():
        assert Locale(code).get_display_name(code) == name


@pytest.mark.parametrize(
    "code, ours",
    [("th", "th"), ("en", "en"), ("en-US", "en"), ("en_GB", "en"), ("my", "my"), ("my-MM", "my"),
     ("km", "km"), ("lo", "lo"), ("zh-Hant", None), ("ja", None), ("", None), (None, None)],
)
def test_line_profile_codes(code, ours):
    assert from_line_language(code) == ours


def test_confident_text_wins_over_everything():
    assert choose_language(CONFIDENT_KM, profile_language="th", current="my") == "km"


def test_text_that_does_not_tell_keeps_the_current_language():
    assert choose_language(NOTHING, profile_language="th", current="my") == "my"


def test_a_hint_does_not_flip_the_current_language():
    assert choose_language(Detection("th", False, False), profile_language=None, current="my") == "my"


def test_a_hint_beats_the_profile_when_nothing_is_set_yet():
    assert choose_language(HINT_MY, profile_language="th", current=None) == "my"


def test_profile_is_used_when_text_does_not_tell():
    assert choose_language(NOTHING, profile_language="th", current=None) == "th"
    assert choose_language(NOTHING, profile_language="en-US", current=None) == "en"


def test_none_means_ask():
    assert choose_language(NOTHING, profile_language="ja", current=None) is None
    assert choose_language(NOTHING, profile_language=None, current=None) is None
    assert choose_language(None, profile_language="zh-Hant", current=None) is None


def test_an_unsupported_current_value_is_ignored():
    assert choose_language(NOTHING, profile_language="lo", current="zz") == "lo"
