"""Events the emulator posts are what LINE posts: schema, signature, SDK parsing."""
from __future__ import annotations

import base64
import copy
import re

import pytest
from linebot.v3.webhook import SignatureValidator, WebhookParser
from linebot.v3.webhooks import (
    FollowEvent,
    ImageMessageContent,
    JoinEvent,
    LeaveEvent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
)

from tests.support.emulator_api import AUTH, GROUP, PNG, USER, send
from tests.support.webhook import SECRET

from .openapi_schemas import assert_valid, schema_errors

ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")

CASES = [
    ({"type": "text", "text": "မင်္ဂလာပါ\nhello"}, MessageEvent, TextMessageContent),
    ({"type": "postback", "data": "action=menu&lang=my", "displayText": "Menu"}, PostbackEvent, None),
    ({"type": "postback", "data": "pick=date", "params": {"date": "2025-01-31"}}, PostbackEvent, None),
    ({"type": "location", "title": "Mae Sai", "address": "Mae Sai, Chiang Rai",
      "latitude": 20.4335, "longitude": 99.8762}, MessageEvent, LocationMessageContent),
    ({"type": "sticker", "packageId": "446", "stickerId": "1988"}, MessageEvent, StickerMessageContent),
    ({"type": "image", "imageBase64": base64.b64encode(PNG).decode(), "contentType": "image/png"},
     MessageEvent, ImageMessageContent),
    ({"type": "follow"}, FollowEvent, None),
    ({"type": "unfollow"}, UnfollowEvent, None),
    ({"type": "join", "groupId": GROUP}, JoinEvent, None),
    ({"type": "leave", "groupId": GROUP}, LeaveEvent, None),
    ({"type": "text", "text": "in a group", "groupId": GROUP}, MessageEvent, TextMessageContent),
    ({"type": "postback", "data": "x=1", "groupId": GROUP}, PostbackEvent, None),
]


@pytest.mark.parametrize("spec,event_class,content_class", CASES,
                         ids=lambda v: v.get("type") if isinstance(v, dict) else None)
def test_every_page_event_is_a_valid_signed_line_webhook(client, receiver, config, spec, event_class, content_class):
    answer = send(client, **spec)
    assert answer["status"] == 200 and answer["body"] == "OK"
    assert len(receiver.requests) == 1
    posted = receiver.requests[0]
    payload = posted["json"]

    assert_valid("webhook.yml", "CallbackRequest", payload)
    assert payload["destination"] == config.bot_user_id
    assert SignatureValidator(SECRET).validate(posted["raw"].decode("utf-8"), posted["headers"]["X-Line-Signature"])
    assert not SignatureValidator("other-secret").validate(posted["raw"].decode(),
                                                           posted["headers"]["X-Line-Signature"])

    [event] = payload["events"]
    assert event == answer["event"]
    assert event["mode"] == "active" and event["deliveryContext"] == {"isRedelivery": False}
    assert ULID.match(event["webhookEventId"])
    if event["type"] in ("message", "postback", "follow", "join"):
        assert re.fullmatch(r"[0-9a-f]{32}", event["replyToken"])
    else:
        assert "replyToken" not in event
    if spec.get("groupId"):
        assert event["source"]["type"] == "group" and event["source"]["groupId"] == GROUP
        assert ("userId" in event["source"]) == (event["type"] not in ("join", "leave"))
    else:
        assert event["source"] == {"type": "user", "userId": USER}

    [parsed] = WebhookParser(SECRET).parse(posted["raw"].decode("utf-8"), posted["headers"]["X-Line-Signature"])
    assert isinstance(parsed, event_class)
    if content_class:
        assert isinstance(parsed.message, content_class)


def test_event_fields_carry_what_the_person_did(client, receiver):
    send(client, type="text", text="ສະບາຍດີ")
    send(client, type="postback", data="when", params={"datetime": "2025-02-01T10:00"})
    send(client, type="sticker", packageId="11537", stickerId="52002734")
    message, postback, sticker = receiver.events
    assert message["message"]["text"] == "ສະບາຍດີ" and message["message"]["quoteToken"]
    assert postback["postback"] == {"data": "when", "params": {"datetime": "2025-02-01T10:00"}}
    assert sticker["message"]["stickerResourceType"] == "STATIC"
    # Non-ASCII arrives as raw UTF-8 like LINE's, and the signature covers those bytes.
    assert "ສະບາຍດີ".encode() in receiver.requests[0]["raw"]


