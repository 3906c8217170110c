"""The real line-bot-sdk v3 client works against the emulator over HTTP, as the bot will use it.

The fake bot replies from inside its webhook handler, i.e. while the emulator is
still waiting for the webhook answer: this only works because the emulator is threaded
and holds no lock during delivery.
"""
from __future__ import annotations

import threading
import uuid

import pytest
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessageAction,
    MessagingApi,
    MessagingApiBlob,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from werkzeug.serving import make_server

from tests.support.emulator_api import PNG, USER, send
from tests.support.webhook import TOKEN


@pytest.fixture
def live(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    api_client = ApiClient(Configuration(host=base, access_token=TOKEN))
    yield MessagingApi(api_client), MessagingApiBlob(api_client)
    server.shutdown()


def test_bot_replies_from_inside_its_webhook_handler(live, client, receiver):
    api, _ = live
    results = []

    def handler(record):
        event = record["json"]["events"][0]
        reply = ReplyMessageRequest(reply_token=event["replyToken"], messages=[TextMessage(
            text="ဘာကူညီပေးရမလဲ", quick_reply=QuickReply(items=[
                QuickReplyItem(action=MessageAction(label="Help", text="help"))]))])
        results.append(api.reply_message(reply))

    receiver.handler = handler
    send(client, type="text", text="hi")
    assert results and results[0].sent_messages[0].id
    [item] = [i for i in client.get(f"/emulator/api/chat/{USER}").get_json()["items"] if i["side"] == "bot"]
    assert item["message"]["text"] == "ဘာကူညီပေးရမလဲ"
    assert item["message"]["quickReply"]["items"][0]["action"]["label"] == "Help"


def test_sdk_profile_content_loading_and_push(live, client):
    api, blob = live
    client.post("/emulator/api/users", json={"userId": USER, "displayName": "Ko Ko", "language": "lo"})
    profile = api.get_profile(USER)
    assert (profile.display_name, profile.language) == ("Ko Ko", "lo")

    message_id = send(client, type="image")["event"]["message"]["id"]
    assert blob.get_message_content(message_id)[:8] == PNG[:8]

    api.show_loading_animation(ShowLoadingAnimationRequest(chat_id=USER, loading_seconds=5))
    assert client.get(f"/emulator/api/chat/{USER}").get_json()["loadingUntil"]

    key = str(uuid.uuid4())
    request = PushMessageRequest(to=USER, messages=[TextMessage(text="reminder")])
    assert api.push_message(request, x_line_retry_key=key).sent_messages
    with pytest.raises(ApiException) as error:
        api.push_message(request, x_line_retry_key=key)
    assert error.value.status == 409


def test_sdk_validation_error_surfaces_as_api_exception(live):
    api, _ = live
    with pytest.raises(ApiException) as error:
        api.push_message(PushMessageRequest(to=USER, messages=[TextMessage(text="x" * 5001)]))
    assert error.value.status == 400 and "messages[0].text" in error.value.body


def test_sdk_rich_menu_setup(live, client):
    api, blob = live
    menu = RichMenuRequest(
        size=RichMenuSize(width=2500, height=843), selected=False, name="main", chat_bar_text="Menu",
        areas=[RichMenuArea(bounds=RichMenuBounds(x=0, y=0, width=2500, height=843),
                            action=PostbackAction(label="Help", data="menu=help"))])
    menu_id = api.create_rich_menu(menu).rich_menu_id
    blob.set_rich_menu_image(menu_id, body=PNG, _headers={"Content-Type": "image/png"})
    api.set_default_rich_menu(menu_id)
    assert [m.rich_menu_id for m in api.get_rich_menu_list().richmenus] == [menu_id]
    assert client.get(f"/emulator/api/chat/{USER}").get_json()["richMenu"]["richMenuId"] == menu_id
