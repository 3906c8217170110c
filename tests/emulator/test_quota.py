"""LINE's monthly quota in the emulator: GET /v2/bot/message/quota and /quota/consumption as LINE
answers them, pushes and multicasts counted per recipient (replies free), the month's use set by tests."""
from __future__ import annotations

import uuid

import pytest

from bot.line_api import LineClient, LineError
from tests.support.emulator_api import AUTH, USER, USER2, reply_token, text

from .openapi_schemas import assert_valid

OTHER = "U" + "4" * 32


def quota(client):
    return client.get("/v2/bot/message/quota", headers=AUTH)


def used(client) -> int:
    response = client.get("/v2/bot/message/quota/consumption", headers=AUTH)
    assert response.status_code == 200
    assert_valid("messaging-api.yml", "QuotaConsumptionResponse", response.get_json())
    return response.get_json()["totalUsage"]


def set_quota(client, **body):
    return client.post("/emulator/api/quota", json=body)


def test_no_limit_until_one_is_set(client):
    response = quota(client)
    assert response.status_code == 200 and response.get_json() == {"type": "none"}
    assert_valid("messaging-api.yml", "MessageQuotaResponse", response.get_json())
    assert used(client) == 0


def test_a_limit_and_the_months_use_set_by_a_test(client):
    assert set_quota(client, type="limited", value=1000, totalUsage=799).status_code == 200
    body = quota(client).get_json()
    assert body == {"type": "limited", "value": 1000}
    assert_valid("messaging-api.yml", "MessageQuotaResponse", body)
    assert used(client) == 799
    assert client.get("/emulator/api/quota").get_json() == {"type": "limited", "value": 1000, "totalUsage": 799}
    set_quota(client, type="none")
    assert quota(client).get_json() == {"type": "none"} and used(client) == 799


def test_pushes_and_multicasts_count_per_recipient_replies_do_not(client):
    set_quota(client, type="limited", value=100, totalUsage=0)
    token = reply_token(client, type="text", text="hi")
    assert client.post("/v2/bot/message/reply", headers=AUTH,
                       json={"replyToken": token, "messages": [text()]}).status_code == 200
    assert used(client) == 0
    assert client.post("/v2/bot/message/push", headers=AUTH, json={"to": USER, "messages": [text()]}).status_code == 200
    assert used(client) == 1
    key = str(uuid.uuid4())
    multicast = {"to": [USER, USER2, OTHER, USER], "messages": [text()]}
    headers = dict(AUTH, **{"X-Line-Retry-Key": key})
    assert client.post("/v2/bot/message/multicast", headers=headers, json=multicast).status_code == 200
    assert used(client) == 4           # three people (one named twice)
    assert client.post("/v2/bot/message/multicast", headers=headers, json=multicast).status_code == 409
    assert used(client) == 4           # the retried request was not delivered again


def test_a_refused_send_is_not_counted(client):
    response = client.post("/v2/bot/message/multicast", headers=AUTH, json={"to": [], "messages": [text()]})
    assert response.status_code == 400
    client.post("/emulator/api/faults", json={"status": 500, "count": 1})
    assert client.post("/v2/bot/message/push", headers=AUTH, json={"to": USER, "messages": [text()]}).status_code == 500
    assert used(client) == 0


def test_the_use_starts_again_each_month(client, clock):
    set_quota(client, type="limited", value=100, totalUsage=50)
    clock.advance(32 * 24 * 3600)
    assert used(client) == 0
    assert quota(client).get_json() == {"type": "limited", "value": 100}


def test_the_quota_needs_the_channel_token(client):
    assert client.get("/v2/bot/message/quota").status_code == 401
    assert client.get("/v2/bot/message/quota/consumption").status_code == 401


def test_a_reset_forgets_the_quota(client):
    set_quota(client, type="limited", value=10, totalUsage=5)
    client.post("/emulator/api/reset")
    assert quota(client).get_json() == {"type": "none"} and used(client) == 0


def test_the_control_refuses_what_line_would_not_say(client):
    assert set_quota(client, type="some").status_code == 400
    assert set_quota(client, type="limited", value=-1).status_code == 400
    assert set_quota(client, type="limited", value="many").status_code == 400
    assert set_quota(client, totalUsage=-3).status_code == 400


def test_the_bots_client_reads_both(app, client):
    """LineClient.quota through the SDK, on the emulator served by a real HTTP server."""
    from tests.support.servers import ServerThread, free_port

    port = free_port()
    server = ServerThread(app, port=port).start()
    try:
        line = LineClient(AUTH["Authorization"].split()[1], f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}")
        assert line.quota() == (None, 0)
        set_quota(client, type="limited", value=500, totalUsage=12)
        assert line.quota() == (500, 12)
        bad = LineClient("wrong-token", f"http://127.0.0.1:{port}", f"http://127.0.0.1:{port}")
        with pytest.raises(LineError) as refused:
            bad.quota()
        assert refused.value.status == 401
    finally:
        server.stop()
