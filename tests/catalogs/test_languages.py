"""One list of languages (locales/languages.py): every table kept per language covers exactly
that list, so adding a language shows everything that needs it."""
from __future__ import annotations

import locales.__main__ as tool
from flows.language import language_names
from locales import DOMAIN_LANGUAGES, LANGUAGES, languages_for
from locales.catalogs import BAHT, catalogs
from locales.languages import AUTONYMS, OFFICER_LANGUAGES
from locales.quality import EXPECTED_SCRIPT


def test_every_per_language_table_covers_the_languages():
    for table in (AUTONYMS, EXPECTED_SCRIPT, tool.PLURAL_FORMS, BAHT):
        assert set(table) == set(LANGUAGES)


def test_the_officers_languages_are_some_of_them():
    assert set(OFFICER_LANGUAGES) <= set(LANGUAGES)
    assert languages_for("officer") == OFFICER_LANGUAGES == DOMAIN_LANGUAGES["officer"]


def test_the_order_is_the_lists():
    assert list(language_names()) == list(LANGUAGES)
    assert catalogs().languages == LANGUAGES
