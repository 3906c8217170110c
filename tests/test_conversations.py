"""Whole conversations in each language, through the emulator, the webhook and a worker.

A worker's answers must be in the person's own script, every step of the way; help words
must interrupt from deep inside a flow; a Zawgyi writer must get Zawgyi back."""
from __future__ import annotations

import pytest

from flows.language import to_unicode, to_zawgyi, zawgyi_probability
from locales.quality import EXPECTED_SCRIPT, script_of
from tests.support.stack import Stack, texts

pytestmark = [pytest.mark.integration, pytest.mark.stack(scope="module")]

# What a person might type first (greetings, as common phrases in each language) and a help word.
GREETING = {"my": "မင်္ဂလာပါ ခင်ဗျာ", "km": "សួស្តី បង", "lo": "ສະບາຍດີ ເຈົ້າ", "th": "สวัสดีครับ",
            "en": "Hello, good morning to you"}
HELP = {"my": "ကယ်ပါ", "km": "ជួយខ្ញុំផង", "lo": "ຊ່ວຍແດ່", "th": "ช่วยด้วย", "en": "help"}


class Person:
    """Someone chatting through the emulator: sends, waits for the answer, taps buttons."""

    def __init__(self, stack: Stack, language: str):
        self.stack = stack
        self.id = stack.user(language)
        self.seen = 0

    def _answer(self) -> dict:
        deliveries = self.stack.wait_delivered(self.id, self.seen + 1)
        self.seen = len(deliveries)
        return deliveries[-1]

    def say(self, text: str) -> dict:
        self.stack.say(self.id, text)
        return self._answer()

    def tap(self, answer: dict, index: int = 0, label: str | None = None) -> dict:
        items = quick_replies(answer)
        action = next(i for i in items if i["label"] == label) if label else items[index]
        self.stack.send(self.id, type="postback", data=action["data"])
        return self._answer()


def quick_replies(answer: dict) -> list[dict]:
    return [item["action"] for m in answer["messages"] for item in (m.get("quickReply") or {}).get("items", [])]


def tel_links(answer: dict) -> list[str]:
    return [a["uri"] for m in answer["messages"] if m["type"] == "template"
            for a in m["template"]["actions"] if a["type"] == "uri"]


def assert_script(answer: dict, language: str) -> None:
    shown = texts(answer) + [a["label"] for a in quick_replies(answer) if not a["data"].startswith("c|language")]
    for text in shown:
        assert script_of(text) in (EXPECTED_SCRIPT[language], None), f"{language}: {text!r}"
    assert script_of(" ".join(texts(answer))) == EXPECTED_SCRIPT[language]


@pytest.mark.parametrize("language", ["my", "km", "lo", "th", "en"])
def test_a_whole_conversation_in_each_language(stack, language):
    person = Person(stack, language)
    menu = person.say(GREETING[language])
    assert_script(menu, language)
    assert len(quick_replies(menu)) == 8
    documents = person.tap(menu, 0)
    assert_script(documents, language)
    topic = person.tap(documents, 0)
    assert_script(topic, language)
    assert 2 <= len(topic["messages"]) <= 5 and tel_links(topic)
    source_label = quick_replies(topic)[-2]["label"]
    source = person.tap(topic, label=source_label)
    said = texts(source)[0]  # who said it and when, in the person's language; never an internal tag
    assert "DOMAIN.md" not in said and "[S" not in said and "source.by." not in said
    assert script_of(said.split("\n")[0]) == EXPECTED_SCRIPT[language]
    rights = person.tap(person.tap(source, label=quick_replies(source)[-1]["label"]), 1)
    assert_script(rights, language)
    deep = person.tap(rights, 0)
    assert_script(deep, language)
    emergency = person.say(HELP[language])
    assert_script(emergency, language)
    own_line = {"my": ["tel:1800010180"], "km": ["tel:1800010181"], "lo": ["tel:1800010182"]}  # their language first
    assert tel_links(emergency)[:4] == own_line.get(language, []) + ["tel:191", "tel:1669", "tel:1300"]
    back = person.tap(emergency, index=1)  # "continue where you were"
    assert texts(back) == texts(deep)


def test_unexpected_input_gets_a_short_answer_in_the_persons_language(stack):
    person = Person(stack, "km")
    person.say(GREETING["km"])
    for event in ({"type": "sticker", "packageId": "446", "stickerId": "1988"}, {"type": "text", "text": "x" * 4000},
                  {"type": "location", "latitude": 20.43, "longitude": 99.87, "address": "Mae Sai"}):
        stack.send(person.id, **event)
        answer = person._answer()
        assert_script(answer, "km")
        assert quick_replies(answer)


