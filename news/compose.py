"""What a composed news message must hold before it may be sent: a text in every language.

Staff write it once per language; a broadcast missing one, or with one LINE would refuse,
is refused as a whole with the languages named (never sent in some languages only).
"""
from __future__ import annotations

from line_limits import MAX_TEXT_CHARS

from .choices import NEWS_LANGUAGES

# Room kept in LINE's one text message for the line the bot adds under every news item (how to
# stop it, in the reader's language: bot catalog `news.footer`).
FOOTER_ROOM = 300
MAX_NEWS_CHARS = MAX_TEXT_CHARS - FOOTER_ROOM


def problems(texts: dict) -> dict[str, str]:
    """language -> "missing" or "too_long", for each language that stops the broadcast."""
    found = {}
    for language in NEWS_LANGUAGES:
        text = str((texts or {}).get(language) or "").strip()
        if not text:
            found[language] = "missing"
        elif len(text) > MAX_NEWS_CHARS:
            found[language] = "too_long"
    return found


def cleaned(texts: dict) -> dict[str, str]:
    """The texts as they are kept and sent: one per language, trimmed."""
    return {language: str((texts or {}).get(language) or "").strip() for language in NEWS_LANGUAGES}
