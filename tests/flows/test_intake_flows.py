"""The two intake flows (report about yourself: report.yaml; a tip about others: tip.yaml),
driven through the real engine and the real flow files: the answers a screening module
reads (field names and values exactly), the summary, Send, back / skip / cancel, a help
word inside the description, resuming after a pause, and what shows on screen."""
from __future__ import annotations

import pytest

from flows.engine import UI, Engine, choice_data, nav_data
from flows.loader import load_flows
from flows.model import MAX_TEXT, Answer, Ask, Dial, Effect, Input, Say, Summary
from locales import LANGUAGES
from locales.quality import translation

FLOWS = load_flows()
INTAKE = ("report", "tip")
PLACE = {"latitude": 20.4335, "longitude": 99.8762, "address": "Mae Sai"}
YES_NO_UNSURE = {"yes", "no", "unsure"}
# Optional questions (may be skipped); every other question is answered with a button.
OPTIONAL = {"medical_emergency", "people_count", "description", "photos"}
VALUES = {
    "in_danger": YES_NO_UNSURE, "free_to_leave": YES_NO_UNSURE, "documents_kept": YES_NO_UNSURE,
    "debt": YES_NO_UNSURE, "deceived": YES_NO_UNSURE, "threats_violence": YES_NO_UNSURE,
    "wages_withheld": YES_NO_UNSURE, "excessive_hours": YES_NO_UNSURE, "bad_living": YES_NO_UNSURE,
    "under_18": YES_NO_UNSURE, "medical_emergency": YES_NO_UNSURE, "moved_across_border": YES_NO_UNSURE,
    "sector": {"fishing", "construction", "agriculture", "domestic", "factory", "scam_centre", "sex_work", "other"},
    "recruited": {"broker", "employer", "online", "friend_family", "mou", "other", "unsure"},
    "location": {"unknown"},  # the "Don't know" button; a shared place is saved as a dict
    "province": {"57", "other", "unknown"},
    "district": {"5709", "5708", "5703", "5713", "5715", "5704", "5701", "5707", "other", "unknown"},
    "nationality": {"myanmar", "cambodia", "laos", "thai", "other", "unsure"},
    "contact_ok": {"yes", "no"},
    "contact_how": {"line", "phone"},
    "contact_when": {"anytime", "morning", "evening", "only_i_write_first"},
}
INPUTS = {"location": "location", "description": "text", "photos": "image", "contact_phone": "text",
          "people_count": "number"}
# Never on screen: someone else may read the phone.
UNSAFE_WORDS = {
    "en": ["traffick", "exploit", "victim", "police report"],
    "th": ["ค้ามนุษย์", "แสวงประโยชน์", "เหยื่อ", "ผู้เสียหาย", "แจ้งความ"],
    "my": ["လူကုန်ကူး", "ခေါင်းပုံဖြတ်", "သားကောင်", "ဒုက္ခသည်"],
    "km": ["ជួញដូរមនុស្ស", "កេងប្រវ័ញ្ច", "ជនរងគ្រោះ"],
    "lo": ["ຄ້າມະນຸດ", "ຂູດຮີດ", "ຜູ້ເຄາະຮ້າຍ"],
}


def identity(message_id):
    return message_id


