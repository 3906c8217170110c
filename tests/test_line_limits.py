"""line_limits.py: each of our numbers is LINE's, as LINE's side (the emulator's request
validation) knows it: a message at the limit is accepted, one past it refused."""
from __future__ import annotations

import pytest

import line_limits as limits
from emulator.validation import validate_push

TO = "U" + "0" * 32


def push(*messages: dict) -> list:
    return validate_push({"to": TO, "messages": list(messages)})


def text(length: int, **extra) -> dict:
    return {"type": "text", "text": "x" * length, **extra}


def quick_replies(count: int, label: str = "ok") -> dict:
    return {"items": [{"type": "action", "action": {"type": "message", "label": label, "text": "ok"}}] * count}


def buttons(actions: int = 1, label: str = "ok", text_chars: int = 1, alt_chars: int = 1) -> dict:
    return {"type": "template", "altText": "a" * alt_chars,
            "template": {"type": "buttons", "text": "t" * text_chars,
                         "actions": [{"type": "uri", "label": label, "uri": "tel:191"}] * actions}}


def flex(alt_chars: int) -> dict:
    return {"type": "flex", "altText": "a" * alt_chars,
            "contents": {"type": "bubble", "body": {"type": "box", "layout": "vertical",
                                                     "contents": [{"type": "text", "text": "x"}]}}}


def location(title_chars: int = 1, address_chars: int = 1) -> dict:
    return {"type": "location", "title": "t" * title_chars, "address": "a" * address_chars,
            "latitude": 13.75, "longitude": 100.5}


@pytest.mark.parametrize("at_limit, past_limit", [
    ([text(1)] * limits.MAX_MESSAGES_PER_REQUEST, [text(1)] * (limits.MAX_MESSAGES_PER_REQUEST + 1)),
    ([text(limits.MAX_TEXT_CHARS)], [text(limits.MAX_TEXT_CHARS + 1)]),
    ([text(1, quickReply=quick_replies(limits.MAX_QUICK_REPLY_ITEMS))],
     [text(1, quickReply=quick_replies(limits.MAX_QUICK_REPLY_ITEMS + 1))]),
    ([text(1, quickReply=quick_replies(1, "l" * limits.MAX_ACTION_LABEL_CHARS))],
     [text(1, quickReply=quick_replies(1, "l" * (limits.MAX_ACTION_LABEL_CHARS + 1)))]),
    ([buttons(label="l" * limits.MAX_ACTION_LABEL_CHARS)], [buttons(label="l" * (limits.MAX_ACTION_LABEL_CHARS + 1))]),
    ([buttons(actions=limits.MAX_BUTTONS_TEMPLATE_ACTIONS)],
     [buttons(actions=limits.MAX_BUTTONS_TEMPLATE_ACTIONS + 1)]),
    ([buttons(text_chars=limits.MAX_BUTTONS_TEMPLATE_TEXT_CHARS)],
     [buttons(text_chars=limits.MAX_BUTTONS_TEMPLATE_TEXT_CHARS + 1)]),
    ([buttons(alt_chars=limits.MAX_TEMPLATE_ALT_TEXT_CHARS)],
     [buttons(alt_chars=limits.MAX_TEMPLATE_ALT_TEXT_CHARS + 1)]),
    ([flex(limits.MAX_FLEX_ALT_TEXT_CHARS)], [flex(limits.MAX_FLEX_ALT_TEXT_CHARS + 1)]),
    ([location(title_chars=limits.MAX_LOCATION_TITLE_CHARS)],
     [location(title_chars=limits.MAX_LOCATION_TITLE_CHARS + 1)]),
    ([location(address_chars=limits.MAX_LOCATION_ADDRESS_CHARS)],
     [location(address_chars=limits.MAX_LOCATION_ADDRESS_CHARS + 1)]),
], ids=["messages", "text", "quick_replies", "quick_reply_label", "template_label", "template_actions",
        "template_text", "template_alt_text", "flex_alt_text", "location_title", "location_address"])
def test_limit_is_lines(at_limit, past_limit):
    assert push(*at_limit) == []
    assert push(*past_limit) != []
