"""bot.alerts.AlertComposer (cases.alert_text's words in bot.alert_cards' and bot.alert_details'
layouts): what duty officers get on LINE, in Thai (and English).

Cases are built in memory (no database); every message list is checked the way LINE would:
the line-bot-sdk models and the emulator's request validation.
"""
from __future__ import annotations

import datetime as dt
import json

import pytest
from linebot.v3.messaging import FlexMessage, TextMessage

from bot.alert_cards import URGENCY_COLOURS
from bot.alerts import AlertComposer
from cases.officer_text import OFFICER_MESSAGE_IDS, indicator_id, rule_id
from cases.screening import FRAMEWORKS, URGENCY_LEVELS, URGENCY_RULES, VOCABULARY
from emulator.validation import validate_push
from locales.catalogs import catalogs
from locales.quality import script_of
from storage.cases import Case, CaseEvent
from tests.support.cards import card_buttons

OFFICER_USER = "U" + "0" * 32
CREATED = dt.datetime(2026, 11, 24, 7, 5, tzinfo=dt.UTC)   # 14:05 in Bangkok
BURMESE = "သူဌေးက ကျွန်တော့် ပတ်စ်ပို့ကို သိမ်းထားတယ်။ အပြင်ထွက်ခွင့်မပေးဘူး။"
PHONE = "0812345678"
SUMMARY = ["อยู่ในอันตรายตอนนี้: ใช่", "ออกไปไหนได้อย่างอิสระ: ไม่"]


def make_case(**changes) -> Case:
    answers = {"description": BURMESE, "sector": "fishing", "contact_ok": "yes", "contact_how": "phone",
               "contact_phone": PHONE, "contact_when": "evening", "photos": ["m1", "m2", "m3"],
               "location": {"latitude": 20.43353, "longitude": 99.87617, "address": "Mae Sai, Chiang Rai"},
               "_labels": {"sector": "intake.sector.fishing"}}
    answers.update(changes.pop("answers", {}))
    fields = dict(
        id=42, reference="ABC-234", kind="self", chat_key="U" + "1" * 32, reporter_user_id="U" + "1" * 32,
        language="my", answers=answers,
        indicators=["palermo.act:recruitment", "palermo.means:deception", "ilo:retention_of_identity_documents",
                    "ilo:debt_bondage", "thai_law:debt_bondage"],
        urgency="urgent", urgency_rule="danger_now", sector="fishing", province_code="57", district_code="5709",
        committee_id="CRI-5709", contact_allowed=True, status="new", escalation_level=0,
        routing={"committee_id": "CRI-5709", "reason": "district_committee", "district_code": "5709",
                 "province_code": "57", "method": "nearest_point", "distance_km": 3.24},
        created_at=CREATED)
    fields.update(changes)
    return Case(**fields)


@pytest.fixture
def composer() -> AlertComposer:
    return AlertComposer(catalogs(), summarise=lambda case: list(SUMMARY),
                         clock=lambda: CREATED + dt.timedelta(hours=2, minutes=5))


def valid(messages: list[dict]) -> list[dict]:
    """The messages, after checking LINE would accept them (at most 5, each well formed)."""
    assert 1 <= len(messages) <= 5
    assert validate_push({"to": OFFICER_USER, "messages": messages}) == []
    for message in messages:
        if message["type"] == "flex":
            FlexMessage.from_dict(message)
        elif message["type"] == "text":
            TextMessage.from_dict(message)
            assert 1 <= len(message["text"]) <= 5000
        dumped = json.dumps(message, ensure_ascii=False)
        assert "officer." not in dumped, f"an untranslated id: {dumped[:200]}"
        assert "{" not in "".join(_texts(message)), "an unfilled placeholder"
    return messages


def _texts(node) -> list[str]:
    """Every text a person sees in a message (flex tree walked)."""
    if isinstance(node, list):
        return [t for child in node for t in _texts(child)]
    if not isinstance(node, dict):
        return []
    found = [node["text"]] if isinstance(node.get("text"), str) else []
    for key in ("contents", "header", "body", "footer", "altText", "title", "address"):
        if key == "altText" or key in ("title", "address") and node.get("type") == "location":
            found.append(node[key]) if isinstance(node.get(key), str) else None
        elif key in node:
            found += _texts(node[key])
    return found


