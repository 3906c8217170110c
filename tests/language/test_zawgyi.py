"""Zawgyi: detection matches Google's model, conversion matches known pairs, round trips."""
from __future__ import annotations

import csv
from importlib.resources import files

import pytest
from myanmartools import ZawgyiDetector

from flows.language import Detection, detect_language, normalise_input, to_unicode, to_zawgyi
from flows.language import zawgyi as zmod
from flows.language.zawgyi import ZAWGYI_THRESHOLD, zawgyi_probability
from tests.language import samples as s


def _compatibility_rows():
    """myanmartools 1.2.1 ships compatibility.tsv (probability, text): the Java
    implementation's outputs, used by the library's own tests."""
    path = files("myanmartools.resources").joinpath("compatibility.tsv")
    with path.open(encoding="utf-8") as f:
        return [(float(p), text) for p, text in csv.reader(f, delimiter="\t")]


def test_threshold_is_the_one_recommended_for_automatic_conversion():
    assert ZAWGYI_THRESHOLD == 0.95


def test_fast_probability_equals_the_library_exactly():
    library = ZawgyiDetector()
    rows = _compatibility_rows()
    assert len(rows) > 40
    texts = [t for _, t in rows] + [
        s.STRONG_UNICODE, s.STRONG_ZAWGYI, s.MY_UDHR_TESTER, s.MY_UDHR + "  " + s.STRONG_ZAWGYI,
        " leading and trailing ", "abc", "", "   ", "\u1041\u1040", s.MY_UDHR_TESTER * 5,
    ]
    for text in texts:
        assert zawgyi_probability(text) == library.get_zawgyi_probability(text), text


def test_probability_is_cached():
    zmod._cached_probability.cache_clear()
    zawgyi_probability(s.STRONG_ZAWGYI)
    zawgyi_probability(s.STRONG_ZAWGYI)
    assert zmod._cached_probability.cache_info().hits == 1


def test_probability_matches_the_java_reference_values():
    for expected, text in _compatibility_rows():
        assert zawgyi_probability(text) == pytest.approx(expected, rel=1e-6), text


def test_strong_strings_from_the_library_tests():
    assert zawgyi_probability(s.STRONG_UNICODE) < 0.001
    assert zawgyi_probability(s.STRONG_ZAWGYI) > 0.999


def test_zawgyi_is_detected_and_flagged():
    assert detect_language(s.STRONG_ZAWGYI) == Detection("my", True, True)
    assert detect_language(s.STRONG_UNICODE) == Detection("my", False, True)
    for u, z in s.PYTHON_MYANMAR_PAIRS:
        assert detect_language(u).zawgyi is False
        assert detect_language(z).zawgyi is True


def test_other_languages_in_myanmar_script_are_not_zawgyi():
    # compatibility.tsv rows marked (shan/mon/karen/pali language): Unicode text
    # in other languages that rule-based detectors wrongly flag as Zawgyi.
    others = [t for _, t in _compatibility_rows() if "language)" in t]
    assert len(others) >= 8
    for text in others:
        assert detect_language(text).zawgyi is False, text


@pytest.mark.parametrize("unicode_text, zawgyi_text", s.PYTHON_MYANMAR_PAIRS + [(s.STRONG_UNICODE, s.STRONG_ZAWGYI)])
def test_zawgyi_converts_to_the_right_unicode(unicode_text, zawgyi_text):
    assert to_unicode(zawgyi_text) == unicode_text


@pytest.mark.parametrize("index", sorted(s.GOOGLE_Z2U))
def test_matches_googles_reference_conversion(index):
    zawgyi_text, unicode_text = s.GOOGLE_Z2U[index]
    assert to_unicode(zawgyi_text) == unicode_text


@pytest.mark.parametrize("unicode_text, zawgyi_text", s.PYTHON_MYANMAR_PAIRS)
def test_unicode_converts_to_zawgyi(unicode_text, zawgyi_text):
    assert to_zawgyi(unicode_text) == zawgyi_text


@pytest.mark.parametrize(
    "sentence",
    [s.MY_UDHR, s.MY_UDHR_SHORT, s.MY_UDHR_TESTER, s.MY_UDHR_POSTER, s.STRONG_UNICODE],
)
def test_unicode_zawgyi_unicode_round_trip(sentence):
    zawgyi_text = to_zawgyi(sentence)
    assert zawgyi_text != sentence
    assert detect_language(zawgyi_text).zawgyi
    assert to_unicode(zawgyi_text) == sentence


def test_non_myanmar_text_passes_through_conversion():
    for text in (s.EN_UDHR, s.TH_UDHR, "123 ok 😀", ""):
        assert to_unicode(text) == text
        assert to_zawgyi(text) == text


def test_digit_zero_stays_a_digit_among_digits():
    assert to_unicode("\u1041\u1040") == "\u1041\u1040"  # ၁၀ (ten)
    assert to_unicode("\u1040") == "\u1040"


def test_normalise_input_converts_only_zawgyi():
    text, d = normalise_input(s.STRONG_ZAWGYI)
    assert text == s.STRONG_UNICODE and d == Detection("my", True, True)
    text, d = normalise_input(s.STRONG_UNICODE)
    assert text == s.STRONG_UNICODE and d.zawgyi is False
    text, d = normalise_input(s.TH_UDHR)
    assert text == s.TH_UDHR and d.language == "th"


def test_converter_failure_keeps_the_message(monkeypatch):
    import myanmar.converter

    def broken(*args):
        raise KeyError("boom")

    monkeypatch.setattr(myanmar.converter, "convert", broken)
    zmod._cached_to_unicode.cache_clear()
    assert to_unicode(s.STRONG_ZAWGYI) == s.STRONG_ZAWGYI
    assert to_zawgyi(s.STRONG_UNICODE) == s.STRONG_UNICODE
    zmod._cached_to_unicode.cache_clear()  # forget the unconverted result
