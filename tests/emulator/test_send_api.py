"""reply / push / multicast: delivery, reply tokens, retry keys, LINE-shaped answers."""
from __future__ import annotations

import uuid

from tests.support.emulator_api import AUTH, GROUP, USER, USER2, reply_token, send, text

from .openapi_schemas import assert_valid


def reply(client, token, *messages):
    return client.post("/v2/bot/message/reply", headers=AUTH,
                       json={"replyToken": token, "messages": list(messages) or [text()]})


def push(client, to=USER, *messages, retry_key=None):
    headers = dict(AUTH, **({"X-Line-Retry-Key": retry_key} if retry_key else {}))
    return client.post("/v2/bot/message/push", headers=headers,
                       json={"to": to, "messages": list(messages) or [text()]})


def bot_items(client, chat):
    items = client.get(f"/emulator/api/chat/{chat}").get_json()["items"]
    return [i for i in items if i["side"] == "bot"]


def test_reply_delivers_to_the_chat_and_answers_like_line(client):
    token = reply_token(client, type="text", text="help")
    response = reply(client, token, text("one"), {"type": "sticker", "packageId": "446", "stickerId": "1988"})
    assert response.status_code == 200
    body = response.get_json()
    assert_valid("messaging-api.yml", "ReplyMessageResponse", body)
    assert len(body["sentMessages"]) == 2 and all(m["id"] and m["quoteToken"] for m in body["sentMessages"])
    assert response.headers["x-line-request-id"]

    items = bot_items(client, USER)
    assert [i["message"].get("text") for i in items] == ["one", None]
    assert [i["messageId"] for i in items] == [m["id"] for m in body["sentMessages"]]
    [record] = client.get("/emulator/api/received").get_json()
    assert record["path"] == "/v2/bot/message/reply" and record["chat"] == USER
    assert record["status"] == 200 and record["error"] is None and record["reply_token"] == token
    assert record["messages"] == [text("one"), {"type": "sticker", "packageId": "446", "stickerId": "1988"}]


def test_reply_token_is_single_use(client):
    token = reply_token(client, type="text", text="hi")
    assert reply(client, token).status_code == 200
    again = reply(client, token)
    assert again.status_code == 400 and again.get_json() == {"message": "Invalid reply token"}
    assert len(bot_items(client, USER)) == 1
    statuses = [r["status"] for r in client.get("/emulator/api/received").get_json()]
    assert statuses == [200, 400]


def test_rejected_sends_are_noted_in_the_chat_for_the_developer(client):
    token = reply_token(client, type="text", text="hi")
    reply(client, token, text("x" * 5001))
    push(client, USER,
         {"type": "template", "altText": "a", "template": {"type": "confirm", "text": "?", "actions": []}})
    notes = [i["text"] for i in client.get(f"/emulator/api/chat/{USER}").get_json()["items"] if i["side"] == "system"]
    assert len(notes) == 2
    assert "reply was rejected (HTTP 400)" in notes[0] and "messages[0].text" in notes[0]
    assert "push was rejected" in notes[1] and "messages[0].template.actions" in notes[1]


def test_unknown_reply_token_is_refused(client):
    response = reply(client, "0" * 32)
    assert response.status_code == 400 and response.get_json() == {"message": "Invalid reply token"}


def test_reply_token_expires_after_ttl(client, clock):
    late = reply_token(client, type="text", text="a")
    in_time = reply_token(client, type="text", text="b")
    clock.advance(59)
    assert reply(client, in_time).status_code == 200
    clock.advance(2)
    response = reply(client, late)
    assert response.status_code == 400 and response.get_json() == {"message": "Invalid reply token"}


def test_ttl_can_be_changed_at_run_time(client, clock):
    client.post("/emulator/api/config", json={"replyTokenTtl": 5})
    token = reply_token(client, type="text", text="a")
    clock.advance(6)
    assert reply(client, token).status_code == 400


def test_invalid_reply_does_not_burn_the_token(client):
    token = reply_token(client, type="text", text="hi")
    assert reply(client, token, text("")).status_code == 400
    assert reply(client, token).status_code == 200


def test_reply_to_a_group_event_lands_in_the_group(client):
    token = reply_token(client, type="text", text="hi all", groupId=GROUP)
    assert reply(client, token, text("hello group")).status_code == 200
    assert [i["message"]["text"] for i in bot_items(client, GROUP)] == ["hello group"]
    assert bot_items(client, USER) == []


def test_push_delivers_and_answers_sent_messages(client):
    response = push(client, USER, text("news"))
    assert response.status_code == 200
    assert_valid("messaging-api.yml", "PushMessageResponse", response.get_json())
    assert [i["message"]["text"] for i in bot_items(client, USER)] == ["news"]
    assert client.get(f"/emulator/api/received?chat={USER}").get_json()[0]["to"] == USER