def card_text(messages) -> str:
    return "\n".join(_texts(messages))


def buttons(bubble: dict) -> list[dict]:
    return card_buttons(bubble)


# -- the alert card ---------------------------------------------------------------------------------
def test_alert_is_one_valid_flex_bubble(composer):
    messages = valid(composer.alert(make_case(), "district_committee"))
    assert len(messages) == 1 and messages[0]["type"] == "flex"
    assert messages[0]["contents"]["type"] == "bubble"
    assert len(json.dumps(messages[0]["contents"]).encode()) < 30_000


def test_buttons_acknowledge_escalate_details(composer):
    bubble = composer.alert(make_case(), "district_committee")[0]["contents"]
    actions = [b["action"] for b in buttons(bubble)]
    assert [a["type"] for a in actions] == ["postback"] * 8
    assert [a["data"] for a in actions] == ["case|ack|42", "case|esc|42", "case|info|42", "case|take|42",
                                            "case|close|42", "case|refer|42", "case|move|42", "case|msg|42"]
    assert [a["label"] for a in actions] == ["รับเรื่อง", "ยกระดับ", "รายละเอียด", "รับดูแล", "ปิดเคส",
                                             "ส่งต่อหน่วยงาน", "ย้ายเคส", "ส่งข้อความผู้แจ้ง"]
    assert all(1 <= len(a["label"]) <= 20 for a in actions)


def test_button_labels_fit_in_every_officer_language():
    for lang in ("th", "en"):
        for key in ("button.ack.label", "button.esc.label", "button.info.label", "button.take.label",
                    "button.close.label", "button.refer.label", "button.move.label", "button.skip.label",
                    "button.msg.label"):
            label = catalogs().text(lang, OFFICER_MESSAGE_IDS[key])
            assert 1 <= len(label) <= 20, (lang, label)


def test_alt_text_is_short_and_discreet(composer):
    case = make_case()
    alt = composer.alert(case, "district_committee")[0]["altText"]
    assert alt == "เคสใหม่ ABC-234 (ด่วนมาก)"
    assert len(alt) <= 1500
    for secret in (BURMESE[:10], PHONE, "แม่สาย", "การยึดเอกสารแสดงตน", "ประมง", "20.43"):
        assert secret not in alt
    escalated = composer.alert(case, "escalated:no_acknowledgement")[0]["altText"]
    assert escalated == "เคสส่งต่อ ABC-234 (ด่วนมาก)"


@pytest.mark.parametrize("urgency, colour, name", [("urgent", "#C62828", "ด่วนมาก"), ("high", "#E65100", "ด่วน"),
                                                   ("standard", "#616161", "ปกติ")])
def test_header_is_coloured_by_urgency(composer, urgency, colour, name):
    bubble = composer.alert(make_case(urgency=urgency), "district_committee")[0]["contents"]
    assert bubble["header"]["backgroundColor"] == colour == URGENCY_COLOURS[urgency]
    title = bubble["header"]["contents"][0]["text"]
    assert title.startswith(name + " ") and "ABC-234" in title


def test_urgency_rule_is_in_words(composer):
    text = card_text(composer.alert(make_case(), "district_committee"))
    assert "ด่วนมาก (อยู่ในอันตรายตอนนี้)" in text
    assert "danger_now" not in text


def test_district_is_named_in_thai(composer):
    text = card_text(composer.alert(make_case(), "district_committee"))
    assert "อ.แม่สาย จ.เชียงราย" in text
    assert composer.text.place(make_case(district_code="5709", province_code=None)) == "อ.แม่สาย จ.เชียงราย"
    assert composer.text.place(make_case(district_code="1004", province_code="10")) == "เขตบางรัก กรุงเทพมหานคร"
    assert composer.text.place(make_case(district_code=None, province_code="57")) == "จ.เชียงราย (ไม่ทราบอำเภอ)"
    assert composer.text.place(make_case(district_code=None, province_code=None)) == "ไม่ทราบ"
    assert composer.text.place(make_case(district_code="9999", province_code=None)) == "ไม่ทราบ"


