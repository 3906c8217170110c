"""The languages the hotline speaks, listed once: everyone else imports them from here.

A leaf module (no imports), so the flows, the bot, the cases and the catalog tooling can
all share it without depending on each other.
"""
from __future__ import annotations

# The public's languages, in the order people see them (the language menu, every_language()).
LANGUAGES = ("my", "km", "lo", "th", "en")

# Each language's name in its own script (the CLDR autonyms, as in Babel's
# Locale(code).display_name), so a person who reads only one of them finds theirs.
AUTONYMS = {
    "my": "မြန်မာ",
    "km": "ខ្មែរ",
    "lo": "ລາວ",
    "th": "ไทย",
    "en": "English",
}

# The language of an answer when the person's is not known yet (nor their phone's).
FALLBACK_LANGUAGE = "en"

# Officers are Thai officials: what they read is kept in Thai, and English for an English-reading desk.
OFFICER_LANGUAGES = ("th", "en")
