"""What a subscription and a reminder are made of: fixed lists, named once.

Stored as these codes (never free text), so an audience is counted in SQL and the words
shown for each live in the catalogs (`news.country.mm`, `news.document.pink_card`, ...).
"""
from __future__ import annotations

import geothai

from locales.languages import LANGUAGES

# The worker's country (the MayDay audience: Myanmar, Cambodia, Laos), or another.
COUNTRIES = ("mm", "kh", "la", "other")

# The document the worker holds (DOMAIN.md §1.1), or "unknown" when they don't know.
DOCUMENTS = ("mou", "pink_card", "border_pass", "ci", "unknown")

# A subscription's province: a two-digit DOPA province code (DOMAIN.md §5.2; geothai's data, as
# the routing reads places), or this for the whole country.
ALL_PROVINCES = "all"
PROVINCES = tuple(sorted(geothai.provinces(), key=lambda province: province.code))
PROVINCE_CODES = frozenset(province.code for province in PROVINCES)

# The dates a person may be reminded of: the last 90-day report (TM.47, DOMAIN.md §1.2),
# and when a visa, a work permit or a pink card ends.
REMINDER_KINDS = ("ninety_day", "visa", "work_permit", "pink_card")

# The languages news is written in: all of the public's, each required (news/compose.py).
NEWS_LANGUAGES = LANGUAGES
