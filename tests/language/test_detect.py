"""detect_language: scripts, mixed text, text that does not tell, English, greetings."""
from __future__ import annotations

import dataclasses

import pytest

from flows.language import Detection, detect_language, script_counts
from flows.language import detect as detect_mod
from tests.language import samples as s


@pytest.mark.parametrize(
    "text, lang",
    [
        (s.MY_UDHR, "my"),
        (s.MY_UDHR_SHORT, "my"),
        (s.MY_UDHR_POSTER, "my"),
        (s.KM_UDHR, "km"),
        (s.KM_UDHR_SHORT, "km"),
        (s.LO_UDHR, "lo"),
        (s.LO_UDHR_SHORT, "lo"),
        (s.LO_WITH_DIGIT, "lo"),
        (s.TH_UDHR, "th"),
        (s.TH_UDHR_SHORT, "th"),
        (s.TH_UDHR_POSTER, "th"),
    ],
)
def test_each_script_is_detected_confidently(text, lang):
    d = detect_language(text)
    assert d == Detection(lang, False, True)


def test_thai_and_lao_are_not_confused():
    # "and" looks almost the same in both scripts but lives in different blocks.
    assert detect_language(s.TH_AND).language == "th"
    assert detect_language(s.LO_AND).language == "lo"
    assert detect_language(s.TH_UDHR).language == "th"
    assert detect_language(s.LO_UDHR).language == "lo"
    assert script_counts(s.TH_UDHR)["lo"] == 0
    assert script_counts(s.LO_UDHR)["th"] == 0


def test_burmese_with_english_words_is_burmese():
    d = detect_language(f"{s.MY_UDHR_SHORT} salary OT visa")
    assert d == Detection("my", False, True)
    d = detect_language(f"boss {s.MY_UDHR_POSTER} passport")
    assert d.language == "my" and d.confident


def test_mostly_english_with_a_thai_word_is_thai_but_not_confident():
    d = detect_language(f"{s.EN_UDHR} {s.TH_AND}")
    assert d.language == "th"
    assert not d.confident


def test_majority_native_script_decides_between_native_scripts():
    d = detect_language(f"{s.KM_UDHR} {s.TH_AND}")
    assert d.language == "km"
    d = detect_language(f"{s.TH_UDHR_SHORT} {s.LO_UDHR_SHORT}")  # 19 Thai vs 12 Lao characters
    assert d.language == "th" and not d.confident


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀", "👍🙏😂", "12345", "0812345678", "3,500", "hi", "Hi!", "ok", "OK", "ok ok", "?", "555",
     "Hello", "thanks", "(sticker)", "你好", "こんにちは"],
)
def test_text_that_does_not_tell(text):
    assert detect_language(text) == Detection(None, False, False)


def test_english_sentence_is_english():
    assert detect_language(s.EN_UDHR) == Detection("en", False, True)
    assert detect_language(s.EN_UDHR_LONG) == Detection("en", False, True)


def test_two_short_english_words_do_not_tell():
    assert detect_language(s.EN_UDHR_TWO_WORDS).language is None


def test_other_latin_language_is_not_english():
    # gflanguages 0.7.11, fr_Latn.textproto sample_text.tester (UDHR in French)
    french = "Considérant que la méconnaissance et le mépris des droits de"
    assert detect_language(french).language is None


def test_native_script_never_calls_langdetect(monkeypatch):
    def boom(text):
        raise AssertionError("langdetect called for native-script text")

    monkeypatch.setattr(detect_mod, "english_probability", boom)
    for text in (s.MY_UDHR, s.KM_UDHR, s.LO_UDHR, s.TH_UDHR, f"{s.MY_UDHR_SHORT} salary OT visa"):
        assert detect_language(text).language is not None
    for text in ("ok", "hi", "😀", "123"):
        assert detect_language(text).language is None


def test_langdetect_is_deterministic_and_cached():
    detect_mod.english_probability.cache_clear()
    first = detect_mod.english_probability(s.EN_UDHR_LONG)
    second = detect_mod.english_probability(s.EN_UDHR_LONG)
    assert first == second > 0.9
    assert detect_mod.english_probability.cache_info().hits >= 1


def test_without_statistics_latin_text_needs_english_function_words(monkeypatch):
    monkeypatch.setattr(detect_mod, "english_probability", lambda text: 1.0)
    assert detect_language("Universal Declaration Human Rights", statistics=False).language is None
    assert detect_language("Universal Declaration Human Rights").language == "en"
    assert detect_language("I want to know about the visa", statistics=False).language == "en"


@pytest.mark.parametrize(
    "text, lang",
    [
        ("mingalaba", "my"),
        ("Mingalar Bar", "my"),
        ("Mingalarbar!", "my"),
        ("sawasdee", "th"),
        ("Sawadee ka", "th"),
        ("sawasdee krub", "th"),
        ("sabaidee", "lo"),
        ("Sabaidee bor", "lo"),
        ("chum reap suor", "km"),
        ("Choum Reap Sur", "km"),
    ],
)
def test_romanised_greetings_hint_but_are_not_confident(text, lang):
    assert detect_language(text) == Detection(lang, False, False)


def test_greeting_inside_a_sentence_is_not_a_greeting():
    d = detect_language("we said sawasdee to everyone at the factory gate")
    assert d.language == "en"


def test_detection_is_frozen():
    d = detect_language(s.MY_UDHR)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.language = "th"  # type: ignore[misc]


def test_ordinary_english_is_recognised_without_langdetect(monkeypatch):
    from flows.language import detect

    def no_langdetect(text):
        raise AssertionError("langdetect called")

    monkeypatch.setattr(detect, "english_probability", no_langdetect)
    for text in ("My boss took my passport and I want to go home",
                 "Where can I get a work permit?", "they do not pay us for the overtime"):
        assert detect.detect_language(text) == detect.Detection("en", False, True)


def test_romanised_words_without_english_function_words_are_not_taken_for_english(monkeypatch):
    from flows.language import detect

    monkeypatch.setattr(detect, "english_probability", lambda text: 0.0)
    assert detect.detect_language("nay kaung lar khin byar").language is None
