"""First contact, through the webhook, the real responder and the processor (LINE faked):
a profile without a language gets the language question and leaves it with one tap; the
first answer says who answers and how to reach a person; greetings and thanks get a greeting
and the menu; a phone set to another language than the one written gets it as one tap; a
"not understood" always carries the way to emergency help."""
from __future__ import annotations

import time

import pytest

from flows.loader import load_flows
from locales.catalogs import catalogs
from storage import conversations
from tests.support.chat import Chat, hotline_app
from tests.support.fake_line import FakeLine

pytestmark = pytest.mark.integration

CATALOGS = catalogs()
FLOWS = load_flows()
LANGUAGES = ("my", "km", "lo", "th", "en")
# A few greetings and thanks per language, as people type them (the list the bot matches is
# flows/data/triggers.yaml; these are whole messages, some with polite words around them).
GREETINGS = {
    "my": ["မင်္ဂလာပါ", "မင်္ဂလာပါ ခင်ဗျာ", "မင်္ဂလာပါ ရှင့်", "ကျေးဇူးတင်ပါတယ်", "ဟယ်လို"],
    "km": ["សួស្តី", "សួស្ដី បង", "ជំរាបសួរ", "អរគុណ", "អរគុណច្រើន"],
    "lo": ["ສະບາຍດີ", "ສະບາຍດີ ເຈົ້າ", "ຂອບໃຈ", "ຂອບໃຈຫຼາຍໆ"],
    "th": ["สวัสดีครับ", "สวัสดีค่ะ", "หวัดดี", "ขอบคุณครับ", "ขอบคุณมากค่ะ"],
    "en": ["hello", "hi", "Hi!", "good morning", "thank you", "Thanks!", "mingalaba", "sawasdee"],
}


class Phone(Chat):
    """One person's chat with the bot; their LINE profile gives `profile_language` (or none)."""

    def __init__(self, app, line: FakeLine, profile_language: str | None = None):
        super().__init__(app, line, language=None)
        line.profiles[self.user] = {"displayName": "A", **({"language": profile_language} if profile_language else {})}

    def conversation(self):
        with self.hotline.db.sessions() as session:
            return conversations.load(session, self.user, self.user)


def texts(messages: list[dict]) -> list[str]:
    return [m["text"] for m in messages if m.get("type") == "text"]


def buttons(messages: list[dict]) -> list[dict]:
    return [item["action"] for m in messages for item in (m.get("quickReply") or {}).get("items", [])]


def text(language: str, message_id: str) -> str:
    return CATALOGS.text(language, message_id)


@pytest.fixture(scope="module")
def world(tmp_path_factory, redis_url):
    with hotline_app(tmp_path_factory.mktemp("first-contact"), redis_url) as running:
        yield running


def language_choices() -> list[dict]:
    return FLOWS.step(FLOWS.language_step).choices


@pytest.mark.parametrize("index", range(len(language_choices())))
def test_without_a_profile_language_one_tap_on_a_language_leaves_the_question(world, index):
    phone = Phone(*world)  # LINE gives no language to people who have not accepted its policy
    asked = phone.say("hi")
    assert text("en", "language.choose") in texts(asked)[0]
    tapped = next(b for b in buttons(asked) if b["label"] == language_choices()[index]["text"])
    answer = phone.tap(tapped["data"])
    chosen = language_choices()[index]["args"]
    conversation = phone.conversation()
    assert conversation.language == chosen["language"]
    assert conversation.zawgyi == bool(chosen.get("zawgyi"))
    assert conversation.state["at"] == FLOWS.entry
    shown = texts(answer)
    if not chosen.get("zawgyi"):
        assert shown == [text(chosen["language"], "main.welcome"), text(chosen["language"], "main.menu.prompt")]
    assert len(buttons(answer)) == len(FLOWS.step(FLOWS.entry).choices)
    again = phone.say("ok")  # the next message is answered in that language, not the question
    assert text("en", "language.choose") not in " ".join(texts(again))


