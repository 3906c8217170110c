"""One- and two-word Burmese messages are answered in the encoding they were typed in.

The labelled set is bench/data/short_burmese.tsv (sources in bench/data/SOURCES.md, one per
row): phrasebook and blog words, a learner's phrases published in both encodings, and
Wiktionary's words. A message that reads well in both encodings is "unsure": the bot asks
(in both encodings) instead of guessing; see tests/test_first_contact.py for that."""
from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from flows.language import detect_language, to_unicode, to_zawgyi
from flows.language.zawgyi import encoding

DATA = Path(__file__).resolve().parents[2] / "bench" / "data" / "short_burmese.tsv"


def rows() -> list[dict]:
    with DATA.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def verdicts() -> Counter:
    counts = Counter()
    for row in rows():
        verdict = encoding(row["text"])
        counts["unsure" if verdict is None else "right" if verdict == (row["encoding"] == "zawgyi") else "wrong"] += 1
    return counts


def test_the_set_is_labelled_sourced_and_short():
    data = rows()
    by_encoding = Counter(row["encoding"] for row in data)
    assert by_encoding["unicode"] >= 1000 and by_encoding["zawgyi"] >= 1000
    for row in data:
        assert row["encoding"] in ("unicode", "zawgyi") and row["source"], row
        assert len(row["text"].split()) <= 2, row
        assert row["made"] in ("as published", "converted, checked by converting back"), row
        if row["made"] != "as published":  # our converter made it: converting back gives the source's text
            other = to_zawgyi(row["text"]) if row["encoding"] == "unicode" else to_unicode(row["text"])
            back = to_unicode(other) if row["encoding"] == "unicode" else to_zawgyi(other)
            assert back == row["text"], row


def test_at_least_98_percent_are_answered_in_the_right_encoding():
    counts = verdicts()
    total = sum(counts.values())
    assert counts["right"] / total >= 0.98, counts
    # the rest is mostly asked about (both encodings shown), rarely wrong
    assert counts["wrong"] / total <= 0.01, counts


@pytest.mark.parametrize("encoded", ["unicode", "zawgyi"])
def test_each_encoding_on_its_own(encoded):
    right = total = 0
    for row in rows():
        if row["encoding"] == encoded:
            total += 1
            right += encoding(row["text"]) == (encoded == "zawgyi")
    assert right / total >= 0.97, (right, total)


@pytest.mark.parametrize("unicode_text", ["မင်္ဂလာပါ", "ကျေးဇူးတင်ပါတယ်", "ဟုတ်ကဲ့", "ကယ်ပါ", "ပိုက်ဆံ"])
def test_greetings_and_common_words_in_zawgyi_are_zawgyi_and_in_unicode_unicode(unicode_text):
    zawgyi_text = to_zawgyi(unicode_text)
    assert zawgyi_text != unicode_text
    assert detect_language(zawgyi_text).zawgyi is True, zawgyi_text
    assert detect_language(unicode_text).zawgyi is False
    assert not detect_language(unicode_text).unsure_encoding


def test_a_text_the_same_in_both_encodings_is_never_unsure_when_long():
    long_text = "လူတိုင်း " * 10  # reads as Unicode; long enough for the model to decide
    assert encoding(long_text) is not None


def test_unsure_only_for_burmese():
    assert detect_language("hello there friend").unsure_encoding is False
    assert detect_language("สวัสดีครับ").unsure_encoding is False