class Chat:
    """One person talking to the engine; the clock moves a minute a turn."""

    def __init__(self):
        self.engine = Engine(FLOWS)
        self.state: dict = {}
        self.outputs: list = []
        self.now = 0.0
        self.performed: list[Effect] = []  # effects done by the bot (Send, cancel)
        self.effects_happen = True         # False: nothing to send / nothing to cancel

    def _perform(self, effect: Effect, state: dict) -> bool:
        self.performed.append(effect)
        if self.effects_happen and effect.name == "submit_report":
            state["data"] = {"case_ref": "ABC-234"}  # as the bot does: the answers live in the case
        return self.effects_happen

    def send(self, given: Input, wait: float = 60) -> list:
        self.now += wait
        self.state, self.outputs = self.engine.handle(self.state, given, self.now, identity, self._perform)
        return self.outputs

    @property
    def at(self) -> str:
        return self.state["at"]

    @property
    def data(self) -> dict:
        return {k: v for k, v in self.state["data"].items() if k != "_labels"}

    def said(self) -> list[str]:
        return [o.message for o in self.outputs if isinstance(o, Say)]

    def offered(self) -> tuple:
        asks = [o for o in self.outputs if isinstance(o, Ask)]
        return asks[-1].choices if asks else ()

    def _press(self, data: str) -> list:
        assert data in [c.data for c in self.offered()], f"{data!r} is not offered at {self.at}"
        return self.send(Input("choice", data=data))

    def tap(self, label: str) -> list:
        """Tap the button with this message id (its data, as LINE sends it back)."""
        found = [c for c in self.offered() if c.label == label]
        assert found, f"no button {label!r} at {self.at}: {[c.label for c in self.offered()]}"
        return self._press(found[0].data)

    def answer(self, *values: str) -> list:
        """Tap, question after question, the button that saves each value."""
        for value in values:
            step = FLOWS.step(self.at)
            index = next(i for i, c in enumerate(step.choices) if c.get("value") == value)
            self._press(choice_data(step.key, index))
        return self.outputs

    def nav(self, kind: str) -> list:
        return self._press(nav_data(kind, self.at))

    def start(self, entry: str) -> list:
        self.send(Input("start"))
        return self.tap(entry)


def self_report_until_confirm(chat: Chat) -> None:
    chat.start("main.menu.report_self")
    assert chat.said() == ["intake.self.intro", "intake.promise", "intake.self.in_danger"]
    assert chat.at == "report.in_danger"

    chat.answer("yes")  # danger now: the numbers at once, then the questions go on
    dial = next(o for o in chat.outputs if isinstance(o, Dial))
    assert dial.title == "emergency.call_title" and [c.number for c in dial.calls] == ["191", "1669", "1300"]
    assert chat.said() == ["intake.danger_call", "intake.q.medical_emergency"]
    assert chat.at == "report.medical_emergency"

    chat.answer("no")
    assert chat.at == "report.where"
    assert chat.offered()[0].kind == "location" and chat.offered()[0].label == UI["nav.location"]
    chat.send(Input("location", **PLACE))
    assert chat.at == "report.sector"
    chat.answer("fishing", "no", "yes", "unsure", "no", "yes", "yes", "yes", "yes", "no", "broker", "yes")
    assert chat.at == "report.description"
    chat.send(Input("text", text="They keep my passport. I work 16 hours every day."))
    assert chat.at == "report.photos"
    for media in ("m1", "m2"):
        chat.send(Input("image", media_id=media))
        assert chat.said() == [UI["photo_received"]] and chat.at == "report.photos"
    chat.tap("intake.answer.done")
    assert chat.at == "report.contact_ok"
    chat.answer("yes", "phone")
    assert chat.at == "report.contact_phone"
    chat.send(Input("text", text="081 234 5678"))
    chat.answer("evening")
    assert chat.at == "report.confirm"


def test_a_full_self_report_saves_exactly_the_screening_fields():
    chat = Chat()
    self_report_until_confirm(chat)
    assert chat.data == {
        "in_danger": "yes", "medical_emergency": "no", "location": PLACE, "sector": "fishing",
        "free_to_leave": "no", "documents_kept": "yes", "threats_violence": "unsure", "under_18": "no",
        "deceived": "yes", "debt": "yes", "wages_withheld": "yes", "excessive_hours": "yes", "bad_living": "no",
        "recruited": "broker", "moved_across_border": "yes",
        "description": "They keep my passport. I work 16 hours every day.", "photos": ["m1", "m2"],
        "contact_ok": "yes", "contact_how": "phone", "contact_phone": "081 234 5678", "contact_when": "evening",
    }


