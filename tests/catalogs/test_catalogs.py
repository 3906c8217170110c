"""Every message the flows need, in every language, and right. Data-driven: the ids come
from the flow files (all domains: bot, documents, rights, any new one), flows.engine.UI and
bot.ui_text.BOT_MESSAGE_IDS, so a new step or a new flow file is covered without a test change.
"""
from __future__ import annotations

import pytest

from line_limits import MAX_ACTION_LABEL_CHARS, MAX_TEXT_CHARS
from locales import LANGUAGES, po_path
from locales.quality import (
    AIM_MESSAGE,
    EXPECTED_SCRIPT,
    MAX_CARD_TITLE,
    ZAWGYI_LIMIT,
    encoding_neutral,
    load_po,
    placeholders,
    script_counts,
    script_of,
    translation,
    zawgyi_probability,
)

from .data import CARD_TITLES, LABELS, REQUIRED, catalogs, entries

PLURAL_FORMS = {"my": "nplurals=1; plural=0;", "km": "nplurals=1; plural=0;", "lo": "nplurals=1; plural=0;",
                "th": "nplurals=1; plural=0;", "en": "nplurals=2; plural=(n != 1);"}


def _text(domain: str, lang: str, message_id: str) -> str:
    """The translation, or skip (the 'translated' test reports the gap once)."""
    text = translation(lang, domain, message_id)
    if not text:
        pytest.skip("not translated (reported by test_translated)")
    return text


@pytest.mark.parametrize("domain, lang", catalogs(LANGUAGES))
def test_catalog_exists_and_parses(domain, lang):
    path = po_path(lang, domain)
    assert path.exists(), f"missing {path}: run `python -m locales update`"
    catalog = load_po(lang, domain)  # babel.messages.pofile.read_po
    headers = dict(catalog.mime_headers)
    assert headers.get("Language") == lang
    assert "charset=utf-8" in headers.get("Content-Type", "").lower()
    assert headers.get("Plural-Forms") == PLURAL_FORMS[lang]


@pytest.mark.parametrize("domain, lang, message_id", entries(LANGUAGES))
def test_translated(domain, lang, message_id):
    catalog = load_po(lang, domain)
    if catalog is None:
        pytest.fail(f"no {po_path(lang, domain)}")
    message = catalog.get(message_id)
    assert message is not None, f"{message_id!r} is not in {lang}/{domain}.po: run `python -m locales update`"
    assert not message.fuzzy, f"{message_id!r} is fuzzy in {lang}/{domain}.po (fuzzy texts are never shown)"
    assert isinstance(message.string, str) and message.string.strip(), f"{message_id!r} is empty in {lang}"


@pytest.mark.parametrize("domain, lang, message_id", entries(LANGUAGES))
def test_right_script(domain, lang, message_id):
    text = _text(domain, lang, message_id)
    script = script_of(text)
    if script is None and script_of(translation("en", domain, message_id) or "") is None:
        return  # only numbers/codes, in every language (e.g. "191")
    assert script == EXPECTED_SCRIPT[lang], \
        f"{lang} text is mostly {script} ({script_counts(text)}), expected {EXPECTED_SCRIPT[lang]}: {text!r}"


@pytest.mark.parametrize("domain, lang, message_id", entries(["my"]))
def test_burmese_is_unicode_not_zawgyi(domain, lang, message_id):
    text = _text(domain, lang, message_id)
    probability = zawgyi_probability(text)
    assert probability < ZAWGYI_LIMIT or encoding_neutral(text), \
        f"looks like Zawgyi (p={probability:.2f}): {text!r}"


@pytest.mark.parametrize("domain, lang, message_id", entries([lang for lang in LANGUAGES if lang != "en"]))
def test_placeholders_match_english(domain, lang, message_id):
    text = _text(domain, lang, message_id)
    english = _text(domain, "en", message_id)
    assert placeholders(text) == placeholders(english), f"{text!r} vs English {english!r}"


@pytest.mark.parametrize("domain, lang, message_id", entries(["en"]))
def test_english_braces_are_valid(domain, lang, message_id):
    placeholders(_text(domain, lang, message_id))  # raises ValueError on a stray brace


@pytest.mark.parametrize("domain, lang, message_id",
                         [p for p in entries(LANGUAGES) if p.values[2] in LABELS])
def test_labels_fit_a_button(domain, lang, message_id):
    text = _text(domain, lang, message_id)
    assert len(text) <= MAX_ACTION_LABEL_CHARS, \
        f"button label has {len(text)} characters (LINE max {MAX_ACTION_LABEL_CHARS}): {text!r}"
    assert "\n" not in text


@pytest.mark.parametrize("domain, lang, message_id",
                         [p for p in entries(LANGUAGES) if p.values[2] in CARD_TITLES])
def test_card_titles_fit(domain, lang, message_id):
    text = _text(domain, lang, message_id)
    assert len(text) <= MAX_CARD_TITLE, f"card title has {len(text)} characters: {text!r}"


@pytest.mark.parametrize("domain, lang, message_id", entries(LANGUAGES))
def test_message_fits_line(domain, lang, message_id):
    text = _text(domain, lang, message_id)
    assert len(text) <= MAX_TEXT_CHARS, f"{len(text)} characters; LINE allows {MAX_TEXT_CHARS}"


@pytest.mark.parametrize("domain, lang", catalogs(LANGUAGES))
def test_no_fuzzy_or_obsolete_entries(domain, lang):
    catalog = load_po(lang, domain)
    if catalog is None:
        pytest.skip("no catalog (reported by test_catalog_exists_and_parses)")
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    obsolete = list(catalog.obsolete)
    assert not fuzzy, f"fuzzy entries (never shown; check, then remove the flag): {fuzzy}"
    assert not obsolete, f"obsolete #~ entries (move the words to the new id, then delete): {obsolete}"


def test_bot_messages_one_screen():
    """Bot-domain messages stay within one phone screen (the aim; other domains are warned by check)."""
    long = [(lang, mid, len(translation(lang, "bot", mid) or "")) for lang in LANGUAGES
            for mid in REQUIRED["bot"] if len(translation(lang, "bot", mid) or "") > AIM_MESSAGE]
    assert not long, long
