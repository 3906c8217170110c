"""LINE webhook events → the flow engine's Input. The only place that reads event shapes."""
from __future__ import annotations

from flows.model import Input

TEXT_LIMIT_FOR_INPUT = 20000


def to_input(event: dict) -> Input | None:
    """What the person did, or None for events that ask for no answer (unfollow, leave...)."""
    kind = event.get("type")
    if kind == "follow":
        return Input("start")
    if kind == "postback":
        postback = event.get("postback") or {}
        picked = (postback.get("params") or {}).get("date") if isinstance(postback.get("params"), dict) else None
        if isinstance(picked, str):   # LINE's date picker (flows' date input): the date chosen
            return Input("date", text=picked[:10], data=str(postback.get("data", ""))[:300])
        return Input("choice", data=str(postback.get("data", ""))[:300])
    if kind != "message":
        return None
    message = event.get("message") or {}
    mtype = message.get("type")
    if mtype == "text":
        return Input("text", text=str(message.get("text", ""))[:TEXT_LIMIT_FOR_INPUT])
    if mtype == "location":
        return Input("location", latitude=message.get("latitude"), longitude=message.get("longitude"),
                     address=str(message.get("address") or message.get("title") or ""))
    if mtype == "sticker":
        return Input("sticker")
    if mtype == "image":
        return Input("image", media_id=str(message.get("id", "")))
    return Input("file", media_id=str(message.get("id", "")))  # video, audio, file: not expected


def user_of(event: dict) -> str | None:
    return (event.get("source") or {}).get("userId")


def is_group(event: dict) -> bool:
    return (event.get("source") or {}).get("type") in ("group", "room")


def blocks_bot(event: dict) -> bool | None:
    """True when the person blocked the bot (`unfollow`), False when they added or unblocked
    it (`follow`), None for every other event."""
    return {"unfollow": True, "follow": False}.get(event.get("type")) if isinstance(event.get("type"), str) else None
