"""Shared data for the catalog tests: what the flows require, computed once per run."""
from __future__ import annotations

import pytest

from flows.loader import load_flows
from locales import languages_for
from locales.message_ids import card_title_ids, label_message_ids, required_message_ids

FLOWS = load_flows()
REQUIRED = required_message_ids(FLOWS)          # {domain: ids}
LABELS = label_message_ids(FLOWS)
CARD_TITLES = card_title_ids(FLOWS)
DOMAINS = sorted(REQUIRED, key=lambda d: (d != "bot", d))


def entries(languages) -> list:
    """One pytest param per (domain, language, message id), named domain:lang:id, for the
    languages the domain is kept in (locales.languages_for: officer is th and en only)."""
    return [pytest.param(domain, lang, message_id, id=f"{domain}:{lang}:{message_id}")
            for domain in DOMAINS for lang in languages if lang in languages_for(domain)
            for message_id in sorted(REQUIRED[domain])]


def catalogs(languages) -> list:
    """One pytest param per (domain, language) the domain is kept in, named domain:lang."""
    return [pytest.param(domain, lang, id=f"{domain}:{lang}")
            for domain in DOMAINS for lang in languages if lang in languages_for(domain)]
