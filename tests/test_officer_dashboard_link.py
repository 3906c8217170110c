"""`dashboard` (or แดชบอร์ด, or the help's button) in a linked officer's 1:1 chat: the bot answers
with a one-time sign-in link as a button that opens {PUBLIC_BASE_URL}/dashboard/sign-in/<token>;
in a group it says "ask me in a private chat"; anyone else (unlinked, deactivated) gets what the
public flows answer to those words, so nothing tells them a dashboard exists.

Through the webhook, the real responder and the processor, LINE faked (tests/support/chat.py)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from bot.officers import DASHBOARD_DATA
from locales.catalogs import catalogs
from storage import dashboard_sign_ins
from storage.models import DashboardSignIn, Officer
from tests.support.chat import Chat, texts
from tests.support.committees import load_example
from tests.support.dashboard import csrf_token
from tests.support.events import group_source, message_event
from tests.support.webhook import post_events

OFFICER = "CRI-5709-1"
TEXTS = catalogs()


@pytest.fixture
def hotline(app, line):
    load_example(app.extensions["hotline"].db)
    return app, line


def officer_chat(hotline, officer_id: str = OFFICER, *, active: bool = True) -> Chat:
    app, line = hotline
    chat = Chat(app, line, None)
    with app.extensions["hotline"].db.transaction() as session:
        officer = session.get(Officer, officer_id)
        officer.line_user_id, officer.active = chat.user, active
    return chat


def links(messages: list[dict]) -> list[str]:
    """The uri of every button in the messages (flex bubbles and templates)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "uri" and "uri" in node:
                found.append(node["uri"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(messages)
    return found


def sign_ins(app) -> int:
    with app.extensions["hotline"].db.sessions() as session:
        return session.scalar(select(func.count()).select_from(DashboardSignIn))


def test_a_linked_officer_gets_a_one_time_link_button_to_the_public_base_url(hotline):
    app, _ = hotline
    answer = officer_chat(hotline).say("dashboard")
    [uri] = links(answer)
    settings = app.extensions["hotline"].settings
    assert uri.startswith(settings.public_base_url + "/dashboard/sign-in/")
    assert len(uri.rpartition("/")[2]) >= 40                      # a random token, not an id
    [card] = answer
    assert card["type"] == "flex" and uri not in card["altText"]   # notifications never show the link
    minutes = settings.dashboard_link_seconds // 60
    assert TEXTS.text("th", "officer.dashboard_link", minutes=minutes) in str(card)
    assert TEXTS.text("th", "officer.button.dashboard.label") in str(card)
    assert sign_ins(app) == 1


@pytest.mark.parametrize("word", ["แดชบอร์ด", "  Dashboard ", "DASHBOARD"])
def test_the_thai_word_and_any_case_work(hotline, word):
    assert len(links(officer_chat(hotline).say(word))) == 1


def test_the_link_in_the_message_signs_the_officer_in(hotline):
    app, _ = hotline
    [uri] = links(officer_chat(hotline).say("dashboard"))
    path = urlsplit(uri).path
    browser = app.test_client()
    assert browser.get(path).status_code == 200
    response = browser.post(path, data={"csrf_token": csrf_token(browser, path)})
    assert response.status_code == 303 and browser.get("/dashboard/cases").status_code == 200
    page = browser.get("/dashboard/cases").get_data(as_text=True)
    with app.extensions["hotline"].db.sessions() as session:
        assert session.get(Officer, OFFICER).name in page


def test_in_a_group_the_officer_is_asked_to_use_the_private_chat(hotline):
    app, line = hotline
    chat = officer_chat(hotline)
    group = "C" + "7" * 32
    before = len(line.sent)
    post_events(app.test_client(), [message_event(group_source(group, chat.user), {"type": "text",
                                                                                   "text": "dashboard"})])
    app.extensions["hotline"].processor.process_chat(group)
    answer = [m for sent in line.sent[before:] for m in sent[2]]
    assert texts(answer) == [TEXTS.text("th", "officer.private_only")] and not links(answer)
    assert sign_ins(app) == 0


def test_the_help_has_a_dashboard_button_in_private_chats_that_sends_the_link(hotline):
    chat = officer_chat(hotline)
    [help_message] = chat.say("help officer")
    items = help_message["quickReply"]["items"]
    assert [i["action"]["data"] for i in items] == [DASHBOARD_DATA]
    assert items[0]["action"]["label"] == TEXTS.text("th", "officer.button.dashboard_link.label")
    assert "แดชบอร์ด" in help_message["text"]
    assert len(links(chat.tap(DASHBOARD_DATA))) == 1


def test_the_help_in_a_group_has_no_dashboard_button(hotline):
    app, line = hotline
    chat = officer_chat(hotline)
    group = "C" + "8" * 32
    before = len(line.sent)
    post_events(app.test_client(), [message_event(group_source(group, chat.user), {"type": "text",
                                                                                   "text": "help officer"})])
    app.extensions["hotline"].processor.process_chat(group)
    [answer] = [m for sent in line.sent[before:] for m in sent[2]]
    assert answer["text"] == TEXTS.text("th", "officer.help") and "quickReply" not in answer


@pytest.mark.parametrize("word", ["dashboard", "แดชบอร์ด"])
def test_unlinked_and_deactivated_people_get_the_public_answer_and_no_link(hotline, word):
    app, line = hotline
    stranger = Chat(app, line, None)
    deactivated = officer_chat(hotline, "CRI-5709-2", active=False)
    public = stranger.say(word)
    assert public and not links(public)
    assert deactivated.say(word) == public
    assert sign_ins(app) == 0
    assert not links(stranger.tap(DASHBOARD_DATA)) and not links(deactivated.tap(DASHBOARD_DATA))
    assert sign_ins(app) == 0


def test_too_many_links_in_a_short_time_are_refused_politely(hotline):
    app, _ = hotline
    chat = officer_chat(hotline)
    for _ in range(dashboard_sign_ins.LINKS_PER_WINDOW):
        assert len(links(chat.say("dashboard"))) == 1
    refused = chat.say("dashboard")
    window = int(dashboard_sign_ins.WINDOW.total_seconds()) // 60
    assert texts(refused) == [TEXTS.text("th", "officer.dashboard_too_many", minutes=window)]
    assert not links(refused) and sign_ins(app) == dashboard_sign_ins.LINKS_PER_WINDOW


def test_each_link_is_new(hotline):
    chat = officer_chat(hotline)
    first, second = links(chat.say("dashboard")), links(chat.say("dashboard"))
    assert len(first) == len(second) == 1 and first != second
