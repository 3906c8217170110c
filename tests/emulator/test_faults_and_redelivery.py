"""Injected API faults and webhook redelivery, for testing the bot's error handling."""
from __future__ import annotations

import time

from linebot.v3.webhook import SignatureValidator

from tests.support.emulator_api import AUTH, USER, reply_token, send, text
from tests.support.webhook import SECRET


def reply(client, token):
    return client.post("/v2/bot/message/reply", headers=AUTH, json={"replyToken": token, "messages": [text("ok")]})


def push(client):
    return client.post("/v2/bot/message/push", headers=AUTH, json={"to": USER, "messages": [text("ok")]})


def delivered(client):
    return [i for i in client.get(f"/emulator/api/chat/{USER}").get_json()["items"] if i["side"] == "bot"]


def test_injected_500_fails_once_then_the_same_reply_succeeds(client):
    token = reply_token(client, type="text", text="hi")
    answer = client.post("/emulator/api/faults", json={"status": 500, "count": 1})
    assert answer.status_code == 200 and answer.get_json()["faults"][0]["remaining"] == 1

    failed = reply(client, token)
    assert failed.status_code == 500 and failed.get_json()["message"]
    assert delivered(client) == []
    assert reply(client, token).status_code == 200
    assert len(delivered(client)) == 1

    records = client.get("/emulator/api/received").get_json()
    assert [(r["status"], r["injected"]) for r in records] == [(500, True), (200, False)]
    assert "injected" in records[0]["error"] and records[0]["chat"] == USER
    assert client.get("/emulator/api/faults").get_json()["faults"] == []


def test_injected_429_has_line_rate_limit_body_and_counts_down(client):
    client.post("/emulator/api/faults", json={"status": 429, "count": 2})
    for _ in range(2):
        response = push(client)
        assert response.status_code == 429
        assert response.get_json() == {"message": "The API rate limit has been exceeded. Try again later."}
    assert push(client).status_code == 200


def test_fault_only_hits_the_listed_paths(client):
    client.post("/emulator/api/faults", json={"status": 503, "count": 1, "paths": ["/v2/bot/message/push"]})
    token = reply_token(client, type="text", text="hi")
    assert reply(client, token).status_code == 200
    assert push(client).status_code == 503
    assert push(client).status_code == 200


def test_fault_can_target_non_send_paths_with_a_wildcard(client):
    client.post("/emulator/api/users", json={"userId": USER, "displayName": "Ko Ko"})
    client.post("/emulator/api/faults", json={"status": 500, "paths": ["/v2/bot/profile/*"]})
    assert client.get(f"/v2/bot/profile/{USER}", headers=AUTH).status_code == 500
    assert client.get(f"/v2/bot/profile/{USER}", headers=AUTH).status_code == 200


def test_delay_only_fault_slows_but_succeeds(client):
    client.post("/emulator/api/faults", json={"delay_ms": 150, "count": 1})
    started = time.monotonic()
    assert push(client).status_code == 200
    assert time.monotonic() - started >= 0.15
    assert client.get("/emulator/api/faults").get_json()["faults"] == []   # used up: nothing slows the next
    assert push(client).status_code == 200


def test_delete_clears_faults(client):
    client.post("/emulator/api/faults", json={"status": 500, "count": 5})
    assert client.delete("/emulator/api/faults").get_json() == {"faults": []}
    assert push(client).status_code == 200


def test_bad_fault_specs_are_refused(client):
    for bad in ({}, {"status": 200}, {"status": 500, "count": 0}, {"status": 500, "paths": "/v2"},
                {"delay_ms": -1}):
        assert client.post("/emulator/api/faults", json=bad).status_code == 400, bad


def test_redelivery_keeps_ids_and_flags_it(client, receiver):
    original = send(client, type="text", text="hi")["event"]
    response = client.post("/emulator/api/redeliver", json={"webhookEventId": original["webhookEventId"]})
    assert response.status_code == 200 and response.get_json()["status"] == 200
    assert len(receiver.requests) == 2
    posted = receiver.requests[1]
    assert SignatureValidator(SECRET).validate(posted["raw"].decode(), posted["headers"]["X-Line-Signature"])
    [again] = posted["json"]["events"]
    assert again["deliveryContext"] == {"isRedelivery": True}
    assert again["webhookEventId"] == original["webhookEventId"]
    assert again["replyToken"] == original["replyToken"]
    assert {k: v for k, v in again.items() if k != "deliveryContext"} == \
        {k: v for k, v in original.items() if k != "deliveryContext"}
    log = client.get("/emulator/api/events").get_json()
    assert [r["redelivery"] for r in log] == [False, True]
    # The person didn't say it twice.
    assert len([i for i in client.get(f"/emulator/api/chat/{USER}").get_json()["items"] if i["side"] == "user"]) == 1


def test_redelivering_an_unknown_event_is_404(client):
    assert client.post("/emulator/api/redeliver", json={"webhookEventId": "01ABC"}).status_code == 404