def test_the_confirm_step_shows_only_how_many_answers_then_send_files_the_report():
    chat = Chat()
    self_report_until_confirm(chat)
    assert chat.said() == ["intake.confirm"]
    assert not [o for o in chat.outputs if isinstance(o, Summary)]  # nothing readable stays in the chat
    assert chat.outputs[0].params == {"count": 21}
    summary = chat.engine.summarise("report", chat.state["data"])  # what officers get
    assert summary.answers == (
        Answer("intake.title.in_danger", "intake.answer.yes", "label"),
        Answer("intake.title.medical_emergency", "intake.answer.no", "label"),
        Answer("intake.title.location", PLACE, "location"),
        Answer("intake.title.sector", "intake.sector.fishing", "label"),
        Answer("intake.title.free_to_leave", "intake.answer.no", "label"),
        Answer("intake.title.documents_kept", "intake.answer.yes", "label"),
        Answer("intake.title.threats_violence", "intake.answer.unsure", "label"),
        Answer("intake.title.under_18", "intake.answer.no", "label"),
        Answer("intake.title.deceived", "intake.answer.yes", "label"),
        Answer("intake.title.debt", "intake.answer.yes", "label"),
        Answer("intake.title.wages_withheld", "intake.answer.yes", "label"),
        Answer("intake.title.excessive_hours", "intake.answer.yes", "label"),
        Answer("intake.title.bad_living", "intake.answer.no", "label"),
        Answer("intake.title.recruited", "intake.recruited.broker", "label"),
        Answer("intake.title.moved_across_border", "intake.answer.yes", "label"),
        Answer("intake.title.description", "They keep my passport. I work 16 hours every day.", "text"),
        Answer("intake.title.photos", 2, "count"),
        Answer("intake.title.contact_ok", "intake.answer.yes", "label"),
        Answer("intake.title.contact_how", "intake.contact.phone", "label"),
        Answer("intake.title.contact_phone", "081 234 5678", "text"),
        Answer("intake.title.contact_when", "intake.when.evening", "label"),
    )
    assert [c.label for c in chat.offered()] == ["intake.send", UI["nav.back"], UI["nav.cancel"]]

    chat.tap("intake.send")
    assert chat.performed == [Effect("submit_report", {"kind": "self"})]
    assert chat.at == "report.submitted"
    sent = [o for o in chat.outputs if isinstance(o, Say)]
    assert [s.message for s in sent] == ["intake.submitted", "intake.self.next"]
    assert sent[0].params == {"ref": "ABC-234"}  # the case exists before the step saying so
    assert [c.label for c in chat.offered()] == ["intake.cancel_report", UI["nav.menu"]]


def test_cancelling_what_was_sent_asks_first_and_only_yes_cancels():
    chat = Chat()
    self_report_until_confirm(chat)
    chat.tap("intake.send")
    chat.tap("intake.cancel_report")
    assert chat.performed == [Effect("submit_report", {"kind": "self"})]  # one tap cancels nothing
    assert chat.at == "report.cancel_confirm" and chat.said() == ["intake.cancel_confirm"]
    assert [c.label for c in chat.offered()] == ["intake.cancel_yes", "intake.cancel_no", UI["nav.menu"]]
    chat.tap("intake.cancel_no")
    assert chat.at == "report.kept" and chat.said() == ["intake.kept"] and len(chat.performed) == 1
    chat.tap("intake.cancel_report")
    chat.tap("intake.cancel_yes")
    assert chat.performed[-1] == Effect("cancel_report", {})
    assert chat.at == "report.report_cancelled" and chat.said() == ["intake.report_cancelled"]


@pytest.mark.parametrize("flow", INTAKE)
def test_a_cancel_with_no_case_behind_it_says_nothing_was_cancelled(flow):
    chat = Chat()
    chat.state = {"at": f"{flow}.cancel_confirm", "data": {}}
    chat.effects_happen = False  # the bot found no case of this chat to cancel
    chat.send(Input("choice", data=f"c|{flow}.cancel_confirm|0"))  # "Yes, cancel", tapped late
    assert chat.performed == [Effect("cancel_report", {})]
    assert "intake.report_cancelled" not in chat.said()
    assert chat.said()[0] == "intake.nothing_to_cancel" and chat.at == "main.menu"