def test_without_a_profile_language_typing_a_language_name_chooses_it(world):
    phone = Phone(*world)
    phone.say("hi")
    answer = phone.say("English")
    assert texts(answer)[0] == text("en", "main.welcome")
    assert phone.conversation().language == "en"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_first_answer_says_who_answers_and_how_to_reach_a_person(world, language):
    phone = Phone(*world, profile_language=language)
    answer = phone.say("?")
    assert texts(answer)[:2] == [text(language, "main.welcome"), text(language, "main.menu.prompt")]
    welcome = text(language, "main.welcome")
    assert "1-800-010-18" in welcome  # Issara's line (DOMAIN.md §3): a person to talk to


@pytest.mark.parametrize("language, words", [(lang, w) for lang, ws in GREETINGS.items() for w in ws])
def test_greetings_and_thanks_at_the_menu_get_a_greeting_and_the_menu(world, language, words):
    phone = Phone(*world, profile_language=language)
    phone.say("?")  # first contact: now at the menu
    answer = phone.say(words)
    shown = texts(answer)
    assert text(language, "ui.not_understood") not in shown
    assert shown[0] in (text(language, "main.welcome"), text(language, "main.thanks"))
    assert shown[-1] == text(language, "main.menu.prompt")
    assert phone.conversation().state["at"] == FLOWS.entry


def test_a_greeting_typed_as_an_answer_to_a_question_stays_the_answer(world):
    phone = Phone(*world, profile_language="en")
    phone.say("?")
    with phone.hotline.db.transaction() as session:
        conversation = conversations.load(session, phone.user, phone.user)
        conversation.state = {"at": "report.description", "data": {"in_danger": "no"}, "seen": time.time()}
    phone.say("hello, my boss keeps my passport")
    assert phone.conversation().state["data"].get("description") == "hello, my boss keeps my passport"


@pytest.mark.parametrize("phone_language, written, language", [
    ("th", "မင်္ဂလာပါ", "my"), ("en", "សួស្តី", "km"), ("th", "ສະບາຍດີ", "lo"), ("my", "สวัสดีครับ", "th"),
    ("th", "mingalaba", "my"),
])
def test_a_phone_in_another_language_gets_it_as_one_tap(world, phone_language, written, language):
    phone = Phone(*world, profile_language=phone_language)
    answer = phone.say(written)
    assert texts(answer)[0] == text(language, "main.welcome")
    name = next(c["text"] for c in language_choices()
                if c["args"]["language"] == phone_language and not c["args"].get("zawgyi"))
    offer = [b for b in buttons(answer) if b["label"] == name]
    assert len(offer) == 1 and len(buttons(answer)) <= 13
    switched = phone.tap(offer[0]["data"])
    assert phone.conversation().language == phone_language
    assert texts(switched)[0] == text(phone_language, "main.welcome")


def test_a_phone_in_the_language_written_gets_no_extra_button(world):
    phone = Phone(*world, profile_language="km")
    answer = phone.say("សួស្តី")
    assert len(buttons(answer)) == len(FLOWS.step(FLOWS.entry).choices)


@pytest.mark.parametrize("language", LANGUAGES)
def test_not_understood_names_a_help_word_that_works_and_offers_help_now(world, language):
    help_trigger = next(t for t in FLOWS.triggers if t["go"] == FLOWS.help_step)
    sorry = text(language, "ui.not_understood")
    named = [w for w in help_trigger["words"] if w in sorry]
    assert named, f"{language}: the apology names no help word the bot knows"
    phone = Phone(*world, profile_language=language)
    phone.say("?")
    documents = phone.tap("c|main.menu|0")  # a topic list: its buttons, no help among them
    assert texts(documents)
    answer = phone.say("qwerty zxcv")
    assert texts(answer)[0] == sorry
    first = buttons(answer)[0]
    assert first["label"] == text(language, "ui.nav.help")
    helped = phone.tap(first["data"])
    assert phone.conversation().state["at"] == FLOWS.help_step
    assert any(m.get("type") == "template" for m in helped)  # the numbers to call
    typed = Phone(*world, profile_language=language)
    typed.say("?")
    typed.tap("c|main.menu|0")
    typed.say(named[0])
    assert typed.conversation().state["at"] == FLOWS.help_step


