"""The flex layout of officers' cards: the alert card, the group's confirm card and the
dashboard's sign-in link.

The words come from cases.alert_text; this only places them in LINE's bubbles, boxes and
buttons, colours the header by urgency and keeps each text within what LINE accepts. The alt
text, which phones show in notifications, says only "new case <ref> (<urgency>)".
"""
from __future__ import annotations

from cases.alert_text import AlertText
from line_limits import MAX_ACTION_LABEL_CHARS, MAX_FLEX_ALT_TEXT_CHARS

from .render import fit

URGENCY_COLOURS = {"urgent": "#C62828", "high": "#E65100", "standard": "#616161"}  # red, orange, grey
DEFAULT_COLOUR = URGENCY_COLOURS["standard"]
HEADER_TEXT_COLOUR = "#FFFFFF"
LABEL_COLOUR = "#8C8C8C"
ACK_COLOUR = "#2E7D32"

# Ours: LINE sets no length for a flex text, only the bubble's size; this keeps the card small
# whatever a field holds.
CARD_TEXT_CHARS = 2000


def postback_data(action: str, case, *choice: str) -> str:
    """The data of an alert button: "case|ack|<id>", with a choice "case|close|<id>|<outcome>"
    (bot/officers.py parses it)."""
    return "|".join(("case", action, str(case.id), *choice))


def alert_card(text: AlertText, case, reason: str | None = None, nobody_at: str | None = None) -> dict:
    """The flex message pushed to the committee's duty officers (and its group)."""
    words = text.alert(case, reason, nobody_at)
    header = _box("vertical", [
        _text(words.title, weight="bold", size="lg", color=HEADER_TEXT_COLOUR),
        _text(words.subtitle, size="sm", color=HEADER_TEXT_COLOUR),
    ], backgroundColor=URGENCY_COLOURS.get(case.urgency, DEFAULT_COLOUR), paddingAll="16px")
    footer = _box("vertical", [
        _box("horizontal", [
            _button(text.t("button.ack.label"), postback_data("ack", case), style="primary", color=ACK_COLOUR),
            _button(text.t("button.esc.label"), postback_data("esc", case), style="secondary"),
            _button(text.t("button.info.label"), postback_data("info", case), style="secondary"),
        ], spacing="sm"),
        _box("horizontal", [
            _button(text.t(f"button.{action}.label"), postback_data(action, case), style="secondary")
            for action in ("take", "close", "refer", "move")
        ], spacing="sm"),
        _button(text.t("button.msg.label"), postback_data("msg", case), style="secondary"),
    ], spacing="sm")
    bubble = {"type": "bubble", "size": "giga", "header": header,
              "body": _box("vertical", [_row(label, values) for label, values in words.rows], spacing="md"),
              "footer": footer}
    return {"type": "flex", "altText": fit(words.alt, MAX_FLEX_ALT_TEXT_CHARS), "contents": bubble}


def confirm_card(text: str, label: str, data: str, display: str) -> dict:
    """A short text with one button, for an officer to confirm in a group (or type the words)."""
    action = {"type": "postback", "label": fit(label, MAX_ACTION_LABEL_CHARS), "data": data, "displayText": display}
    bubble = {"type": "bubble", "body": _box("vertical", [_text(text, size="sm")]),
              "footer": _box("vertical", [{"type": "button", "style": "primary", "color": ACK_COLOUR,
                                           "height": "sm", "action": action}])}
    return {"type": "flex", "altText": fit(text, MAX_FLEX_ALT_TEXT_CHARS), "contents": bubble}


def link_card(text: str, label: str, uri: str) -> dict:
    """A short text with one button that opens `uri` (the alt text never carries the link)."""
    action = {"type": "uri", "label": fit(label, MAX_ACTION_LABEL_CHARS), "uri": uri}
    bubble = {"type": "bubble", "body": _box("vertical", [_text(text, size="sm")]),
              "footer": _box("vertical", [{"type": "button", "style": "primary", "color": ACK_COLOUR,
                                           "height": "sm", "action": action}])}
    return {"type": "flex", "altText": fit(text, MAX_FLEX_ALT_TEXT_CHARS), "contents": bubble}


def _text(text: str, **style) -> dict:
    return {"type": "text", "text": fit(text, CARD_TEXT_CHARS), "wrap": True, **style}


def _box(layout: str, contents: list[dict], **style) -> dict:
    return {"type": "box", "layout": layout, "contents": contents, **style}


def _row(label: str, values: list[str]) -> dict:
    """A "label | value" row; several values are stacked in the value column."""
    value = _text(values[0], size="sm", flex=7) if len(values) == 1 else \
        _box("vertical", [_text(v, size="sm") for v in values], flex=7, spacing="xs")
    return _box("horizontal", [_text(label, size="sm", color=LABEL_COLOUR, flex=3), value], spacing="md")


def _button(label: str, data: str, **style) -> dict:
    return {"type": "button", "height": "sm", "flex": 1, **style,
            "action": {"type": "postback", "label": fit(label, MAX_ACTION_LABEL_CHARS), "data": data}}