@pytest.mark.parametrize("flow", INTAKE)
def test_a_send_that_files_nothing_is_never_answered_sent(flow):
    chat = Chat()
    chat.state = {"at": f"{flow}.confirm", "data": {}}
    chat.effects_happen = False  # the bot found nothing to send
    chat.send(Input("choice", data=f"c|{flow}.confirm|0"))
    assert chat.performed == [Effect("submit_report", {"kind": "self" if flow == "report" else "tip"})]
    assert "intake.submitted" not in chat.said()
    assert chat.said()[0] == "intake.nothing_to_send" and chat.at == "main.menu"


def test_a_long_description_is_kept_whole():
    chat = Chat()
    chat.state = {"at": "report.description", "data": {"in_danger": "no"}}
    words = ("ကျွန်တော့်ကို အလုပ်ရှင်က ပိတ်ထားတယ်။ " * 200)[:4999]
    chat.send(Input("text", text=words))
    assert chat.data["description"] == words and chat.at == "report.photos"
    assert UI["answer_cut"] not in chat.said()


def test_a_description_over_the_longest_text_is_cut_and_the_person_told():
    chat = Chat()
    chat.state = {"at": "tip.description", "data": {"in_danger": "no"}}
    chat.send(Input("text", text="x" * (MAX_TEXT + 10)))
    assert chat.data["description"] == "x" * MAX_TEXT
    assert chat.outputs[0] == Say(UI["answer_cut"], {"kept": MAX_TEXT})


@pytest.mark.parametrize("key", [s.key for n in INTAKE for s in FLOWS.flows[n].steps.values()])
def test_no_intake_step_prints_the_answers_back(key):
    state = {"data": {"in_danger": "yes", "description": "my words", "contact_phone": "081 234 5678",
                      "case_ref": "ABC-234"}}
    _, outputs = Engine(FLOWS).goto(state, key, 0)
    shown = [o for o in outputs if isinstance(o, Summary)] + \
        [v for o in outputs if isinstance(o, Say) for v in o.params.values() if v in ("my words", "081 234 5678")]
    assert not shown


def test_a_full_tip_from_the_list_of_places():
    chat = Chat()
    chat.start("main.menu.report_other")
    assert chat.said() == ["intake.tip.intro", "intake.promise", "intake.tip.in_danger"]
    assert chat.at == "tip.in_danger"
    chat.answer("no")  # no numbers shown
    assert not [o for o in chat.outputs if isinstance(o, Dial)]
    assert chat.at == "tip.medical_emergency"
    chat.nav("skip")
    assert chat.at == "tip.where"
    chat.tap("intake.where.list")
    chat.answer("57")
    assert chat.at == "tip.district"
    assert [c.label for c in chat.offered()][:8] == [f"intake.district.{code}" for code in
                                                     ("5709", "5708", "5703", "5713", "5715", "5704", "5701", "5707")]
    chat.answer("5709")
    assert chat.at == "tip.people_count"
    chat.send(Input("text", text="many"))
    assert chat.said() == ["intake.people_count.invalid"] and chat.at == "tip.people_count"
    chat.send(Input("text", text="about 12"))
    assert chat.at == "tip.nationality"
    chat.answer("myanmar", "yes", "scam_centre", "no", "yes", "yes", "yes", "unsure", "yes", "yes", "yes",
                "online", "yes")
    assert chat.at == "tip.description"
    chat.send(Input("text", text="Young people in a building near the river, guards at the door."))
    chat.send(Input("image", media_id="p1"))
    chat.nav("skip")
    assert chat.at == "tip.contact_ok"
    chat.answer("no")  # no contact questions
    assert chat.at == "tip.confirm"
    assert chat.data == {
        "in_danger": "no", "province": "57", "district": "5709", "people_count": 12, "nationality": "myanmar",
        "under_18": "yes", "sector": "scam_centre", "free_to_leave": "no", "documents_kept": "yes",
        "threats_violence": "yes", "deceived": "yes", "debt": "unsure", "wages_withheld": "yes",
        "excessive_hours": "yes", "bad_living": "yes", "recruited": "online", "moved_across_border": "yes",
        "description": "Young people in a building near the river, guards at the door.", "photos": ["p1"],
        "contact_ok": "no",
    }
    assert not [o for o in chat.outputs if isinstance(o, Summary)]
    summary = chat.engine.summarise("tip", chat.state["data"])
    assert [a.title for a in summary.answers][:5] == ["intake.title.in_danger", "intake.title.province",
                                                      "intake.title.district", "intake.title.people_count",
                                                      "intake.title.nationality"]
    assert Answer("intake.title.district", "intake.district.5709", "label") in summary.answers
    assert Answer("intake.title.people_count", 12, "text") in summary.answers
    chat.tap("intake.send")
    assert chat.performed == [Effect("submit_report", {"kind": "tip"})]
    assert chat.at == "tip.submitted" and chat.said() == ["intake.submitted", "intake.tip.next"]