def test_follow_after_unfollow_is_an_unblock(client, receiver):
    send(client, type="follow")
    send(client, type="unfollow")
    send(client, type="follow")
    follows = [e for e in receiver.events if e["type"] == "follow"]
    assert [e["follow"]["isUnblocked"] for e in follows] == [False, True]


def test_batch_sends_one_signed_request_with_increasing_timestamps(client, receiver):
    response = client.post("/emulator/api/send", json={"batch": [
        {"userId": USER, "type": "text", "text": "one"},
        {"userId": USER, "type": "text", "text": "two"},
        {"userId": USER, "type": "postback", "data": "three"},
    ]})
    assert response.status_code == 200
    assert len(receiver.requests) == 1
    events = receiver.requests[0]["json"]["events"]
    assert_valid("webhook.yml", "CallbackRequest", receiver.requests[0]["json"])
    assert [e.get("message", {}).get("text") for e in events] == ["one", "two", None]
    stamps = [e["timestamp"] for e in events]
    assert stamps == sorted(stamps) and len(set(stamps)) == 3
    assert len({e["webhookEventId"] for e in events}) == 3
    assert len({e["replyToken"] for e in events}) == 3
    assert response.get_json()["events"] == events


def test_schema_check_is_strict_enough_to_catch_a_missing_field(client, receiver):
    send(client, type="text", text="hi")
    payload = copy.deepcopy(receiver.requests[0]["json"])
    del payload["events"][0]["message"]["quoteToken"]
    assert schema_errors("webhook.yml", "CallbackRequest", payload)


@pytest.mark.parametrize("spec", [
    {"type": "dance"},
    {"type": "text"},
    {"type": "text", "text": ""},
    {"type": "text", "text": "x", "userId": "not-a-user"},
    {"type": "join"},
    {"type": "follow", "groupId": GROUP},
    {"type": "location", "latitude": "north", "longitude": 1},
    {"type": "postback"},
    {"type": "image", "imageBase64": "***"},
])
def test_impossible_events_are_refused_and_not_sent(client, receiver, spec):
    spec.setdefault("userId", USER)
    response = client.post("/emulator/api/send", json=spec)
    assert response.status_code == 400 and response.get_json()["error"]
    assert receiver.requests == []


def test_webhook_answer_and_failure_are_reported(client, receiver, app):
    receiver.status = 500
    answer = send(client, type="text", text="hi")
    assert answer["status"] == 500
    transcript = client.get(f"/emulator/api/chat/{USER}").get_json()["items"]
    assert transcript[-1]["side"] == "system" and "500" in transcript[-1]["text"]

    client.post("/emulator/api/config", json={"webhookUrl": "http://127.0.0.1:9/nowhere"})
    response = client.post("/emulator/api/send", json={"userId": USER, "type": "text", "text": "hi"})
    assert response.status_code == 502
    assert response.get_json()["status"] is None and "unreachable" in response.get_json()["error"]


def test_sent_image_bytes_are_served_by_the_content_endpoint(client, receiver):
    answer = send(client, type="image", imageBase64="data:image/png;base64," + base64.b64encode(PNG).decode())
    message_id = answer["event"]["message"]["id"]
    response = client.get(f"/v2/bot/message/{message_id}/content", headers=AUTH)
    assert response.status_code == 200
    assert response.data == PNG and response.content_type == "image/png"

    missing = client.get("/v2/bot/message/123/content", headers=AUTH)
    assert missing.status_code == 404 and missing.get_json() == {"message": "Not found"}
    assert client.get(f"/v2/bot/message/{message_id}/content").status_code == 401


def test_events_log_lists_and_filters(client, receiver):
    first = send(client, type="text", text="a")
    send(client, type="text", text="b", groupId=GROUP)
    log = client.get("/emulator/api/events").get_json()
    assert [r["event"]["webhookEventId"] for r in log][0] == first["event"]["webhookEventId"]
    assert all(r["status"] == 200 for r in log)
    in_group = client.get(f"/emulator/api/events?chat={GROUP}").get_json()
    assert [r["event"]["message"]["text"] for r in in_group] == ["b"]
    after = client.get(f"/emulator/api/events?since={log[0]['id']}").get_json()
    assert [r["event"]["message"]["text"] for r in after] == ["b"]
    client.delete("/emulator/api/events")
    assert client.get("/emulator/api/events").get_json() == []
