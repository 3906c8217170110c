"""Each LINE limit the bot could break answers 400 with a LINE-style body, and valid bodies pass."""
from __future__ import annotations

import pytest
from linebot.v3.messaging.models import FlexContainer

from emulator.validation import validate_multicast
from tests.support.emulator_api import AUTH, USER, text

from .openapi_schemas import assert_valid


def qr_item(label="Yes", **action):
    return {"type": "action", "action": {"type": "message", "label": label, "text": "yes", **action}}


def with_quick_reply(*items):
    return text("pick one", quickReply={"items": list(items)})


def postback(label="OK", data="ok", **extra):
    return {"type": "postback", "label": label, "data": data, **extra}


def buttons(**template):
    base = {"type": "buttons", "text": "Choose", "actions": [postback()]}
    return {"type": "template", "altText": "Choose", "template": {**base, **template}}


def confirm(**template):
    base = {"type": "confirm", "text": "Sure?", "actions": [postback("Yes", "y"), postback("No", "n")]}
    return {"type": "template", "altText": "Sure?", "template": {**base, **template}}


BUBBLE = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": [
    {"type": "text", "text": "Hotline", "weight": "bold", "wrap": True},
    {"type": "separator"},
    {"type": "button", "style": "primary", "action": {"type": "uri", "label": "Call", "uri": "tel:1506"}},
]}}


def flex(contents=BUBBLE, alt="Card"):
    return {"type": "flex", "altText": alt, "contents": contents}


INVALID = [
    ("six messages", [text()] * 6, "messages", "Size must be between 1 and 5"),
    ("no messages", [], "messages", "Size must be between 1 and 5"),
    ("empty text", [text("")], "messages[0].text", "May not be empty"),
    ("5001 chars", [text("x" * 5001)], "messages[0].text", "Length must be between 1 and 5000"),
    ("text not a string", [text(5)], "messages[0].text", "Must be a string"),
    ("unknown type", [{"type": "hologram"}], "messages[0].type", None),
    ("14 quick replies", [with_quick_reply(*[qr_item()] * 14)], "messages[0].quickReply.items",
     "Size must be between 1 and 13"),
    ("0 quick replies", [with_quick_reply()], "messages[0].quickReply.items", "Size must be between 1 and 13"),
    ("21-char quick reply label", [with_quick_reply(qr_item("L" * 21))],
     "messages[0].quickReply.items[0].action.label", "Length must be between 1 and 20"),
    ("quick reply without label", [with_quick_reply({"type": "action", "action": {"type": "message", "text": "x"}})],
     "messages[0].quickReply.items[0].action.label", "Must be specified"),
    ("template altText 401", [buttons() | {"altText": "a" * 401}], "messages[0].altText", None),
    ("buttons 5 actions", [buttons(actions=[postback()] * 5)], "messages[0].template.actions",
     "Size must be between 1 and 4"),
    ("buttons title 41", [buttons(title="t" * 41)], "messages[0].template.title", None),
    ("buttons text 161", [buttons(text="t" * 161)], "messages[0].template.text", None),
    ("buttons text 61 with title", [buttons(title="T", text="t" * 61)], "messages[0].template.text",
     "Length must be between 1 and 60"),
    ("buttons text 61 with image", [buttons(thumbnailImageUrl="https://example.com/a.png", text="t" * 61)],
     "messages[0].template.text", None),
    ("button label 21", [buttons(actions=[postback("L" * 21)])], "messages[0].template.actions[0].label", None),
    ("confirm 3 actions", [confirm(actions=[postback()] * 3)], "messages[0].template.actions",
     "Size must be between 2 and 2"),
    ("confirm 1 action", [confirm(actions=[postback()])], "messages[0].template.actions", None),
    ("confirm text 241", [confirm(text="t" * 241)], "messages[0].template.text", None),
    ("postback data 301", [buttons(actions=[postback(data="d" * 301)])],
     "messages[0].template.actions[0].data", "Length must be between 1 and 300"),
    ("uri scheme", [buttons(actions=[{"type": "uri", "label": "x", "uri": "javascript:alert(1)"}])],
     "messages[0].template.actions[0].uri", None),
    ("flex altText 1501", [flex(alt="a" * 1501)], "messages[0].altText", "Length must be between 1 and 1500"),
    ("flex bad container", [flex({"type": "bubbles"})], "messages[0].contents", None),
    ("flex button without label", [flex({"type": "bubble", "body": {"type": "box", "layout": "vertical",
     "contents": [{"type": "button", "action": {"type": "message", "text": "hi"}}]}})],
     "messages[0].contents.body.contents[0].action.label", "Must be specified"),
    ("carousel 11 columns", [{"type": "template", "altText": "c", "template": {"type": "carousel", "columns": [
        {"text": "c", "actions": [postback()]}] * 11}}], "messages[0].template.columns", None),
]