def test_dont_know_the_place():
    chat = Chat()
    chat.start("main.menu.report_other")
    chat.answer("unsure")  # not sure about danger: the numbers too
    assert any(isinstance(o, Dial) for o in chat.outputs)
    chat.answer("unsure")  # not sure about a doctor: 1669 first
    dial = next(o for o in chat.outputs if isinstance(o, Dial))
    assert [c.number for c in dial.calls] == ["1669", "191"]
    assert chat.at == "tip.where"
    chat.answer("unknown")
    assert chat.data["location"] == "unknown" and chat.at == "tip.people_count"
    chat.nav("back")
    chat.tap("intake.where.list")
    chat.answer("unknown")
    assert chat.data["province"] == "unknown" and chat.at == "tip.people_count"


def test_back_goes_to_the_question_before_whatever_the_path():
    chat = Chat()
    chat.start("main.menu.report_self")
    chat.answer("yes")            # through the numbers
    chat.nav("back")
    assert chat.at == "report.in_danger"
    chat.answer("no", "no")
    chat.tap("intake.where.list")
    chat.answer("other")          # another province: no district question
    assert chat.at == "report.sector"
    chat.nav("back")
    assert chat.at == "report.province"
    chat.nav("back")
    assert chat.at == "report.where"
    chat.nav("back")
    assert chat.at == "report.medical_emergency"
    assert chat.data["in_danger"] == "no"


def test_back_from_when_to_contact_returns_to_the_phone_number_only_if_asked():
    chat = Chat()
    self_report_until_confirm(chat)
    chat.nav("back")
    assert chat.at == "report.contact_when"
    chat.nav("back")
    assert chat.at == "report.contact_phone"
    chat.nav("back")
    chat.answer("line")
    assert chat.at == "report.contact_when"
    chat.nav("back")
    assert chat.at == "report.contact_how"


def test_optional_questions_can_be_skipped():
    chat = Chat()
    chat.start("main.menu.report_self")
    chat.answer("no")
    chat.nav("skip")
    assert chat.at == "report.where" and "medical_emergency" not in chat.data
    chat.send(Input("location", **PLACE))
    chat.answer("other", "yes", "no", "no", "no", "no", "no", "no", "no", "no", "unsure", "no")
    assert chat.at == "report.description"
    chat.nav("skip")
    assert chat.at == "report.photos"
    chat.nav("skip")
    assert chat.at == "report.contact_ok"
    assert not {"description", "photos", "medical_emergency"} & set(chat.data)


def test_cancel_clears_the_answers_and_offers_the_menu():
    chat = Chat()
    chat.start("main.menu.report_self")
    chat.answer("no", "no")
    chat.nav("cancel")
    assert chat.state["data"] == {} and chat.at == "report.cancelled"
    assert chat.said() == [UI["cancelled"], "intake.cancelled"]
    assert [c.label for c in chat.offered()] == [UI["nav.menu"]]
    chat.nav("menu")
    assert chat.at == "main.menu"


def test_a_help_word_in_the_description_keeps_it_and_comes_back_after():
    chat = Chat()
    chat.start("main.menu.report_other")
    chat.answer("no", "no", "unknown")
    chat.nav("skip")
    chat.answer("laos", "no", "factory", "no", "yes", "no", "no", "no", "yes", "no", "no", "friend_family", "no")
    assert chat.at == "tip.description"
    words = "Please help them, the boss locks the door at night"
    chat.send(Input("text", text=words))
    assert chat.data["description"] == words
    assert chat.at == "emergency.now" and chat.state["resume"] == "tip.photos"
    chat.nav("resume")
    assert chat.at == "tip.photos" and chat.said() == ["intake.q.photos"]
    assert chat.data["description"] == words and chat.data["nationality"] == "laos"


