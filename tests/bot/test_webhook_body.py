"""bot/webhook_body.py: a body whose one event cannot be parsed still gives up its other events;
a body that is not an object with an events array gives up nothing."""
from __future__ import annotations

import json

import pytest

from bot.event_shape import MAX_DEPTH
from bot.webhook_body import MalformedBody, Unreadable, parse_events
from tests.support.events import text_event


def body(*events: str) -> str:
    return '{"destination": "U0", "events": [' + ", ".join(events) + "]}"


def test_the_usual_body_is_parsed_whole():
    event = text_event("U1", "hello")
    assert parse_events(body(json.dumps(event))) == [event]


def test_an_event_too_deep_for_json_is_unreadable_alone():
    good = text_event("U1", "hello")
    bad = '{"webhookEventId": "01BAD", "type": "message", "x": ' + "[" * 5000 + "]" * 5000 + "}"
    events = parse_events(body(json.dumps(good), bad))
    assert events[0] == good
    assert events[1] == Unreadable("nested too deep", "01BAD", "message")


def test_a_number_json_cannot_convert_is_unreadable_alone():
    good = text_event("U1", "hello")
    bad = '{"webhookEventId": "01NUM", "type": "message", "n": ' + "9" * 5000 + "}"
    events = parse_events(body(bad, json.dumps(good)))
    assert events[0].reason == "not valid JSON" and events[0].event_id == "01NUM"
    assert events[1] == good


def test_an_event_just_within_the_depth_limit_is_kept_when_the_body_is_split():
    nested = '{"x": ' * (MAX_DEPTH - 1) + "1" + "}" * (MAX_DEPTH - 1)
    bad = '{"n": ' + "9" * 5000 + "}"
    assert parse_events(body(nested, bad))[0] == json.loads(nested)


@pytest.mark.parametrize("raw", ['[]', '{"events": {}}', '{"destination": "U0"}', '{"events": [' + "[" * 5000,
                                 '{"events": [1,,2], "n": ' + "9" * 5000 + "}"])
def test_a_body_without_an_events_array_is_malformed(raw):
    with pytest.raises(MalformedBody):
        parse_events(raw)