def test_sector_and_unknowns(composer):
    assert "ประมง" in card_text(composer.alert(make_case(), "district_committee"))
    case = make_case(sector=None, answers={"sector": None, "_labels": {}}, district_code=None, province_code=None)
    text = card_text(valid(composer.alert(case, "no_province")))
    assert text.count("ไม่ทราบ") >= 2


def test_indicators_are_translated_and_grouped_by_framework(composer):
    lines = composer.text.indicator_lines(make_case())
    assert lines == [
        "พาเลอร์โม (การกระทำ): การจัดหา",
        "พาเลอร์โม (วิธีการ): การหลอกลวง",
        "ตัวบ่งชี้แรงงานบังคับของ ILO: การยึดเอกสารแสดงตน, การใช้หนี้เป็นเครื่องผูกมัด",
        "กฎหมายไทย (พ.ร.บ.ค้ามนุษย์): การใช้หนี้เป็นเครื่องผูกมัด",
    ]
    text = card_text(composer.alert(make_case(), "district_committee"))
    assert all(line in text for line in lines)


def test_no_indicators_says_so(composer):
    text = card_text(valid(composer.alert(make_case(indicators=[]), "district_committee")))
    assert "ไม่พบตัวบ่งชี้จากคำตอบ" in text


def test_an_unknown_indicator_does_not_break_the_card(composer):
    case = make_case(indicators=["ilo:something_new", "new_framework:x"])
    valid(composer.alert(case, "district_committee"))


def test_every_indicator_rule_and_urgency_has_thai_and_english():
    t = catalogs()
    for framework, names in VOCABULARY.items():
        assert t.has("th", OFFICER_MESSAGE_IDS[f"framework.{framework}"])
        for name in names:
            message_id = indicator_id(framework, name)
            assert message_id == f"officer.indicator.{framework}.{name}"
            assert t.has("th", message_id) and t.has("en", message_id), message_id
            assert script_of(t.text("th", message_id)) == "Thai"
            assert script_of(t.text("en", message_id)) == "Latin"
    assert set(FRAMEWORKS) == set(VOCABULARY)
    for rule in URGENCY_RULES:
        assert t.has("th", rule_id(rule.id)) and t.has("en", rule_id(rule.id)), rule.id
    for level in URGENCY_LEVELS:
        assert t.has("th", OFFICER_MESSAGE_IDS[f"urgency.{level}"])
    indicator_ids = {i for k, i in OFFICER_MESSAGE_IDS.items() if k.startswith("indicator.")}
    assert len(indicator_ids) == sum(len(names) for names in VOCABULARY.values())   # none left over


def test_legal_terms():
    t = catalogs()
    assert t.text("th", indicator_id("ilo", "retention_of_identity_documents")) == "การยึดเอกสารแสดงตน"
    assert t.text("th", indicator_id("ilo", "debt_bondage")) == "การใช้หนี้เป็นเครื่องผูกมัด"
    assert t.text("th", indicator_id("thai_law", "debt_bondage")) == "การใช้หนี้เป็นเครื่องผูกมัด"
    assert t.text("th", indicator_id("palermo.purpose", "forced_labour_or_services")) == "การบังคับใช้แรงงานหรือบริการ"
    assert t.text("th", rule_id("danger_now")) == "อยู่ในอันตรายตอนนี้"


