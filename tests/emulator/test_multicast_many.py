"""A full multicast (LINE's 500 recipients) as a broadcast makes hundreds of: every chat gets each
message once, in order, with its own message id, its loading indicator stopped, and a copy of its
own when read (the emulator stores one copy of the messages for all 500 chats)."""
from __future__ import annotations

from emulator.context import get_emulator
from tests.support.emulator_api import AUTH, text

RECIPIENTS = [f"U{i:032x}" for i in range(500)]


def test_a_full_multicast_reaches_every_chat_once_in_order_with_its_own_ids(client):
    for chat in RECIPIENTS[:3]:
        client.post("/v2/bot/chat/loading/start", headers=AUTH, json={"chatId": chat, "loadingSeconds": 20})
    body = {"to": RECIPIENTS, "messages": [text("news"), text("how to stop")]}
    assert client.post("/v2/bot/message/multicast", headers=AUTH, json=body).status_code == 200

    ids, seqs = set(), []
    for chat in (RECIPIENTS[0], RECIPIENTS[1], RECIPIENTS[250], RECIPIENTS[-1]):
        answer = client.get(f"/emulator/api/chat/{chat}").get_json()
        items = [i for i in answer["items"] if i["side"] == "bot"]
        assert [i["message"]["text"] for i in items] == ["news", "how to stop"]
        assert answer["loadingUntil"] is None
        ids.update(i["messageId"] for i in items)
        seqs.extend(i["id"] for i in items)
    assert len(ids) == 8 and seqs == sorted(seqs) and len(set(seqs)) == 8
    [record] = client.get("/emulator/api/received").get_json()
    assert record["chats"] == RECIPIENTS and record["status"] == 200


def test_what_one_chat_reads_is_its_own_copy(client):
    body = {"to": RECIPIENTS[:2], "messages": [text("news")]}
    assert client.post("/v2/bot/message/multicast", headers=AUTH, json=body).status_code == 200
    with client.application.app_context():
        state = get_emulator().state
        mine = state.snapshot(state.transcripts[RECIPIENTS[0]])
        mine[0]["message"]["text"] = "changed by a reader"
        theirs = state.snapshot(state.transcripts[RECIPIENTS[1]])
    assert theirs[0]["message"]["text"] == "news"
