"""Messaging API send endpoints (reply, push, multicast) as the bot's SDK calls them.

A send is validated like LINE does, then "delivered": its messages are appended
to the transcript of each target chat so the chat page shows them.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, g, jsonify, request

from . import quota_api, validation
from .context import get_emulator
from .ids import is_uuid, new_message_id, new_quote_token
from .platform_common import guess_chats, install_guard, json_body, line_error, record_send

bp = install_guard(Blueprint("line_messages", __name__, url_prefix="/v2/bot/message"))

QUOTABLE = {"text", "textV2", "sticker", "image", "video"}


def _deliver(messages: list[dict], chats: list[str]) -> list[dict]:
    """Put messages into each chat's transcript; return sentMessages (of the first chat).

    A multicast reaches up to 500 chats, a broadcast hundreds of such calls: every chat's item holds
    the request's own messages, not a copy (they were parsed for this request alone, and nothing
    changes a delivered message: transcripts are read through state.snapshot or written as JSON),
    and the state's lock is taken once, so the emulator is never the slow part of a big send."""
    path, request_id = request.path, g.request_id
    sent_first: list[dict] = []
    items: list[tuple[str, dict]] = []
    for index, chat in enumerate(chats):
        for message in messages:
            message_id = new_message_id()
            if index == 0:
                sent = {"id": message_id}
                if message.get("type") in QUOTABLE:
                    sent["quoteToken"] = new_quote_token()
                sent_first.append(sent)
            items.append((chat, {"side": "bot", "path": path, "requestId": request_id, "message": message,
                                 "messageId": message_id}))
    get_emulator().state.deliver(chats, items)
    return sent_first


def _reject(status: int, message: str, body: Any, **extra: Any):
    record_send(status, extra.pop("error", message), body, guess_chats(body))
    return line_error(status, message, **extra)


def _checked_body(validate: Callable[[Any], list]) -> tuple[Any, Any]:
    """(body, None) if valid, else (body, error response)."""
    body = json_body()
    if body is None:
        return body, _reject(400, "The request body has 1 error(s)", body,
                             details=[{"message": "Invalid JSON", "property": ""}])
    details = validate(body)
    if details:
        record_send(400, "; ".join(f"{d['property']}: {d['message']}" for d in details), body, guess_chats(body))
        return body, (jsonify(validation.error_body(details)), 400)
    return body, None


@bp.post("/reply")
def reply():
    body, error = _checked_body(validation.validate_reply)
    if error:
        return error
    emulator = get_emulator()
    with emulator.state.lock:
        chat = emulator.state.claim_reply_token(body["replyToken"], emulator.config.reply_token_ttl)
        if chat is None:
            return _reject(400, "Invalid reply token", body)
        sent = _deliver(body["messages"], [chat])
        record_send(200, None, body, [chat], sent)
    return jsonify({"sentMessages": sent})


def _send_with_retry_key(validate: Callable[[Any], list], chats_of: Callable[[dict], list[str]],
                         respond: Callable[[list[dict]], dict]):
    """push and multicast: X-Line-Retry-Key makes a repeated request a 409, delivered once."""
    key = request.headers.get("X-Line-Retry-Key")
    if key is not None and not is_uuid(key):
        return _reject(400, "The value of the X-Line-Retry-Key header must be a UUID", json_body())
    body, error = _checked_body(validate)
    if error:
        return error
    state = get_emulator().state
    with state.lock:
        accepted = state.accepted_retry_key(key) if key else None
        if accepted:
            response, status = _reject(409, "The retry key is already accepted", body,
                                       sentMessages=accepted["sentMessages"])
            response.headers["x-line-accepted-request-id"] = accepted["requestId"]
            return response, status
        chats = chats_of(body)
        sent = _deliver(body["messages"], chats)
        quota_api.count(len(chats))   # pushes and multicasts count against the month's quota
        if key:
            state.accept_retry_key(key, g.request_id, sent)
        record_send(200, None, body, chats, sent)
    return jsonify(respond(sent))


@bp.post("/push")
def push():
    return _send_with_retry_key(validation.validate_push, lambda body: [body["to"]],
                                lambda sent: {"sentMessages": sent})


@bp.post("/multicast")
def multicast():
    # LINE answers a multicast with an empty object (MulticastResponse has no fields).
    return _send_with_retry_key(validation.validate_multicast, lambda body: list(dict.fromkeys(body["to"])),
                                lambda sent: {})


@bp.get("/<message_id>/content")
def message_content(message_id: str):
    """Bytes of an image the person sent (the SDK's MessagingApiBlob.get_message_content)."""
    content = get_emulator().state.get_content(message_id)
    if content is None:
        return line_error(404, "Not found")
    data, content_type = content
    return data, 200, {"Content-Type": content_type}