@pytest.mark.parametrize("reason, routing, in_card, in_details_only", [
    ("district_committee", {"method": "nearest_point", "distance_km": 3.24},
     ["เหตุเกิดในอำเภอที่คุณรับผิดชอบ"], ["จุดอำเภอที่ใกล้ที่สุด 3.2 กม."]),
    ("uncovered_district", {"method": "picked"}, ["ยังไม่มีคณะทำงาน"], ["ผู้แจ้งเลือกจากรายการ"]),
    ("province_only", {"method": "address_name"}, ["ทราบเพียงจังหวัด"], ["จากชื่อสถานที่"]),
    ("no_province", {"method": "none"}, ["ศูนย์ประสานงานระดับชาติ"], ["ไม่ทราบสถานที่"]),
    ("escalated:no_acknowledgement", {"method": "picked"}, ["ส่งต่อขึ้นมา (ครั้งที่ 1)", "ไม่มีผู้รับเรื่อง"], []),
    ("escalated:officer_request", {}, ["เจ้าหน้าที่ขอส่งต่อ"], []),
])
def test_why_it_came_to_them(composer, reason, routing, in_card, in_details_only):
    """The card says why; how the place was decided (a distance from where the reporter
    was) is in the details only."""
    case = make_case(routing={"reason": reason, **routing}, escalation_level=1 if "escalated" in reason else 0)
    messages = valid(composer.alert(case, reason))
    text = card_text(messages)
    assert all(part in text for part in in_card) and not any(part in text for part in in_details_only), text
    details = card_text(valid(composer.details(case, [])))
    assert all(part in details for part in in_details_only), details
    subtitle = messages[0]["contents"]["header"]["contents"][1]["text"]
    new = "รายงานใหม่ที่อาจเป็นการค้ามนุษย์"
    assert subtitle == ("เคสที่ส่งต่อมาถึงคุณ" if reason.startswith("escalated") else new)


def test_reporters_words_are_in_the_details_as_written_with_their_language_not_in_the_card(composer):
    case = make_case()
    assert BURMESE not in json.dumps(composer.alert(case, "district_committee"), ensure_ascii=False)
    text = card_text(valid(composer.details(case, [])))
    assert BURMESE in text                                  # Burmese stays Burmese
    assert "ข้อความของผู้แจ้ง (မြန်မာ)" in text
    khmer = make_case(language="km", answers={"description": "ខ្ញុំត្រូវគេយកលិខិតឆ្លងដែន"})
    assert "ខ្ញុំត្រូវគេយកលិខិតឆ្លងដែន" in card_text(composer.details(khmer, []))
    assert "(ខ្មែរ)" in card_text(composer.details(khmer, []))


def test_long_words_are_whole_in_the_details(composer):
    long = (BURMESE + " ") * 40
    case = make_case(answers={"description": long})
    assert long.strip() in card_text(valid(composer.details(case, [])))
    assert BURMESE not in card_text(valid(composer.alert(case, "district_committee")))


def test_no_description_no_words_row(composer):
    case = make_case(answers={"description": "  "})
    assert "ข้อความของผู้แจ้ง" not in card_text(valid(composer.details(case, [])))


ADDRESS = "99/1 หมู่ 4 ซอยเกษม ต.เวียงพางคำ"


def real_summariser():
    """The summary app.py gives AlertComposer: every answer of the flow, in Thai."""
    from bot.render import Renderer
    from flows import language
    from flows.engine import Engine
    from flows.loader import load_flows

    flows = load_flows()
    engine, renderer = Engine(flows), Renderer(catalogs(), language.to_zawgyi)
    return lambda case: renderer.summary_lines(engine.summarise(case.answers["_flow"], case.answers), "th")


