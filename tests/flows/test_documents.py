"""The documents topics: the key point in one message, details behind More, facts as
DOMAIN.md states them after its review of 2026-12-06, each with its date."""
from __future__ import annotations

import re

import pytest

from flows.engine import UI, Engine
from flows.loader import load_flows, topic_steps
from flows.model import Ask, Dial, Input, Say
from locales.quality import translation

FLOWS = load_flows()
TOPICS = [key for key in topic_steps(FLOWS) if key.startswith("documents.")]
# Messages that go on with the dated list of the message before them (same source, same date).
CONTINUES = {"documents.change_employer.3", "documents.lost_passport.2"}
DATED = re.compile(r"\b(19|20)\d\d\b|without a date|not known")
TRAFFICKING = {"en": "traffick", "th": "ค้ามนุษย์", "my": "လူကုန်ကူး", "km": "ជួញដូរមនុស្ស", "lo": "ຄ້າມະນຸດ"}


def english(message_id: str) -> str:
    return translation("en", "documents", message_id) or ""


def topic_text(key: str) -> str:
    step = FLOWS.step(key)
    return "\n".join(english(item["id"]) for item in step.say + step.more)


def test_the_menu_has_the_new_topics():
    assert {"documents.work_permit_steps", "documents.lost_passport", "documents.overstay"} <= set(TOPICS)
    assert len(FLOWS.step("documents.list").choices) + len(FLOWS.step("documents.list").nav) <= 13  # LINE quick replies


@pytest.mark.parametrize("key", TOPICS)
def test_one_tap_shows_the_key_point_then_more_shows_the_details(key):
    engine = Engine(FLOWS)
    index = next(i for i, c in enumerate(FLOWS.step("documents.list").choices) if c["go"] == key)
    state, outputs = engine.handle({"at": "documents.list", "data": {}},
                                   Input("choice", data=f"c|documents.list|{index}"), 0, lambda m: m)
    said = [o.message for o in outputs if isinstance(o, Say)]
    assert len(said) == 1, f"{key}: one short message first, not {said}"
    buttons = [o for o in outputs if isinstance(o, Ask)][-1].choices
    more = next(c for c in buttons if c.label == UI["nav.more"])
    state, outputs = engine.handle(state, Input("choice", data=more.data), 1, lambda m: m)
    details = [o.message for o in outputs if isinstance(o, Say)]
    assert 1 <= len(details) <= 3 and not set(details) & set(said)
    assert not any(isinstance(o, Dial) for o in outputs)  # the numbers were shown with the key point


@pytest.mark.parametrize("message_id", sorted({item["id"] for key in TOPICS
                                               for item in FLOWS.step(key).say + FLOWS.step(key).more}))
def test_every_fact_names_its_date(message_id):
    if message_id in CONTINUES:
        return
    assert DATED.search(english(message_id)), f"{message_id} states a fact without its date: {english(message_id)!r}"


@pytest.mark.parametrize("key", ["documents.visa", "documents.overstay", "documents.ninety_day",
                                 "documents.lost_passport"])
def test_immigration_is_the_office_and_its_number_is_1178(key):
    assert "1178" in topic_text(key)
    if key != "documents.lost_passport":  # its dial lines belong to the emergency answers
        assert "1178" in FLOWS.step(key).dial["calls"]


def test_overstay_has_the_cap_and_the_reentry_bans():
    text = topic_text("documents.overstay")
    assert "20,000 baht" in text and "500 baht a day" in text
    for ban in ("90 days or more: 1 year", "1 year or more: 3 years", "3 years or more: 5 years",
                "5 years or more: 10 years"):
        assert ban in text


def test_the_lapsed_cambodian_measure_is_not_described_as_current():
    text = topic_text("documents.border_pass")
    assert "ended" in text and "on hold" in text and "not known" in text
    for lapsed in ("3 months at a time", "225", "up to 3 employers", "within 30 days"):
        assert lapsed not in text
    assert "1694" in text  # where to ask


def test_taking_documents_is_an_offence_on_its_own_and_a_means_of_forced_work():
    text = topic_text("documents.lost")
    assert "crime on its own" in text and "6 months" in text and "100,000 baht" in text
    assert "a way to force you to work" in text


def test_the_90_day_penalty_gives_the_sources_range():
    text = topic_text("documents.ninety_day")
    assert "2,000 baht" in text and "4,000 or 5,000 baht" in text and "200 baht a day" in text


@pytest.mark.parametrize("lang", sorted(TRAFFICKING))
def test_no_documents_message_names_trafficking(lang):
    ids = {i for step in FLOWS.flows["documents"].steps.values() for i in
           [item["id"] for item in step.say + step.more]}
    for message_id in ids:
        assert TRAFFICKING[lang] not in (translation(lang, "documents", message_id) or "").casefold()


def test_thai_years_are_in_the_buddhist_era():
    ids = {item["id"] for key in TOPICS for item in FLOWS.step(key).say + FLOWS.step(key).more}
    for message_id in ids:
        thai = translation("th", "documents", message_id) or ""
        assert not re.search(r"(?<![\d-])(19[5-9]\d|20[0-4]\d)(?![\d-])", thai), f"{message_id}: {thai!r}"