# -- Zawgyi on short messages ---------------------------------------------------------------
def zawgyi_of(text: str) -> str:
    from flows.language import to_zawgyi

    return to_zawgyi(text)


@pytest.mark.parametrize("profile_language", [None, "th", "my"])
def test_a_one_word_zawgyi_greeting_is_answered_in_zawgyi(world, profile_language):
    phone = Phone(*world, profile_language=profile_language)
    answer = phone.say(zawgyi_of("မင်္ဂလာပါ"))  # "မဂၤလာပါ"
    assert texts(answer)[0] == zawgyi_of(text("my", "ui.zawgyi_hint"))
    assert zawgyi_of(text("my", "main.welcome")) in texts(answer)
    conversation = phone.conversation()
    assert conversation.language == "my" and conversation.zawgyi is True


def unsure_words() -> list[str]:
    """Words of the labelled set our detector cannot settle (they read well in both)."""
    import csv
    from pathlib import Path

    from flows.language.zawgyi import encoding

    data = Path(__file__).resolve().parents[1] / "bench" / "data" / "short_burmese.tsv"
    with data.open(encoding="utf-8", newline="") as f:
        return [row["text"] for row in csv.DictReader(f, delimiter="\t") if encoding(row["text"]) is None][:3]


@pytest.mark.parametrize("word", unsure_words())
@pytest.mark.parametrize("tap_zawgyi", [False, True])
def test_a_word_that_cannot_tell_its_encoding_asks_in_both(world, word, tap_zawgyi):
    assert unsure_words()  # the set has such words; the test must not pass on none
    phone = Phone(*world, profile_language="th")
    answer = phone.say(word)
    question = text("my", "language.looks_right")
    assert texts(answer) == [question + "\n" + zawgyi_of(question)]
    step = FLOWS.step(FLOWS.encoding_step)
    labels = [b["label"] for b in buttons(answer)]
    assert labels[:2] == [c["text"] for c in step.choices]
    chosen = phone.tap(buttons(answer)[1 if tap_zawgyi else 0]["data"])
    conversation = phone.conversation()
    assert conversation.language == "my" and conversation.zawgyi is tap_zawgyi
    welcome = text("my", "main.welcome")
    assert texts(chosen)[0] == (zawgyi_of(welcome) if tap_zawgyi else welcome)
    again = phone.say(word)  # known now: no second question
    assert question not in " ".join(texts(again))


def test_a_later_message_that_tells_zawgyi_switches_to_it(world):
    phone = Phone(*world, profile_language="my")
    asked = phone.say(unsure_words()[0])  # asked, not answered: the person writes on instead
    assert text("my", "language.looks_right") in texts(asked)[0]
    answer = phone.say(zawgyi_of("ကျေးဇူးတင်ပါတယ်"))
    assert phone.conversation().zawgyi is True
    assert texts(answer)[0] == zawgyi_of(text("my", "ui.zawgyi_hint"))


def test_a_greeting_inside_a_report_keeps_the_report_and_offers_help(world):
    phone = Phone(*world, profile_language="en")
    phone.say("?")
    with phone.hotline.db.transaction() as session:
        conversation = conversations.load(session, phone.user, phone.user)
        conversation.state = {"at": "report.in_danger", "data": {}, "seen": time.time()}
    answer = phone.say("hello")
    assert phone.conversation().state["at"] == "report.in_danger"
    assert texts(answer)[0] == text("en", "ui.not_understood")
    assert buttons(answer)[0]["label"] == text("en", "ui.nav.help")
