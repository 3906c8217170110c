"""The dashboard's words: symbolic ids (dashboard.*) in the `dashboard` gettext domain, Thai and
English, through the same catalogs as the bot; `_()` in templates and views."""
from __future__ import annotations

from flask import g

from locales.catalogs import catalogs
from locales.languages import OFFICER_LANGUAGES
from locales.marker import N_  # noqa: F401  (re-exported: marks ids for extraction)

LANGUAGES = OFFICER_LANGUAGES          # Thai first: the committees' language
DEFAULT = LANGUAGES[0]


def language() -> str:
    return g.get("language", DEFAULT)


def text(message_id: str, **values) -> str:
    return catalogs().text(language(), message_id, **values)


def choose_language(accept_languages) -> str:
    """Before sign-in: the browser's choice among Thai and English, else Thai."""
    return accept_languages.best_match(LANGUAGES) or DEFAULT


def date_text(value) -> str:
    """A date as people of the language write it (Buddhist Era in Thai)."""
    return catalogs().date(language(), value) if value else ""


_ = text     # the name Babel's extraction looks for: views write _("dashboard.…")
