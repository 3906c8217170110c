"""The rights topics (issue 11 points 3 and 6): facts as DOMAIN.md's review of 2026-12-06
corrected them, each fact message dated, the new topics in the menu, the key point first and
the details behind More (the length rule is tests/catalogs/test_readable.py's, rights included)."""
from __future__ import annotations

import re

import pytest

from flows.loader import load_flows
from locales import LANGUAGES
from locales.quality import translation

FLOWS = load_flows()
RIGHTS = FLOWS.flows["rights"]
TOPICS = {key: step for key, step in RIGHTS.steps.items() if step.source}
FACTS = sorted({item["id"] for step in TOPICS.values() for item in step.say + step.more})
YEAR = {"th": re.compile(r"\b25[0-9]{2}\b")}   # Thai years in the Buddhist Era (locales/th/TERMS.md)
ANY_YEAR = re.compile(r"\b(?:19|20)[0-9]{2}\b")


def en(message_id: str) -> str:
    return translation("en", "rights", message_id) or ""


def test_the_new_topics_are_in_the_rights_menu():
    offered = {choice["go"] for choice in RIGHTS.steps["list"].choices}
    assert {"rights.pay", "rights.health", "rights.ngo"} <= offered
    assert len(RIGHTS.steps["list"].choices) + 1 <= 13  # LINE: at most 13 quick replies


def test_overtime_consent_is_section_24():
    hours = " ".join(en(i["id"]) for i in TOPICS["hours"].say + TOPICS["hours"].more)
    assert "Section 24" in hours and "section 60" not in hours.lower()
    assert "agree each time" in hours


def test_maternity_and_spouse_leave_since_7_dec_2025():
    leave = " ".join(en(i["id"]) for i in TOPICS["leave"].say + TOPICS["leave"].more)
    for words in ("Since 7 Dec 2025", "120 days", "60 of them on full pay", "15 days on full pay",
                  "within 90 days of the birth"):
        assert words in leave, words
    assert "could not confirm" not in leave


def test_documents_an_offence_on_its_own_and_a_means_of_forcing_work():
    documents = " ".join(en(i["id"]) for i in TOPICS["documents"].say + TOPICS["documents"].more)
    assert "offence on its own" in documents and "2017 Royal Ordinance" in documents
    assert "a way of forcing people to work" in documents
    assert "counts taking your ID documents as forced labour" not in documents


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_fact_message_names_its_date(lang):
    """"Since Dec 2025", "(Law of 1998)": a worker sees how old each fact is. The danger line
    (rights.complain.3, the emergency part's) states no fact of a date."""
    year = YEAR.get(lang, ANY_YEAR)
    undated = [i for i in FACTS if i != "rights.complain.3" and not year.search(translation(lang, "rights", i) or "")]
    assert undated == []
    if lang == "th":  # and never a Common Era year on a Thai screen
        assert [i for i in FACTS if re.search(r"\b20[0-9]{2}\b", translation(lang, "rights", i) or "")] == []


def test_each_topic_shows_its_key_point_first_and_the_rest_behind_more():
    for key, step in TOPICS.items():
        assert len(step.say) <= 2 and step.more, key
        assert "more" in step.nav, key
