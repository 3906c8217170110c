"""bot/event_shape.py: an event the inbox must not take is named by a fixed reason, never by
what it says; a well-formed one passes; a type the bot does not handle is told apart."""
from __future__ import annotations

import pytest

from bot.event_shape import (
    MAX_DEPTH,
    UNHANDLED,
    age_problem,
    deep_checks_needed,
    deep_problem,
    loggable,
    problem,
)
from tests.support import events as build

HOUR_MS = 60 * 60 * 1000


@pytest.mark.parametrize("event", [
    build.text_event("U1", "hello"),
    build.postback_event(build.group_source("C1", "U1"), "c|main.menu|0"),
    build.follow_event("U1"), build.unfollow_event("U1"), build.join_event("C1"), build.leave_event("C1"),
    build.member_joined_event("C1", ["U1"]), build.member_left_event("C1", ["U2"]),
    build.message_event(build.user_source("U1"), build.location_message()),
])
def test_line_shaped_events_pass(event):
    assert problem(event) is None


def test_a_type_the_bot_does_not_handle_is_not_an_error():
    assert problem(build.beacon_event("U1")) == UNHANDLED


@pytest.mark.parametrize("change, reason", [
    (lambda e: e.update(type=7), "type is not a string"),
    (lambda e: e.update(webhookEventId="x" * 65), "webhookEventId"),
    (lambda e: e.update(timestamp=True), "timestamp"),
    (lambda e: e.update(replyToken="tok\x00en"), "replyToken"),
    (lambda e: e["source"].update(type="channel"), "source.type"),
    (lambda e: e["message"].update(text=["words"]), "message.text is not a string"),
])
def test_a_broken_field_is_named_without_its_content(change, reason):
    event = build.text_event("U1", "my secret words")
    change(event)
    found = problem(event)
    assert found and reason in found and "secret" not in found


def test_deep_nesting_and_lone_surrogates_are_found_only_when_the_body_can_hold_them():
    body = '{"events": [{"a": "\\ud800"}]}'
    assert deep_checks_needed(body) == (False, True)
    assert deep_checks_needed('{"events": []}') == (False, False)
    deep: dict = {}
    inner = deep
    for _ in range(MAX_DEPTH + 1):
        inner["x"] = {}
        inner = inner["x"]
    assert deep_problem(deep, surrogates=False) == "nested too deep"
    assert deep_problem({"text": "\ud800"}, surrogates=True) == "a lone surrogate in a string"
    assert deep_problem({"text": "\ud800"}, surrogates=False) is None


def test_age_refuses_what_is_past_the_window_or_an_hour_ahead():
    now = 1_750_000_000_000
    assert age_problem(now - 10, now, max_age_ms=HOUR_MS) is None
    assert age_problem(now - HOUR_MS - 1, now, max_age_ms=HOUR_MS) == "older than the redelivery window"
    assert age_problem(now + HOUR_MS + 1, now, max_age_ms=HOUR_MS) == "in the future"


def test_only_plain_tokens_reach_a_log_line():
    assert loggable("01HXYZABC") == "01HXYZABC"
    assert loggable("my address is 12 Moo 3") == "?"
    assert loggable(None) == "?"