def test_the_card_carries_no_contact_place_or_words_of_the_reporter():
    """The card goes to every on-duty officer and to the committee's LINE group: none of what
    the reporter typed or shared is in it, wherever in the JSON (alt text, summary, rows)."""
    composer = AlertComposer(catalogs(), real_summariser())
    for flow, kind in (("report", "self"), ("tip", "tip")):
        case = make_case(kind=kind, answers={
            "_flow": flow, "in_danger": "no", "description": BURMESE, "contact_ok": "yes", "contact_how": "phone",
            "contact_phone": PHONE, "contact_when": "evening", "people_count": 3, "nationality": "myanmar",
            "location": {"latitude": 20.43353, "longitude": 99.87617, "address": ADDRESS}})
        assert PHONE in "\n".join(composer.text.summary(case))      # the summariser does see them all
        for reason in ("district_committee", "escalated:no_acknowledgement"):
            dumped = json.dumps(valid(composer.alert(case, reason)), ensure_ascii=False)
            for secret in (PHONE, ADDRESS, "ซอยเกษม", BURMESE, BURMESE[:12], "20.43", "99.87",
                           "ทางโทรศัพท์", "ช่วงเย็น", "โทรศัพท์", "ติดต่อ", "ตำแหน่ง", "รูปภาพ"):
                assert secret not in dumped, (flow, reason, secret)
            assert "ประมง" in dumped and "การยึดเอกสารแสดงตน" in dumped and "อ.แม่สาย" in dumped
        details = card_text(composer.details(case, []))
        assert PHONE in details and ADDRESS in details and BURMESE in details


def test_self_report_and_tip(composer):
    assert "ผู้ประสบปัญหาแจ้งเอง" in card_text(composer.alert(make_case(), "district_committee"))
    tip = make_case(kind="tip", answers={"people_count": 7, "nationality": "cambodia"})
    text = card_text(valid(composer.alert(tip, "district_committee")))
    assert "แจ้งเบาะแสแทนผู้อื่น" in text and "จำนวน 7 คน" in text and "สัญชาติ: กัมพูชา" in text


def test_time_is_bangkok_with_buddhist_era(composer):
    text = card_text(composer.alert(make_case(), "district_committee"))
    assert "24 พฤศจิกายน 2569 เวลา 14:05 น." in text
    naive = make_case(created_at=CREATED.replace(tzinfo=None))       # SQLite gives naive UTC
    assert "24 พฤศจิกายน 2569 เวลา 14:05 น." in card_text(composer.alert(naive, "district_committee"))


def test_summary_lines_from_the_caller_are_in_the_details_only(composer):
    assert not any(line in card_text(composer.alert(make_case(), "district_committee")) for line in SUMMARY)
    text = card_text(composer.details(make_case(), []))
    assert all(line in text for line in SUMMARY)
    quiet = AlertComposer(catalogs())
    assert "คำตอบของผู้แจ้ง" not in card_text(valid(quiet.details(make_case(), [])))

    def broken(case):
        raise RuntimeError("no flows")
    valid(AlertComposer(catalogs(), broken).details(make_case(), []))


def test_the_card_stays_small_whatever_the_reporter_wrote():
    many = AlertComposer(catalogs(), lambda case: ["ก" * 300] * 200)
    case = make_case(answers={"description": "ข" * 3000})
    message = valid(many.alert(case, "district_committee"))[0]
    assert len(json.dumps(message["contents"], ensure_ascii=False).encode()) <= 10_000


def test_english_desk():
    english = AlertComposer(catalogs(), language="en")
    messages = valid(english.alert(make_case(), "district_committee"))
    text = card_text(messages)
    assert messages[0]["altText"] == "New case ABC-234 (Urgent)"
    assert "Mae Sai district, Chiang Rai" in text and "retention of identity documents" in text
    labels = [b["action"]["label"] for b in buttons(messages[0]["contents"])]
    assert labels == ["Acknowledge", "Escalate", "Details", "Take", "Close", "Refer", "Move", "Message reporter"]
    assert BURMESE not in text and BURMESE in card_text(english.details(make_case(), []))


# -- details --------------------------------------------------------------------------------------
def trail(count_notes: int = 1) -> list[CaseEvent]:
    at = CREATED + dt.timedelta(minutes=1)
    events = [CaseEvent(case_id=42, at=at, kind="created", actor="reporter", committee_id="CRI-5709", detail={}),
              CaseEvent(case_id=42, at=at, kind="alerted", actor="system", committee_id="CRI-5709",
                        detail={"recipients": 2, "reason": "district_committee"}),
              CaseEvent(case_id=42, at=at + dt.timedelta(minutes=4), kind="acknowledged", actor="off-1",
                        committee_id="CRI-5709", detail={})]
    events += [CaseEvent(case_id=42, at=at + dt.timedelta(minutes=10 + i), kind="note", actor="off-1",
                         committee_id="CRI-5709", detail={"text": f"โทรหาผู้แจ้งแล้ว ครั้งที่ {i + 1}"})
               for i in range(count_notes)]
    return events


