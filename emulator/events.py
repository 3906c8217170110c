"""Build webhook event objects exactly as LINE's webhook.yml describes them.

Pure functions: they turn what the person did on the chat page (a "spec" such as
{"type": "text", "userId": ..., "text": ...}) into the event dict LINE would send.
Registering reply tokens, storing image bytes etc. is the caller's job.
"""
from __future__ import annotations

from typing import Any

from . import ids

EVENT_TYPES = ("text", "postback", "location", "sticker", "image", "follow", "unfollow", "join", "leave")
REPLYABLE = {"message", "postback", "follow", "join"}
STICKER_RESOURCE_TYPES = {"STATIC", "ANIMATION", "SOUND", "ANIMATION_SOUND", "POPUP", "POPUP_SOUND",
                          "CUSTOM", "MESSAGE", "NAME_TEXT", "PER_STICKER_TEXT"}


class SpecError(ValueError):
    """The control API was asked for an event that can't exist; answered with 400."""


def _require_str(spec: dict, key: str, allow_empty: bool = False) -> str:
    value = spec.get(key)
    if not isinstance(value, str) or (not allow_empty and not value):
        raise SpecError(f"'{key}' must be a non-empty string")
    return value


def _number(spec: dict, key: str, lo: float, hi: float) -> float:
    value = spec.get(key)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SpecError(f"'{key}' must be a number") from None
    if not lo <= number <= hi:
        raise SpecError(f"'{key}' must be between {lo} and {hi}")
    return number


def chat_key(spec: dict) -> str:
    """The chat an action happens in: the group if any, else the 1:1 chat (userId)."""
    return spec.get("groupId") or spec["userId"]


def check_spec(spec: Any) -> dict:
    """Validate ids and type of a spec before anything is built or stored."""
    if not isinstance(spec, dict):
        raise SpecError("each event spec must be a JSON object")
    kind = spec.get("type")
    if kind not in EVENT_TYPES:
        raise SpecError(f"'type' must be one of {', '.join(EVENT_TYPES)}")
    if not isinstance(spec.get("userId"), str) or not ids.USER_ID_RE.match(spec["userId"]):
        raise SpecError("'userId' must look like U + 32 lowercase hex chars")
    group_id = spec.get("groupId")
    if group_id is not None and (not isinstance(group_id, str) or not ids.GROUP_ID_RE.match(group_id)):
        raise SpecError("'groupId' must look like C + 32 lowercase hex chars")
    if kind in ("join", "leave") and not group_id:
        raise SpecError(f"'{kind}' needs a groupId")
    if kind in ("follow", "unfollow") and group_id:
        raise SpecError(f"'{kind}' happens in the 1:1 chat; drop groupId")
    return spec


def _source(spec: dict, with_user: bool) -> dict:
    if spec.get("groupId"):
        source = {"type": "group", "groupId": spec["groupId"]}
        if with_user:
            source["userId"] = spec["userId"]
        return source
    return {"type": "user", "userId": spec["userId"]}


def _message(spec: dict) -> dict:
    kind = spec["type"]
    message: dict[str, Any] = {"type": kind, "id": ids.new_message_id()}
    if kind == "text":
        message["text"] = _require_str(spec, "text")
        message["quoteToken"] = ids.new_quote_token()
    elif kind == "image":
        message["contentProvider"] = {"type": "line"}
        message["quoteToken"] = ids.new_quote_token()
    elif kind == "location":
        for key in ("title", "address"):
            if spec.get(key):
                message[key] = str(spec[key])
        message["latitude"] = _number(spec, "latitude", -90, 90)
        message["longitude"] = _number(spec, "longitude", -180, 180)
    elif kind == "sticker":
        message["packageId"] = str(_require_str(spec, "packageId"))
        message["stickerId"] = str(_require_str(spec, "stickerId"))
        resource = spec.get("stickerResourceType", "STATIC")
        if resource not in STICKER_RESOURCE_TYPES:
            raise SpecError("unknown stickerResourceType")
        message["stickerResourceType"] = resource
        if spec.get("keywords"):
            message["keywords"] = [str(k) for k in spec["keywords"]][:15]
        message["quoteToken"] = ids.new_quote_token()
    message["markAsReadToken"] = ids.new_quote_token()
    return message


def build_event(spec: dict, timestamp_ms: int, *, is_unblocked: bool = False) -> dict:
    """One webhook event for a checked spec (see check_spec)."""
    kind = spec["type"]
    if kind in ("text", "image", "location", "sticker"):
        event: dict[str, Any] = {"type": "message", "message": _message(spec)}
    elif kind == "postback":
        postback: dict[str, Any] = {"data": _require_str(spec, "data")}
        params = spec.get("params")
        if params:
            if not isinstance(params, dict):
                raise SpecError("'params' must be an object")
            postback["params"] = {str(k): str(v) for k, v in params.items()}
        event = {"type": "postback", "postback": postback}
    elif kind == "follow":
        event = {"type": "follow", "follow": {"isUnblocked": bool(is_unblocked)}}
    else:  # unfollow, join, leave carry nothing but the common fields
        event = {"type": kind}
    event["webhookEventId"] = ids.new_webhook_event_id(timestamp_ms)
    event["deliveryContext"] = {"isRedelivery": False}
    event["timestamp"] = int(timestamp_ms)
    event["source"] = _source(spec, with_user=kind not in ("join", "leave"))
    if event["type"] in REPLYABLE:
        event["replyToken"] = ids.new_reply_token()
    event["mode"] = "active"
    return event