def test_an_idle_report_offers_to_go_on_where_it_stopped():
    chat = Chat()
    chat.start("main.menu.report_self")
    chat.answer("no", "no")
    chat.send(Input("location", **PLACE))
    chat.answer("domestic")
    assert chat.at == "report.free_to_leave"
    chat.send(Input("text", text="hello"), wait=3 * 3600)
    assert chat.said() == [UI["welcome_back_resume"]]
    chat.tap(UI["nav.resume"])
    assert chat.at == "report.free_to_leave" and chat.said() == ["intake.self.free_to_leave"]
    assert chat.data["sector"] == "domestic" and chat.data["location"] == PLACE


def test_the_emergency_offer_to_report_starts_the_self_report():
    chat = Chat()
    chat.send(Input("start"))
    chat.send(Input("text", text="help"))
    chat.tap("emergency.report_now")
    assert Effect("mark_urgent", {}) in chat.outputs
    assert chat.at == "report.in_danger"


# -- the shape of every question --------------------------------------------------------------
def _questions():
    for name in INTAKE:
        for step in FLOWS.flows[name].steps.values():
            field = step.save or (step.input or {}).get("save")
            if field:
                yield pytest.param(step, field, id=step.key)


@pytest.mark.parametrize("step, field", list(_questions()))
def test_every_question_has_a_title_back_cancel_and_the_agreed_values(step, field):
    assert step.title and step.title.startswith("intake.title.")
    assert "back" in step.nav and "cancel" in step.nav
    short = step.key.partition(".")[2]
    assert ("skip" in step.nav) == (short in OPTIONAL), step.key
    assert len(step.say) == 1, "one question a message"
    values = {c["value"] for c in step.choices if "value" in c}
    if field in INPUTS:
        assert step.input["type"] == INPUTS[field] and step.input["save"] == field
        assert values <= VALUES.get(field, set())
    else:
        assert values == VALUES[field], step.key
        assert all(isinstance(v, str) for v in values)  # not YAML booleans
    assert step.quiet  # taps are not echoed into the chat


@pytest.mark.parametrize("name", INTAKE)
def test_both_flows_are_quiet_resumable_and_cancel_to_a_menu(name):
    flow = FLOWS.flows[name]
    assert flow.resumable and flow.domain == "intake"
    assert flow.cancel == f"{name}.cancelled"
    assert FLOWS.step(flow.cancel).nav == ["menu"]
    fields = {step.save or (step.input or {}).get("save") for step in flow.steps.values()} - {None}
    tip_only = {"people_count", "nationality"}
    assert fields == (set(VALUES) | set(INPUTS)) - (tip_only if name == "report" else set())


def test_entries_used_elsewhere_exist():
    for key in ("report.start", "report.tip_start"):
        assert FLOWS.has_step(key)


@pytest.mark.parametrize("key", [s.key for n in INTAKE for s in FLOWS.flows[n].steps.values()])
def test_every_step_fits_one_reply(key):
    """LINE: at most 5 messages a reply and 13 quick replies."""
    state, outputs = Engine(FLOWS).goto({"data": {}}, key, 0)
    messages = [o for o in outputs if isinstance(o, (Say, Dial, Summary))]
    assert len(messages) <= 5
    asks = [o for o in outputs if isinstance(o, Ask)]
    assert all(len(a.choices) <= 13 for a in asks)


def _intake_ids() -> set[str]:
    return FLOWS.message_ids()["intake"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_word_on_screen_gives_the_report_away(lang):
    found = [(mid, word) for mid in sorted(_intake_ids()) for word in UNSAFE_WORDS[lang] + UNSAFE_WORDS["en"]
             if word in (translation(lang, "intake", mid) or "").casefold()]
    assert not found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_summary_titles_are_short(lang):
    titles = {s.title for n in INTAKE for s in FLOWS.flows[n].steps.values() if s.title}
    long = [(t, translation(lang, "intake", t)) for t in titles if len(translation(lang, "intake", t) or "") > 40]
    assert not long
