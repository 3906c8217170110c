"""Readable on a small phone: every message of a domain listed here is short, in short
sentences, without officials' jargon (locales.quality.readability, one rule for all domains).
Add a domain to READABLE_DOMAINS once its messages meet the rule."""
from __future__ import annotations

import pytest

from locales.message_ids import card_title_ids, label_message_ids, required_message_ids
from locales.quality import MAX_SENTENCE_WORDS, MAX_SHORT_MESSAGE, readability, sentences, translation

READABLE_DOMAINS = ("documents", "rights")


def _messages(domain: str) -> list[str]:
    skip = label_message_ids() | card_title_ids()
    return sorted(i for i in required_message_ids()[domain] if i not in skip)


@pytest.mark.parametrize("domain, message_id", [(d, i) for d in READABLE_DOMAINS for i in _messages(d)])
def test_every_message_is_short_plain_and_in_short_sentences(domain, message_id):
    english = translation("en", domain, message_id)
    assert english, f"{message_id} has no English"
    assert readability(english) == [], f"{message_id}: {english!r}"


def test_the_rule_catches_a_long_message_a_long_sentence_and_jargon():
    long_sentence = " ".join(["word"] * (MAX_SENTENCE_WORDS + 1)) + "."
    assert any("words" in p for p in readability(long_sentence))
    assert any("characters" in p for p in readability("Short. " * (MAX_SHORT_MESSAGE // 7 + 1)))
    assert any("TM.47" in p for p in readability("Use form TM.47."))
    assert any("Cabinet resolution" in p for p in readability("A Cabinet resolution said so."))
    assert any("'PJ'" in p for p in readability("Get a PJ passport."))
    assert readability("Report your address every 90 days (1979 law). Call 1178.") == []
    assert readability("Unemployment pay") == []  # "PJ"/"PV" only as words, never inside one


def test_sentences_split_after_stops_and_line_breaks():
    assert sentences("One two. Three? Four!\nFive") == ["One two.", "Three?", "Four!", "Five"]
    assert sentences("Fine: 2,000 baht (2023).") == ["Fine: 2,000 baht (2023)."]
