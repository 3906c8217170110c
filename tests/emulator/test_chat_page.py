"""The chat page loads with the ids browser tests rely on, and its assets are served."""
from __future__ import annotations

import re

from tests.support.emulator_api import USER, send


def test_page_has_the_stable_ids(client, config):
    response = client.get("/")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    for element_id in ("user-select", "language-select", "message-input", "send-button",
                       "share-location", "send-sticker", "send-image", "chat-select", "invite-bot", "add-friend"):
        assert f'id="{element_id}"' in html, element_id
    for value in ("en", "th", "my", "km", "lo"):
        assert f'<option value="{value}"' in html
    assert 'data-lat="20.4335" data-lon="99.8762"' in html and 'data-lat="20.2617" data-lon="100.4053"' in html
    assert config.bot_user_id in html
    assert not re.search(r'(src|href)="https?://', html), "the page must work offline"


def test_assets_are_served_and_use_the_test_ids(client):
    script = client.get("/emulator/static/chat.js")
    assert script.status_code == 200
    js = script.get_data(as_text=True)
    for testid in ("bot-message", "quick-reply", "action-button", "user-message", "rich-menu-area"):
        assert f"'{testid}'" in js, testid
    assert client.get("/emulator/static/chat.css").status_code == 200


def test_transcript_merges_both_sides_in_order(client):
    token = send(client, type="text", text="ສະບາຍດີ")["event"]["replyToken"]
    client.post("/v2/bot/message/reply", headers={"Authorization": "Bearer test-channel-access-token"},
                json={"replyToken": token, "messages": [{"type": "text", "text": "line 1\nline 2"}]})
    items = client.get(f"/emulator/api/chat/{USER}").get_json()["items"]
    assert [(i["side"], i.get("kind") or i["message"]["type"]) for i in items] == [("user", "text"), ("bot", "text")]
    since = client.get(f"/emulator/api/chat/{USER}?since={items[0]['id']}").get_json()["items"]
    assert [i["side"] for i in since] == ["bot"]
    # The transcript is UTF-8 JSON, not \u escapes, so it is readable when debugging.
    assert "ສະບາຍດີ" in client.get(f"/emulator/api/chat/{USER}").get_data(as_text=True)


def test_unknown_api_path_is_json_404(client):
    response = client.get("/v2/bot/nothing/here")
    assert response.status_code == 404 and response.get_json()["message"]
