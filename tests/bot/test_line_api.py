"""bot/line_api.py: LINE's answers as the delivery reads them (sent, retry, already accepted, a
refused reply token), against the emulator playing LINE."""
from __future__ import annotations

import uuid

import pytest
import requests

from bot.line_api import LineClient, LineError
from emulator import EmulatorConfig, create_emulator_app
from tests.support.servers import ServerThread
from tests.support.stub_http import answering
from tests.support.webhook import TOKEN

HELLO = [{"type": "text", "text": "hello"}]


@pytest.fixture(scope="module")
def emulator():
    server = ServerThread(create_emulator_app(EmulatorConfig(channel_access_token=TOKEN,
                                                             webhook_url="http://127.0.0.1:9/callback"))).start()
    yield server
    server.stop()


@pytest.fixture
def person(emulator) -> str:
    answer = requests.post(f"{emulator.url}/emulator/api/users", json={"displayName": "P", "language": "th"},
                           timeout=10)
    return answer.json()["userId"]


def test_what_a_line_error_means():
    assert LineError(None, "no answer").retryable and LineError(429, "").retryable and LineError(502, "").retryable
    assert not LineError(400, "").retryable
    assert LineError(400, '{"message":"Invalid reply token"}').invalid_reply_token
    assert LineError(409, "").already_accepted
    assert str(LineError(400, "bad")) == "LINE 400: bad"


def test_a_push_is_accepted_once_for_its_retry_key(emulator, person):
    line = LineClient(TOKEN, emulator.url, emulator.url)
    key = str(uuid.uuid4())
    line.push(person, HELLO, retry_key=key)
    with pytest.raises(LineError) as again:
        line.push(person, HELLO, retry_key=key)
    assert again.value.already_accepted


def test_an_unknown_reply_token_is_refused_with_line_s_body(emulator):
    with pytest.raises(LineError) as refused:
        LineClient(TOKEN, emulator.url, emulator.url).reply("0" * 32, HELLO)
    assert refused.value.invalid_reply_token and not refused.value.retryable


def test_a_profile_is_read_and_an_unknown_person_has_none(emulator, person):
    line = LineClient(TOKEN, emulator.url, emulator.url)
    assert line.profile(person)["language"] == "th"
    assert line.profile("U" + "f" * 32) is None


def test_no_answer_is_retryable():
    line = LineClient(TOKEN, "http://127.0.0.1:9", "http://127.0.0.1:9", timeout=2)
    with pytest.raises(LineError) as unreachable:
        line.push("U" + "1" * 32, HELLO, retry_key=str(uuid.uuid4()))
    assert unreachable.value.status is None and unreachable.value.retryable


def test_a_multicast_reaches_everyone_once_for_its_retry_key(emulator, person):
    other = requests.post(f"{emulator.url}/emulator/api/users", json={"displayName": "Q", "language": "th"},
                          timeout=10).json()["userId"]
    line = LineClient(TOKEN, emulator.url, emulator.url)
    key = str(uuid.uuid4())
    line.multicast([person, other], HELLO, retry_key=key)
    with pytest.raises(LineError) as again:
        line.multicast([person, other], HELLO, retry_key=key)
    assert again.value.already_accepted
    received = requests.get(f"{emulator.url}/emulator/api/received", timeout=10).json()
    chats = [chat for record in received if record.get("path", "").endswith("/multicast")
             and record.get("status") == 200 for chat in record.get("chats", [])]
    assert sorted(chats) == sorted([person, other])


def test_a_message_line_refuses_is_not_retryable_and_keeps_line_s_body(emulator, person):
    with pytest.raises(LineError) as refused:
        LineClient(TOKEN, emulator.url, emulator.url).push(person, [{"type": "text"}], retry_key=str(uuid.uuid4()))
    assert refused.value.status == 400 and not refused.value.retryable
    assert "text" in refused.value.body


def test_a_profile_that_is_not_json_or_not_an_object_is_none():
    for body in (b"<html>", b"[1, 2]"):
        with answering(200, body) as url:
            assert LineClient(TOKEN, url, url).profile("U" + "1" * 32) is None


def test_no_answer_to_a_profile_is_none():
    assert LineClient(TOKEN, "http://127.0.0.1:9", "http://127.0.0.1:9", timeout=2).profile("U" + "1" * 32) is None