NAMES = {"off-1": "สมชาย ใจดี", "CRI-5709": "คณะทำงานอำเภอแม่สาย"}


def test_details_have_contact_location_and_trail(composer):
    case = make_case(status="acknowledged", acknowledged_by="off-1",
                     acknowledged_at=CREATED + dt.timedelta(minutes=5))
    messages = valid(composer.details(case, trail(), NAMES))
    text = card_text(messages)
    assert "เคส ABC-234: รายละเอียดทั้งหมด" in text
    assert "รับเรื่องแล้วโดย สมชาย ใจดี" in text
    assert "ผู้แจ้งยินดีให้ติดต่อกลับ" in text
    assert "ช่องทางที่ปลอดภัย: ทางโทรศัพท์" in text and "เวลาที่ปลอดภัย: ช่วงเย็น" in text
    assert f"โทรศัพท์: {PHONE}" in text
    assert "รูปภาพที่ผู้แจ้งส่งมา: 3 รูป" in text
    location = [m for m in messages if m["type"] == "location"]
    assert len(location) == 1 and location[0]["latitude"] == 20.43353 and location[0]["longitude"] == 99.87617
    assert "20.433530, 99.876170" in text
    assert BURMESE in text and "การยึดเอกสารแสดงตน" in text
    assert "ประวัติการดำเนินการ" in text
    assert "24 พฤศจิกายน 2569 เวลา 14:06 น. · รับรายงาน · ผู้แจ้ง" in text
    assert "แจ้งเตือน คณะทำงานอำเภอแม่สาย (2 ผู้รับ) · ระบบ" in text
    assert "รับเรื่อง · สมชาย ใจดี" in text
    assert "โน้ต: โทรหาผู้แจ้งแล้ว ครั้งที่ 1 · สมชาย ใจดี" in text


def test_details_without_permission_to_contact(composer):
    case = make_case(contact_allowed=False, answers={"contact_ok": "no", "contact_phone": None,
                                                     "contact_how": None, "contact_when": None,
                                                     "photos": [], "location": None})
    text = card_text(valid(composer.details(case, trail())))
    assert "ผู้แจ้งไม่ได้อนุญาตให้ติดต่อกลับ" in text
    assert "ไม่ได้ให้เบอร์โทรศัพท์" in text and "ไม่มีรูปภาพ" in text and "ผู้แจ้งไม่ได้ส่งตำแหน่ง" in text


def test_details_of_an_escalated_case_say_so(composer):
    events = trail() + [CaseEvent(case_id=42, at=CREATED + dt.timedelta(minutes=20), kind="escalated",
                                  actor="system", committee_id="CRI-57", detail={"frm": "CRI-5709",
                                                                                 "why": "no_acknowledgement"})]
    text = card_text(valid(composer.details(make_case(escalation_level=1, committee_id="CRI-57"), events)))
    assert "ส่งต่อขึ้นมา (ครั้งที่ 1): ไม่มีผู้รับเรื่องภายในเวลาที่กำหนด" in text
    assert "ส่งต่อไปยัง CRI-57 (ไม่มีผู้รับเรื่องภายในเวลาที่กำหนด) · ระบบ" in text


def test_details_fit_five_messages_however_long(composer):
    case = make_case(answers={"description": "ข" * 3000})
    messages = valid(composer.details(case, trail(count_notes=300), NAMES))
    assert len(messages) <= 5 and all(len(m.get("text", "")) <= 5000 for m in messages)
    text = card_text(messages)
    assert "รายการก่อนหน้า" in text and "ครั้งที่ 300" in text       # the newest kept, the oldest left out


def test_details_take_plain_dict_events(composer):
    events = [{"at": CREATED, "kind": "details_viewed", "actor": "off-1", "committee_id": "CRI-5709", "detail": {}}]
    assert "เปิดดูรายละเอียด · off-1" in card_text(valid(composer.details(make_case(), events)))


