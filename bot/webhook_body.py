"""A webhook body's events, even when one of them cannot be parsed.

Why: json.loads of a whole body fails for all its events when a single one is nested
thousands of levels deep (RecursionError) or holds a number too long to convert
(ValueError), and the good events of that batch would be lost. The body is then cut into
its events with a small tokenizer (no recursion, a depth count per event) and each event
is parsed on its own; an event that still cannot be parsed, or is nested deeper than
event_shape.MAX_DEPTH, becomes an Unreadable in its place. The usual body takes the one
json.loads fast path.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .event_shape import MAX_DEPTH


class MalformedBody(ValueError):
    """The body is not a JSON object with an events array: nothing in it can be taken."""


@dataclass(frozen=True)
class Unreadable:
    """An event that could not be parsed; only its id and type, if they could be found."""

    reason: str
    event_id: str | None = None
    kind: str | None = None


# One JSON token after optional white space: a string, a structural character, or a scalar
# (number, true, false, null: checked by json.loads when the event is parsed).
_TOKEN = re.compile(r'[ \t\r\n]*(?:("[^"\\]*(?:\\.[^"\\]*)*")|([\[\]{},:])|([^ \t\r\n\[\]{},:"]+))', re.S)
_EVENT_ID = re.compile(r'"webhookEventId"\s*:\s*"([^"\\]{1,64})"')
_TYPE = re.compile(r'"type"\s*:\s*"([^"\\]{1,40})"')


def parse_events(body: str) -> list:
    """The body's events array: parsed events (any JSON value), and Unreadable ones."""
    try:
        document = json.loads(body)
    except (RecursionError, ValueError):
        return _split(body)
    events = document.get("events") if type(document) is dict else None
    if type(events) is not list:
        raise MalformedBody("events is not an array")
    return events


def _split(body: str) -> list:
    spans = _event_spans(body)
    events = []
    for start, end, depth in spans:
        text = body[start:end]
        if depth > MAX_DEPTH:
            events.append(_unreadable("nested too deep", text))
            continue
        try:
            events.append(json.loads(text))
        except (RecursionError, ValueError):
            events.append(_unreadable("not valid JSON", text))
    return events


def _unreadable(reason: str, text: str) -> Unreadable:
    event_id, kind = _EVENT_ID.search(text), _TYPE.search(text)
    return Unreadable(reason, event_id and event_id.group(1), kind and kind.group(1))


def _event_spans(body: str) -> list[tuple[int, int, int]]:
    """(start, end, depth) of each element of the top-level object's "events" array, found
    without recursion. Raises MalformedBody unless the brackets balance, the body is one
    object and it has an events array."""
    stack: list[str] = []
    spans: list[tuple[int, int, int]] = []
    events_level = None          # len(stack) inside the events array
    start = deepest = None
    key = previous = None
    found = False
    pos, length = 0, len(body)
    while pos < length:
        match = _TOKEN.match(body, pos)
        if match is None:
            if body[pos:].strip():
                raise MalformedBody("not JSON")
            break
        pos = match.end()
        string, mark, _scalar = match.groups()
        token_start = match.start(1) if string else match.start(2) if mark else match.start(3)
        level = len(stack)
        if events_level is not None and level == events_level and mark in (",", "]"):
            if start is None:
                if mark == "," or spans:
                    raise MalformedBody("empty element in events")
            else:
                spans.append((start, token_start, deepest))
                start = None
            if mark == "]":
                stack.pop()
                events_level = None
            continue
        if events_level is not None and level == events_level and start is None:
            start, deepest = token_start, 0
        if mark in ("{", "["):
            if level == 1 and mark == "[" and previous == ":" and key == '"events"' and not found:
                stack.append(mark)
                events_level, found = 2, True
                continue
            stack.append(mark)
            if events_level is not None and start is not None:
                deepest = max(deepest, len(stack) - events_level)
        elif mark in ("}", "]"):
            if not stack or stack.pop() != ("{" if mark == "}" else "["):
                raise MalformedBody("brackets do not balance")
            if not stack and body[pos:].strip():
                raise MalformedBody("text after the body")
        elif level == 0:
            raise MalformedBody("the body is not an object")
        if level == 1 and string is not None:
            key = string
        previous = mark
    if stack or not found:
        raise MalformedBody("brackets do not balance, or no events array")
    return spans