def test_a_zawgyi_writer_is_answered_in_zawgyi_until_they_switch(stack):
    person = Person(stack, "my")
    zawgyi_greeting = to_zawgyi("မင်္ဂလာပါ ကျွန်တော် အလုပ်သမား ဖြစ်ပါတယ်")
    assert zawgyi_probability(zawgyi_greeting) > 0.95
    menu = person.say(zawgyi_greeting)
    body = " ".join(texts(menu))
    assert zawgyi_probability(body) > 0.95
    assert script_of(to_unicode(body)) == "Myanmar"
    language_menu = person.tap(menu, 6)
    unicode_menu = person.tap(language_menu, label="မြန်မာ")
    assert zawgyi_probability(" ".join(texts(unicode_menu))) < 0.05


@pytest.fixture(scope="module")
def district_officer(module_stack):
    from tests.support.committees import load_example

    user = module_stack.user("th", name="Duty officer")
    load_example(module_stack.app.extensions["hotline"].db, {"CRI-5703-1": user})
    return user


@pytest.mark.parametrize("language", ["my", "km", "lo", "th", "en"])
def test_a_report_in_each_language_is_answered_in_it_and_reaches_the_officer(stack, district_officer, language):
    from sqlalchemy import select

    from flows.loader import load_flows
    from storage.cases import Case
    from tests.support.reporter import Reporter

    person = Person(stack, language)
    menu = person.say(GREETING[language])
    reporter = Reporter(stack, person.id, load_flows())
    first_question = reporter.tap(quick_replies(menu)[2]["data"])
    assert_script(first_question, language)
    confirm = reporter.fill({"in_danger": "no", "province": "57", "district": "5703", "contact_ok": "no"})
    assert_script(confirm, language)
    sent = reporter.tap("c|" + reporter.at() + "|0")
    assert_script(sent, language)
    with stack.app.extensions["hotline"].db.sessions() as session:
        case = session.scalars(select(Case).where(Case.chat_key == person.id)).one()
    assert case.language == language and case.committee_id == "CRI-5703"
    assert case.reference in " ".join(texts(sent))
    from tests.support.servers import wait_for

    wait_for(lambda: any(case.reference in m.get("altText", "") for d in stack.delivered(district_officer)
                         for m in d["messages"]), message="the officer's alert")


BASE = {"free_to_leave": "yes", "recruited": "other", "contact_ok": "no", "province": "57", "district": "5703"}


def _report_through_emulator(stack, answers: dict, via_emergency: bool = False):
    from sqlalchemy import select

    from flows.loader import load_flows
    from storage.cases import Case
    from tests.support.reporter import Reporter

    person = Person(stack, "th")
    first = person.say(HELP["th"] if via_emergency else GREETING["th"])
    reporter = Reporter(stack, person.id, load_flows())
    reporter.tap(quick_replies(first)[0 if via_emergency else 2]["data"])  # "Report now" / "Report a problem"
    reporter.fill(answers)
    reporter.tap("c|" + reporter.at() + "|0")
    with stack.app.extensions["hotline"].db.sessions() as session:
        return session.scalars(select(Case).where(Case.chat_key == person.id)).one()


@pytest.mark.parametrize("answers, via_emergency, rule, urgency", [
    ({"in_danger": "yes"}, False, "danger_now", "urgent"),
    ({"medical_emergency": "yes"}, False, "medical_emergency", "urgent"),
    ({"under_18": "yes", "free_to_leave": "no"}, False, "child_exploitation", "urgent"),
    ({"threats_violence": "yes"}, True, "emergency_path_danger_signs", "urgent"),
    ({"in_danger": "unsure", "threats_violence": "yes"}, False, "danger_unsure_with_signs", "urgent"),
    ({"recruited": "broker", "deceived": "yes", "free_to_leave": "no"}, False, "palermo_complete", "high"),
    ({"documents_kept": "yes"}, False, "ilo_core", "high"),
    ({"debt": "yes"}, False, "thai_law_coercion", "high"),
    ({"wages_withheld": "yes"}, False, "labour_rights_only", "standard"),
    ({"deceived": "yes"}, False, "other_indicators_only", "standard"),
    ({}, False, "no_indicator", "standard"),
])
def test_each_urgency_rule_through_the_emulator(stack, district_officer, answers, via_emergency, rule, urgency):
    case = _report_through_emulator(stack, {**BASE, **answers}, via_emergency)
    assert (case.urgency_rule, case.urgency) == (rule, urgency)


@pytest.mark.parametrize("place, committee, reason", [
    ({"district": "5703"}, "CRI-5703", "district_committee"),
    ({"district": "5701"}, "CRI-57", "uncovered_district"),
    ({"district": "unknown"}, "CRI-57", "province_only"),
    ({"province": "unknown"}, "TH-NATIONAL", "no_province"),
    ({"location": (20.2617, 100.4053)}, "CRI-5703", "district_committee"),
])
def test_each_routing_path_through_the_emulator(stack, district_officer, place, committee, reason):
    answers = {k: v for k, v in BASE.items() if k not in ("province", "district")} | place
    if "district" in place:
        answers["province"] = "57"
    case = _report_through_emulator(stack, answers)
    # where routing sent it; with nobody linked there the case itself then moves up (cases/casework.py)
    assert (case.routing["committee_id"], case.routing["reason"]) == (committee, reason)