# -- the other answers -------------------------------------------------------------------------------
class Officer:
    id, name, committee_id, line_user_id = "off-1", "สมชาย ใจดี", "CRI-5709", OFFICER_USER


def test_acknowledged_tells_who_and_when(composer):
    case = make_case(status="acknowledged", acknowledged_by="off-1", acknowledged_at=CREATED + dt.timedelta(minutes=5))
    text = valid(composer.acknowledged(case, Officer()))[0]["text"]
    assert text == "สมชาย ใจดี รับเรื่องเคส ABC-234 แล้ว (24 พฤศจิกายน 2569 เวลา 14:10 น.)"


def test_short_answers(composer):
    case = make_case()
    assert "ABC-234" in valid(composer.ack_confirmed(case))[0]["text"]
    assert "สมชาย ใจดี" in valid(composer.already_acknowledged(case, "สมชาย ใจดี"))[0]["text"]
    assert "คณะทำงานจังหวัดเชียงราย" in valid(composer.escalated(case, "คณะทำงานจังหวัดเชียงราย"))[0]["text"]
    assert "ผู้แจ้งยกเลิกเคส ABC-234" in valid(composer.cancelled(case))[0]["text"]
    assert valid(composer.note_saved(case))[0]["text"] == "บันทึกโน้ตในเคส ABC-234 แล้ว"
    linked = valid(composer.linked("สมชาย ใจดี", "คณะทำงานอำเภอแม่สาย"))[0]["text"]
    assert "สมชาย ใจดี" in linked and "คณะทำงานอำเภอแม่สาย" in linked
    assert "รหัส" in valid(composer.link_failed())[0]["text"]
    assert "คณะทำงานอำเภอแม่สาย" in valid(composer.group_linked("คณะทำงานอำเภอแม่สาย"))[0]["text"]
    assert "ไม่ทราบ" in valid(composer.already_acknowledged(case, ""))[0]["text"]


def test_not_found_reveals_nothing(composer):
    messages = valid(composer.not_found())
    text = messages[0]["text"]
    assert text == "ไม่พบข้อมูล หรือคุณไม่มีสิทธิ์ดูข้อมูลนี้"
    for secret in ("ABC", "234", "แม่สาย", "สมชาย", "ด่วน", "เคส"):
        assert secret not in text
    assert composer.not_found() == messages                       # the same words, whatever was asked


def test_help_lists_the_commands(composer):
    text = valid(composer.help())[0]["text"]
    for command in ("cases", "เคส", "case ABC-234", "เคส ABC-234", "note ABC-234", "โน้ต ABC-234", "link 1234"):
        assert command in text


def test_the_dashboard_link_and_the_helps_button_are_messages_line_accepts(composer):
    uri = "https://hotline.example.org/dashboard/sign-in/" + "t" * 43
    [card] = valid(composer.dashboard_link(uri, 5))
    assert card_buttons(card["contents"])[0]["action"] == {"type": "uri", "label": "เปิดแดชบอร์ด", "uri": uri}
    assert "5" in card["altText"] and uri not in card["altText"]
    english = AlertComposer(catalogs(), language="en")
    assert card_buttons(valid(english.dashboard_link(uri, 5))[0]["contents"])[0]["action"]["label"] \
        == "Open dashboard"
    [help_message] = valid(composer.help("dashboard|link"))
    assert help_message["text"] == composer.help()[0]["text"]
    assert [i["action"]["data"] for i in help_message["quickReply"]["items"]] == ["dashboard|link"]
    assert valid(composer.dashboard_too_many(10))[0]["text"].count("10") == 1