@pytest.mark.parametrize("name,messages,prop,detail", INVALID, ids=[c[0] for c in INVALID])
def test_limit_violations_are_400_with_line_details(client, name, messages, prop, detail):
    response = client.post("/v2/bot/message/push", headers=AUTH, json={"to": USER, "messages": messages})
    assert response.status_code == 400, name
    body = response.get_json()
    assert_valid("messaging-api.yml", "ErrorResponse", body)
    assert body["message"] == f"The request body has {len(body['details'])} error(s)"
    properties = [d["property"] for d in body["details"]]
    assert prop in properties, body
    if detail:
        assert {"message": detail, "property": prop} in body["details"]
    # Nothing reached the person, and the failure is visible to tests.
    assert not [i for i in client.get(f"/emulator/api/chat/{USER}").get_json()["items"] if i["side"] == "bot"]
    [record] = client.get("/emulator/api/received").get_json()
    assert record["status"] == 400 and prop in record["error"]


VALID = [
    ("5 messages", [text()] * 5),
    ("5000 chars", [text("x" * 5000)]),
    ("5000 Burmese chars", [text("မ" * 5000)]),
    ("13 quick replies, 20-char label", [with_quick_reply(*[qr_item("L" * 20)] * 13)]),
    ("quick reply camera/location",
     [with_quick_reply({"type": "action", "action": {"type": "location", "label": "Where"}},
                       {"type": "action", "action": {"type": "cameraRoll", "label": "Photo"}})]),
    ("buttons 4 actions", [buttons(title="t" * 40, text="t" * 60, actions=[postback()] * 4)]),
    ("buttons text 160", [buttons(text="t" * 160)]),
    ("confirm", [confirm(text="t" * 240)]),
    ("datetimepicker", [buttons(actions=[{"type": "datetimepicker", "label": "When", "data": "d", "mode": "date"}])]),
    ("carousel", [{"type": "template", "altText": "c", "template": {"type": "carousel", "columns": [
        {"title": "A", "text": "a", "actions": [postback()]}, {"title": "B", "text": "b", "actions": [postback()]}]}}]),
    ("flex bubble", [flex()]),
    ("flex carousel", [flex({"type": "carousel", "contents": [BUBBLE, BUBBLE]})]),
    ("flex button label 40", [flex({"type": "bubble", "body": {"type": "box", "layout": "vertical", "contents": [
        {"type": "button", "action": {"type": "message", "label": "L" * 40, "text": "x"}}]}})]),
    ("image", [{"type": "image", "originalContentUrl": "https://example.com/a.jpg",
                "previewImageUrl": "https://example.com/p.jpg"}]),
    ("location",
     [{"type": "location", "title": "Mae Sai", "address": "Chiang Rai", "latitude": 20.4, "longitude": 99.9}]),
]


@pytest.mark.parametrize("name,messages", VALID, ids=[c[0] for c in VALID])
def test_valid_messages_pass(client, name, messages):
    response = client.post("/v2/bot/message/push", headers=AUTH, json={"to": USER, "messages": messages})
    assert response.status_code == 200, response.get_json()
    assert len(response.get_json()["sentMessages"]) == len(messages)


def test_body_that_is_not_json_is_400(client):
    response = client.post("/v2/bot/message/push", headers=AUTH, data="{nope", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["details"]


@pytest.mark.parametrize("headers",
                         [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "test-channel-access-token"}])
@pytest.mark.parametrize("method,path", [
    ("post", "/v2/bot/message/reply"), ("post", "/v2/bot/message/push"), ("post", "/v2/bot/message/multicast"),
    ("get", f"/v2/bot/profile/{USER}"), ("post", "/v2/bot/richmenu"), ("get", "/v2/bot/richmenu/list"),
    ("post", "/v2/bot/chat/loading/start"),
])
def test_missing_or_wrong_token_is_401(client, headers, method, path):
    response = getattr(client, method)(path, headers=headers, json={"to": USER, "messages": [text()]})
    assert response.status_code == 401
    assert response.get_json()["message"].startswith("Authentication failed")


def test_a_valid_flex_multicast_is_parsed_by_the_sdk_once(monkeypatch):
    """The request's model parses the card; no second and third parse of the same card on its own."""
    parses = []
    parse = FlexContainer.from_dict
    monkeypatch.setattr(FlexContainer, "from_dict", classmethod(lambda cls, obj: parses.append(obj) or parse(obj)))
    assert validate_multicast({"to": [USER], "messages": [text(), flex()]}) == []
    assert parses == [BUBBLE]


def test_what_only_the_sdk_refuses_is_named_at_its_part():
    """A flex layout and a text's emojis pass LINE's limits here; the SDK's refusal still names the message."""
    bubble = {"type": "bubble",
              "body": {"type": "box", "layout": "diagonal", "contents": [{"type": "text", "text": "x"}]}}
    assert validate_multicast({"to": [USER], "messages": [text(), flex(bubble)]}) == [
        {"message": "must be one of enum values ('horizontal', 'vertical', 'baseline')",
         "property": "messages[1].contents.layout"}]
    assert validate_multicast({"to": [USER], "messages": [text("hi", emojis="nope")]}) == [
        {"message": "Emoji expected dict not str", "property": "messages[0]"}]
    assert validate_multicast({"to": [USER], "messages": [text()], "notificationDisabled": "maybe"}) == [
        {"message": "value is not a valid boolean", "property": "notificationDisabled"}]