def test_push_retry_key_makes_a_repeat_a_409_and_delivers_once(client):
    key = str(uuid.uuid4())
    first = push(client, USER, text("once"), retry_key=key)
    assert first.status_code == 200
    second = push(client, USER, text("once"), retry_key=key)
    assert second.status_code == 409
    assert second.get_json()["message"] == "The retry key is already accepted"
    assert second.get_json()["sentMessages"] == first.get_json()["sentMessages"]
    assert_valid("messaging-api.yml", "ErrorResponse", second.get_json())
    assert second.headers["x-line-accepted-request-id"] == first.headers["x-line-request-id"]
    assert len(bot_items(client, USER)) == 1
    received = client.get("/emulator/api/received").get_json()
    assert [(r["status"], r["retry_key"]) for r in received] == [(200, key), (409, key)]


def test_retry_key_is_forgotten_after_24_hours(client, clock):
    key = str(uuid.uuid4())
    assert push(client, USER, retry_key=key).status_code == 200
    clock.advance(24 * 3600 + 1)
    assert push(client, USER, retry_key=key).status_code == 200


def test_retry_key_of_a_failed_request_can_be_retried(client):
    key = str(uuid.uuid4())
    client.post("/emulator/api/faults", json={"status": 500, "count": 1})
    assert push(client, USER, retry_key=key).status_code == 500
    assert push(client, USER, retry_key=key).status_code == 200


def test_retry_key_must_be_a_uuid(client):
    response = push(client, USER, retry_key="not-a-uuid")
    assert response.status_code == 400 and "UUID" in response.get_json()["message"]
    assert bot_items(client, USER) == []


def test_push_needs_a_valid_to(client):
    response = client.post("/v2/bot/message/push", headers=AUTH, json={"messages": [text()]})
    assert response.status_code == 400
    assert {"message": "Must be specified", "property": "to"} in response.get_json()["details"]
    bad = push(client, "someone", text())
    assert bad.status_code == 400 and bad.get_json()["details"][0]["property"] == "to"


def test_multicast_delivers_to_each_user_once(client):
    key = str(uuid.uuid4())
    headers = dict(AUTH, **{"X-Line-Retry-Key": key})
    body = {"to": [USER, USER2, USER], "messages": [text("alert")]}
    response = client.post("/v2/bot/message/multicast", headers=headers, json=body)
    assert response.status_code == 200 and response.get_json() == {}
    assert [i["message"]["text"] for i in bot_items(client, USER)] == ["alert"]
    assert [i["message"]["text"] for i in bot_items(client, USER2)] == ["alert"]
    repeat = client.post("/v2/bot/message/multicast", headers=headers, json=body)
    assert repeat.status_code == 409 and repeat.headers["x-line-accepted-request-id"]
    assert len(bot_items(client, USER2)) == 1
    record = client.get(f"/emulator/api/received?chat={USER2}").get_json()[0]
    assert record["chats"] == [USER, USER2] and record["chat"] is None


def test_multicast_limits(client):
    too_many = [f"U{i:032x}" for i in range(501)]
    response = client.post("/v2/bot/message/multicast", headers=AUTH, json={"to": too_many, "messages": [text()]})
    assert response.status_code == 400
    assert response.get_json()["details"] == [{"message": "Size must be between 1 and 500", "property": "to"}]
    groups = client.post("/v2/bot/message/multicast", headers=AUTH, json={"to": [GROUP], "messages": [text()]})
    assert groups.status_code == 400 and groups.get_json()["details"][0]["property"] == "to[0]"
    missing = client.post("/v2/bot/message/multicast", headers=AUTH, json={"messages": [text()]})
    assert missing.status_code == 400


def test_received_log_filters_and_clears(client):
    push(client, USER, text("a"))
    push(client, USER2, text("b"))
    everything = client.get("/emulator/api/received").get_json()
    assert [r["chat"] for r in everything] == [USER, USER2]
    assert [r["chat"] for r in client.get(f"/emulator/api/received?since={everything[0]['id']}").get_json()] == [USER2]
    client.delete("/emulator/api/received")
    assert client.get("/emulator/api/received").get_json() == []


def test_loading_indicator_shows_until_the_next_message(client, clock):
    response = client.post("/v2/bot/chat/loading/start", headers=AUTH, json={"chatId": USER, "loadingSeconds": 10})
    assert response.status_code == 202 and response.get_json() == {}
    assert client.get(f"/emulator/api/chat/{USER}").get_json()["loadingUntil"] == int((clock.now + 10) * 1000)
    push(client, USER, text("done"))
    assert client.get(f"/emulator/api/chat/{USER}").get_json()["loadingUntil"] is None
    for bad in ({"chatId": USER, "loadingSeconds": 7}, {"chatId": GROUP}, {}):
        assert client.post("/v2/bot/chat/loading/start", headers=AUTH, json=bad).status_code == 400


def test_postback_display_text_shows_as_the_persons_message(client):
    send(client, type="postback", data="lang=my", displayText="မြန်မာ")
    [item] = client.get(f"/emulator/api/chat/{USER}").get_json()["items"]
    assert item["side"] == "user" and item["displayText"] == "မြန်မာ"
    assert "displayText" not in item["event"]["postback"]
