"""The shape a LINE webhook event must have before the inbox takes it.

Why: one malformed event must be dropped alone, so that the well-formed events of the same
batch are still stored and answered, and nothing stored can later crash the worker or a
database column. The rules follow LINE's webhook.yml (shared/line-openapi/) for the event
types the bot handles and the fields it reads or stores; they are plain type tests, cheap
enough for the webhook's hot path (no SDK model parsing). Each rule answers with a fixed
reason, never with what the event says.
"""
from __future__ import annotations

import math
import re

HANDLED_EVENTS = frozenset({"message", "postback", "follow", "unfollow", "join", "leave",
                            "memberJoined", "memberLeft"})

MAX_DEPTH = 16             # objects and arrays inside one event; LINE's deepest (mention.mentionees[]) is 4
MAX_ID_LENGTH = 64         # webhook_event_id, reply_token and the chat ids (chat_key, push_to) columns
MAX_TIMESTAMP = 2 ** 63 - 1   # int64: the line_timestamp column
MAX_FUTURE_MS = 60 * 60 * 1000   # an event from more than an hour ahead of our clock is not LINE's

SOURCE_ID = {"user": "userId", "group": "groupId", "room": "roomId"}

UNHANDLED = "not handled"   # a well-formed type the bot does not handle: not an error

# A JSON escape of a UTF-16 surrogate: the only way a lone surrogate (which cannot be stored
# as UTF-8) gets into a parsed string. Searched for in the raw body, so the walk over every
# string happens only for the bodies that need it.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_LOGGABLE = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


def _is_int(value) -> bool:
    return type(value) is int      # not bool


def _is_id(value) -> bool:
    """LINE's ids and tokens are short printable ASCII; anything else (a NUL, which PostgreSQL
    refuses in a column, a lone surrogate, a newline) is not LINE's."""
    return type(value) is str and 0 < len(value) <= MAX_ID_LENGTH and value.isascii() and value.isprintable()


def _is_number(value) -> bool:
    return type(value) in (int, float) and math.isfinite(value)


def _optional(mapping: dict, key: str, test) -> bool:
    return key not in mapping or test(mapping[key])


def problem(event) -> str | None:
    """Why this event cannot be taken (a fixed phrase), UNHANDLED for a type the bot does not
    handle, or None when it is well-formed. Depth and lone surrogates: see deep_problem."""
    if type(event) is not dict:
        return "event is not an object"
    kind = event.get("type")
    if type(kind) is not str:
        return "type is not a string"
    if kind not in HANDLED_EVENTS:
        return UNHANDLED
    if not _is_id(event.get("webhookEventId")):
        return "webhookEventId is missing, not a string or too long"
    timestamp = event.get("timestamp")
    if not _is_int(timestamp) or not 0 <= timestamp <= MAX_TIMESTAMP:
        return "timestamp is not an integer in 0..2^63-1"
    context = event.get("deliveryContext")
    if type(context) is not dict or not _optional(context, "isRedelivery", lambda v: type(v) is bool):
        return "deliveryContext is not an object with a boolean isRedelivery"
    if not _optional(event, "mode", lambda v: type(v) is str):
        return "mode is not a string"
    if not _optional(event, "replyToken", _is_id):
        return "replyToken is not a string of 1..64 characters"
    if "source" in event and (reason := _source_problem(event["source"])):
        return reason
    check = _BY_TYPE.get(kind)
    return check(event) if check else None


def _source_problem(source) -> str | None:
    if type(source) is not dict:
        return "source is not an object"
    kind = source.get("type")
    id_key = SOURCE_ID.get(kind) if type(kind) is str else None
    if id_key is None:
        return "source.type is not user, group or room"
    if id_key != "userId" and id_key not in source:
        return "source has no id for its type"
    for key in SOURCE_ID.values():
        if not _optional(source, key, _is_id):
            return "a source id is not a string of 1..64 characters"
    return None


def _message_problem(event) -> str | None:
    message = event.get("message")
    if type(message) is not dict:
        return "message is not an object"
    if type(message.get("type")) is not str or type(message.get("id")) is not str:
        return "message.type or message.id is not a string"
    kind = message["type"]
    if kind == "text" and type(message.get("text")) is not str:
        return "message.text is not a string"
    if kind == "location":
        if not (_is_number(message.get("latitude")) and _is_number(message.get("longitude"))):
            return "location latitude or longitude is not a number"
        if not (_optional(message, "address", lambda v: type(v) is str)
                and _optional(message, "title", lambda v: type(v) is str)):
            return "location address or title is not a string"
    return None


def _postback_problem(event) -> str | None:
    postback = event.get("postback")
    if type(postback) is not dict or type(postback.get("data")) is not str:
        return "postback is not an object with a string data"
    if not _optional(postback, "params", lambda v: type(v) is dict):
        return "postback.params is not an object"
    return None


def _follow_problem(event) -> str | None:
    if not _optional(event, "follow", lambda v: type(v) is dict):
        return "follow is not an object"
    return None


def _members_problem(key: str):
    def check(event) -> str | None:
        members = event.get(key)
        if type(members) is not dict or type(members.get("members")) is not list:
            return f"{key} is not an object with a members array"
        for member in members["members"]:
            if type(member) is not dict or not _optional(member, "userId", _is_id):
                return f"{key}.members has a member that is not a user source"
        return None
    return check


_BY_TYPE = {"message": _message_problem, "postback": _postback_problem, "follow": _follow_problem,
            "memberJoined": _members_problem("joined"), "memberLeft": _members_problem("left")}


def deep_checks_needed(body: str) -> tuple[bool, bool]:
    """(depth, surrogates): which of deep_problem's walks this body can need. An event can
    only be nested deeper than MAX_DEPTH if the body has that many brackets; a lone surrogate
    can only come from an escape. Both are C-speed scans of the raw body."""
    depth = body.count("{") + body.count("[") > MAX_DEPTH + 1   # + the body's own object and array
    return depth, _SURROGATE_ESCAPE.search(body) is not None


def deep_problem(event, surrogates: bool) -> str | None:
    """Nesting deeper than MAX_DEPTH, or (when asked) a lone surrogate in any key or string."""
    return _walk(event, 1, surrogates)


def _walk(value, depth: int, surrogates: bool) -> str | None:
    if depth > MAX_DEPTH:
        return "nested too deep"
    if type(value) is dict:
        items = value.items()
    elif type(value) is list:
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        if surrogates and type(key) is str and _SURROGATE.search(key):
            return "a lone surrogate in a string"
        kind = type(item)
        if kind is dict or kind is list:
            if reason := _walk(item, depth + 1, surrogates):
                return reason
        elif surrogates and kind is str and _SURROGATE.search(item):
            return "a lone surrogate in a string"
    return None


def age_problem(timestamp: int, now_ms: int, max_age_ms: int) -> str | None:
    """Older than LINE's redelivery window (the inbox may forget events after it, so a replay
    could not be told from a new event), or implausibly far in the future."""
    if now_ms - timestamp > max_age_ms:
        return "older than the redelivery window"
    if timestamp - now_ms > MAX_FUTURE_MS:
        return "in the future"
    return None


def loggable(value) -> str:
    """An event's id or type as it may appear in a log line: only if it is a short plain token
    (an id or a type name), never free text."""
    return value if type(value) is str and _LOGGABLE.fullmatch(value) else "?"