def test_case_list(composer):
    cases = [make_case(),
             make_case(id=43, reference="XYZ-789", urgency="standard", status="acknowledged", district_code=None,
                       province_code=None, created_at=CREATED - dt.timedelta(days=3))]
    text = valid(composer.case_list(cases))[0]["text"]
    assert text.splitlines()[0] == "เคสที่ยังเปิดอยู่ (2)"
    assert "• ABC-234 · ด่วนมาก · อ.แม่สาย จ.เชียงราย · 2 ชม. · รอรับเรื่อง" in text
    assert "• XYZ-789 · ปกติ · ไม่ทราบ · 3 วัน · รับเรื่องแล้ว" in text
    assert BURMESE not in text and PHONE not in text
    assert valid(composer.case_list([]))[0]["text"] == "ไม่มีเคสที่ยังเปิดอยู่"


def test_many_cases_fit_one_message(composer):
    cases = [make_case(id=i, reference=f"A{i:02d}-XYZ"[:7]) for i in range(200)]
    assert len(valid(composer.case_list(cases))[0]["text"]) <= 5000


def test_a_case_nobody_could_take_says_so_in_the_card_and_the_trail(composer):
    case = make_case(escalation_level=1, committee_id="CRI-57")
    card = card_text(valid(composer.alert(case, "escalated:nobody_on_duty", nobody_at="คณะทำงานอำเภอแม่สาย")))
    assert "ส่งต่อขึ้นมา (ครั้งที่ 1): ไม่มีเจ้าหน้าที่เวรที่ คณะทำงานอำเภอแม่สาย" in card
    events = trail(count_notes=0) + [
        CaseEvent(case_id=42, at=CREATED, kind="escalated", actor="system", committee_id="CRI-57",
                  detail={"frm": "CRI-5709", "why": "nobody_on_duty"}),
        CaseEvent(case_id=42, at=CREATED, kind="nobody_reached", actor="system", committee_id="CRI-57", detail={})]
    details = card_text(valid(composer.details(case, events, NAMES)))
    assert "ไม่มีเจ้าหน้าที่เวรที่ คณะทำงานอำเภอแม่สาย" in details
    assert "แจ้งเตือนใครไม่ได้เลย" in details
    english = AlertComposer(catalogs(), language="en")
    assert "Nobody on duty at Mae Sai" in card_text(valid(english.alert(case, "escalated:nobody_on_duty",
                                                                          nobody_at="Mae Sai")))


def test_erasure_and_retention_read_as_words_in_the_trail(composer):
    case = make_case()
    events = trail(count_notes=0) + [
        CaseEvent(case_id=42, at=CREATED, kind="contact_erased", actor="reporter", committee_id="CRI-5709", detail={}),
        CaseEvent(case_id=42, at=CREATED, kind="expired", actor="system", committee_id="CRI-5709", detail={})]
    details = card_text(valid(composer.details(case, events, NAMES)))
    assert "ผู้แจ้งลบข้อมูลของตน" in details and "ครบระยะเก็บข้อมูล" in details
    assert "contact_erased" not in details and "· expired ·" not in details


def test_group_link_answers_are_valid_and_carry_no_case(composer):
    pending = valid(composer.group_pending("คณะทำงานอำเภอแม่สาย", "group|confirm"))
    assert pending[0]["type"] == "flex" and "คณะทำงานอำเภอแม่สาย" in pending[0]["altText"]
    action = pending[0]["contents"]["footer"]["contents"][0]["action"]
    assert action == {"type": "postback", "label": "ยืนยันกลุ่ม", "data": "group|confirm", "displayText": "ยืนยันกลุ่ม"}
    assert "ยืนยันกลุ่ม" in card_text(pending)                  # the words to type are shown too
    for messages in (composer.group_in_use("ก"), composer.group_confirm_refused("ก"), composer.group_confirm_nothing(),
                     composer.group_replaced_old("ก", "สมชาย ใจดี"), composer.group_replaced_officers("ก", "สมชาย ใจดี"),
                     composer.private_only()):
        valid(messages)
    assert "สมชาย ใจดี" in card_text(composer.group_replaced_old("ก", "สมชาย ใจดี"))
    assert "แชตส่วนตัว" in composer.private_only()[0]["text"]
    english = AlertComposer(catalogs(), language="en")
    assert valid(english.private_only())[0]["text"].startswith("Ask me in a private chat")
